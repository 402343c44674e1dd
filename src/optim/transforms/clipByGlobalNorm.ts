/**
 * `clipByGlobalNorm`: rescales the whole gradient tree so that its global norm (the Euclidean norm
 * of all its scalars together) is at most `maxNorm`, keeping its direction. Stateless.
 */
import { elementwiseKernels as K } from '../../tensor/internal.js'
import * as tree from '../../tree/index.js'
import { arityError, containsDual, fusedLeaves, fusedTreeScalar } from '../fused.js'
import { EMPTY_STATE, type EmptyState, type GradientTransformation } from '../GradientTransformation.js'
import { positive } from '../validation.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** `clipByGlobalNorm` keeps no state. */
export type ClipByGlobalNormState = EmptyState

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * u ← g · min(1, maxNorm / ‖g‖), ‖g‖ = `tree.globalNorm(g)` (computed without overflow). A
 * gradient already within the bound is returned as it is; a NaN norm leaves the NaNs in place.
 * `maxNorm` must be a positive finite number.
 *
 * @example
 * optim.clipByGlobalNorm(1).update({ a: vector([3]), b: vector([4]) }, {})[0]  // { a: [0.6], b: [0.8] }
 */
export const clipByGlobalNorm = (maxNorm: number): GradientTransformation<ClipByGlobalNormState> => {
  positive('clipByGlobalNorm', 'maxNorm', maxNorm)
  return {
    init: () => EMPTY_STATE,
    update: (grads, state) => {
      if (!containsDual(grads)) {
        const norm = tree.globalNorm(grads)
        return [norm > maxNorm ? tree.scale(grads, maxNorm / norm) : grads, state]
      }
      // Under jit the branch on the norm moves into the loop, with the same arithmetic: the norm
      // by tree.globalNorm over the leaves in flatten order, then T.scale's loop by maxNorm / norm,
      // or the gradient's own values.
      const norm = fusedTreeScalar('clipByGlobalNorm.norm', grads, (leaves) => tree.globalNorm(leaves))
      const [u] = fusedLeaves(
        [grads],
        1,
        ([g, n], [u1]) => {
          if (g === undefined || n === undefined || u1 === undefined) throw arityError('clipByGlobalNorm')
          const value = n[0] ?? Number.NaN
          if (value > maxNorm) K.scaleLoop(g, maxNorm / value, u1)
          else u1.set(g)
        },
        [norm],
      )
      return [u, state]
    },
  }
}
