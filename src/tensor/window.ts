/**
 * Sliding windows over the spatial axes of channels-last tensors: the geometry shared by
 * convolution and pooling.
 *
 * Inputs are `[batch, width, channels]` (1 spatial axis, NWC) or `[batch, height, width, channels]`
 * (2 spatial axes, NHWC), Keras's default layout. A window has a size per spatial axis, a stride,
 * a dilation (convolution only) and padding: `'valid'` (none), `'same'` (Keras's and TensorFlow's
 * rule: the output has ⌈in / stride⌉ positions, the total padding is
 * max((⌈in/s⌉ − 1)·s + (k − 1)·d + 1 − in, 0), and when it is odd the extra unit goes at the end)
 * or explicit `[before, after]` pairs, one per spatial axis.
 *
 * The kernels see every problem as 2-D: a 1-D window is a 2-D window of height 1 over an input of
 * height 1, which changes no value and no summation order.
 */
import { ArgumentError, ShapeError, formatShape } from './errors.js'
import type { Shape } from './Tensor.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Padding of a windowed op: `'valid'`, `'same'`, or `[before, after]` per spatial axis. */
export type Padding = 'valid' | 'same' | readonly (readonly [number, number])[]

/** A window size, stride or dilation: one number for every spatial axis, or one per axis. */
export type PerAxis = number | readonly number[]

/** Options of a convolution: strides, dilation and padding. */
export interface ConvOptions {
  /** Step between windows (default 1). */
  readonly strides?: PerAxis
  /** Spacing between the taps of the kernel (default 1). */
  readonly dilation?: PerAxis
  /** Padding (default `'valid'`). */
  readonly padding?: Padding
}

/** Options of a pooling op: strides and padding. */
export interface PoolOptions {
  /** Step between windows (default: the pool size, as Keras). */
  readonly strides?: PerAxis
  /** Padding (default `'valid'`); padded positions are never part of a maximum or an average. */
  readonly padding?: Padding
}

/**
 * A window resolved against an input shape, as the kernels read it (always 2-D: a 1-D op has
 * `h = kh = sh = dh = 1` and no vertical padding).
 */
export interface WindowGeometry {
  /** Number of spatial axes of the op (1 or 2): decides the shapes it returns. */
  readonly spatial: 1 | 2
  readonly n: number
  readonly h: number
  readonly w: number
  readonly c: number
  readonly kh: number
  readonly kw: number
  readonly sh: number
  readonly sw: number
  readonly dh: number
  readonly dw: number
  /** Padding at the top and the left (bottom and right follow from the output size). */
  readonly pt: number
  readonly pl: number
  readonly ho: number
  readonly wo: number
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Padding `[before, after]` of one axis under Keras's `'same'` rule (the odd unit at the end).
 *
 * @example
 * T.samePadding(5, 3, 2, 1)  // [1, 1]
 * T.samePadding(4, 2, 1, 1)  // [0, 1]
 */
export const samePadding = (size: number, window: number, stride: number, dilation: number): readonly [number, number] => {
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + (window - 1) * dilation + 1 - size, 0)
  const before = Math.floor(total / 2)
  return [before, total - before]
}

/**
 * Resolves a window over the spatial axes of `inputShape` (`[n, w, c]` or `[n, h, w, c]`); throws
 * a `ShapeError` naming `op` and the shapes when the input has the wrong rank or the window does
 * not fit. `shapes` are the shapes the message shows (the input and, for a convolution, the kernel).
 * @throws {ShapeError} for an input without 1 or 2 spatial axes, or a window that does not fit
 * @throws {ArgumentError} for window sizes, strides, dilation or padding that are not positive (pads: non-negative) integers
 */
export const windowGeometry = (
  op: string,
  shapes: readonly Shape[],
  inputShape: Shape,
  window: readonly number[],
  strides: PerAxis,
  dilation: PerAxis,
  padding: Padding,
): WindowGeometry => {
  const spatial = inputShape.length - 2
  if (spatial !== 1 && spatial !== 2) {
    throw new ShapeError(op, shapes, `expects input [batch, width, channels] or [batch, height, width, channels], got rank ${inputShape.length}`)
  }
  if (window.length !== spatial) throw new ShapeError(op, shapes, `the window has ${window.length} axes, the input ${spatial} spatial axes`)
  const s = perAxis(op, 'strides', strides, spatial)
  const d = perAxis(op, 'dilation', dilation, spatial)
  window.forEach((k) => {
    if (!Number.isInteger(k) || k < 1) throw new ArgumentError(op, `window sizes must be positive integers, got ${formatShape(window)}`)
  })
  const sizes = inputShape.slice(1, 1 + spatial)
  const pads = resolvePadding(op, padding, sizes, window, s, d)
  const outs = sizes.map((size, i) => {
    const extent = ((window[i] ?? 1) - 1) * (d[i] ?? 1) + 1
    const [before, after] = pads[i] ?? [0, 0]
    const padded = size + before + after
    if (padded < extent) {
      const what = spatial === 1 ? `${window[0]}` : window.join('×')
      const dil = d.some((v) => v !== 1) ? ` (dilation ${d.join('×')})` : ''
      throw new ShapeError(op, shapes, `window ${what}${dil} does not fit the input ${sizes.join('×')} with padding ${describePadding(padding)}`)
    }
    return Math.floor((padded - extent) / (s[i] ?? 1)) + 1
  })
  const at = (xs: readonly number[], i: number, fallback: number): number => xs[i] ?? fallback
  const two = spatial === 2
  return {
    spatial,
    n: inputShape[0] ?? 0,
    h: two ? at(sizes, 0, 1) : 1,
    w: at(sizes, spatial - 1, 1),
    c: inputShape[spatial + 1] ?? 0,
    kh: two ? at(window, 0, 1) : 1,
    kw: at(window, spatial - 1, 1),
    sh: two ? at(s, 0, 1) : 1,
    sw: at(s, spatial - 1, 1),
    dh: two ? at(d, 0, 1) : 1,
    dw: at(d, spatial - 1, 1),
    pt: two ? (pads[0]?.[0] ?? 0) : 0,
    pl: pads[spatial - 1]?.[0] ?? 0,
    ho: two ? at(outs, 0, 1) : 1,
    wo: at(outs, spatial - 1, 1),
  }
}

/** The output shape of a windowed op with `channels` output channels. */
export const windowOutputShape = (g: WindowGeometry, channels: number): Shape =>
  g.spatial === 1 ? [g.n, g.wo, channels] : [g.n, g.ho, g.wo, channels]

/** The input shape a geometry was resolved from. */
export const windowInputShape = (g: WindowGeometry): Shape => (g.spatial === 1 ? [g.n, g.w, g.c] : [g.n, g.h, g.w, g.c])

/** `valid`, `same` or `[[1,1],[0,2]]`: padding as messages print it. */
export const describePadding = (padding: Padding): string =>
  typeof padding === 'string' ? `'${padding}'` : `[${padding.map(([a, b]) => `[${a},${b}]`).join(',')}]`

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const perAxis = (op: string, what: string, value: PerAxis, spatial: number): readonly number[] => {
  const values = typeof value === 'number' ? new Array<number>(spatial).fill(value) : value
  if (values.length !== spatial || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new ArgumentError(op, `${what} must be a positive integer or ${spatial} of them, got ${typeof value === 'number' ? value : formatShape(value)}`)
  }
  return values
}

const resolvePadding = (
  op: string,
  padding: Padding,
  sizes: readonly number[],
  window: readonly number[],
  strides: readonly number[],
  dilation: readonly number[],
): readonly (readonly [number, number])[] => {
  if (padding === 'valid') return sizes.map(() => [0, 0] as const)
  if (padding === 'same') return sizes.map((size, i) => samePadding(size, window[i] ?? 1, strides[i] ?? 1, dilation[i] ?? 1))
  if (typeof padding === 'string' || padding.length !== sizes.length) {
    throw new ArgumentError(op, `padding must be 'valid', 'same' or ${sizes.length} [before, after] pairs, got ${JSON.stringify(padding)}`)
  }
  padding.forEach((pair) => {
    if (pair.length !== 2 || pair.some((p: number) => !Number.isInteger(p) || p < 0)) {
      throw new ArgumentError(op, `explicit padding must be pairs of non-negative integers, got ${describePadding(padding)}`)
    }
  })
  return padding
}
