/**
 * Reduction kernels: the one loop behind every reduction in `src/tensor/reduce.ts`.
 *
 * A reduction reads its input once, in row-major order, and folds each element into the
 * accumulator of its output position. The accumulator is read through strides that are 0 on the
 * reduced axes, so after coalescing (`strided.ts`) the walk is a series of contiguous runs, each
 * either folded into one accumulator (innermost axis reduced) or zipped into a row of them
 * (innermost axis kept). Each accumulator therefore sees its inputs in increasing index order:
 * the same input gives the same bits, always. A `Reducer` supplies the two inner loops.
 */
import { broadcastStrides, stridesOf } from '../shape.js'
import type { ReadonlyFloat64Array, Shape } from '../Tensor.js'
import { coalesce } from './strided.js'
import { allocate } from './alloc.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * The inner loops of one reduction `acc ← acc ∘ v`. `aux` is an optional per-output array read at
 * the accumulator's position (the mean for squared deviations, the shift for log-sum-exp).
 */
export interface Reducer {
  /** The starting value of every accumulator (the identity of ∘). */
  readonly init: number
  /** The result of reducing no elements (usually `init`; sum starts from −0 but gives +0). */
  readonly empty: number
  /** acc[o] ← acc[o] ∘ x[i] ∘ … ∘ x[i + n − 1], left to right. */
  readonly fold: (acc: Float64Array, aux: ReadonlyFloat64Array, o: number, x: ReadonlyFloat64Array, i: number, n: number) => void
  /** acc[o + j] ← acc[o + j] ∘ x[i + j] for j < n. */
  readonly zip: (acc: Float64Array, aux: ReadonlyFloat64Array, o: number, x: ReadonlyFloat64Array, i: number, n: number) => void
}

/** The `aux` of reducers that take none. */
export const NO_AUX: ReadonlyFloat64Array = new Float64Array(0)

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Reduces `x` (of `shape`) over the given sorted, distinct axes. Returns the accumulators in the
 * row-major order of the kept axes (the layout of the keepDims result). An empty reduction gives
 * `reducer.empty` everywhere.
 */
export const reduceKernel = (
  x: ReadonlyFloat64Array,
  shape: Shape,
  axes: readonly number[],
  reducer: Reducer,
  aux: ReadonlyFloat64Array = NO_AUX,
): Float64Array => {
  const kept = shape.map((d, axis) => (axes.includes(axis) ? 1 : d))
  let m = 1
  for (const d of kept) m *= d
  const n = x.length
  const acc = allocate(m).fill(n === 0 ? reducer.empty : reducer.init)
  if (n === 0) return acc
  const { dims, strides } = coalesce(shape, [stridesOf(shape), broadcastStrides(kept, shape)])
  const so = strides[1] ?? []
  if (dims.length === 0) {
    reducer.fold(acc, aux, 0, x, 0, 1)
    return acc
  }
  // The input is contiguous, so its innermost stride is 1 and its offset is the run counter.
  const run = dims[0] ?? 1
  const reducedInside = (so[0] ?? 0) === 0
  const counter = new Array<number>(dims.length).fill(0)
  let o = 0
  for (let i = 0; i < n; i += run) {
    if (reducedInside) reducer.fold(acc, aux, o, x, i, run)
    else reducer.zip(acc, aux, o, x, i, run)
    for (let g = 1; g < dims.length; g++) {
      const size = dims[g] ?? 1
      const step = so[g] ?? 0
      const next = (counter[g] ?? 0) + 1
      if (next < size) {
        counter[g] = next
        o += step
        break
      }
      counter[g] = 0
      o -= step * (size - 1)
    }
  }
  return acc
}

// ─── instances ──────────────────────────────────────────────────────────────────────────────────

/**
 * Σ v. It starts from −0, the exact identity of IEEE addition (−0 + v = v for every v, −0
 * included), so summing a single element gives that element bit for bit, as NumPy does.
 */
export const sumReducer: Reducer = {
  init: -0,
  empty: 0,
  fold: (acc, _aux, o, x, i, n) => {
    let s = acc[o] ?? 0
    for (let j = 0; j < n; j++) s += x[i + j] ?? 0
    acc[o] = s
  },
  zip: (acc, _aux, o, x, i, n) => {
    for (let j = 0; j < n; j++) acc[o + j] = (acc[o + j] ?? 0) + (x[i + j] ?? 0)
  },
}

/** Sums over up to this many terms are written out term by term in `sumSource` (no loops). */
const UNROLL_TERMS = 64

/**
 * For jit's inline code: the source of `sumReducer` summing n inputs into m outputs (m divides n):
 * output j gets x[j] + x[m + j] + x[2m + j] + … from −0 (m = 1: the sum of everything, as `fold`
 * makes it; else each row of m added in turn, as `zip` does), in the reducer's order, so the same
 * bits. `x` and `out` name the buffers. Written out term by term when short.
 */
export const sumSource = (n: number, m: number, x: string, out: string): string => {
  if (n <= UNROLL_TERMS) {
    const lines: string[] = []
    for (let j = 0; j < m; j++) {
      let sum = '-0'
      for (let r = j; r < n; r += m) sum += ` + ${x}[${r}]`
      lines.push(`${out}[${j}] = ${sum}`)
    }
    return lines.join('\n')
  }
  return `for (let j = 0; j < ${m}; j++) {\n  let s = -0\n  for (let r = j; r < ${n}; r += ${m}) s += ${x}[r]\n  ${out}[j] = s\n}`
}

/** Π v */
export const prodReducer: Reducer = {
  init: 1,
  empty: 1,
  fold: (acc, _aux, o, x, i, n) => {
    let p = acc[o] ?? 1
    for (let j = 0; j < n; j++) p *= x[i + j] ?? 1
    acc[o] = p
  },
  zip: (acc, _aux, o, x, i, n) => {
    for (let j = 0; j < n; j++) acc[o + j] = (acc[o + j] ?? 1) * (x[i + j] ?? 1)
  },
}

/** max v; a NaN wins and stays. */
export const maxReducer: Reducer = {
  init: -Infinity,
  empty: -Infinity,
  fold: (acc, _aux, o, x, i, n) => {
    let m = acc[o] ?? 0
    for (let j = 0; j < n; j++) {
      const v = x[i + j] ?? 0
      if (v > m || v !== v) m = v
    }
    acc[o] = m
  },
  zip: (acc, _aux, o, x, i, n) => {
    for (let j = 0; j < n; j++) {
      const v = x[i + j] ?? 0
      if (v > (acc[o + j] ?? 0) || v !== v) acc[o + j] = v
    }
  },
}

/** min v; a NaN wins and stays. */
export const minReducer: Reducer = {
  init: Infinity,
  empty: Infinity,
  fold: (acc, _aux, o, x, i, n) => {
    let m = acc[o] ?? 0
    for (let j = 0; j < n; j++) {
      const v = x[i + j] ?? 0
      if (v < m || v !== v) m = v
    }
    acc[o] = m
  },
  zip: (acc, _aux, o, x, i, n) => {
    for (let j = 0; j < n; j++) {
      const v = x[i + j] ?? 0
      if (v < (acc[o + j] ?? 0) || v !== v) acc[o + j] = v
    }
  },
}

/** Σ (v − μ)², with μ = aux at the output position (the second pass of a two-pass variance). */
export const squaredDeviationReducer: Reducer = {
  init: 0,
  empty: 0,
  fold: (acc, aux, o, x, i, n) => {
    const mu = aux[o] ?? 0
    let s = acc[o] ?? 0
    for (let j = 0; j < n; j++) {
      const d = (x[i + j] ?? 0) - mu
      s += d * d
    }
    acc[o] = s
  },
  zip: (acc, aux, o, x, i, n) => {
    for (let j = 0; j < n; j++) {
      const d = (x[i + j] ?? 0) - (aux[o + j] ?? 0)
      acc[o + j] = (acc[o + j] ?? 0) + d * d
    }
  },
}

/** Σ exp(v − c), with the shift c = aux at the output position (log-sum-exp's second pass). */
export const shiftedExpReducer: Reducer = {
  init: 0,
  empty: 0,
  fold: (acc, aux, o, x, i, n) => {
    const c = aux[o] ?? 0
    let s = acc[o] ?? 0
    for (let j = 0; j < n; j++) s += Math.exp((x[i + j] ?? 0) - c)
    acc[o] = s
  },
  zip: (acc, aux, o, x, i, n) => {
    for (let j = 0; j < n; j++) acc[o + j] = (acc[o + j] ?? 0) + Math.exp((x[i + j] ?? 0) - (aux[o + j] ?? 0))
  },
}

