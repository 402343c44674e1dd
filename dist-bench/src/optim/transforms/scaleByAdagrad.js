/**
 * `scaleByAdagrad`: Adagrad's per-coordinate rescaling by the root of the sum of all past squared
 * gradients (Duchi, Hazan & Singer, 2011). The accumulated sum is the state.
 */
import * as T from '../../tensor/index.js';
import * as tree from '../../tree/index.js';
import { arityError, fusedLeaves } from '../fused.js';
import { nonNegative, positive } from '../validation.js';
// ─── constructors ───────────────────────────────────────────────────────────────────────────────
/**
 * a ← a + g²,  u = g / √(a + ε). The accumulator starts at 0.1 (Keras's
 * `initial_accumulator_value`), which keeps the first steps from being ±1 per coordinate; ε sits
 * inside the square root, as in Keras 3 and optax's `scale_by_rss`.
 *
 * @example
 * const transform = optim.scaleByAdagrad()
 * transform.update({ w: vector([1]) }, transform.init({ w: zeros([1]) }))[0]  // ≈ { w: [0.9534625] } = 1 / √(0.1 + 1 + ε)
 */
export const scaleByAdagrad = ({ initialAccumulator = 0.1, eps = 1e-7 } = {}) => {
    nonNegative('scaleByAdagrad', 'initialAccumulator', initialAccumulator);
    positive('scaleByAdagrad', 'eps', eps);
    return {
        init: (params) => ({ accumulator: tree.map(params, (p) => T.full(p.shape, initialAccumulator)) }),
        update: (grads, { accumulator }) => {
            const [u, a] = fusedLeaves([grads, accumulator], 2, ([g, a0], [u1, a1]) => {
                if (g === undefined || a0 === undefined || u1 === undefined || a1 === undefined)
                    throw arityError('scaleByAdagrad');
                for (let i = 0; i < g.length; i++) {
                    const gi = g[i] ?? 0;
                    const ai = (a0[i] ?? 0) + gi * gi;
                    a1[i] = ai;
                    u1[i] = gi / Math.sqrt(ai + eps);
                }
            });
            return [u, { accumulator: a }];
        },
    };
};
