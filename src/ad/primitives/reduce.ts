/**
 * Reductions. The pullback of a reduction broadcasts the cotangent back over the reduced axes
 * (restored as size-1 axes first when keepDims was false).
 */
import * as T from '../../tensor/index.js'
import { NO_AUX, sumReducer, sumSource } from '../../tensor/internal.js'
import type { ReduceOptions, Shape, Tensor } from '../../tensor/index.js'
import { isDual, primalTensor, shapeOf, type Value } from '../Dual.js'
import { arg, bind, constantOp, input, unaryOverloads, type Primitive, type UnaryOp } from '../primitive.js'
import { div, mulStrongZero, sub } from './binary.js'
import { square } from './unary.js'
import { broadcastTo, reshape, transpose } from './shape.js'
import { softmax } from '../composite/softmax.js'

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

interface Reduction {
  readonly axes: readonly number[]
  readonly keepDims: boolean
}

const reductionOf = (op: string, x: Value, options: ReduceOptions | undefined): Reduction => ({
  axes: T.normalizeAxes(op, shapeOf(x), options?.axis),
  keepDims: options?.keepDims ?? false,
})

/** The shape of the reduction's output with the reduced axes kept as 1. */
const keptShape = (shape: Shape, axes: readonly number[]): Shape => shape.map((d, i) => (axes.includes(i) ? 1 : d))

/** A reduction's output (or cotangent) reshaped so that it broadcasts against the input. */
const restore = (v: Value, x: Value, { axes, keepDims }: Reduction): Value =>
  keepDims ? v : reshape(v, keptShape(shapeOf(x), axes))

const options = ({ axes, keepDims }: Reduction): ReduceOptions => ({ axis: axes, keepDims })

const reducePrimitive = (
  name: string,
  kernel: (x: Tensor, o: ReduceOptions) => Tensor,
  vjp: (g: Value, x: Value, y: Value, r: Reduction) => Value,
  jvp: (t: Value, x: Value, y: Value, r: Reduction) => Value,
): Primitive<Reduction> => ({
  name,
  value: (inputs, r) => kernel(input(inputs, 0, name), options(r)),
  vjp: (g, inputs, y, r) => [vjp(g, arg(inputs, 0, name), y, r)],
  jvp: ([t], inputs, y, r) => (t === undefined ? T.zeros(shapeOf(y)) : jvp(t, arg(inputs, 0, name), y, r)),
})

const liftReduce = (primitive: Primitive<Reduction>, kernel: (x: Tensor, o?: ReduceOptions) => Tensor): UnaryOp<[ReduceOptions?]> => {
  return unaryOverloads((x: Value, o?: ReduceOptions): Value => (isDual(x) ? bind(primitive, [x], reductionOf(primitive.name, x, o)) : kernel(x, o)))
}

/** Where x attains the reduction's extreme value, each tie weighted 1/(number of ties). */
const tieSharesOp = constantOp('extreme.ties', (xy: readonly Tensor[], r: Reduction) => {
  const px = input(xy, 0, 'max')
  const py = input(xy, 1, 'max')
  const hits = T.equal(px, r.keepDims ? py : T.reshape(py, keptShape(px.shape, r.axes)))
  return T.div(hits, T.maximum(T.sum(hits, { axis: r.axes, keepDims: true }), T.scalar(1)))
})
const tieShares = (x: Value, y: Value, r: Reduction): Value => tieSharesOp([x, y], r)

// ─── primitives ─────────────────────────────────────────────────────────────────────────────────

const sumPrimitive: Primitive<Reduction> = {
  ...reducePrimitive(
    'sum',
    T.sum,
    (g, x, _y, r) => broadcastTo(restore(g, x, r), shapeOf(x)),
    (t, _x, _y, r) => sum(t, options(r)),
  ),
  // For jit: a sum over every axis is the reduction kernel's one fold from −0 over the whole
  // (contiguous) input, made here with the same reducer into the plan's buffer.
  specialize: ([sx], r) => {
    if (sx === undefined || r.axes.length !== sx.length) return undefined
    const n = T.sizeOf(sx)
    if (n === 0) return undefined
    return (ins, out) => {
      const x = ins[0]
      if (x === undefined) return
      out[0] = sumReducer.init
      sumReducer.fold(out, NO_AUX, 0, x, 0, n)
    }
  },
  // For jit's inline code: the same fold as source text.
  inline: ([sx], r) => {
    if (sx === undefined || r.axes.length !== sx.length) return undefined
    const n = T.sizeOf(sx)
    return n === 0 ? undefined : (ins, out) => sumSource(n, 1, ins[0] ?? '', out)
  },
}

const extremePrimitive = (name: string, kernel: (x: Tensor, o: ReduceOptions) => Tensor): Primitive<Reduction> =>
  reducePrimitive(
    name,
    kernel,
    (g, x, y, r) => mulStrongZero(restore(g, x, r), tieShares(x, y, r)),
    (t, x, y, r) => sum(mulStrongZero(t, tieShares(x, y, r)), options(r)),
  )

const maxPrimitive = extremePrimitive('max', T.max)
const minPrimitive = extremePrimitive('min', T.min)

/**
 * Softmax over the reduced axes (flattened into one when there are several): the gradient of
 * logSumExp, computed with the max-shift so that it is exact for logits of any size.
 */
const softmaxOver = (x: Value, r: Reduction): Value => {
  if (r.axes.length === 1) return softmax(x, r.axes[0])
  const shape = shapeOf(x)
  // Move the reduced axes last, flatten them, take softmax, and undo both moves.
  const kept = shape.map((_, i) => i).filter((i) => !r.axes.includes(i))
  const permutation = [...kept, ...r.axes]
  const moved = transpose(x, permutation)
  const keptSizes = kept.map((i) => shape[i] ?? 1)
  const flat = reshape(moved, [...keptSizes, -1])
  const y = reshape(softmax(flat, -1), shapeOf(moved))
  const inverse = new Array<number>(permutation.length)
  permutation.forEach((p, i) => (inverse[p] = i))
  return transpose(y, inverse)
}

/** log Σ exp x; its gradient is softmax(x), exact for logits of any size. */
const logSumExpPrimitive = reducePrimitive(
  'logSumExp',
  T.logSumExp,
  (g, x, _y, r) => mulStrongZero(restore(g, x, r), softmaxOver(x, r)),
  (t, x, _y, r) => sum(mulStrongZero(t, softmaxOver(x, r)), options(r)),
)

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Sum over all elements or the given axes.
 *
 * @example
 * sum(tensor([[1, 2], [3, 4]]), { axis: 0 })  // [4, 6]
 */
export const sum = liftReduce(sumPrimitive, T.sum)

/** Maximum over all elements or the given axes; tied maxima share the gradient evenly. */
export const max = liftReduce(maxPrimitive, T.max)

/** Minimum over all elements or the given axes; tied minima share the gradient evenly. */
export const min = liftReduce(minPrimitive, T.min)

/** log Σ exp, stable for any magnitude. */
export const logSumExp = liftReduce(logSumExpPrimitive, T.logSumExp)

const countOf = (x: Value, o: ReduceOptions | undefined): number => {
  const shape = shapeOf(x)
  return T.normalizeAxes('mean', shape, o?.axis).reduce((n, a) => n * (shape[a] ?? 1), 1)
}

/**
 * Arithmetic mean over all elements or the given axes.
 *
 * @example
 * mean(tensor([[1, 2], [3, 4]]))               // 2.5
 * mean(tensor([[1, 2], [3, 4]]), { axis: 1 })  // [1.5, 3.5]
 */
export const mean = unaryOverloads((x: Value, o?: ReduceOptions): Value => (isDual(x) ? div(sum(x, o), countOf(x, o)) : T.mean(x, o)))

/** Options of `variance`: the reduction, and the delta degrees of freedom (default 0: population). */
export interface VarianceOptions extends ReduceOptions {
  readonly ddof?: number
}

/** Variance, mean((x − mean x)²)·n/(n − ddof). */
export const variance = unaryOverloads((x: Value, o?: VarianceOptions): Value => {
  if (!isDual(x)) return T.variance(x, o)
  const n = countOf(x, o)
  const centred = sub(x, mean(x, { ...(o?.axis === undefined ? {} : { axis: o.axis }), keepDims: true }))
  return div(sum(square(centred), o), n - (o?.ddof ?? 0))
})

/** Index of the maximum (first on ties) along an axis, or over all elements; a constant. */
export const argmax = (x: Value, o?: { readonly axis?: number; readonly keepDims?: boolean }): Tensor => T.argmax(primalTensor(x), o)

/** Index of the minimum (first on ties) along an axis, or over all elements; a constant. */
export const argmin = (x: Value, o?: { readonly axis?: number; readonly keepDims?: boolean }): Tensor => T.argmin(primalTensor(x), o)
