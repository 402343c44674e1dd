/**
 * Feature scaling as (fit, transform, inverse) triples.
 *
 * A `Scaler<S>` is three pure functions: `fit` computes statistics `S` over the rows of a tensor
 * (the first axis), `transform` applies them to any tensor with the same row shape, and `inverse`
 * undoes `transform`. Fit on the training rows, then transform training and test rows alike, so
 * no statistic of the test set leaks into training:
 *
 *     const stats = standardize.fit(train.x)
 *     const xTrain = standardize.transform(stats, train.x)
 *     const xTest = standardize.transform(stats, test.x)
 *
 * The statistics are plain records of tensors with the row shape (`[features]` for an
 * [n, features] table). A constant column has no spread to divide by: both scalers divide such a
 * column by 1 instead of by 0, so it becomes all zeros (not NaN), and `inverse` still restores it.
 */
import { ArgumentError, shapesEqual, ShapeError, sizeOf, type Tensor } from '../tensor/index.js'
import { fromData } from '../tensor/internal.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Statistics fitted on rows, applied to rows, and undone. */
export interface Scaler<S> {
  /** Statistics over the rows (first axis) of `x`; throws on a tensor of rank 0 or with no rows. */
  readonly fit: (x: Tensor) => S
  /** `x` scaled by the statistics; throws a ShapeError unless its row shape matches them. */
  readonly transform: (stats: S, x: Tensor) => Tensor
  /** The inverse of `transform`: `inverse(s, transform(s, x)) ≈ x`. */
  readonly inverse: (stats: S, x: Tensor) => Tensor
}

/** Per-column mean and population standard deviation (ddof = 0), each of the row shape. */
export interface Standardization {
  readonly mean: Tensor
  readonly std: Tensor
}

/** Per-column minimum and maximum, each of the row shape. */
export interface MinMaxScaling {
  readonly min: Tensor
  readonly max: Tensor
}

// ─── instances ──────────────────────────────────────────────────────────────────────────────────

/**
 * Standardization: z = (x − mean) / std per column, with the population std (ddof = 0).
 *
 * A column with zero variance (every value equal) keeps std 0 in the statistics and is divided by
 * 1 instead, so it becomes all zeros rather than NaN; its mean is then exactly its value. NaN in a
 * column makes that column's statistics NaN (nothing is skipped quietly).
 *
 * @example
 * const stats = data.standardize.fit(tensor([[1, 5], [3, 5]]))  // { mean: [2, 5], std: [1, 0] }
 * data.standardize.transform(stats, tensor([[1, 5], [3, 5]]))    // [[-1, 0], [1, 0]]
 */
export const standardize: Scaler<Standardization> = {
  fit: (x) => {
    const { rows, width, inner } = rowsOf('standardize.fit', x)
    const mean = new Float64Array(width)
    const std = new Float64Array(width)
    for (let j = 0; j < width; j++) {
      let sum = 0
      let min = Infinity
      let max = -Infinity
      for (let i = 0; i < rows; i++) {
        const v = x.data[i * width + j] ?? 0
        sum += v
        if (v < min) min = v
        if (v > max) max = v
      }
      if (min === max && !Number.isNaN(sum)) {
        // Every value equal: the mean is that value and the std 0 by construction, not by the
        // summation below happening to round back to them.
        mean[j] = min
        continue
      }
      let m = sum / rows
      let correction = 0
      for (let i = 0; i < rows; i++) correction += (x.data[i * width + j] ?? 0) - m
      m += correction / rows
      let squares = 0
      for (let i = 0; i < rows; i++) {
        const d = (x.data[i * width + j] ?? 0) - m
        squares += d * d
      }
      mean[j] = m
      std[j] = Math.sqrt(squares / rows)
    }
    return { mean: fromData(mean, inner), std: fromData(std, inner) }
  },
  transform: ({ mean, std }, x) =>
    perColumn('standardize.transform', x, mean, std, (v, m, s) => (v - m) / (s === 0 ? 1 : s)),
  inverse: ({ mean, std }, z) =>
    perColumn('standardize.inverse', z, mean, std, (v, m, s) => v * (s === 0 ? 1 : s) + m),
}

/**
 * Min–max scaling to [0, 1]: (x − min) / (max − min) per column.
 *
 * A constant column (max = min) is divided by 1 instead, so it becomes all zeros. Values outside
 * the fitted range (in test rows) map outside [0, 1]; they are not clipped.
 *
 * @example
 * const stats = data.minMaxScale.fit(tensor([[0, 10], [4, 20]]))  // { min: [0, 10], max: [4, 20] }
 * data.minMaxScale.transform(stats, tensor([[1, 15]]))             // [[0.25, 0.5]]
 */
export const minMaxScale: Scaler<MinMaxScaling> = {
  fit: (x) => {
    const { rows, width, inner } = rowsOf('minMaxScale.fit', x)
    const min = new Float64Array(width).fill(Infinity)
    const max = new Float64Array(width).fill(-Infinity)
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < width; j++) {
        const v = x.data[i * width + j] ?? 0
        // NaN poisons the column's statistics rather than being skipped.
        if (Number.isNaN(v)) {
          min[j] = NaN
          max[j] = NaN
        } else {
          // Math.min / Math.max on signed zeros: min(0, −0) = −0 and max(0, −0) = 0, so that the
          // column's smallest value, +0 or −0, scales to exactly +0 (v − (−0) = +0).
          min[j] = Math.min(min[j] ?? 0, v)
          max[j] = Math.max(max[j] ?? 0, v)
        }
      }
    }
    return { min: fromData(min, inner), max: fromData(max, inner) }
  },
  transform: ({ min, max }, x) =>
    perColumn('minMaxScale.transform', x, min, max, (v, lo, hi) => (v - lo) / rangeOf(lo, hi)),
  inverse: ({ min, max }, z) =>
    perColumn('minMaxScale.inverse', z, min, max, (v, lo, hi) => v * rangeOf(lo, hi) + lo),
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const rangeOf = (lo: number, hi: number): number => (hi - lo === 0 ? 1 : hi - lo)

const rowsOf = (op: string, x: Tensor): { rows: number; width: number; inner: readonly number[] } => {
  const rows = x.shape[0]
  if (rows === undefined) throw new ShapeError(op, [x.shape], 'expected a tensor with a row axis (rank at least 1)')
  if (rows === 0) throw new ArgumentError(op, `cannot fit statistics on 0 rows (shape [${x.shape.join(',')}])`)
  const inner = x.shape.slice(1)
  return { rows, width: sizeOf(inner), inner }
}

/** Applies `f(value, a[column], b[column])` to every element of x, after checking the row shape. */
const perColumn = (
  op: string,
  x: Tensor,
  a: Tensor,
  b: Tensor,
  f: (v: number, a: number, b: number) => number,
): Tensor => {
  if (x.shape.length === 0 || !shapesEqual(x.shape.slice(1), a.shape) || !shapesEqual(a.shape, b.shape)) {
    throw new ShapeError(op, [x.shape, a.shape], 'the rows of x must have the shape of the fitted statistics')
  }
  const width = a.data.length
  const out = new Float64Array(x.data.length)
  if (width === 0) return fromData(out, x.shape)
  for (let i = 0; i < out.length; i += width) {
    for (let j = 0; j < width; j++) out[i + j] = f(x.data[i + j] ?? 0, a.data[j] ?? 0, b.data[j] ?? 0)
  }
  return fromData(out, x.shape)
}
