/**
 * Mini-batches: a dataset cut into consecutive groups of rows, optionally after a shuffle.
 *
 * One epoch of training is a fold over `batches(train, size, epochKey)`; split the epoch's key
 * from the training key so that every epoch sees its own order and a rerun sees the same ones.
 */
import { permutation, type Key } from '../random/index.js'
import { ArgumentError } from '../tensor/index.js'
import { rowCount, take, type Dataset } from './Dataset.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link batches}. */
export interface BatchesOptions {
  /** Leave out the last batch when it has fewer than `size` rows (default false: keep it). */
  readonly dropRemainder?: boolean
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The rows of `ds` in batches of `size` (a positive integer): in order without a key, in the
 * order of `permutation(key, rows)` with one. Every row lands in exactly one batch; the last
 * batch holds the remaining rows, or is dropped with `dropRemainder`. The same key gives the
 * same batches. An empty dataset gives no batches.
 *
 * @param options the options, each with its default:
 * @param options.dropRemainder drop a last batch smaller than `size` (default false)
 * @throws {ArgumentError} for a size that is not a positive integer
 * @example
 * data.batches(data.gates.xor, 3).map((b) => b.x.shape[0])                                          // [3, 1]
 * data.batches(data.gates.xor, 3, random.key(0), { dropRemainder: true }).map((b) => b.x.shape[0])  // [3]
 */
export const batches = (
  ds: Dataset,
  size: number,
  key?: Key,
  { dropRemainder = false }: BatchesOptions = {},
): readonly Dataset[] => {
  if (!Number.isInteger(size) || size < 1) {
    throw new ArgumentError('batches', `size must be a positive integer, got ${size}`)
  }
  const n = rowCount(ds)
  const order = key === undefined ? Array.from({ length: n }, (_, i) => i) : permutation(key, n)
  const out: Dataset[] = []
  for (let start = 0; start < n; start += size) {
    const end = Math.min(start + size, n)
    if (dropRemainder && end - start < size) break
    out.push(take(ds, order.slice(start, end)))
  }
  return out
}
