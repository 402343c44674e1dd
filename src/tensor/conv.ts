/**
 * Convolution over 1 or 2 spatial axes, channels last, and the two products its gradient needs.
 *
 * `conv(x, kernel)` takes x `[n, w, c]` with a kernel `[k, c, f]` (1-D) or x `[n, h, w, c]` with
 * a kernel `[kh, kw, c, f]` (2-D) — Keras's layouts — and computes, for every output position,
 * Σ over taps and input channels of x·kernel (a cross-correlation, as every deep-learning library
 * means by "convolution"). It runs as im2col followed by one matrix product through `matmul`, the
 * batch taken in chunks so that the im2col buffer stays under about 8 MB whatever the batch.
 *
 * `convBackpropInput(g, kernel, inputShape)` is the adjoint in x (a transposed convolution: g·Kᵀ
 * then col2im), `convBackpropFilter(x, g, kernelShape)` the adjoint in the kernel (im2colᵀ·g).
 * All three are bilinear, and each one's adjoints are the other two: that closes the set under
 * differentiation.
 */
import { ShapeError } from './errors.js'
import { col2imAdd, im2col } from './kernels/window.js'
import { allocate, allocateOverwritten } from './kernels/alloc.js'
import { coversInput, forChunks, isPointwise } from './kernels/convInto.js'
import { matmul, matmulTransA, matmulTransB } from './linalg.js'
import { shapesEqual } from './shape.js'
import { fromData, sizeOf, unsafeTensor, type Shape, type Tensor } from './Tensor.js'
import { windowGeometry, windowOutputShape, type ConvOptions, type WindowGeometry } from './window.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Convolution of x `[n, (h,) w, c]` with a kernel `[(kh,) kw, c, f]`: output `[n, (ho,) wo, f]`.
 *
 * @example
 * T.conv(T.tensor([[[1], [2], [3]]]), T.tensor([[[1]], [[10]]]))  // [[[21], [32]]]
 * T.conv(T.zeros([1, 2, 1]), T.zeros([3, 1, 1]))  // throws ShapeError "conv1d: [1,2,1] x [3,1,1]: window 3 does not fit the input 2 with padding 'valid'"
 * @throws {ShapeError} for mismatched shapes or a window that does not fit (see convGeometry)
 */
export const conv = (x: Tensor, kernel: Tensor, options: ConvOptions = {}): Tensor => {
  const g = convGeometry(x.shape, kernel.shape, options)
  const f = kernel.shape[kernel.shape.length - 1] ?? 0
  const k = g.kh * g.kw * g.c
  const w2 = fromData(kernel.data, [k, f])
  const outShape = windowOutputShape(g, f)
  if (isPointwise(g)) return fromData(matmul(fromData(x.data, [g.n * g.h * g.w, k]), w2).data, outShape)
  // The chunks' products fill every row of out; im2col fills every entry of cols unless padded.
  const out = allocateOverwritten(sizeOf(outShape))
  const covered = coversInput(g)
  forChunks(g, (chunk, first) => {
    const rows = chunk.n * g.ho * g.wo
    const cols = covered ? allocateOverwritten(rows * k) : allocate(rows * k)
    im2col(x.data.subarray(first * g.h * g.w * g.c), chunk, cols)
    out.set(matmul(unsafeTensor(cols, [rows, k]), w2).data, first * g.ho * g.wo * f)
  })
  return unsafeTensor(out, outShape)
}

/**
 * The adjoint of `conv` in its input (a transposed convolution): the cotangent g of the output
 * `[n, (ho,) wo, f]` mapped back to `inputShape`.
 */
export const convBackpropInput = (g: Tensor, kernel: Tensor, inputShape: Shape, options: ConvOptions = {}): Tensor => {
  const geometry = convGeometry(inputShape, kernel.shape, options, 'convBackpropInput')
  const f = kernel.shape[kernel.shape.length - 1] ?? 0
  checkOutput('convBackpropInput', geometry, g, f, [inputShape, kernel.shape])
  const k = geometry.kh * geometry.kw * geometry.c
  const w2 = fromData(kernel.data, [k, f])
  if (isPointwise(geometry)) {
    return fromData(matmulTransB(fromData(g.data, [geometry.n * geometry.h * geometry.w, f]), w2).data, inputShape)
  }
  const out = allocate(sizeOf(inputShape))
  forChunks(geometry, (chunk, first) => {
    const rows = chunk.n * geometry.ho * geometry.wo
    const gRows = fromData(g.data.subarray(first * geometry.ho * geometry.wo * f, (first * geometry.ho * geometry.wo + rows) * f), [rows, f])
    col2imAdd(matmulTransB(gRows, w2).data, chunk, out.subarray(first * geometry.h * geometry.w * geometry.c))
  })
  return unsafeTensor(out, [...inputShape])
}

/** The adjoint of `conv` in its kernel: im2col(x)ᵀ·g, shaped like the kernel. */
export const convBackpropFilter = (x: Tensor, g: Tensor, kernelShape: Shape, options: ConvOptions = {}): Tensor => {
  const geometry = convGeometry(x.shape, kernelShape, options, 'convBackpropFilter')
  const f = kernelShape[kernelShape.length - 1] ?? 0
  checkOutput('convBackpropFilter', geometry, g, f, [x.shape, kernelShape])
  const k = geometry.kh * geometry.kw * geometry.c
  if (isPointwise(geometry)) {
    const rows = geometry.n * geometry.h * geometry.w
    return fromData(matmulTransA(fromData(x.data, [rows, k]), fromData(g.data, [rows, f])).data, kernelShape)
  }
  let total: Float64Array | undefined
  const covered = coversInput(geometry)
  forChunks(geometry, (chunk, first) => {
    const rows = chunk.n * geometry.ho * geometry.wo
    const cols = covered ? allocateOverwritten(rows * k) : allocate(rows * k)
    im2col(x.data.subarray(first * geometry.h * geometry.w * geometry.c), chunk, cols)
    const gRows = fromData(g.data.subarray(first * geometry.ho * geometry.wo * f, (first * geometry.ho * geometry.wo + rows) * f), [rows, f])
    const part = matmulTransA(unsafeTensor(cols, [rows, k]), gRows).data
    if (total === undefined) {
      // An allocation of the kernel's (not Float64Array.from): under jit the output is then a planned buffer.
      total = allocateOverwritten(part.length)
      total.set(part)
    } else for (let i = 0; i < part.length; i++) total[i] = (total[i] ?? 0) + (part[i] ?? 0)
  })
  return unsafeTensor(total ?? allocate(k * f), [...kernelShape])
}

/**
 * The geometry of a convolution of an input of `inputShape` with a kernel of `kernelShape`;
 * throws a `ShapeError` naming `conv1d`/`conv2d` (or `op`) and both shapes when they do not fit.
 * @throws {ShapeError} for an input that is not [n, (h,) w, c], a kernel of the wrong rank or channel count, or a window that does not fit
 * @throws {ArgumentError} for strides, dilation or padding that are not positive (non-negative for pads) integers
 */
export const convGeometry = (inputShape: Shape, kernelShape: Shape, { strides = 1, dilation = 1, padding = 'valid' }: ConvOptions = {}, op?: string): WindowGeometry => {
  const spatial = inputShape.length - 2
  const name = op ?? (spatial === 1 || spatial === 2 ? `conv${spatial}d` : 'conv')
  const shapes = [inputShape, kernelShape]
  if (spatial !== 1 && spatial !== 2) {
    throw new ShapeError(name, shapes, `expects input [batch, width, channels] or [batch, height, width, channels], got rank ${inputShape.length}`)
  }
  if (kernelShape.length !== spatial + 2) {
    throw new ShapeError(name, shapes, `the kernel must have rank ${spatial + 2} ([${spatial === 2 ? 'kh, kw' : 'k'}, in, out]) for a rank-${inputShape.length} input`)
  }
  const channels = inputShape[spatial + 1]
  if (kernelShape[spatial] !== channels) {
    throw new ShapeError(name, shapes, `the kernel takes ${kernelShape[spatial]} input channels, the input has ${channels}`)
  }
  return windowGeometry(name, shapes, inputShape, kernelShape.slice(0, spatial), strides, dilation, padding)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const checkOutput = (op: string, g: WindowGeometry, y: Tensor, f: number, shapes: readonly Shape[]): void => {
  const expected = windowOutputShape(g, f)
  if (!shapesEqual(y.shape, expected)) {
    throw new ShapeError(op, [...shapes, y.shape], `the output cotangent must have shape [${expected.join(',')}]`)
  }
}
