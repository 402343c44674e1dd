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
import * as T from '../tensor/index.js'
import * as tree from '../tree/index.js'
import { jitTracing } from '../ad/extend.js'
import { arityError, containsDual, fusedLeaves } from './fused.js'
import type { Tree } from '../tree/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A gradient transformation with state `S`: plain data (trees of tensors, numbers, tuples) that
 * can be printed or saved. Neither function changes its arguments.
 */
export interface GradientTransformation<S> {
  /** The state before the first update, for parameters shaped like `params`. */
  init(params: Tree): S
  /**
   * The updates for this gradient (a tree shaped like `grads`) and the next state. `params` is
   * needed only by transformations that read the parameters (`addDecayedWeights`).
   */
  update(grads: Tree, state: S, params?: Tree): readonly [updates: Tree, state: S]
}

/** The state of a transformation that keeps none: an empty record. */
export type EmptyState = { readonly [key: string]: never }

/** The tuple of the states of a tuple of transformations: the state of their `chain`. */
export type StatesOf<Ts extends readonly GradientTransformation<unknown>[]> = {
  readonly [K in keyof Ts]: Ts[K] extends GradientTransformation<infer S> ? S : never
}

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/** The one empty state every stateless transformation shares. */
export const EMPTY_STATE: EmptyState = Object.freeze({})

/**
 * The transformation that changes nothing: the updates are the gradient itself. The unit of
 * `chain`.
 *
 * @example
 * optim.identity().update({ w: vector([1]) }, {})  // [{ w: [1] }, {}]
 */
export const identity = (): GradientTransformation<EmptyState> => ({
  init: () => EMPTY_STATE,
  update: (grads, state) => [grads, state],
})

/**
 * Composition: each transformation's updates are the next one's gradient, in order. The state is
 * the tuple of the states (so `chain(a, b)` has state `[stateOfA, stateOfB]`); `chain()` of
 * nothing is the identity with state `[]`.
 *
 * @example
 * const adam = optim.chain(optim.scaleByAdam(), optim.scaleByLearningRate(1e-3))
 * adam.init({ w: zeros([2]) })  // [{ step: 0, mu: { w: [0, 0] }, nu: { w: [0, 0] } }, { step: 0 }]
 */
export function chain<Ts extends readonly GradientTransformation<unknown>[]>(...transformations: Ts): GradientTransformation<StatesOf<Ts>>
export function chain(...transformations: readonly GradientTransformation<unknown>[]): GradientTransformation<readonly unknown[]> {
  return {
    init: (params) => Object.freeze(transformations.map((t) => t.init(params))),
    update: (grads, states, params) => {
      if (states.length !== transformations.length) {
        throw new T.ArgumentError('chain', `expected a state for each of the ${transformations.length} transformations, got ${states.length}`)
      }
      let updates = grads
      const next: unknown[] = []
      transformations.forEach((t, i) => {
        const [u, s] = t.update(updates, states[i], params)
        updates = u
        next.push(s)
      })
      return [updates, Object.freeze(next)]
    },
  }
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The parameters after a step: params + updates, leaf by leaf. The trees must have the same
 * structure and leaf shapes (TreeError otherwise, naming the path).
 *
 * @example
 * optim.applyUpdates({ w: vector([1, 2]) }, { w: vector([-0.5, 0.5]) })  // { w: [0.5, 2.5] }
 */
export function applyUpdates<X extends Tree>(params: X, updates: Tree): X
export function applyUpdates(params: Tree, updates: Tree): Tree {
  // Under jit (tracers among the leaves) the sums are recorded into the plan: T.add's loop, p + u.
  if (jitTracing() && (containsDual(params) || containsDual(updates))) {
    return fusedLeaves([params, updates], 1, ([p, u], [out]) => {
      if (p === undefined || u === undefined || out === undefined) throw arityError('applyUpdates')
      for (let i = 0; i < p.length; i++) out[i] = (p[i] ?? 0) + (u[i] ?? 0)
    })[0]
  }
  return tree.zipWith(params, updates, T.add)
}
