/**
 * `clipByValue`: clamps every coordinate of the updates to [−maxDelta, maxDelta] (Keras's
 * `clipvalue`, optax's `clip`). Stateless.
 */
import * as T from '../../tensor/index.js'
import { elementwiseKernels as K } from '../../tensor/internal.js'
import { arityError, fusedLeaves } from '../fused.js'
import { EMPTY_STATE, type EmptyState, type GradientTransformation } from '../GradientTransformation.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** `clipByValue` keeps no state. */
export type ClipByValueState = EmptyState

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * u ← clip(g, −maxDelta, maxDelta), leaf by leaf (NaN stays NaN). `maxDelta` must be > 0
 * (Infinity allowed: no clipping).
 *
 * @example
 * optim.clipByValue(1).update({ w: vector([-3, 0.5, 2]) }, {})[0]  // { w: [-1, 0.5, 1] }
 */
export const clipByValue = (maxDelta: number): GradientTransformation<ClipByValueState> => {
  if (!(maxDelta > 0)) throw new T.ArgumentError('clipByValue', `maxDelta must be a positive number, got ${maxDelta}`)
  return {
    init: () => EMPTY_STATE,
    update: (grads, state) => {
      // T.clip's loop (the bounds were checked when the transformation was made).
      const [u] = fusedLeaves([grads], 1, ([g], [u1]) => {
        if (g === undefined || u1 === undefined) throw arityError('clipByValue')
        K.clipLoop(g, -maxDelta, maxDelta, u1)
      })
      return [u, state]
    },
  }
}
