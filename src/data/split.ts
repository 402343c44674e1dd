/**
 * Reordering and partitioning rows with a key: `shuffle`, `trainTestSplit` (optionally
 * stratified) and `kFold` for cross-validation.
 *
 * Each is one `permutation(key, rows)` followed by a cut, so the same key gives the same result
 * on every machine, and every row lands in exactly one part.
 */
import { permutation, type Key } from '../random/index.js'
import { ArgumentError, type Tensor } from '../tensor/index.js'
import { rowCount, take, type Dataset } from './Dataset.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A partition of a dataset's rows into training and test rows. */
export interface Split {
  readonly train: Dataset
  readonly test: Dataset
}

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /**
   * Keep each class's share in the test set (default false). A class is a distinct row of y:
   * a label in y [n, 1], or a one-hot row in y [n, classes].
   */
  readonly stratify?: boolean
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The rows of `ds` in the order of `permutation(key, rows)`, x and y alike.
 *
 * @example
 * data.shuffle(data.gates.xor, random.key(1))  // { x: [[1, 0], [0, 0], [1, 1], [0, 1]], y: [[1], [0], [0], [1]] }
 */
export const shuffle = (ds: Dataset, key: Key): Dataset => take(ds, permutation(key, rowCount(ds)))

/**
 * Shuffled rows split into training and test sets; the test set has round(testFraction · rows)
 * rows. With `stratify`, each class c with n_c rows puts floor or ceil of testFraction · n_c rows
 * into the test set (largest remainders first, ties to the class seen first), so the class
 * proportions hold to within one row. testFraction must be in [0, 1].
 *
 * @param options the options, each with its default:
 * @param options.stratify keep class proportions (default false)
 * @throws {ArgumentError} for a testFraction outside [0, 1]
 * @example
 * const parts = data.trainTestSplit(data.pima(), 0.2, random.key(0), { stratify: true })
 * parts.train.x.shape  // [614, 8]
 * parts.test.x.shape   // [154, 8]
 */
export const trainTestSplit = (
  ds: Dataset,
  testFraction: number,
  key: Key,
  { stratify = false }: TrainTestSplitOptions = {},
): Split => {
  if (!(testFraction >= 0 && testFraction <= 1)) {
    throw new ArgumentError('trainTestSplit', `testFraction must be a number in [0, 1], got ${testFraction}`)
  }
  const n = rowCount(ds)
  const order = permutation(key, n)
  const testRows = Math.round(testFraction * n)
  if (!stratify) return { train: take(ds, order.slice(testRows)), test: take(ds, order.slice(0, testRows)) }
  const classOf = classesOf(ds.y)
  const quota = stratifiedQuota(classOf, testFraction, testRows)
  const taken = new Array<number>(quota.length).fill(0)
  const train: number[] = []
  const test: number[] = []
  for (const row of order) {
    const c = classOf[row] ?? 0
    if ((taken[c] ?? 0) < (quota[c] ?? 0)) {
      taken[c] = (taken[c] ?? 0) + 1
      test.push(row)
    } else train.push(row)
  }
  return { train: take(ds, train), test: take(ds, test) }
}

/**
 * k folds for cross-validation: the shuffled rows are cut into k contiguous parts whose sizes
 * differ by at most one (the first rows mod k parts are one larger); fold i tests on part i and
 * trains on the others. The test parts partition the rows. k must be an integer in [2, rows].
 *
 * @throws {ArgumentError} for k that is not an integer in [2, rows]
 * @example
 * data.kFold(data.pima(), 5, random.key(0)).map((fold) => fold.test.x.shape[0])  // [154, 154, 154, 153, 153]
 */
export const kFold = (ds: Dataset, k: number, key: Key): readonly Split[] => {
  const n = rowCount(ds)
  if (!Number.isInteger(k) || k < 2 || k > n) {
    throw new ArgumentError('kFold', `k must be an integer in [2, ${n}] (the number of rows), got ${k}`)
  }
  const order = permutation(key, n)
  const base = Math.floor(n / k)
  const larger = n % k
  const folds: Split[] = []
  let start = 0
  for (let i = 0; i < k; i++) {
    const end = start + base + (i < larger ? 1 : 0)
    folds.push({
      train: take(ds, [...order.slice(0, start), ...order.slice(end)]),
      test: take(ds, order.slice(start, end)),
    })
    start = end
  }
  return folds
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** The class index of every row: distinct rows of y numbered in order of first appearance. */
const classesOf = (y: Tensor): readonly number[] => {
  const n = y.shape[0] ?? 0
  const width = n === 0 ? 0 : y.data.length / n
  const index = new Map<string, number>()
  const out = new Array<number>(n)
  for (let r = 0; r < n; r++) {
    const name = Array.from(y.data.subarray(r * width, (r + 1) * width)).join(',')
    const c = index.get(name) ?? index.size
    index.set(name, c)
    out[r] = c
  }
  return out
}

/**
 * Test rows per class: floor(f · n_c) each, then one more for the classes with the largest
 * remainders until the total is `testRows` (Hamilton's method of apportionment).
 */
const stratifiedQuota = (classOf: readonly number[], fraction: number, testRows: number): readonly number[] => {
  const counts: number[] = []
  for (const c of classOf) counts[c] = (counts[c] ?? 0) + 1
  const quota = counts.map((nc) => Math.floor(fraction * nc))
  let missing = testRows - quota.reduce((a, b) => a + b, 0)
  const byRemainder = counts
    .map((nc, c) => ({ c, remainder: fraction * nc - Math.floor(fraction * nc) }))
    .sort((a, b) => b.remainder - a.remainder || a.c - b.c)
  for (const { c } of byRemainder) {
    if (missing <= 0) break
    quota[c] = (quota[c] ?? 0) + 1
    missing--
  }
  return quota
}
