/**
 * The fully connected layer: y = x·W + b, for inputs of shape [batch, features].
 */
import * as ad from '../ad/index.js'
import type { Value } from '../ad/index.js'
import * as random from '../random/index.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'
import { expectsInput, LayerError } from './errors.js'
import { glorotUniform, zeros, type Initializer } from './init.js'
import type { Layer, NoState } from './Layer.js'
import { leafOf, leafWithShape } from './params.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link dense}. */
export interface DenseOptions {
  /** Whether the layer adds a bias b (default true). */
  readonly useBias?: boolean
  /** How the kernel W `[in, units]` starts (default glorotUniform). */
  readonly kernelInitializer?: Initializer
  /** How the bias b `[units]` starts (default zeros). */
  readonly biasInitializer?: Initializer
}

/** The parameters of a dense layer: the kernel W `[in, units]` and the bias b `[units]`. */
export type DenseParams = { readonly kernel: Tensor; readonly bias: Tensor }

/** The parameters of a dense layer made with `useBias: false`: the kernel alone. */
export type DenseKernelOnly = { readonly kernel: Tensor }

/** The parameters of a dense layer whose `useBias` is not known statically. */
export type DenseMaybeBias = { readonly kernel: Tensor; readonly bias?: Tensor }

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * A dense (fully connected) layer of `units` outputs: y = x·W + b with params
 * `{ kernel: [in, units], bias: [units] }` (no bias with `useBias: false`). It takes any number of
 * input features, read from the input shape at init; the input shape must have rank 1 (put
 * `flatten()` before it for images). The initializers are not part of the spec: a saved model
 * stores the parameters themselves.
 *
 * @throws {ArgumentError} (from the tensor module) for units that are not a positive integer
 * @throws {LayerError} at init for an input that is not a vector [features]; at apply for params of the wrong shape
 * @example
 * const layer = nn.dense(2, { kernelInitializer: nn.constant(0.5) })
 * const { params } = layer.init(random.key(0), [3])
 * params  // { kernel: [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], bias: [0, 0] }
 * layer.apply(params, {}, tensor([[1, 2, 3]]), { training: false }).y  // [[3, 3]]
 */
export function dense(units: number, options: DenseOptions & { readonly useBias: false }): Layer<DenseKernelOnly, NoState>
export function dense(units: number, options?: DenseOptions & { readonly useBias?: true }): Layer<DenseParams, NoState>
export function dense(units: number, options?: DenseOptions): Layer<DenseMaybeBias, NoState>
export function dense(units: number, { useBias = true, kernelInitializer = glorotUniform, biasInitializer = zeros }: DenseOptions = {}): Layer<DenseMaybeBias, NoState> {
  if (!Number.isInteger(units) || units < 1) throw new T.ArgumentError('dense', `units must be a positive integer, got ${units}`)
  const name = `dense(${units})`
  return {
    name,
    spec: { kind: 'dense', units, useBias },
    init(key, inputShape) {
      const features = inputShape[0]
      if (inputShape.length !== 1 || features === undefined) {
        throw new LayerError(name, expectsInput('of rank 1 ([features]; put flatten() before dense)', inputShape))
      }
      const [kernelKey, biasKey] = random.split(key, 2)
      const kernel = kernelInitializer(kernelKey ?? key, [features, units])
      checkInitialized(name, 'kernelInitializer', kernel, [features, units])
      if (!useBias) return { params: { kernel }, state: {}, outputShape: [units] }
      const bias = biasInitializer(biasKey ?? key, [units])
      checkInitialized(name, 'biasInitializer', bias, [units])
      return { params: { kernel, bias }, state: {}, outputShape: [units] }
    },
    apply(params, state, x) {
      const kernel = leafOf(name, 'params', params, 'kernel')
      const kernelShape = ad.shapeOf(kernel)
      const features = kernelShape[0] ?? 0
      if (kernelShape.length !== 2 || kernelShape[1] !== units) {
        throw new LayerError(name, `params: 'kernel' has shape ${T.formatShape(kernelShape)}, expected [in,${units}]`)
      }
      const xShape = ad.shapeOf(x)
      if (xShape.length !== 2 || xShape[1] !== features) throw new LayerError(name, expectsInput(`[batch,${features}]`, xShape))
      const y: Value = useBias ? ad.affine(x, kernel, leafWithShape(name, 'params', params, 'bias', [units])) : ad.matmul(x, kernel)
      return { y, state }
    },
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** A user initializer must give a tensor of the requested shape. */
const checkInitialized = (name: string, which: string, t: T.Tensor, shape: readonly number[]): void => {
  if (!T.isTensor(t) || !T.shapesEqual(t.shape, shape)) {
    throw new LayerError(name, `${which} must return a tensor of shape ${T.formatShape(shape)}, got ${T.isTensor(t) ? T.formatShape(t.shape) : typeof t}`)
  }
}
