/**
 * Max and average pooling over 1 or 2 spatial axes of channels-last inputs (`[n, w, c]` or
 * `[n, h, w, c]`), channel by channel.
 *
 * Padded positions never take part: a maximum is over the window's real entries, an average
 * divides by their count (TensorFlow's `'same'` pooling). Max pooling records where each maximum
 * came from (`maxPoolArgmax`): the first maximum in the window's row-major order, a NaN before any
 * number. That is where its gradient goes: `maxPoolScatter` (the pullback) and `maxPoolGather`
 * (the tangent) find those places and move values in one pass.
 */
import { ArgumentError, ShapeError } from './errors.js'
import { allocate, allocateOverwritten } from './kernels/alloc.js'
import { avgPoolInto, maxPoolInto } from './kernels/window.js'
import { shapesEqual } from './shape.js'
import { sizeOf, unsafeTensor, type Shape, type Tensor } from './Tensor.js'
import { windowGeometry, windowOutputShape, type PerAxis, type PoolOptions, type WindowGeometry } from './window.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The maximum of each pooling window.
 *
 * @example
 * T.maxPool(T.tensor([[[1], [3], [2], [2]]]), 2)  // [[[3], [2]]]
 * @throws {ShapeError} for an input of the wrong rank or a window that does not fit
 */
export const maxPool = (x: Tensor, poolSize: PerAxis, options: PoolOptions = {}): Tensor => {
  const g = poolGeometry('maxPool', x.shape, poolSize, options)
  // maxPoolInto writes every output.
  const out = allocateOverwritten(g.n * g.ho * g.wo * g.c)
  maxPoolInto(x.data, g, out, new Int32Array(out.length))
  return unsafeTensor(out, windowOutputShape(g, g.c))
}

/**
 * For each output of `maxPool`, the flat index (row-major over x) of the input it was taken from.
 *
 * @example
 * T.maxPoolArgmax(T.tensor([[[1], [3], [2], [2]]]), 2)  // [1, 2]
 */
export const maxPoolArgmax = (x: Tensor, poolSize: PerAxis, options: PoolOptions = {}): Int32Array => {
  const g = poolGeometry('maxPool', x.shape, poolSize, options)
  const argmax = new Int32Array(g.n * g.ho * g.wo * g.c)
  maxPoolInto(x.data, g, allocate(argmax.length), argmax)
  return argmax
}

/**
 * The pullback of max pooling: `g` (shaped as `maxPool`'s output) added onto the input x's first
 * maximum of each window (overlapping windows add up, in output order), as a tensor of x's shape.
 *
 * @example
 * T.maxPoolScatter(T.tensor([[[10], [20]]]), T.tensor([[[1], [3], [2], [2]]]), 2)  // [[[0], [10], [20], [0]]]
 * @throws {ShapeError} for an x `maxPool` would refuse, or a g not shaped as its output
 */
export const maxPoolScatter = (g: Tensor, x: Tensor, poolSize: PerAxis, options: PoolOptions = {}): Tensor => {
  const argmax = argmaxFor('maxPoolScatter', g.shape, x, poolSize, options)
  const out = allocate(sizeOf(x.shape))
  const gd = g.data
  for (let i = 0; i < argmax.length; i++) {
    const at = argmax[i] ?? 0
    out[at] = (out[at] ?? 0) + (gd[i] ?? 0)
  }
  return unsafeTensor(out, x.shape)
}

/**
 * The tangent of max pooling: `t` (shaped as x) read at x's first maximum of each window, shaped
 * as `maxPool`'s output.
 *
 * @example
 * T.maxPoolGather(T.tensor([[[1], [2], [3], [4]]]), T.tensor([[[1], [3], [2], [2]]]), 2)  // [[[2], [3]]]
 * @throws {ShapeError} for an x `maxPool` would refuse, or a t not shaped as x
 */
export const maxPoolGather = (t: Tensor, x: Tensor, poolSize: PerAxis, options: PoolOptions = {}): Tensor => {
  if (!shapesEqual(t.shape, x.shape)) throw new ShapeError('maxPoolGather', [t.shape, x.shape], 'the tangent must have the shape of x')
  const g = poolGeometry('maxPoolGather', x.shape, poolSize, options)
  const argmax = new Int32Array(g.n * g.ho * g.wo * g.c)
  maxPoolInto(x.data, g, new Float64Array(argmax.length), argmax)
  const out = allocate(argmax.length)
  const td = t.data
  for (let i = 0; i < argmax.length; i++) out[i] = td[argmax[i] ?? 0] ?? 0
  return unsafeTensor(out, windowOutputShape(g, g.c))
}

/**
 * The mean of each pooling window over its non-padded entries.
 *
 * @example
 * T.avgPool(T.tensor([[[1], [3], [2], [2]]]), 2)  // [[[2], [2]]]
 */
export const avgPool = (x: Tensor, poolSize: PerAxis, options: PoolOptions = {}): Tensor => {
  const g = poolGeometry('avgPool', x.shape, poolSize, options)
  const out = allocate(g.n * g.ho * g.wo * g.c)
  avgPoolInto(x.data, g, out, false)
  return unsafeTensor(out, windowOutputShape(g, g.c))
}

/**
 * The adjoint of `avgPool`: an output cotangent g spread evenly over each window's non-padded
 * entries of an input of `inputShape` (overlapping windows add up).
 * @throws {ShapeError} for a cotangent that does not have the pooled shape of inputShape
 */
export const avgPoolTranspose = (g: Tensor, inputShape: Shape, poolSize: PerAxis, options: PoolOptions = {}): Tensor => {
  const geometry = poolGeometry('avgPoolTranspose', inputShape, poolSize, options)
  const expected = windowOutputShape(geometry, geometry.c)
  if (!shapesEqual(g.shape, expected)) throw new ShapeError('avgPoolTranspose', [inputShape, g.shape], `the cotangent must have shape [${expected.join(',')}]`)
  const out = allocate(sizeOf(inputShape))
  avgPoolInto(g.data, geometry, out, true)
  return unsafeTensor(out, [...inputShape])
}

/**
 * The geometry of a pooling window over `inputShape`; throws a `ShapeError` naming
 * `maxPool1d`/`avgPool2d`… and the shapes when it does not fit, or when padding on some side is as
 * large as the window (a window could then lie wholly in the padding).
 * @throws {ShapeError} for an input that is not [n, (h,) w, c] or a window that does not fit
 * @throws {ArgumentError} for explicit padding as large as the window, or bad sizes or strides
 */
export const poolGeometry = (op: string, inputShape: Shape, poolSize: PerAxis, { strides, padding = 'valid' }: PoolOptions = {}): WindowGeometry => {
  const spatial = inputShape.length - 2
  const name = spatial === 1 || spatial === 2 ? `${op}${spatial}d` : op
  const window = typeof poolSize === 'number' ? new Array<number>(Math.max(spatial, 0)).fill(poolSize) : poolSize
  const g = windowGeometry(name, [inputShape], inputShape, window, strides ?? window, 1, padding)
  if (typeof padding !== 'string') {
    padding.forEach(([before, after], i) => {
      const k = window[i] ?? 1
      if (before >= k || after >= k) throw new ArgumentError(name, `padding ${before},${after} on axis ${i + 1} must be smaller than the pool size ${k}`)
    })
  }
  return g
}

/** Where each maximum of x came from, after checking that `shape` is maxPool's output shape. */
const argmaxFor = (op: string, shape: Shape, x: Tensor, poolSize: PerAxis, options: PoolOptions): Int32Array => {
  const g = poolGeometry(op, x.shape, poolSize, options)
  const expected = windowOutputShape(g, g.c)
  if (!shapesEqual(shape, expected)) throw new ShapeError(op, [shape, x.shape], `the cotangent must have maxPool's output shape [${expected.join(',')}]`)
  const argmax = new Int32Array(g.n * g.ho * g.wo * g.c)
  maxPoolInto(x.data, g, new Float64Array(argmax.length), argmax)
  return argmax
}
