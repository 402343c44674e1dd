/**
 * `clipByGlobalNorm`: rescales the whole gradient tree so that its global norm (the Euclidean norm
 * of all its scalars together) is at most `maxNorm`, keeping its direction. Stateless.
 */
import * as tree from '../../tree/index.js'
import { requireValues } from '../fused.js'
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
      // The branch reads the norm's value: not traceable (under jit, a JitError; the train step then runs the update interpreted).
      requireValues('clipByGlobalNorm', grads)
      const norm = tree.globalNorm(grads)
      return [norm > maxNorm ? tree.scale(grads, maxNorm / norm) : grads, state]
    },
  }
}
