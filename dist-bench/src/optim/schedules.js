/**
 * Learning-rate schedules: pure functions of the step count, `(step) => rate`. Step 0 is the first
 * update (`scaleByLearningRate` keeps the count in its state and asks the schedule for the rate of
 * each update before counting it). Schedules compose with `join`: warm-up, then decay.
 */
import * as T from '../tensor/index.js';
import { finite, nonNegative, positive } from './validation.js';
// ─── constructors ───────────────────────────────────────────────────────────────────────────────
/**
 * The same rate at every step.
 *
 * @example
 * optim.constant(0.1)(1000)  // 0.1
 */
export const constant = (value) => {
    finite('constant', 'value', value);
    return () => value;
};
/**
 * initial · decayRate^(step / decaySteps), or with `staircase` initial · decayRate^⌊step / decaySteps⌋
 * (Keras's ExponentialDecay).
 *
 * @example
 * optim.exponentialDecay({ initial: 1, decayRate: 0.5, decaySteps: 10 })(5)                     // ≈ 0.7071068 = 0.5^(5/10)
 * optim.exponentialDecay({ initial: 1, decayRate: 0.5, decaySteps: 10, staircase: true })(15)  // 0.5
 */
export const exponentialDecay = ({ initial, decayRate, decaySteps, staircase = false }) => {
    positive('exponentialDecay', 'initial', initial);
    positive('exponentialDecay', 'decayRate', decayRate);
    positive('exponentialDecay', 'decaySteps', decaySteps);
    return (step) => initial * decayRate ** (staircase ? Math.floor(step / decaySteps) : step / decaySteps);
};
/**
 * Piecewise constant: initial for the first `decaySteps` steps, then multiplied by `decayRate` at
 * the end of each period: initial · decayRate^⌊step / decaySteps⌋ (PyTorch's StepLR; the same as
 * `exponentialDecay` with `staircase`).
 *
 * @example
 * optim.stepDecay({ initial: 0.1, decaySteps: 100 })(250)  // 0.001 = 0.1 · 0.1²
 */
export const stepDecay = ({ initial, decaySteps, decayRate = 0.1 }) => {
    positive('stepDecay', 'initial', initial);
    positive('stepDecay', 'decaySteps', decaySteps);
    positive('stepDecay', 'decayRate', decayRate);
    return (step) => initial * decayRate ** Math.floor(step / decaySteps);
};
/**
 * Half-cosine decay from `initial` to `alpha · initial` over `decaySteps` steps, then constant
 * (Keras's CosineDecay): initial · ((1 − α) · ½(1 + cos(π · min(step, decaySteps) / decaySteps)) + α).
 *
 * @example
 * optim.cosineDecay({ initial: 1, decaySteps: 100 })(50)   // 0.5
 * optim.cosineDecay({ initial: 1, decaySteps: 100 })(500)  // 0
 */
export const cosineDecay = ({ initial, decaySteps, alpha = 0 }) => {
    positive('cosineDecay', 'initial', initial);
    positive('cosineDecay', 'decaySteps', decaySteps);
    if (!(alpha >= 0 && alpha <= 1))
        throw new T.ArgumentError('cosineDecay', `alpha must be in [0, 1], got ${alpha}`);
    return (step) => {
        const cosine = 0.5 * (1 + Math.cos((Math.PI * Math.min(step, decaySteps)) / decaySteps));
        return initial * ((1 - alpha) * cosine + alpha);
    };
};
/**
 * A straight ramp from `initial` (default 0) at step 0 to `peak` at `warmupSteps`, then `peak`.
 *
 * @example
 * optim.linearWarmup({ warmupSteps: 10, peak: 1 })(5)   // 0.5
 * optim.linearWarmup({ warmupSteps: 10, peak: 1 })(50)  // 1
 */
export const linearWarmup = ({ warmupSteps, peak, initial = 0 }) => {
    positive('linearWarmup', 'warmupSteps', warmupSteps);
    positive('linearWarmup', 'peak', peak);
    nonNegative('linearWarmup', 'initial', initial);
    return (step) => initial + ((peak - initial) * Math.min(step, warmupSteps)) / warmupSteps;
};
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/**
 * Schedules one after another: `schedules[0]` before `boundaries[0]`, `schedules[i]` from
 * `boundaries[i − 1]` on. Each later schedule sees the step counted from its own start, step −
 * boundaries[i − 1] (as optax's join_schedules), so a decay that follows a warm-up starts at its own
 * step 0. Needs one boundary fewer than schedules, increasing and ≥ 0.
 *
 * @example
 * const warmupCosine = optim.join([optim.linearWarmup({ warmupSteps: 100, peak: 1e-3 }), optim.cosineDecay({ initial: 1e-3, decaySteps: 900 })], [100])
 * warmupCosine(50)   // 5e-4 (warm-up)
 * warmupCosine(100)  // 1e-3 (cosine decay at its step 0)
 */
export const join = (schedules, boundaries) => {
    if (schedules.length !== boundaries.length + 1) {
        throw new T.ArgumentError('join', `needs one boundary fewer than schedules, got ${schedules.length} schedules and ${boundaries.length} boundaries`);
    }
    boundaries.forEach((b, i) => {
        const previous = i === 0 ? 0 : (boundaries[i - 1] ?? 0);
        if (!(Number.isFinite(b) && b >= previous)) {
            throw new T.ArgumentError('join', `boundaries must be finite, >= 0 and increasing, got ${b} at index ${i}`);
        }
    });
    return (step) => {
        let i = 0;
        while (i < boundaries.length && step >= (boundaries[i] ?? Number.POSITIVE_INFINITY))
            i++;
        const start = i === 0 ? 0 : (boundaries[i - 1] ?? 0);
        const schedule = schedules[i];
        if (schedule === undefined)
            throw new T.ArgumentError('join', `no schedule for step ${step}`);
        return schedule(step - start);
    };
};
