/**
 * `scale`: multiplies the updates by a constant factor. Stateless.
 */
import { elementwiseKernels as K } from '../../tensor/internal.js'
import { arityError, fusedLeaves } from '../fused.js'
import { EMPTY_STATE, type EmptyState, type GradientTransformation } from '../GradientTransformation.js'
import { finite } from '../validation.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** `scale` keeps no state. */
export type ScaleState = EmptyState

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * u ← s · g, leaf by leaf. `factor` must be finite (any sign: −learningRate gives plain gradient
 * descent with a fixed rate).
 *
 * @example
 * optim.scale(-0.1).update({ w: vector([1, 2]) }, {})[0]  // { w: [-0.1, -0.2] }
 */
export const scale = (factor: number): GradientTransformation<ScaleState> => {
  finite('scale', 'factor', factor)
  return {
    init: () => EMPTY_STATE,
    update: (grads, state) => {
      const [u] = fusedLeaves([grads], 1, ([g], [u1]) => {
        if (g === undefined || u1 === undefined) throw arityError('scale')
        K.scaleLoop(g, factor, u1)
      })
      return [u, state]
    },
  }
}
