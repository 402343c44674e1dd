/**
 * `scaleByRms`: RMSProp's rescaling of the gradient by a running root mean square of its past
 * values (Tieleman & Hinton, 2012). The running mean of squares is the state.
 */
import * as tree from '../../tree/index.js';
import { arityError, fusedLeaves } from '../fused.js';
import { decayRate, positive } from '../validation.js';
// ─── constructors ───────────────────────────────────────────────────────────────────────────────
/**
 * v ← ρ·v + (1 − ρ)·g²,  u = g / (√v + ε). ε sits outside the square root (as Keras's RMSprop;
 * optax's `scale_by_rms` puts it inside). There is no bias correction: v starts at 0, so the first
 * update is g / (√(1 − ρ)·|g| + ε) ≈ 3.16·sign(g) for ρ = 0.9, as in Keras.
 *
 * @example
 * const transform = optim.scaleByRms()
 * transform.update({ w: vector([2]) }, transform.init({ w: zeros([1]) }))[0]  // ≈ { w: [3.1622776] } = 2 / (√0.4 + ε)
 */
export const scaleByRms = ({ decay = 0.9, eps = 1e-8 } = {}) => {
    decayRate('scaleByRms', 'decay', decay);
    positive('scaleByRms', 'eps', eps);
    return {
        init: (params) => ({ nu: tree.zerosLike(params) }),
        update: (grads, { nu }) => {
            const [u, v] = fusedLeaves([grads, nu], 2, ([g, v0], [u1, v1]) => {
                if (g === undefined || v0 === undefined || u1 === undefined || v1 === undefined)
                    throw arityError('scaleByRms');
                for (let i = 0; i < g.length; i++) {
                    const gi = g[i] ?? 0;
                    const vi = decay * (v0[i] ?? 0) + (1 - decay) * gi * gi;
                    v1[i] = vi;
                    u1[i] = gi / (Math.sqrt(vi) + eps);
                }
            });
            return [u, { nu: v }];
        },
    };
};
