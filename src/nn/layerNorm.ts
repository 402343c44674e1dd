/**
 * Layer normalisation: each example is normalised over its last axis (its features) with its own
 * mean and variance, then scaled by γ and shifted by β. Unlike batch normalisation it keeps no
 * running statistics and behaves the same in training and inference.
 */
import * as ad from '../ad/index.js'
import * as T from '../tensor/index.js'
import { expectsInput, LayerError } from './errors.js'
import type { NormParams } from './batchNorm.js'
import type { Layer, NoState } from './Layer.js'
import { featureVector, leafWithShape } from './params.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link layerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance before the square root, > 0 (default 1e-5). */
  readonly epsilon?: number
}

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * Layer normalisation over the last axis: y = γ·(x − μ)/√(σ² + ε) + β, with μ and σ² the mean and
 * population variance of each example's last axis. Params `{ gamma, beta }` (ones and zeros of
 * shape [features]); no state.
 *
 * @throws {LayerError} at init for a scalar input (it needs [..., features]); at apply for params of the wrong shape
 * @example
 * nn.layerNorm().init(random.key(0), [4]).params  // { gamma: [1, 1, 1, 1], beta: [0, 0, 0, 0] }
 */
export const layerNorm = ({ epsilon = 1e-5 }: LayerNormOptions = {}): Layer<NormParams, NoState> => {
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw new T.ArgumentError('layerNorm', `epsilon must be a positive number, got ${epsilon}`)
  const name = 'layerNorm'
  return {
    name,
    spec: { kind: 'layerNorm', epsilon },
    init: (_key, inputShape) => {
      const features = inputShape[inputShape.length - 1]
      if (features === undefined) throw new LayerError(name, expectsInput('of rank ≥ 1 ([..., features])', inputShape))
      return { params: { gamma: T.ones([features]), beta: T.zeros([features]) }, state: {}, outputShape: inputShape }
    },
    apply: (params, state, x) => {
      const gamma = featureVector(name, params, 'gamma')
      const features = ad.shapeOf(gamma)[0] ?? 0
      const beta = leafWithShape(name, 'params', params, 'beta', [features])
      const xShape = ad.shapeOf(x)
      if (xShape.length < 2 || xShape[xShape.length - 1] !== features) throw new LayerError(name, expectsInput(`[batch,...,${features}]`, xShape))
      const centred = ad.sub(x, ad.mean(x, { axis: -1, keepDims: true }))
      const variance = ad.mean(ad.square(centred), { axis: -1, keepDims: true })
      const xHat = ad.div(centred, ad.sqrt(ad.add(variance, epsilon)))
      return { y: ad.add(ad.mul(xHat, gamma), beta), state }
    },
  }
}
