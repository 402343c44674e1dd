/**
 * Checks of optimizer and schedule options, shared so that every one words its errors alike:
 * `adam: learningRate must be a positive number, got -1`. Each returns the value it checked.
 */
import * as T from '../tensor/index.js';
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/** A finite number > 0. */
export const positive = (op, name, value) => {
    if (!(value > 0))
        throw new T.ArgumentError(op, `${name} must be a positive number, got ${value}`);
    if (!Number.isFinite(value))
        throw new T.ArgumentError(op, `${name} must be finite, got ${value}`);
    return value;
};
/** A finite number ≥ 0. */
export const nonNegative = (op, name, value) => {
    if (!(value >= 0 && Number.isFinite(value)))
        throw new T.ArgumentError(op, `${name} must be a finite number >= 0, got ${value}`);
    return value;
};
/** A finite number, any sign. */
export const finite = (op, name, value) => {
    if (!Number.isFinite(value))
        throw new T.ArgumentError(op, `${name} must be a finite number, got ${value}`);
    return value;
};
/** A decay rate β in [0, 1). */
export const decayRate = (op, name, value) => {
    if (!(value >= 0 && value < 1))
        throw new T.ArgumentError(op, `${name} must be in [0, 1), got ${value}`);
    return value;
};
/** A learning rate: a positive finite number, or a schedule (whose values are checked as it runs). */
export const learningRate = (op, value) => {
    if (typeof value === 'function')
        return value;
    if (typeof value !== 'number')
        throw new T.ArgumentError(op, `learningRate must be a positive number or a schedule, got ${typeof value}`);
    return positive(op, 'learningRate', value);
};
