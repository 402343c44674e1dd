/**
 * Reading tensors back out: nested arrays, single values, approximate equality, and text.
 *
 * `toString` prints like NumPy: nested brackets, one row per line, entries aligned to one width
 * and one notation, long axes summarised with `...`, and the shape at the end.
 */
import { ArgumentError, ShapeError, formatShape } from './errors.js'
import { shapesEqual, stridesOf } from './shape.js'
import type { NestedArray, Tensor } from './Tensor.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Tolerances of `allClose`. */
export interface AllCloseOptions {
  /** Relative tolerance, scaled by |b| (default 1e-5). */
  readonly rtol?: number
  /** Absolute tolerance (default 1e-8). */
  readonly atol?: number
  /** Whether NaN equals NaN (default false). */
  readonly equalNan?: boolean
}

/** How `toString` prints. */
export interface ToStringOptions {
  /** Digits after the decimal point, an integer in [0, 20] (default 4). */
  readonly precision?: number
  /**
   * Tensors with more elements than this are summarised: each axis longer than 6 shows its first
   * 3 and last 3 entries around `...` (default 100).
   */
  readonly threshold?: number
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The values as nested arrays of numbers, outermost axis first; a scalar gives a number.
 *
 * @example
 * toArray(tensor([[1, 2], [3, 4]]))  // [[1, 2], [3, 4]]
 * toArray(scalar(5))  // 5
 */
export const toArray = (x: Tensor): NestedArray => {
  const rank = x.shape.length
  const strides = stridesOf(x.shape)
  const build = (depth: number, offset: number): NestedArray => {
    if (depth === rank) return x.data[offset] ?? 0
    const n = x.shape[depth] ?? 0
    const stride = strides[depth] ?? 0
    const out: NestedArray[] = new Array<NestedArray>(n)
    for (let i = 0; i < n; i++) out[i] = build(depth + 1, offset + i * stride)
    return out
  }
  return build(0, 0)
}

/**
 * The value of a tensor with exactly one element (of any rank).
 *
 * @throws {ShapeError} unless the tensor has exactly one element
 * @example
 * item(tensor([[7]]))  // 7
 */
export const item = (x: Tensor): number => {
  const value = x.data[0]
  if (x.data.length !== 1 || value === undefined) {
    throw new ShapeError('item', [x.shape], `expected a tensor with exactly one element, got ${x.data.length}`)
  }
  return value
}

/**
 * True when both tensors have the same shape and every pair of entries satisfies
 * |a − b| ≤ atol + rtol·|b| (NumPy's `allclose`, not symmetric in a and b). An infinity equals
 * only the same infinity; NaN equals NaN only with `equalNan`.
 *
 * @param options the options, each with its default:
 * @param options.rtol relative tolerance (default 1e-5)
 * @param options.atol absolute tolerance (default 1e-8)
 * @param options.equalNan whether NaN equals NaN (default false)
 * @throws {ArgumentError} for negative or NaN tolerances
 * @example
 * allClose(vector([1, 2]), vector([1, 2 + 1e-9]))  // true
 * allClose(vector([1, 2]), vector([1, 2.1]))  // false
 */
export const allClose = (a: Tensor, b: Tensor, { rtol = 1e-5, atol = 1e-8, equalNan = false }: AllCloseOptions = {}): boolean => {
  if (!(rtol >= 0) || !(atol >= 0)) {
    throw new ArgumentError('allClose', `tolerances must be non-negative numbers, got rtol ${rtol} and atol ${atol}`)
  }
  if (!shapesEqual(a.shape, b.shape)) return false
  const x = a.data
  const y = b.data
  for (let i = 0; i < x.length; i++) {
    const u = x[i] ?? 0
    const v = y[i] ?? 0
    if (Number.isNaN(u) || Number.isNaN(v)) {
      if (equalNan && Number.isNaN(u) && Number.isNaN(v)) continue
      return false
    }
    if (!Number.isFinite(u) || !Number.isFinite(v)) {
      if (u === v) continue
      return false
    }
    if (Math.abs(u - v) > atol + rtol * Math.abs(v)) return false
  }
  return true
}

/**
 * A readable, NumPy-like rendering. Entries share one notation — fixed with `precision` digits, or
 * exponential when the largest magnitude is ≥ 1e8 or the smallest non-zero one is < 1e-4 — and
 * one width; NaN and infinities print as `nan`, `inf`, `-inf`.
 *
 * @param options the options, each with its default:
 * @param options.precision digits after the point (default 4)
 * @param options.threshold element count above which long axes are summarised (default 100)
 * @throws {ArgumentError} for a precision that is not an integer in [0, 20]
 * @example
 * T.toString(vector([1, 2.5]))  // 'tensor([1.0000, 2.5000], shape [2])'
 * T.toString(tensor([[1, 2], [3, 4]])).split('\n')  // ['tensor([[1.0000, 2.0000],', '        [3.0000, 4.0000]], shape [2,2])']
 */
export const toString = (x: Tensor, { precision = 4, threshold = 100 }: ToStringOptions = {}): string => {
  if (!Number.isInteger(precision) || precision < 0 || precision > 20) {
    throw new ArgumentError('toString', `precision must be an integer in [0, 20], got ${precision}`)
  }
  const rank = x.shape.length
  const strides = stridesOf(x.shape)
  const summarise = x.data.length > threshold
  const entries = (depth: number): Array<number | null> => {
    const n = x.shape[depth] ?? 0
    if (summarise && n > 2 * EDGE_ITEMS) {
      const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i)
      const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i)
      return [...head, null, ...tail]
    }
    return Array.from({ length: n }, (_, i) => i)
  }

  // First pass: which entries are shown, so that notation and width depend on those alone.
  const shown: number[] = []
  const collect = (depth: number, offset: number): void => {
    if (depth === rank) {
      shown.push(offset)
      return
    }
    const stride = strides[depth] ?? 0
    for (const i of entries(depth)) if (i !== null) collect(depth + 1, offset + i * stride)
  }
  collect(0, 0)
  const values = shown.map((offset) => x.data[offset] ?? 0)
  const cell = formatter(values, precision)
  const texts = new Map<number, string>()
  let width = 0
  for (const offset of shown) {
    const text = cell(x.data[offset] ?? 0)
    texts.set(offset, text)
    width = Math.max(width, text.length)
  }

  const render = (depth: number, offset: number): string => {
    if (depth === rank) return (texts.get(offset) ?? '').padStart(width)
    const stride = strides[depth] ?? 0
    const parts = entries(depth).map((i) => (i === null ? '...' : render(depth + 1, offset + i * stride)))
    const separator = depth === rank - 1 ? ', ' : `,${'\n'.repeat(rank - depth - 1)}${' '.repeat(PREFIX.length + depth + 1)}`
    return `[${parts.join(separator)}]`
  }
  return `${PREFIX}${render(0, 0)}, shape ${formatShape(x.shape)})`
}

/** Alias of `toString`. */
export const show = toString

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const PREFIX = 'tensor('

/** Entries kept at each end of a summarised axis. */
const EDGE_ITEMS = 3

/** One number-to-text function for all shown values, so they share a notation. */
const formatter = (values: readonly number[], precision: number): ((v: number) => string) => {
  let largest = 0
  let smallest = Number.POSITIVE_INFINITY
  for (const v of values) {
    if (!Number.isFinite(v) || v === 0) continue
    const m = Math.abs(v)
    largest = Math.max(largest, m)
    smallest = Math.min(smallest, m)
  }
  const exponential = largest >= 1e8 || smallest < 1e-4
  return (v) => {
    if (Number.isNaN(v)) return 'nan'
    if (v === Number.POSITIVE_INFINITY) return 'inf'
    if (v === Number.NEGATIVE_INFINITY) return '-inf'
    return exponential ? v.toExponential(precision) : v.toFixed(precision)
  }
}
