/**
 * Convolution over 1 or 2 spatial axes, channels last, and the two products its gradient needs.
 *
 * `conv(x, kernel)` takes x `[n, w, c]` with a kernel `[k, c, f]` (1-D) or x `[n, h, w, c]` with
 * a kernel `[kh, kw, c, f]` (2-D) — Keras's layouts — and computes, for every output position,
 * Σ over taps and input channels of x·kernel (a cross-correlation, as every deep-learning library
 * means by "convolution"). It runs as im2col followed by one matrix product on the matmul kernels,
 * the batch taken in chunks so that the im2col buffer stays under about 8 MB whatever the batch
 * (the loops are kernels/convInto.ts, which a compiled plan runs too: one implementation).
 *
 * `convBackpropInput(g, kernel, inputShape)` is the adjoint in x (a transposed convolution: g·Kᵀ
 * then col2im), `convBackpropFilter(x, g, kernelShape)` the adjoint in the kernel (im2colᵀ·g).
 * All three are bilinear, and each one's adjoints are the other two: that closes the set under
 * differentiation.
 */
import { ShapeError } from './errors.js'
import { allocate, allocateOverwritten } from './kernels/alloc.js'
import { convBackpropFilterInto, convBackpropInputInto, convInto } from './kernels/convInto.js'
import { shapesEqual } from './shape.js'
import { sizeOf, unsafeTensor, type Shape, type Tensor } from './Tensor.js'
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
  const outShape = windowOutputShape(g, f)
  // The chunks' products fill every row of out.
  const out = allocateOverwritten(sizeOf(outShape))
  convInto(g, f)(x.data, kernel.data, out)
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
  const out = allocate(sizeOf(inputShape))
  convBackpropInputInto(geometry, f)(g.data, kernel.data, out)
  return unsafeTensor(out, [...inputShape])
}

/** The adjoint of `conv` in its kernel: im2col(x)ᵀ·g, shaped like the kernel. */
export const convBackpropFilter = (x: Tensor, g: Tensor, kernelShape: Shape, options: ConvOptions = {}): Tensor => {
  const geometry = convGeometry(x.shape, kernelShape, options, 'convBackpropFilter')
  const f = kernelShape[kernelShape.length - 1] ?? 0
  checkOutput('convBackpropFilter', geometry, g, f, [x.shape, kernelShape])
  const out = allocateOverwritten(sizeOf(kernelShape))
  convBackpropFilterInto(geometry, f)(x.data, g.data, out)
  return unsafeTensor(out, [...kernelShape])
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
