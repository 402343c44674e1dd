/**
 * The dataset: inputs `x` and targets `y`, two tensors whose first axis counts the same rows.
 *
 * Row i of a dataset is `x[i]` with `y[i]`. Everything in `data/` (batching, shuffling, splitting)
 * moves whole rows, so the pairing survives every operation: `take` is the one primitive that
 * selects rows, and the others are built on it.
 */
import { ShapeError, ArgumentError, sizeOf, type Tensor } from '../tensor/index.js'
import { fromData } from '../tensor/internal.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Inputs and targets with equal row counts (the first axis of both). */
export interface Dataset {
  readonly x: Tensor
  readonly y: Tensor
}

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * A dataset from inputs and targets; throws a ShapeError unless both have at least one axis and
 * the same number of rows.
 *
 * @throws {ShapeError} when x or y has no row axis, or their row counts differ
 * @example
 * data.dataset(tensor([[0, 0], [1, 1]]), tensor([[0], [1]]))  // { x: [[0, 0], [1, 1]], y: [[0], [1]] }
 * data.dataset(tensor([[0, 0], [1, 1]]), tensor([[0]]))       // throws ShapeError "x has 2 rows but y has 1"
 */
export const dataset = (x: Tensor, y: Tensor): Dataset => {
  if (x.shape.length === 0 || y.shape.length === 0) {
    throw new ShapeError('dataset', [x.shape, y.shape], 'x and y need a row axis (rank at least 1)')
  }
  if (x.shape[0] !== y.shape[0]) {
    throw new ShapeError('dataset', [x.shape, y.shape], `x has ${x.shape[0]} rows but y has ${y.shape[0]}`)
  }
  return { x, y }
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Number of rows of a dataset.
 *
 * @example
 * data.rowCount(data.dataset(tensor([[0, 0], [1, 1]]), tensor([[0], [1]])))  // 2
 */
export const rowCount = (ds: Dataset): number => ds.x.shape[0] ?? 0

/**
 * The rows at `indices`, in that order (repeats allowed); throws an ArgumentError naming the
 * position of an index that is not an integer in [0, rows).
 *
 * @throws {ArgumentError} for an index that is not an integer in [0, rows)
 * @example
 * data.take(data.gates.xor, [2, 0])  // { x: [[1, 0], [0, 0]], y: [[1], [0]] }
 */
export const take = (ds: Dataset, indices: readonly number[]): Dataset => {
  const n = rowCount(ds)
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]
    if (r === undefined || !Number.isInteger(r) || r < 0 || r >= n) {
      throw new ArgumentError('take', `index at position ${i} is ${String(r)}: expected an integer in [0, ${n})`)
    }
  }
  return { x: takeRows(ds.x, indices), y: takeRows(ds.y, indices) }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** Rows of a tensor (rank ≥ 1) at checked indices, copied into one new tensor. */
const takeRows = (t: Tensor, indices: readonly number[]): Tensor => {
  const inner = t.shape.slice(1)
  const width = sizeOf(inner)
  const out = new Float64Array(indices.length * width)
  const data = t.data
  // Element by element: a subarray view per row would allocate (per training step, in an epoch's batches).
  for (let i = 0; i < indices.length; i++) {
    const start = (indices[i] ?? 0) * width
    const at = i * width
    for (let j = 0; j < width; j++) out[at + j] = data[start + j] ?? 0
  }
  return fromData(out, [indices.length, ...inner])
}
