/**
 * How an epoch's rows are cut into batches (internal to train: epoch.ts and fit.ts use it, the
 * index does not re-export it). A cut holds one epoch's row order — 0..n−1, or the permutation
 * drawn from `foldIn(key, epoch)` — and gives batch b fresh (`take`: what `Batches.get` hands out)
 * or gathered into buffers the cut owns and reuses (`gather`: for a runner that only reads a batch
 * while its step runs). `epochBatches` makes a cut per call and never reorders it; `fit` keeps one
 * cut for all its epochs and reorders it in place every epoch, so that an epoch allocates neither
 * its order nor its batches. A cut's order and buffers belong to whoever made it (one `fit`): no
 * state is shared between fits.
 */
import { take, type Dataset } from '../data/index.js'
import type { Key } from '../random/index.js'
import { checkFoldInData, foldInWords, shuffleInto } from '../random/internal.js'
import * as T from '../tensor/index.js'
import type { ReadonlyFloat64Array } from '../tensor/index.js'
import { unsafeTensor } from '../tensor/internal.js'
import type { Batches } from './epoch.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** An epoch's cut of a dataset into batches (see the module header). */
export interface Cut {
  /** The batches of the current order, each `get` a fresh dataset (the same object for the cut's life). */
  readonly batches: Batches
  /** The order of epoch `epoch` (1-based): rows in order without a key, else permutation(foldIn(key, epoch), n). */
  readonly reorder: (epoch: number) => void
  /**
   * Batch b of the current order written into buffers reused from batch to batch and epoch to
   * epoch (one pair per batch size), as a dataset over them: valid until the next batch of that
   * size is gathered, so only for a runner that keeps nothing of it (`StepRunner.borrows`).
   */
  readonly gather: (b: number) => Dataset
}

/** How `epochCut` cuts. */
export interface CutOptions {
  readonly batchSize: number
  /** Shuffle every epoch with foldIn(key, epoch); without a key the rows keep their order. */
  readonly key?: Key
}

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * A cut of `data` into batches of `batchSize` rows (the last may be smaller), in row order until
 * `reorder` is called. A single batch of every row in order is the data itself, fresh or gathered.
 */
export const epochCut = (data: Dataset, { batchSize, key }: CutOptions): Cut => {
  const n = data.x.shape[0] ?? 0
  const count = Math.ceil(n / batchSize)
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  const scratch = new Uint32Array(4)
  const whole = key === undefined && count === 1
  const end = (b: number): number => Math.min(n, (b + 1) * batchSize)
  const gathered = gatherer(data, order)
  const cut: Cut = {
    batches: { count, get: (b) => (whole ? data : take(data, Array.from(order.subarray(b * batchSize, end(b))))) },
    reorder: (epoch) => {
      if (key === undefined) return
      checkFoldInData(epoch)
      foldInWords(scratch, key, epoch)
      shuffleInto(order, n, n, scratch[0] ?? 0, scratch[1] ?? 0, scratch)
    },
    gather: (b) => (whole ? data : gathered(b * batchSize, end(b))),
  }
  cuts.set(cut.batches, cut)
  return cut
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** The cut behind batches made by `epochCut` (undefined for other batches: a list, say). */
export const cutOf = (batches: Batches): Cut | undefined => cuts.get(batches)

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** The cut behind each cut's `batches` (kept apart: the public surface gives fresh batches only). */
const cuts = new WeakMap<Batches, Cut>()

/** A gathered batch's buffers and the dataset over them. */
interface Gathered {
  readonly x: Float64Array
  readonly y: Float64Array
  readonly batch: Dataset
}

/** Rows order[start ..< end] of `data` written into buffers kept per batch size (this gatherer's own). */
const gatherer = (data: Dataset, order: Uint32Array): ((start: number, end: number) => Dataset) => {
  const xInner = data.x.shape.slice(1)
  const yInner = data.y.shape.slice(1)
  const xWidth = T.sizeOf(xInner)
  const yWidth = T.sizeOf(yInner)
  const bySize = new Map<number, Gathered>()
  return (start, end) => {
    const count = end - start
    let buffers = bySize.get(count)
    if (buffers === undefined) {
      const x = new Float64Array(count * xWidth)
      const y = new Float64Array(count * yWidth)
      buffers = { x, y, batch: { x: unsafeTensor(x, [count, ...xInner]), y: unsafeTensor(y, [count, ...yInner]) } }
      bySize.set(count, buffers)
    }
    gatherRows(data.x.data, buffers.x, xWidth, order, start, count)
    gatherRows(data.y.data, buffers.y, yWidth, order, start, count)
    return buffers.batch
  }
}

const gatherRows = (from: ReadonlyFloat64Array, into: Float64Array, width: number, order: Uint32Array, start: number, count: number): void => {
  for (let i = 0; i < count; i++) {
    const at = (order[start + i] ?? 0) * width
    const to = i * width
    for (let j = 0; j < width; j++) into[to + j] = from[at + j] ?? 0
  }
}
