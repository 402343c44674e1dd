/**
 * Convolution layers with Keras's names, defaults and weight layouts (channels last), so that
 * weights carry over from Keras unchanged:
 *
 * - `conv1d(filters, kernelSize)`: input `[steps, channels]`, kernel `[kernelSize, channels, filters]`;
 * - `conv2d(filters, kernelSize)`: input `[height, width, channels]`, kernel
 *   `[kh, kw, channels, filters]`;
 * - bias `[filters]` (unless `useBias: false`).
 *
 * y = conv(x, kernel) + bias, with the strides, dilation and padding of the options.
 */
import * as ad from '../ad/index.js'
import * as random from '../random/index.js'
import * as T from '../tensor/index.js'
import type { PerAxis, Shape, Tensor } from '../tensor/index.js'
import { expectsInput, LayerError } from './errors.js'
import { glorotUniform, zeros, type Initializer } from './init.js'
import type { Layer, NoState } from './Layer.js'
import { leafOf, leafWithShape } from './params.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link conv1d} and {@link conv2d} (Keras's defaults). */
export interface ConvLayerOptions {
  /** Step between windows, per spatial axis or one for all (default 1). */
  readonly strides?: PerAxis
  /** `'valid'` (no padding) or `'same'` (output ⌈in / stride⌉ positions; Keras's rule) (default `'valid'`). */
  readonly padding?: 'valid' | 'same'
  /** Spacing between kernel taps (default 1). */
  readonly dilationRate?: PerAxis
  /** Whether to add a bias (default true). */
  readonly useBias?: boolean
  /** How the kernel starts (default glorotUniform, with Keras's convolution fans). */
  readonly kernelInitializer?: Initializer
  /** How the bias starts (default zeros). */
  readonly biasInitializer?: Initializer
}

/** The parameters of a convolution: the kernel `[k…, in, filters]` and the bias `[filters]` (as a dense layer's). */
export type ConvParams = { readonly kernel: Tensor; readonly bias: Tensor }

/** The parameters of a convolution made with `useBias: false`: the kernel alone. */
export type ConvKernelOnly = { readonly kernel: Tensor }

/** The parameters of a convolution whose `useBias` is not known statically. */
export type ConvMaybeBias = { readonly kernel: Tensor; readonly bias?: Tensor }

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * A 1-D convolution of `filters` outputs over inputs `[steps, channels]`; params
 * `{ kernel: [kernelSize, channels, filters], bias: [filters] }`.
 *
 * @example
 * nn.conv1d(8, 3).init(random.key(0), [10, 2]).outputShape                       // [8, 8]
 * nn.conv1d(8, 3, { padding: 'same', strides: 2 }).init(random.key(0), [10, 2]).outputShape  // [5, 8]
 */
export function conv1d(filters: number, kernelSize: number | readonly [number], options: ConvLayerOptions & { readonly useBias: false }): Layer<ConvKernelOnly, NoState>
export function conv1d(filters: number, kernelSize: number | readonly [number], options?: ConvLayerOptions & { readonly useBias?: true }): Layer<ConvParams, NoState>
export function conv1d(filters: number, kernelSize: number | readonly [number], options?: ConvLayerOptions): Layer<ConvMaybeBias, NoState>
export function conv1d(filters: number, kernelSize: number | readonly [number], options: ConvLayerOptions = {}): Layer<ConvMaybeBias, NoState> {
  return convLayer({ kind: 'conv1d' }, 1, filters, typeof kernelSize === 'number' ? [kernelSize] : kernelSize, options)
}

/**
 * A 2-D convolution of `filters` outputs over inputs `[height, width, channels]`; params
 * `{ kernel: [kh, kw, channels, filters], bias: [filters] }`.
 *
 * @example
 * nn.conv2d(32, 3).init(random.key(0), [28, 28, 1]).outputShape  // [26, 26, 32]
 * nn.summary(nn.conv2d(32, 3), [28, 28, 1]).totalParams           // 320
 * nn.conv2d(4, 5).init(random.key(0), [3, 3, 1])  // throws LayerError "conv2d(4, 5×5): window 5×5 does not fit the input 3×3 with padding 'valid' (input [3,3,1])"
 * @throws {ArgumentError} (from the tensor module) for bad filters, kernel size or padding
 * @throws {LayerError} at init for an input of the wrong rank or a window that does not fit; at apply for a wrong channel count or kernel
 */
export function conv2d(filters: number, kernelSize: number | readonly [number, number], options: ConvLayerOptions & { readonly useBias: false }): Layer<ConvKernelOnly, NoState>
export function conv2d(filters: number, kernelSize: number | readonly [number, number], options?: ConvLayerOptions & { readonly useBias?: true }): Layer<ConvParams, NoState>
export function conv2d(filters: number, kernelSize: number | readonly [number, number], options?: ConvLayerOptions): Layer<ConvMaybeBias, NoState>
export function conv2d(filters: number, kernelSize: number | readonly [number, number], options: ConvLayerOptions = {}): Layer<ConvMaybeBias, NoState> {
  return convLayer({ kind: 'conv2d' }, 2, filters, typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize, options)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const convLayer = (
  { kind: op }: { readonly kind: 'conv1d' | 'conv2d' },
  spatial: 1 | 2,
  filters: number,
  window: readonly number[],
  { strides = 1, padding = 'valid', dilationRate = 1, useBias = true, kernelInitializer = glorotUniform, biasInitializer = zeros }: ConvLayerOptions,
): Layer<ConvMaybeBias, NoState> => {
  if (!Number.isInteger(filters) || filters < 1) throw new T.ArgumentError(op, `filters must be a positive integer, got ${filters}`)
  if (window.length !== spatial || window.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new T.ArgumentError(op, `kernelSize must be a positive integer or ${spatial} of them, got ${JSON.stringify(window)}`)
  }
  if (padding !== 'valid' && padding !== 'same') throw new T.ArgumentError(op, `padding must be 'valid' or 'same', got ${JSON.stringify(padding)}`)
  const name = `${op}(${filters}, ${window.join('×')})`
  const options: T.ConvOptions = { strides, dilation: dilationRate, padding }
  const perAxisJson = (v: PerAxis): number | number[] => (typeof v === 'number' ? v : [...v])
  return {
    name,
    spec: { kind: op, filters, kernelSize: [...window], strides: perAxisJson(strides), padding, dilationRate: perAxisJson(dilationRate), useBias },
    init(key, inputShape) {
      if (inputShape.length !== spatial + 1) {
        throw new LayerError(name, expectsInput(spatial === 1 ? '[steps, channels]' : '[height, width, channels]', inputShape))
      }
      const channels = inputShape[spatial] ?? 0
      const kernelShape = [...window, channels, filters]
      const outputShape = outputShapeOf(name, inputShape, kernelShape, options)
      const [kernelKey, biasKey] = random.split(key, 2)
      const kernel = kernelInitializer(kernelKey ?? key, kernelShape)
      if (!useBias) return { params: { kernel }, state: {}, outputShape }
      return { params: { kernel, bias: biasInitializer(biasKey ?? key, [filters]) }, state: {}, outputShape }
    },
    apply(params, state, x) {
      const kernel = leafOf(name, 'params', params, 'kernel')
      const kernelShape = ad.shapeOf(kernel)
      const channels = kernelShape[spatial] ?? 0
      if (!T.shapesEqual(kernelShape, [...window, channels, filters])) {
        throw new LayerError(name, `params: 'kernel' has shape ${T.formatShape(kernelShape)}, expected [${window.join(',')},in,${filters}]`)
      }
      const xShape = ad.shapeOf(x)
      if (xShape.length !== spatial + 2 || xShape[spatial + 1] !== channels) {
        throw new LayerError(name, expectsInput(spatial === 1 ? `[batch, steps, ${channels}]` : `[batch, height, width, ${channels}]`, xShape))
      }
      const y = ad.conv(x, kernel, options)
      return { y: useBias ? ad.add(y, leafWithShape(name, 'params', params, 'bias', [filters])) : y, state }
    },
  }
}

/** The output shape (without batch) of a convolution; a window that does not fit is a LayerError. */
const outputShapeOf = (name: string, inputShape: Shape, kernelShape: Shape, options: T.ConvOptions): Shape => {
  try {
    const g = T.convGeometry([1, ...inputShape], kernelShape, options)
    return T.windowOutputShape(g, kernelShape[kernelShape.length - 1] ?? 0).slice(1)
  } catch (e) {
    if (e instanceof T.ShapeError) throw new LayerError(name, `${e.detail} (input ${T.formatShape(inputShape)})`, [], '', { cause: e })
    throw e
  }
}
