/**
 * `addDecayedWeights`: decoupled weight decay. Adds λ times the parameters to the updates, so
 * that after `scaleByLearningRate(η)` the step shrinks every parameter by η·λ·p on top of the
 * gradient step (Loshchilov & Hutter's AdamW). Stateless; it needs the parameters.
 */
import * as T from '../../tensor/index.js';
import { arityError, fusedLeaves } from '../fused.js';
import { EMPTY_STATE } from '../GradientTransformation.js';
import { nonNegative } from '../validation.js';
// ─── constructors ───────────────────────────────────────────────────────────────────────────────
/**
 * u ← u + λ·p, leaf by leaf. `weightDecay` (λ) must be a finite number ≥ 0. `update` must be
 * given the parameters (its third argument); without them it throws.
 *
 * @example
 * optim.addDecayedWeights(0.1).update({ w: vector([1]) }, {}, { w: vector([5]) })[0]  // { w: [1.5] }
 */
export const addDecayedWeights = (weightDecay) => {
    nonNegative('addDecayedWeights', 'weightDecay', weightDecay);
    return {
        init: () => EMPTY_STATE,
        update: (grads, state, params) => {
            if (params === undefined)
                throw new T.ArgumentError('addDecayedWeights', 'update needs the parameters: pass them as the third argument');
            const [u] = fusedLeaves([grads, params], 1, ([g, p], [u1]) => {
                if (g === undefined || p === undefined || u1 === undefined)
                    throw arityError('addDecayedWeights');
                for (let i = 0; i < g.length; i++)
                    u1[i] = (g[i] ?? 0) + weightDecay * (p[i] ?? 0);
            });
            return [u, state];
        },
    };
};
