/**
 * Pooling and padding layers, channels last, with Keras's names and defaults. None has parameters.
 *
 * - `maxPool1d/2d`, `avgPool1d/2d`: windows of `poolSize` (default 2 per axis), strides defaulting
 *   to the pool size, padding `'valid'` or `'same'` (padded positions never count);
 * - `globalMaxPool1d/2d`, `globalAvgPool1d/2d`: the maximum or mean over all positions, per
 *   channel: `[…positions, channels] → [channels]`;
 * - `zeroPadding2d`: zeros around the height and width of `[height, width, channels]` inputs.
 */
import * as ad from '../ad/index.js'
import * as T from '../tensor/index.js'
import type { PerAxis, Shape } from '../tensor/index.js'
import { expectsInput, LayerError } from './errors.js'
import type { Layer, NoParams, NoState } from './Layer.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of the pooling layers (Keras's defaults). */
export interface PoolLayerOptions {
  /** Step between windows (default: the pool size). */
  readonly strides?: PerAxis
  /** `'valid'` or `'same'` (default `'valid'`). */
  readonly padding?: 'valid' | 'same'
}

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * Max pooling over `[steps, channels]` inputs.
 *
 * @example
 * nn.maxPool1d().init(random.key(0), [10, 3]).outputShape  // [5, 3]
 */
export const maxPool1d = (poolSize: number = 2, options: PoolLayerOptions = {}): Layer<NoParams, NoState> => poolLayer({ kind: 'maxPool1d' }, 'max', 1, [poolSize], options)

/**
 * Max pooling over `[height, width, channels]` inputs.
 *
 * @example
 * nn.maxPool2d().init(random.key(0), [26, 26, 32]).outputShape  // [13, 13, 32]
 * nn.maxPool2d(3).init(random.key(0), [2, 2, 1])  // throws LayerError "maxPool2d(3×3): window 3×3 does not fit the input 2×2 with padding 'valid' (input [2,2,1])"
 * @throws {ArgumentError} (from the tensor module) for a bad pool size or padding
 * @throws {LayerError} at init for an input of the wrong rank or a window that does not fit
 */
export const maxPool2d = (poolSize: number | readonly [number, number] = 2, options: PoolLayerOptions = {}): Layer<NoParams, NoState> =>
  poolLayer({ kind: 'maxPool2d' }, 'max', 2, typeof poolSize === 'number' ? [poolSize, poolSize] : poolSize, options)

/** Average pooling over `[steps, channels]` inputs. */
export const avgPool1d = (poolSize: number = 2, options: PoolLayerOptions = {}): Layer<NoParams, NoState> => poolLayer({ kind: 'avgPool1d' }, 'avg', 1, [poolSize], options)

/** Average pooling over `[height, width, channels]` inputs. */
export const avgPool2d = (poolSize: number | readonly [number, number] = 2, options: PoolLayerOptions = {}): Layer<NoParams, NoState> =>
  poolLayer({ kind: 'avgPool2d' }, 'avg', 2, typeof poolSize === 'number' ? [poolSize, poolSize] : poolSize, options)

/**
 * The per-channel maximum over all steps: `[steps, channels] → [channels]`.
 *
 * @example
 * nn.globalMaxPool1d().apply({}, {}, tensor([[[1, 5], [3, 2]]]), { training: false }).y  // [[3, 5]]
 */
export const globalMaxPool1d = (): Layer<NoParams, NoState> => globalLayer({ kind: 'globalMaxPool1d' }, 'max', 1)

/** The per-channel maximum over all positions: `[height, width, channels] → [channels]`. */
export const globalMaxPool2d = (): Layer<NoParams, NoState> => globalLayer({ kind: 'globalMaxPool2d' }, 'max', 2)

/** The per-channel mean over all steps: `[steps, channels] → [channels]`. */
export const globalAvgPool1d = (): Layer<NoParams, NoState> => globalLayer({ kind: 'globalAvgPool1d' }, 'avg', 1)

/**
 * The per-channel mean over all positions: `[height, width, channels] → [channels]`.
 *
 * @example
 * nn.globalAvgPool2d().init(random.key(0), [7, 7, 64]).outputShape  // [64]
 */
export const globalAvgPool2d = (): Layer<NoParams, NoState> => globalLayer({ kind: 'globalAvgPool2d' }, 'avg', 2)

/**
 * Zeros around the height and width of `[height, width, channels]` inputs: `padding` is one
 * number for all four sides (default 1, as Keras), `[vertical, horizontal]` (each on both sides),
 * or `[[top, bottom], [left, right]]`.
 *
 * @example
 * nn.zeroPadding2d().init(random.key(0), [28, 28, 1]).outputShape                 // [30, 30, 1]
 * nn.zeroPadding2d([[1, 0], [2, 3]]).init(random.key(0), [4, 4, 2]).outputShape   // [5, 9, 2]
 * @throws {ArgumentError} (from the tensor module) for padding that is not non-negative integers
 * @throws {LayerError} for an input that is not [height, width, channels]
 */
export const zeroPadding2d = (padding: number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]] = 1): Layer<NoParams, NoState> => {
  const pads = normalizePadding(padding)
  const [[top, bottom], [left, right]] = pads
  const name = `zeroPadding2d(${top},${bottom},${left},${right})`
  return {
    name,
    spec: { kind: 'zeroPadding2d', padding: [[top, bottom], [left, right]] },
    init: (_key, inputShape) => {
      if (inputShape.length !== 3) throw new LayerError(name, expectsInput('[height, width, channels]', inputShape))
      const [h = 0, w = 0, c = 0] = inputShape
      return { params: {}, state: {}, outputShape: [h + top + bottom, w + left + right, c] }
    },
    apply: (_params, state, x) => {
      const shape = ad.shapeOf(x)
      if (shape.length !== 4) throw new LayerError(name, expectsInput('[batch, height, width, channels]', shape))
      return { y: ad.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]), state }
    },
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const poolLayer = ({ kind: op }: { readonly kind: string }, kind: 'max' | 'avg', spatial: 1 | 2, window: readonly number[], { strides, padding = 'valid' }: PoolLayerOptions): Layer<NoParams, NoState> => {
  if (window.length !== spatial || window.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new T.ArgumentError(op, `poolSize must be a positive integer or ${spatial} of them, got ${JSON.stringify(window)}`)
  }
  if (padding !== 'valid' && padding !== 'same') throw new T.ArgumentError(op, `padding must be 'valid' or 'same', got ${JSON.stringify(padding)}`)
  const name = `${op}(${window.join('×')})`
  const options: T.PoolOptions = strides === undefined ? { padding } : { strides, padding }
  const pool = kind === 'max' ? ad.maxPool : ad.avgPool
  const expected = spatial === 1 ? '[steps, channels]' : '[height, width, channels]'
  return {
    name,
    spec: { kind: op, poolSize: [...window], strides: strides === undefined ? null : typeof strides === 'number' ? strides : [...strides], padding },
    init: (_key, inputShape) => {
      if (inputShape.length !== spatial + 1) throw new LayerError(name, expectsInput(expected, inputShape))
      return { params: {}, state: {}, outputShape: pooledShape(name, kind, inputShape, window, options) }
    },
    apply: (_params, state, x) => {
      const shape = ad.shapeOf(x)
      if (shape.length !== spatial + 2) throw new LayerError(name, expectsInput(`[batch, ${expected.slice(1)}`, shape))
      return { y: pool(x, window, options), state }
    },
  }
}

const pooledShape = (name: string, kind: 'max' | 'avg', inputShape: Shape, window: readonly number[], options: T.PoolOptions): Shape => {
  try {
    const g = T.poolGeometry(`${kind}Pool`, [1, ...inputShape], window, options)
    return T.windowOutputShape(g, g.c).slice(1)
  } catch (e) {
    if (e instanceof T.ShapeError) throw new LayerError(name, `${e.detail} (input ${T.formatShape(inputShape)})`, [], '', { cause: e })
    throw e
  }
}

const globalLayer = ({ kind: name }: { readonly kind: string }, kind: 'max' | 'avg', spatial: 1 | 2): Layer<NoParams, NoState> => {
  const axes = spatial === 1 ? [1] : [1, 2]
  const expected = spatial === 1 ? '[steps, channels]' : '[height, width, channels]'
  return {
    name,
    spec: { kind: name },
    init: (_key, inputShape) => {
      if (inputShape.length !== spatial + 1) throw new LayerError(name, expectsInput(expected, inputShape))
      return { params: {}, state: {}, outputShape: [inputShape[spatial] ?? 0] }
    },
    apply: (_params, state, x) => {
      const shape = ad.shapeOf(x)
      if (shape.length !== spatial + 2) throw new LayerError(name, expectsInput(`[batch, ${expected.slice(1)}`, shape))
      return { y: kind === 'max' ? ad.max(x, { axis: axes }) : ad.mean(x, { axis: axes }), state }
    },
  }
}

type Pads = readonly [readonly [number, number], readonly [number, number]]

const normalizePadding = (padding: number | readonly [number, number] | Pads): Pads => {
  const pads: Pads =
    typeof padding === 'number'
      ? [[padding, padding], [padding, padding]]
      : typeof padding[0] === 'number' && typeof padding[1] === 'number'
        ? [[padding[0], padding[0]], [padding[1], padding[1]]]
        : typePads(padding)
  if (pads.flat().some((p) => !Number.isInteger(p) || p < 0)) throw new T.ArgumentError('zeroPadding2d', `padding must be non-negative integers, got ${JSON.stringify(padding)}`)
  return pads
}

const typePads = (padding: readonly [number, number] | Pads): Pads => {
  const [a, b] = padding
  if (typeof a === 'number' || typeof b === 'number') throw new T.ArgumentError('zeroPadding2d', `padding must be a number, two numbers or two pairs, got ${JSON.stringify(padding)}`)
  return [a, b]
}
