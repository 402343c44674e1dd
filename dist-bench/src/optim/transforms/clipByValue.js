/**
 * `clipByValue`: clamps every coordinate of the updates to [−maxDelta, maxDelta] (Keras's
 * `clipvalue`, optax's `clip`). Stateless.
 */
import * as T from '../../tensor/index.js';
import * as tree from '../../tree/index.js';
import { EMPTY_STATE } from '../GradientTransformation.js';
// ─── constructors ───────────────────────────────────────────────────────────────────────────────
/**
 * u ← clip(g, −maxDelta, maxDelta), leaf by leaf (NaN stays NaN). `maxDelta` must be > 0
 * (Infinity allowed: no clipping).
 *
 * @example
 * optim.clipByValue(1).update({ w: vector([-3, 0.5, 2]) }, {})[0]  // { w: [-1, 0.5, 1] }
 */
export const clipByValue = (maxDelta) => {
    if (!(maxDelta > 0))
        throw new T.ArgumentError('clipByValue', `maxDelta must be a positive number, got ${maxDelta}`);
    return {
        init: () => EMPTY_STATE,
        update: (grads, state) => [tree.map(grads, (g) => T.clip(g, -maxDelta, maxDelta)), state],
    };
};
