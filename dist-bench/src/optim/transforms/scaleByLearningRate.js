/**
 * `scaleByLearningRate`: the descent step. Multiplies the updates by −learningRate, the rate taken
 * from a constant or from a schedule of the step count; the count lives in the state.
 */
import * as T from '../../tensor/index.js';
import * as tree from '../../tree/index.js';
import { learningRate } from '../validation.js';
// ─── constructors ───────────────────────────────────────────────────────────────────────────────
/**
 * u ← −η(step) · g, then step ← step + 1. The first update uses η(0). A constant rate must be a
 * positive finite number; a schedule may give any finite rate ≥ 0 (a warm-up starts at 0), and a
 * negative or non-finite one is an error naming the step.
 *
 * @example
 * const transform = optim.scaleByLearningRate(0.1)
 * transform.update({ w: vector([1, 2]) }, transform.init({ w: zeros([2]) }))  // [{ w: [-0.1, -0.2] }, { step: 1 }]
 */
export const scaleByLearningRate = (rate) => {
    const checked = learningRate('scaleByLearningRate', rate);
    const rateAt = (step) => {
        if (typeof checked === 'number')
            return checked;
        const r = checked(step);
        if (!(r >= 0 && Number.isFinite(r))) {
            throw new T.ArgumentError('scaleByLearningRate', `the schedule gave the learning rate ${r} at step ${step}; it must be a finite number >= 0`);
        }
        return r;
    };
    return {
        init: () => ({ step: 0 }),
        update: (grads, { step }) => [tree.scale(grads, -rateAt(step)), { step: step + 1 }],
    };
};
