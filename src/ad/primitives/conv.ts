/**
 * Convolution primitives: `conv` and the two products of its gradient, the transposed convolution
 * `convBackpropInput` and the kernel gradient `convBackpropFilter`. All three are bilinear, and
 * the pullback of each is made of the other two (⟨c, conv(x, w)⟩ = ⟨x, BI(c, w)⟩ = ⟨w, BF(x, c)⟩),
 * so the rules are closed under differentiation: grad of grad runs through them.
 */
import * as T from '../../tensor/index.js'
import type { ConvOptions, Shape } from '../../tensor/index.js'
import { convBackpropFilterInto, convBackpropInputInto, convInto } from '../../tensor/internal.js'
import { isDual, shapeOf, type Value } from '../Dual.js'
import { arg, bind, input, type Primitive } from '../primitive.js'
import { add } from './binary.js'

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** The sum of the terms of a product rule that are present (a missing tangent is zero). */
const sumTerms = (name: string, terms: readonly (Value | undefined)[]): Value => {
  let total: Value | undefined
  for (const t of terms) if (t !== undefined) total = total === undefined ? t : add(total, t)
  if (total === undefined) throw new T.ArgumentError(name, 'no tangent')
  return total
}

const convPrimitive: Primitive<ConvOptions> = {
  name: 'conv',
  value: (inputs, options) => T.conv(input(inputs, 0, 'conv'), input(inputs, 1, 'conv'), options),
  vjp: (g, inputs, _y, options, wanted) => {
    const x = arg(inputs, 0, 'conv')
    const w = arg(inputs, 1, 'conv')
    return [
      wanted[0] === true ? convBackpropInput(g, w, shapeOf(x), options) : undefined,
      wanted[1] === true ? convBackpropFilter(x, g, shapeOf(w), options) : undefined,
    ]
  },
  jvp: ([tx, tw], [x, w], _y, options) =>
    sumTerms('conv', [
      tx === undefined || w === undefined ? undefined : conv(tx, w, options),
      tw === undefined || x === undefined ? undefined : conv(x, tw, options),
    ]),
  // Under jit: the output written in place with one chunk's im2col scratch, so a plan holds no
  // buffer per chunk (the same chunks, im2col and product kernels as T.conv: the same bits).
  specialize: ([xShape, wShape], options) => {
    if (xShape === undefined || wShape === undefined) return undefined
    const run = convInto(T.convGeometry(xShape, wShape, options), wShape[wShape.length - 1] ?? 0)
    return ([x, w], out) => {
      if (x !== undefined && w !== undefined) run(x, w, out)
    }
  },
}

interface BackpropInputParams {
  readonly options: ConvOptions
  readonly inputShape: Shape
}

// BI(g, w) is the adjoint of x ↦ conv(x, w): its pullback in g is conv(c, w), in w it is BF(c, g).
const backpropInputPrimitive: Primitive<BackpropInputParams> = {
  name: 'convBackpropInput',
  value: (inputs, { options, inputShape }) =>
    T.convBackpropInput(input(inputs, 0, 'convBackpropInput'), input(inputs, 1, 'convBackpropInput'), inputShape, options),
  vjp: (c, inputs, _y, { options }, wanted) => {
    const g = arg(inputs, 0, 'convBackpropInput')
    const w = arg(inputs, 1, 'convBackpropInput')
    return [wanted[0] === true ? conv(c, w, options) : undefined, wanted[1] === true ? convBackpropFilter(c, g, shapeOf(w), options) : undefined]
  },
  jvp: ([tg, tw], [g, w], _y, { options, inputShape }) =>
    sumTerms('convBackpropInput', [
      tg === undefined || w === undefined ? undefined : convBackpropInput(tg, w, inputShape, options),
      tw === undefined || g === undefined ? undefined : convBackpropInput(g, tw, inputShape, options),
    ]),
  // Under jit: one chunk's product scratch instead of a planned buffer per chunk (the same bits).
  specialize: ([, wShape], { options, inputShape }) => {
    if (wShape === undefined) return undefined
    const run = convBackpropInputInto(T.convGeometry(inputShape, wShape, options, 'convBackpropInput'), wShape[wShape.length - 1] ?? 0)
    return ([g, w], out) => {
      if (g !== undefined && w !== undefined) run(g, w, out)
    }
  },
}

interface BackpropFilterParams {
  readonly options: ConvOptions
  readonly kernelShape: Shape
}

// BF(x, g) is the adjoint of w ↦ conv(x, w): its pullback in x is BI(g, c), in g it is conv(x, c).
const backpropFilterPrimitive: Primitive<BackpropFilterParams> = {
  name: 'convBackpropFilter',
  value: (inputs, { options, kernelShape }) =>
    T.convBackpropFilter(input(inputs, 0, 'convBackpropFilter'), input(inputs, 1, 'convBackpropFilter'), kernelShape, options),
  vjp: (c, inputs, _y, { options }, wanted) => {
    const x = arg(inputs, 0, 'convBackpropFilter')
    const g = arg(inputs, 1, 'convBackpropFilter')
    return [wanted[0] === true ? convBackpropInput(g, c, shapeOf(x), options) : undefined, wanted[1] === true ? conv(x, c, options) : undefined]
  },
  jvp: ([tx, tg], [x, g], _y, { options, kernelShape }) =>
    sumTerms('convBackpropFilter', [
      tx === undefined || g === undefined ? undefined : convBackpropFilter(tx, g, kernelShape, options),
      tg === undefined || x === undefined ? undefined : convBackpropFilter(x, tg, kernelShape, options),
    ]),
  // Under jit: one chunk's im2col and product scratch instead of planned buffers per chunk (the same bits).
  specialize: ([xShape], { options, kernelShape }) => {
    if (xShape === undefined) return undefined
    const run = convBackpropFilterInto(T.convGeometry(xShape, kernelShape, options, 'convBackpropFilter'), kernelShape[kernelShape.length - 1] ?? 0)
    return ([x, g], out) => {
      if (x !== undefined && g !== undefined) run(x, g, out)
    }
  },
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Convolution over 1 or 2 spatial axes, channels last: x `[n, w, c]` with a kernel `[k, c, f]`,
 * or x `[n, h, w, c]` with a kernel `[kh, kw, c, f]` (see `T.conv` for strides, dilation and
 * padding).
 *
 * @example
 * grad((k) => sum(conv(tensor([[[1], [2], [3]]]), k)))(tensor([[[0]], [[0]]]))  // [[[3]], [[5]]]
 */
export function conv(x: T.Tensor, kernel: T.Tensor, options?: ConvOptions): T.Tensor
export function conv(x: Value, kernel: Value, options?: ConvOptions): Value
export function conv(x: Value, kernel: Value, options: ConvOptions = {}): Value {
  return isDual(x) || isDual(kernel) ? bind(convPrimitive, [x, kernel], options) : T.conv(x, kernel, options)
}

/** The transposed convolution: the adjoint of `conv` in its input, mapping an output cotangent to `inputShape`. */
export function convBackpropInput(g: T.Tensor, kernel: T.Tensor, inputShape: Shape, options?: ConvOptions): T.Tensor
export function convBackpropInput(g: Value, kernel: Value, inputShape: Shape, options?: ConvOptions): Value
export function convBackpropInput(g: Value, kernel: Value, inputShape: Shape, options: ConvOptions = {}): Value {
  return isDual(g) || isDual(kernel)
    ? bind(backpropInputPrimitive, [g, kernel], { options, inputShape })
    : T.convBackpropInput(g, kernel, inputShape, options)
}

/** The adjoint of `conv` in its kernel: the kernel gradient for input x and output cotangent g. */
export function convBackpropFilter(x: T.Tensor, g: T.Tensor, kernelShape: Shape, options?: ConvOptions): T.Tensor
export function convBackpropFilter(x: Value, g: Value, kernelShape: Shape, options?: ConvOptions): Value
export function convBackpropFilter(x: Value, g: Value, kernelShape: Shape, options: ConvOptions = {}): Value {
  return isDual(x) || isDual(g)
    ? bind(backpropFilterPrimitive, [x, g], { options, kernelShape })
    : T.convBackpropFilter(x, g, kernelShape, options)
}
