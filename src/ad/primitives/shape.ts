/**
 * Shape primitives: they move values around without arithmetic, so each pullback is the inverse
 * movement (reshape back, inverse permutation, pad for slice, scatter-add for gather, sum for
 * broadcast).
 */
import * as T from '../../tensor/index.js'
import { copySource, NO_AUX, sumReducer, sumSource, transposeSource } from '../../tensor/internal.js'
import type { Shape, Tensor } from '../../tensor/index.js'
import { belowDifferentiation, isDual, primalTensor, shapeOf, type Value } from '../Dual.js'
import { arg, bind, input, unaryOverloads, type Primitive, type UnaryOp } from '../primitive.js'

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const unaryShapePrimitive = <P>(
  name: string,
  kernel: (x: Tensor, params: P) => Tensor,
  vjp: (g: Value, x: Value, y: Value, params: P) => Value,
  jvp: (t: Value, x: Value, y: Value, params: P) => Value,
): Primitive<P> => ({
  name,
  value: (inputs, params) => kernel(input(inputs, 0, name), params),
  vjp: (g, inputs, y, params) => [vjp(g, arg(inputs, 0, name), y, params)],
  jvp: ([t], inputs, y, params) => (t === undefined ? T.zeros(shapeOf(y)) : jvp(t, arg(inputs, 0, name), y, params)),
})

/**
 * A tensor to compute a shape with: the primal, or zeros of its shape under `jit` (where the
 * traced value cannot be read).
 */
const shapeProbe = (x: Value): Tensor => (isDual(belowDifferentiation(x)) ? T.zeros(shapeOf(x)) : primalTensor(x))

const lift = <P, A extends unknown[]>(primitive: Primitive<P>, kernel: (x: Tensor, ...rest: A) => Tensor, paramsOf: (x: Value, ...rest: A) => P): UnaryOp<A> => {
  return unaryOverloads((x: Value, ...rest: A): Value => (isDual(x) ? bind(primitive, [x], paramsOf(x, ...rest)) : kernel(x, ...rest)))
}

// ─── primitives ─────────────────────────────────────────────────────────────────────────────────

const reshapePrimitive: Primitive<Shape> = {
  ...unaryShapePrimitive<Shape>(
    'reshape',
    (x, shape) => T.reshape(x, shape),
    (g, x) => reshape(g, shapeOf(x)),
    (t, _x, y) => reshape(t, shapeOf(y)),
  ),
  // For jit's inline code (where the kernel copied into an output of its own): the same values, copied.
  inline: ([sx]) => (sx === undefined ? undefined : (ins, out) => copySource(T.sizeOf(sx), ins[0] ?? '', out)),
}

const inversePermutation = (permutation: readonly number[]): number[] => {
  const inverse = new Array<number>(permutation.length)
  permutation.forEach((p, i) => (inverse[p] = i))
  return inverse
}

const transposePrimitive: Primitive<readonly number[]> = {
  ...unaryShapePrimitive<readonly number[]>(
    'transpose',
    (x, permutation) => T.transpose(x, permutation),
    (g, _x, _y, permutation) => transpose(g, inversePermutation(permutation)),
    (t, _x, _y, permutation) => transpose(t, permutation),
  ),
  // For jit's inline code (small tensors): the same permutation of the values, element by element.
  inline: ([sx], permutation) => {
    const source = sx === undefined ? undefined : (x: string, out: string) => transposeSource(sx, permutation, x, out)
    return source === undefined || source('x', 'out') === undefined ? undefined : (ins, out) => source(ins[0] ?? '', out) ?? ''
  },
}

const broadcastToPrimitive: Primitive<Shape> = {
  ...unaryShapePrimitive<Shape>(
    'broadcastTo',
    (x, shape) => T.broadcastTo(x, shape),
    (g, x) => sumTo(g, shapeOf(x)),
    (t, _x, _y, shape) => broadcastTo(t, shape),
  ),
  // For jit: one element broadcast everywhere is a fill with it (a copy: no arithmetic).
  specialize: ([sx]) =>
    sx !== undefined && T.sizeOf(sx) === 1
      ? (ins, out) => {
          const x = ins[0]
          out.fill(x?.[0] ?? 0)
        }
      : undefined,
  // For jit's inline code: the same fill as source text.
  inline: ([sx], shape) =>
    sx !== undefined && T.sizeOf(sx) === 1 ? (ins, out) => `for (let i = 0; i < ${T.sizeOf(shape)}; i++) ${out}[i] = ${ins[0] ?? ''}[0]` : undefined,
}

const sumToPrimitive: Primitive<Shape> = {
  ...unaryShapePrimitive<Shape>(
    'sumTo',
    (x, shape) => T.sumTo(x, shape),
    (g, x) => broadcastTo(g, shapeOf(x)),
    (t, _x, _y, shape) => sumTo(t, shape),
  ),
  // For jit: T.sumTo's two summing loops (to one element; to the trailing row), the same
  // reducer calls, into the plan's buffer. Other cases replay through T.sumTo.
  specialize: ([sx], shape) => {
    const m = sx === undefined ? 0 : summedRows(sx, shape)
    if (sx === undefined || m === 0) return undefined
    const n = T.sizeOf(sx)
    if (m === 1) {
      return (ins, out) => {
        const x = ins[0]
        if (x === undefined) return
        out[0] = sumReducer.init
        sumReducer.fold(out, NO_AUX, 0, x, 0, n)
      }
    }
    return (ins, out) => {
      const x = ins[0]
      if (x === undefined) return
      out.fill(sumReducer.init)
      for (let r = 0; r < n; r += m) sumReducer.zip(out, NO_AUX, 0, x, r, m)
    }
  },
  // For jit's inline code: the same two loops as source text (`sumSource`: the reducer's order).
  // A sum over axes of size 1 only is T.sumTo's copy of the values (m = n).
  inline: ([sx], shape) => {
    if (sx === undefined) return undefined
    const n = T.sizeOf(sx)
    if (n > 0 && n === T.sizeOf(shape)) return (ins, out) => copySource(n, ins[0] ?? '', out)
    const m = summedRows(sx, shape)
    return m === 0 ? undefined : (ins, out) => sumSource(n, m, ins[0] ?? '', out)
  },
}

/**
 * The output length m of a `sumTo` from `sx` to `shape` that `specialize` runs as one of
 * T.sumTo's loops — everything to one element (m = 1), or rows to the trailing row — else 0.
 */
const summedRows = (sx: Shape, shape: Shape): number => {
  const n = T.sizeOf(sx)
  const m = T.sizeOf(shape)
  if (n === 0 || m === n) return 0
  if (m === 1) return 1
  let start = 0
  while (start < shape.length && shape[start] === 1) start++
  const offset = sx.length - (shape.length - start)
  for (let i = start; i < shape.length; i++) if (shape[i] !== sx[offset + i - start]) return 0
  return m
}

interface SliceParams {
  readonly begin: readonly number[]
  readonly size: readonly number[]
}

const slicePrimitive: Primitive<SliceParams> = unaryShapePrimitive(
  'slice',
  (x, { begin, size }) => T.slice(x, begin, size),
  (g, x, y, { begin }) => {
    const inShape = shapeOf(x)
    const outShape = shapeOf(y)
    return pad(g, inShape.map((d, i) => [begin[i] ?? 0, d - (begin[i] ?? 0) - (outShape[i] ?? 0)] as const))
  },
  (t, _x, _y, { begin, size }) => slice(t, begin, size),
)

type Paddings = readonly (readonly [number, number])[]

const padPrimitive: Primitive<{ readonly paddings: Paddings; readonly value: number }> = unaryShapePrimitive(
  'pad',
  (x, { paddings, value }) => T.pad(x, paddings, value),
  (g, x, _y, { paddings }) => slice(g, paddings.map(([before]) => before), shapeOf(x)),
  (t, _x, _y, { paddings }) => pad(t, paddings, 0),
)

interface GatherParams {
  readonly indices: readonly number[]
  readonly axis: number
}

const gatherPrimitive: Primitive<GatherParams> = unaryShapePrimitive(
  'gather',
  (x, { indices, axis }) => T.gather(x, indices, axis),
  (g, x, _y, { indices, axis }) => scatterAdd(shapeOf(x), indices, g, axis),
  (t, _x, _y, { indices, axis }) => gather(t, indices, axis),
)

const scatterAddPrimitive: Primitive<GatherParams & { readonly shape: Shape }> = unaryShapePrimitive(
  'scatterAdd',
  (updates, { shape, indices, axis }) => T.scatterAdd(shape, indices, updates, axis),
  (g, _x, _y, { indices, axis }) => gather(g, indices, axis),
  (t, _x, _y, { shape, indices, axis }) => scatterAdd(shape, indices, t, axis),
)

/** concat along an axis: n inputs; each pullback slices its part back out. */
const concatPrimitive: Primitive<number> = {
  name: 'concat',
  value: (inputs, axis) => T.concat(inputs, axis),
  vjp: (g, inputs, _y, axis, wanted) => {
    let offset = 0
    return inputs.map((x, i) => {
      const shape = shapeOf(x)
      const begin = shape.map((_, d) => (d === axis ? offset : 0))
      offset += shape[axis] ?? 0
      return wanted[i] === true ? slice(g, begin, shape) : undefined
    })
  },
  jvp: (tangents, inputs, _y, axis) => concat(inputs.map((x, i) => tangents[i] ?? T.zeros(shapeOf(x))), axis),
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** The same values under a new shape (one −1 is inferred). */
export const reshape = lift(reshapePrimitive, T.reshape, (_x, shape: Shape) => shape)

/** Permutes the axes (default: reversed). */
export const transpose = lift(transposePrimitive, T.transpose, (x, permutation?: readonly number[]) =>
  permutation ?? shapeOf(x).map((_, i, s) => s.length - 1 - i),
)

/** Broadcasts to a shape by NumPy's rules; the pullback sums over the broadcast axes. */
export const broadcastTo = lift(broadcastToPrimitive, T.broadcastTo, (_x, shape: Shape) => shape)

/** Sums a broadcast value back to `shape`: the pullback of broadcasting. */
export const sumTo = lift(sumToPrimitive, T.sumTo, (_x, shape: Shape) => shape)

/** A box of x from `begin` with `size` (−1: to the end). */
export const slice = lift(slicePrimitive, T.slice, (x, begin: readonly number[], size: readonly number[]) => {
  const shape = T.slice(shapeProbe(x), begin, size).shape
  return { begin, size: shape }
})

/** Pads with a constant value (default 0); `paddings[i]` = [before, after] for axis i. */
export const pad = lift(padPrimitive, T.pad, (_x, paddings: Paddings, value?: number) => ({ paddings, value: value ?? 0 }))

/** Rows (or slices along `axis`, default 0) picked by integer indices; repeated indices accumulate in the pullback. */
export const gather = lift(gatherPrimitive, T.gather, (x, indices: readonly number[], axis?: number) => ({
  indices,
  axis: T.normalizeAxis('gather', shapeOf(x), axis ?? 0),
}))

/** Zeros of `shape` with the slices of `updates` added at `indices` along `axis`: the transpose of gather. */
export function scatterAdd(shape: Shape, indices: readonly number[], updates: Tensor, axis?: number): Tensor
export function scatterAdd(shape: Shape, indices: readonly number[], updates: Value, axis?: number): Value
export function scatterAdd(shape: Shape, indices: readonly number[], updates: Value, axis = 0): Value {
  return isDual(updates)
    ? bind(scatterAddPrimitive, [updates], { shape, indices, axis: T.normalizeAxis('scatterAdd', shape, axis) })
    : T.scatterAdd(shape, indices, updates, axis)
}

/** Joins tensors along an existing axis (default 0). */
export function concat(xs: readonly Tensor[], axis?: number): Tensor
export function concat(xs: readonly Value[], axis?: number): Value
export function concat(xs: readonly Value[], axis = 0): Value {
  if (!xs.some(isDual)) return T.concat(xs.filter(T.isTensor), axis)
  const first = xs[0]
  const normalized = first === undefined ? axis : T.normalizeAxis('concat', shapeOf(first), axis)
  return bind(concatPrimitive, xs, normalized)
}

/** Inserts an axis of size 1. */
export const expandDims = lift(reshapePrimitive, T.expandDims, (x, axis: number) => T.expandDims(shapeProbe(x), axis).shape)

/** Removes size-1 axes (all of them, or the one given). */
export const squeeze = lift(reshapePrimitive, T.squeeze, (x, axis?: number) => T.squeeze(shapeProbe(x), axis).shape)

/** [n, …] → [n, product of the rest]. */
export const flatten2d = lift(reshapePrimitive, T.flatten2d, (x) => T.flatten2d(shapeProbe(x)).shape)

/** Stacks equal-shaped tensors along a new axis (default 0). */
export function stack(xs: readonly Tensor[], axis?: number): Tensor
export function stack(xs: readonly Value[], axis?: number): Value
export function stack(xs: readonly Value[], axis = 0): Value {
  if (!xs.some(isDual)) return T.stack(xs.filter(T.isTensor), axis)
  return concat(xs.map((x) => expandDims(x, axis)), axis)
}

/** Splits along an axis (default 0) into tensors one rank lower. */
export function unstack(x: Tensor, axis?: number): Tensor[]
export function unstack(x: Value, axis?: number): Value[]
export function unstack(x: Value, axis = 0): Value[] {
  if (!isDual(x)) return T.unstack(x, axis)
  const shape = shapeOf(x)
  const a = T.normalizeAxis('unstack', shape, axis)
  const n = shape[a] ?? 0
  const size = shape.map((d, i) => (i === a ? 1 : d))
  return Array.from({ length: n }, (_, k) => squeeze(slice(x, shape.map((_, i) => (i === a ? k : 0)), size), a))
}
