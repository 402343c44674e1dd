/**
 * Batch normalisation: each feature (the last axis) is normalised with statistics taken over all
 * other axes — the batch axis for inputs [batch, features], batch and positions for images
 * [batch, height, width, channels] — then scaled by γ and shifted by β.
 *
 * Training uses the batch's own mean and variance and returns updated running statistics in the
 * layer's state; inference uses the running statistics. The running statistics are state, not
 * parameters: plain tensors that no gradient reaches.
 */
import * as ad from '../ad/index.js'
import type { Value } from '../ad/index.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'
import { expectsInput, LayerError } from './errors.js'
import type { Layer } from './Layer.js'
import { featureVector, leafWithShape, stateLeaf, stateTensor } from './params.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Weight of the old running statistic in each update, in [0, 1] (default 0.99, as Keras). */
  readonly momentum?: number
  /** Added to the variance before the square root, > 0 (default 1e-3, as Keras). */
  readonly epsilon?: number
}

/** The parameters of a normalisation layer: scale γ and shift β, vectors [features]. */
export type NormParams = { readonly gamma: Tensor; readonly beta: Tensor }

/** The state of batch normalisation: the running mean and variance, vectors [features]. */
export type BatchNormState = { readonly movingMean: Tensor; readonly movingVariance: Tensor }

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * Batch normalisation over all axes but the last. Params `{ gamma, beta }` (ones and zeros of
 * shape [features]); state `{ movingMean, movingVariance }` (zeros and ones).
 *
 * - training: y = γ·(x − μ)/√(σ² + ε) + β with μ, σ² the batch mean and population variance
 *   (divided by n, not n − 1, as Keras 3 computes both the normalisation and the running update);
 *   the state becomes moving ← momentum·moving + (1 − momentum)·batch statistic.
 * - inference: the same formula with the running mean and variance; the state is returned unchanged.
 *
 * Inputs have shape [batch, ..., features]; a batch of one in training normalises every value to β.
 *
 * @throws {ArgumentError} (from the tensor module) for a momentum outside [0, 1] or a non-positive epsilon
 * @throws {LayerError} at init for a scalar input, at apply for params or state of the wrong shape
 * @example
 * const bn = nn.batchNorm()
 * const { params, state } = bn.init(random.key(0), [2])
 * bn.apply(params, state, tensor([[1, 10], [3, 30]]), { training: true }).y      // ≈ [[-0.9995004, -0.999995], [0.9995004, 0.999995]]
 * bn.apply(params, state, tensor([[1, 10], [3, 30]]), { training: true }).state  // ≈ { movingMean: [0.02, 0.2], movingVariance: [1, 1.99] }
 */
export const batchNorm = ({ momentum = 0.99, epsilon = 1e-3 }: BatchNormOptions = {}): Layer<NormParams, BatchNormState> => {
  if (!(momentum >= 0 && momentum <= 1)) throw new T.ArgumentError('batchNorm', `momentum must be in [0, 1], got ${momentum}`)
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw new T.ArgumentError('batchNorm', `epsilon must be a positive number, got ${epsilon}`)
  const name = 'batchNorm'
  return {
    name,
    spec: { kind: 'batchNorm', momentum, epsilon },
    init: (_key, inputShape) => {
      const features = inputShape[inputShape.length - 1]
      if (features === undefined) throw new LayerError(name, expectsInput('of rank ≥ 1 ([..., features])', inputShape))
      return {
        params: { gamma: T.ones([features]), beta: T.zeros([features]) },
        state: { movingMean: T.zeros([features]), movingVariance: T.ones([features]) },
        outputShape: inputShape,
      }
    },
    apply: (params, state, x, ctx) => {
      const gamma = featureVector(name, params, 'gamma')
      const features = ad.shapeOf(gamma)[0] ?? 0
      const beta = leafWithShape(name, 'params', params, 'beta', [features])
      const movingMean = stateTensor(name, state, 'movingMean', [features])
      const movingVariance = stateTensor(name, state, 'movingVariance', [features])
      const xShape = ad.shapeOf(x)
      if (xShape.length < 2 || xShape[xShape.length - 1] !== features) throw new LayerError(name, expectsInput(`[batch,...,${features}]`, xShape))
      if (!ctx.training) {
        return { y: affine(normalise(x, movingMean, movingVariance, epsilon), gamma, beta), state: { movingMean: stateLeaf(movingMean), movingVariance: stateLeaf(movingVariance) } }
      }
      const axes = xShape.slice(0, -1).map((_, i) => i)
      const mean = ad.mean(x, { axis: axes })
      const centred = ad.sub(x, mean)
      const variance = ad.mean(ad.square(centred), { axis: axes })
      const y = affine(ad.div(centred, ad.sqrt(ad.add(variance, epsilon))), gamma, beta)
      return {
        y,
        state: {
          movingMean: update(movingMean, ad.stopGradient(mean), momentum),
          movingVariance: update(movingVariance, ad.stopGradient(variance), momentum),
        },
      }
    },
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** (x − μ)/√(σ² + ε). */
const normalise = (x: Value, mean: Value, variance: Value, epsilon: number): Value => ad.div(ad.sub(x, mean), ad.sqrt(ad.add(variance, epsilon)))

/** γ·x̂ + β. */
const affine = (xHat: Value, gamma: Value, beta: Value): Value => ad.add(ad.mul(xHat, gamma), beta)

/** momentum·moving + (1 − momentum)·batch, on values without derivatives (plain tensors, or traced under `jit`). */
const update = (moving: Value, batch: Value, momentum: number): Tensor => stateLeaf(ad.add(ad.scale(moving, momentum), ad.scale(batch, 1 - momentum)))
