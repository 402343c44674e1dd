/**
 * Reductions: sum, mean, max, min, prod, variance, log-sum-exp, argmax/argmin, and `sumTo`, the
 * inverse of broadcasting that every autodiff pullback ends with.
 *
 * All of them run through one kernel (`kernels/reduce.ts`) that reads the input in row-major
 * order, so each output sums its inputs in a fixed order and the same input always gives the
 * same bits. `axis` may be one axis or several, negative axes count from the end, and an
 * undefined axis reduces everything; repeated or out-of-range axes are ShapeErrors.
 */
import { ArgumentError, formatShape, ShapeError } from './errors.js'
import {
  maxReducer,
  minReducer,
  prodReducer,
  NO_AUX,
  reduceKernel,
  shiftedExpReducer,
  squaredDeviationReducer,
  sumReducer,
  type Reducer,
} from './kernels/reduce.js'
import { normalizeAxes, normalizeAxis, shapesEqual } from './shape.js'
import { checkShape, fromData, sizeOf, unsafeTensor, type ReadonlyFloat64Array, type Shape, type Tensor } from './Tensor.js'
import { allocate, copyOf } from './kernels/alloc.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Which axes a reduction folds away. */
export interface ReduceOptions {
  /** One axis or several; negative counts from the end (default: every axis). */
  readonly axis?: number | readonly number[]
  /** Keep the reduced axes as size 1, so the result broadcasts against the input (default false). */
  readonly keepDims?: boolean
}

/** Options of `variance`. */
export interface VarianceOptions extends ReduceOptions {
  /** Delta degrees of freedom: divide by count − ddof (default 0, the population variance). */
  readonly ddof?: number
}

/** Options of `argmax` and `argmin`, which reduce a single axis. */
export interface ArgReduceOptions {
  /** The axis to search; negative counts from the end (default: the flattened tensor, giving a scalar). */
  readonly axis?: number
  /** Keep the searched axis (or every axis, when flattened) as size 1 (default false). */
  readonly keepDims?: boolean
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Sum over the given axes; 0 over an empty axis.
 *
 * @example
 * T.sum(tensor([[1, 2], [3, 4]]), { axis: 0 })  // [4, 6]
 */
export const sum = (x: Tensor, options: ReduceOptions = {}): Tensor => {
  const { data, shape } = reduceWith('sum', x, options, sumReducer)
  return unsafeTensor(data, shape)
}

/**
 * Arithmetic mean over the given axes; NaN over an empty axis.
 *
 * @example
 * T.mean(tensor([[1, 2], [3, 4]]), { axis: -1, keepDims: true })  // [[1.5], [3.5]]
 */
export const mean = (x: Tensor, options: ReduceOptions = {}): Tensor => {
  const { data, shape, count } = reduceWith('mean', x, options, sumReducer)
  for (let i = 0; i < data.length; i++) data[i] = (data[i] ?? 0) / count
  return unsafeTensor(data, shape)
}

/** Largest value over the given axes; NaN if any is NaN. A ShapeError over an empty axis. */
export const max = (x: Tensor, options: ReduceOptions = {}): Tensor => {
  const { data, shape } = reduceWith('max', x, options, maxReducer, requireNonEmpty)
  return unsafeTensor(data, shape)
}

/** Smallest value over the given axes; NaN if any is NaN. A ShapeError over an empty axis. */
export const min = (x: Tensor, options: ReduceOptions = {}): Tensor => {
  const { data, shape } = reduceWith('min', x, options, minReducer, requireNonEmpty)
  return unsafeTensor(data, shape)
}

/** Product over the given axes; 1 over an empty axis. */
export const prod = (x: Tensor, options: ReduceOptions = {}): Tensor => {
  const { data, shape } = reduceWith('prod', x, options, prodReducer)
  return unsafeTensor(data, shape)
}

/**
 * Variance Σ(x − mean)²/(count − ddof) over the given axes, by two passes (mean first) for
 * accuracy. NaN when count − ddof ≤ 0. `ddof` must be a non-negative finite number.
 *
 * @throws {ArgumentError} for a ddof that is not a non-negative finite number
 * @example
 * T.variance(vector([1, 2, 3, 4]))  // 1.25
 * T.variance(vector([1, 2, 3, 4]), { ddof: 1 })  // 1.6666666666666667
 */
export const variance = (x: Tensor, options: VarianceOptions = {}): Tensor => {
  const ddof = options.ddof ?? 0
  if (!Number.isFinite(ddof) || ddof < 0) {
    throw new ArgumentError('variance', `ddof must be a non-negative finite number, got ${ddof}`)
  }
  const sums = reduceWith('variance', x, options, sumReducer)
  for (let i = 0; i < sums.data.length; i++) sums.data[i] = (sums.data[i] ?? 0) / sums.count
  const { data, shape, count } = reduceWith('variance', x, options, squaredDeviationReducer, undefined, sums.data)
  const dof = count - ddof > 0 ? count - ddof : NaN
  for (let i = 0; i < data.length; i++) data[i] = (data[i] ?? 0) / dof
  return unsafeTensor(data, shape)
}

/**
 * log Σ exp(x) over the given axes, stably: the maximum m is subtracted first, so
 * logSumExp([1000, 1000]) is 1000 + ln 2. A slice of all −Infinity gives −Infinity (not NaN),
 * any +Infinity gives +Infinity, any NaN gives NaN, and an empty axis gives −Infinity.
 *
 * @example
 * T.logSumExp(vector([1000, 1000]))  // 1000.6931471805599
 */
export const logSumExp = (x: Tensor, options: ReduceOptions = {}): Tensor => {
  const axes = normalizeAxes('logSumExp', x.shape, options.axis)
  // Shift by the max where it is finite, by 0 where it is ±Infinity or NaN (those pass through).
  const shift =
    reducedCount(x.shape, axes) === 0
      ? allocate(sizeOf(x.shape.map((d, a) => (axes.includes(a) ? 1 : d))))
      : reduceKernel(x.data, x.shape, axes, maxReducer)
  for (let i = 0; i < shift.length; i++) {
    const m = shift[i] ?? 0
    if (!Number.isFinite(m)) shift[i] = 0
  }
  const { data, shape } = reduceWith('logSumExp', x, options, shiftedExpReducer, undefined, shift)
  for (let i = 0; i < data.length; i++) data[i] = Math.log(data[i] ?? 0) + (shift[i] ?? 0)
  return unsafeTensor(data, shape)
}

/**
 * Index of the largest value along one axis (over the flattened tensor when `axis` is undefined,
 * giving a scalar). The first index wins on ties; a NaN counts as the largest, so the index of the
 * first NaN is returned. A ShapeError over an empty axis.
 *
 * @example
 * T.argmax(tensor([[1, 9, 9], [7, 2, 3]]), { axis: 1 })  // [1, 0]
 */
export const argmax = (x: Tensor, options: ArgReduceOptions = {}): Tensor => argReduce('argmax', x, options, 1)

/**
 * Index of the smallest value along one axis (over the flattened tensor when `axis` is
 * undefined). The first index wins on ties; a NaN counts as the smallest. A ShapeError over an
 * empty axis.
 */
export const argmin = (x: Tensor, options: ArgReduceOptions = {}): Tensor => argReduce('argmin', x, options, -1)

/**
 * Sums a tensor that was broadcast from `shape` back down to `shape`: over the leading axes it
 * lacks and over the axes where it has size 1. Returns `x` itself when the shapes are equal.
 * Throws a ShapeError when `shape` does not broadcast to `x.shape`.
 *
 * @throws {ShapeError} when the target shape does not broadcast to the tensor's
 * @example
 * T.sumTo(tensor([[1, 2], [3, 4]]), [2])     // [4, 6]
 * T.sumTo(tensor([[1, 2], [3, 4]]), [2, 1])  // [[3], [7]]
 */
export const sumTo = (x: Tensor, shape: Shape): Tensor => {
  checkShape('sumTo', shape)
  if (shapesEqual(x.shape, shape)) return x
  const offset = x.shape.length - shape.length
  if (offset < 0) {
    throw new ShapeError('sumTo', [x.shape, shape], `target ${formatShape(shape)} has more dimensions than the tensor, so it does not broadcast to it`)
  }
  for (let i = 0; i < shape.length; i++) {
    const t = shape[i]
    const d = x.shape[offset + i]
    if (t !== d && t !== 1) {
      throw new ShapeError('sumTo', [x.shape, shape], `target ${formatShape(shape)} does not broadcast to the tensor: dimension ${t} at axis ${i} is neither 1 nor ${d}`)
    }
  }
  const data = x.data
  const m = sizeOf(shape)
  const n = data.length
  // Only leading or size-1 axes differ: nothing to sum, the layout is the same. The same shape is
  // x itself; another shape gets a copy (two tensors never share memory, see kernels/alloc.ts).
  if (m === n) return shapesEqual(x.shape, shape) ? x : unsafeTensor(copyOf(data), Object.freeze([...shape]))
  const target = Object.freeze([...shape])
  if (n === 0) return unsafeTensor(allocate(m), target)
  if (m === 1) {
    const out = allocate(1).fill(sumReducer.init)
    sumReducer.fold(out, NO_AUX, 0, data, 0, n)
    return unsafeTensor(out, target)
  }
  if (isRowTarget(shape, x.shape)) {
    // [n, m] → [m]: column sums in one row-major pass, each in increasing row order.
    const out = allocate(m).fill(sumReducer.init)
    for (let r = 0; r < n; r += m) sumReducer.zip(out, NO_AUX, 0, data, r, m)
    return unsafeTensor(out, target)
  }
  const axes: number[] = []
  for (let a = 0; a < x.shape.length; a++) if (a < offset || (shape[a - offset] === 1 && x.shape[a] !== 1)) axes.push(a)
  return unsafeTensor(reduceKernel(data, x.shape, axes, sumReducer), target)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

type EmptyCheck = (op: string, shape: Shape, axes: readonly number[], count: number) => void

/** Normalises the axes, checks, runs the kernel and shapes the result. */
const reduceWith = (
  op: string,
  x: Tensor,
  options: ReduceOptions,
  reducer: Reducer,
  check?: EmptyCheck,
  aux?: ReadonlyFloat64Array,
): { data: Float64Array; shape: Shape; count: number } => {
  const axes = normalizeAxes(op, x.shape, options.axis)
  const count = reducedCount(x.shape, axes)
  check?.(op, x.shape, axes, count)
  const data = reduceKernel(x.data, x.shape, axes, reducer, aux)
  const shape = options.keepDims === true
    ? x.shape.map((d, a) => (axes.includes(a) ? 1 : d))
    : x.shape.filter((_, a) => !axes.includes(a))
  return { data, shape: Object.freeze(shape), count }
}

const reducedCount = (shape: Shape, axes: readonly number[]): number => {
  let count = 1
  for (const a of axes) count *= shape[a] ?? 1
  return count
}

const requireNonEmpty: EmptyCheck = (op, shape, axes, count) => {
  if (count === 0) {
    throw new ShapeError(op, [shape], `cannot take the ${op} over an empty axis (axes [${axes.join(',')}] hold no elements)`)
  }
}

/** True when `target`, without its leading 1s, is the trailing part of `shape`. */
const isRowTarget = (target: Shape, shape: Shape): boolean => {
  let start = 0
  while (start < target.length && target[start] === 1) start++
  const len = target.length - start
  const offset = shape.length - len
  for (let i = 0; i < len; i++) if (target[start + i] !== shape[offset + i]) return false
  return true
}

/**
 * argmax (sign 1) or argmin (sign −1) along one axis, as an outer × axis × inner walk: for each
 * output position the axis is scanned in order, so the first best index wins.
 */
const argReduce = (op: string, x: Tensor, options: ArgReduceOptions, sign: 1 | -1): Tensor => {
  const shape = x.shape
  const keepDims = options.keepDims === true
  let outer = 1
  let len = x.data.length
  let inner = 1
  let outShape: Shape
  if (options.axis === undefined) {
    outShape = keepDims ? shape.map(() => 1) : []
  } else {
    const axis = normalizeAxis(op, shape, options.axis)
    outer = sizeOf(shape.slice(0, axis))
    len = shape[axis] ?? 1
    inner = sizeOf(shape.slice(axis + 1))
    outShape = keepDims ? shape.map((d, a) => (a === axis ? 1 : d)) : shape.filter((_, a) => a !== axis)
  }
  if (len === 0) {
    const where = options.axis === undefined ? 'an empty tensor' : `axis ${options.axis}, which is empty`
    throw new ShapeError(op, [shape], `cannot take the ${op} over ${where}`)
  }
  const data = x.data
  const out = allocate(outer * inner)
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * len * inner + j
      let best = data[base] ?? 0
      let index = 0
      for (let k = 1; k < len && best === best; k++) {
        const v = data[base + k * inner] ?? 0
        if (sign * v > sign * best || v !== v) {
          best = v
          index = k
        }
      }
      out[o * inner + j] = index
    }
  }
  return unsafeTensor(out, Object.freeze(outShape))
}
