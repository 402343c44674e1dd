/**
 * Flatten: [batch, d1, d2, …] → [batch, d1·d2·…], the bridge from images to dense layers.
 */
import * as ad from '../ad/index.js'
import * as T from '../tensor/index.js'
import { expectsInput, LayerError } from './errors.js'
import type { Layer, NoParams, NoState } from './Layer.js'

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * A layer that flattens every example into a vector (row-major order), for inputs of any rank: an
 * input shape [28, 28] gives [784]; [] (one number per example) gives [1]. No parameters.
 *
 * @throws {LayerError} at apply for an input without a batch axis
 * @example
 * nn.flatten().init(random.key(0), [28, 28]).outputShape  // [784]
 */
export const flatten = (): Layer<NoParams, NoState> => {
  const name = 'flatten'
  return {
    name,
    spec: { kind: 'flatten' },
    init: (_key, inputShape) => ({ params: {}, state: {}, outputShape: [T.sizeOf(inputShape)] }),
    apply: (_params, state, x) => {
      const shape = ad.shapeOf(x)
      if (shape.length === 0) throw new LayerError(name, expectsInput('[batch,...]', shape))
      return { y: ad.flatten2d(x), state }
    },
  }
}
