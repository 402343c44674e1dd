/**
 * Optimizers as state folds. A gradient transformation is a pair of pure functions: `init` gives
 * the state for some parameters, and `update` turns a gradient (and the state, and optionally the
 * parameters) into updates and the next state. Updates are what you ADD to the parameters, so a
 * descent step carries its own minus sign (`scaleByLearningRate` multiplies by −learningRate, as
 * optax does), and `applyUpdates(params, updates)` is plain leafwise addition.
 *
 * Transformations compose with `chain`: the updates of one are the gradient of the next, and the
 * chain's state is the tuple of their states. The named optimizers (`sgd`, `adam`, …) are chains.
 *
 * ```ts
 * const optimizer = chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(1e-3))
 * let state = optimizer.init(params)
 * const [updates, next] = optimizer.update(grads, state, params)
 * params = applyUpdates(params, updates)
 * ```
 */
import * as T from '../tensor/index.js';
import * as tree from '../tree/index.js';
// ─── constructors ───────────────────────────────────────────────────────────────────────────────
/** The one empty state every stateless transformation shares. */
export const EMPTY_STATE = Object.freeze({});
/**
 * The transformation that changes nothing: the updates are the gradient itself. The unit of
 * `chain`.
 *
 * @example
 * optim.identity().update({ w: vector([1]) }, {})  // [{ w: [1] }, {}]
 */
export const identity = () => ({
    init: () => EMPTY_STATE,
    update: (grads, state) => [grads, state],
});
export function chain(...transformations) {
    return {
        init: (params) => Object.freeze(transformations.map((t) => t.init(params))),
        update: (grads, states, params) => {
            if (states.length !== transformations.length) {
                throw new T.ArgumentError('chain', `expected a state for each of the ${transformations.length} transformations, got ${states.length}`);
            }
            let updates = grads;
            const next = [];
            transformations.forEach((t, i) => {
                const [u, s] = t.update(updates, states[i], params);
                updates = u;
                next.push(s);
            });
            return [updates, Object.freeze(next)];
        },
    };
}
export function applyUpdates(params, updates) {
    return tree.zipWith(params, updates, T.add);
}
