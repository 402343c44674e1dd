/**
 * One epoch as a pure function: the batches of an epoch (shuffled by a key derived from the epoch)
 * and the fold of a step over them. `fit` calls these; a loop of one's own can too:
 *
 * ```ts
 * const step = train.flatStep(model, treedef, { loss, optimizer })
 * let state = train.initialTrainState(leaves, modelState, optimizer, key)
 * for (let e = 1; e <= 10; e++) state = train.epoch(step, state, train.epochBatches(ds, { batchSize: 32, key, epoch: e })).state
 * ```
 */
import { rowCount, type Dataset } from '../data/index.js'
import type { Key } from '../random/index.js'
import type { Tensor } from '../tensor/index.js'
import { cutOf, epochCut } from './cut.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** How `epochBatches` cuts an epoch. */
export interface EpochBatchesOptions {
  /** Rows per batch (the last batch may be smaller). */
  readonly batchSize: number
  /** Shuffle with `foldIn(key, epoch)`; without a key the rows keep their order. */
  readonly key?: Key
  /** The epoch (1-based): each epoch gets its own order from the key. */
  readonly epoch?: number
}

/**
 * The batches of an epoch, made one at a time when asked for (an epoch of a large dataset never
 * holds all its batch copies at once).
 */
export interface Batches {
  readonly count: number
  /** Batch `index` (0-based). */
  readonly get: (index: number) => Dataset
}

/**
 * A step function's own way through an epoch (`flatStep`'s compiled fold: the states between the
 * first and the last step stay in buffers it owns). `epoch` uses it when the step offers one
 * (`start`), with the same results as calling the step batch by batch.
 */
export interface StepRunner<St> {
  /** One step on the batch; its loss. */
  readonly step: (batch: Dataset) => number
  /** The model's output on the last step's batch (fresh; asked for only when kept). */
  readonly predictions: () => Tensor | undefined
  /** The state now. */
  readonly state: () => St
  /** The state before the last step (its predictions may not be kept: undefined). */
  readonly previous: () => St
  /**
   * Whether the next step only reads its batch while it runs (a compiled fold, which keeps nothing
   * of it): then `epoch` may hand it a batch gathered into buffers it reuses for the next batch.
   */
  readonly borrows?: () => boolean
}

/** A training step, which may offer its own runner through an epoch (`StepRunner`). */
export type EpochStep<St> = ((state: St, batch: Dataset) => St) & {
  /** A runner from `state` (flatStep's: a compiled fold); without one an epoch applies the step batch by batch. */
  readonly start?: (state: St) => StepRunner<St>
}

/** What the fold reports after each batch (for progress displays). */
export interface BatchProgress {
  /** 1-based. */
  readonly batch: number
  readonly batches: number
  /** Rows seen so far in this epoch. */
  readonly seen: number
  /** Mean loss per row over the batches so far. */
  readonly loss: number
}

/** Options of `epoch`. */
export interface EpochOptions {
  /** Keep the model's outputs and the targets of every batch, in order (for metrics; default false). */
  readonly keepPredictions?: boolean
  /** Called after each batch; it observes, it cannot change the fold. */
  readonly onBatch?: (progress: BatchProgress) => void
}

/** The part of a train state an epoch reads after each step. */
export interface StepResult {
  readonly loss: number
  readonly predictions: Tensor | undefined
}

/** What an epoch gives: the last state, the mean loss per row, and the outputs and targets when kept. */
export interface EpochResult<St> {
  readonly state: St
  readonly loss: number
  readonly rows: number
  readonly predictions: readonly Tensor[]
  readonly targets: readonly Tensor[]
  /** Set when a step's loss was NaN or infinite: the fold stopped before that step, `state` is the last finite one. */
  readonly diverged?: { readonly batch: number; readonly loss: number }
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The batches of one epoch: rows in order, or permuted by `foldIn(key, epoch)`, cut into batches of
 * `batchSize` rows. A single batch of every row in order is the data itself (no copy).
 *
 * @example
 * const batches = train.epochBatches(data.gates.xor, { batchSize: 3 })
 * batches.count               // 2
 * batches.get(1).y.shape      // [1, 1]
 */
export const epochBatches = (data: Dataset, { batchSize, key, epoch = 1 }: EpochBatchesOptions): Batches => {
  const cut = epochCut(data, { batchSize, ...(key === undefined ? {} : { key }) })
  cut.reorder(epoch)
  return cut.batches
}

/**
 * Batches given as a list.
 *
 * @throws {RangeError} when asked for a batch past the end of the list
 * @example
 * train.batchList([data.gates.and, data.gates.or]).count  // 2
 */
export const batchList = (list: readonly Dataset[]): Batches => ({
  count: list.length,
  get: (index) => {
    const batch = list[index]
    if (batch === undefined) throw new RangeError(`batch ${index} of ${list.length}`)
    return batch
  },
})

/**
 * One epoch: the fold of `step` over `batches` from `state`, with the mean loss per row. Pure: the
 * same state and batches give the same result. A step whose loss is not finite ends the fold
 * early, with `diverged` set and the state from before that step. A step that offers its own
 * runner (`start`: a compiled `flatStep`, which folds with `jitFold`) is run by it, with the same
 * results as calling it batch by batch.
 *
 * @example
 * const model = nn.dense(1, { kernelInitializer: nn.zeros })
 * const optimizer = optim.sgd({ learningRate: 0.1 })
 * const start = train.initialTrainState(model.init(random.key(0), [2]).params, {}, optimizer, random.key(0))
 * const sgdStep = train.trainStep(model, { loss: losses.mse, optimizer })
 * train.epoch(sgdStep, start, train.epochBatches(data.gates.and, { batchSize: 2 })).loss  // 0.25
 */
export const epoch = <St extends StepResult>(step: EpochStep<St>, state: St, batches: Batches, options: EpochOptions = {}): EpochResult<St> => {
  const runner = stepRunner(step, state)
  const done = runBatches(runner, batches, options)
  return { ...done, state: done.diverged === undefined ? runner.state() : runner.previous() }
}

/**
 * The steps of one epoch through a runner (`StepRunner`), without asking it for its state: what
 * `epoch` does, for `fit`, which keeps one runner for all its epochs and asks for the state only
 * where it needs it. On a non-finite loss it stops, with `diverged` set (the runner's `previous()`
 * is then the state from before that step).
 */
export const runBatches = <St>(runner: StepRunner<St>, batches: Batches, { keepPredictions = false, onBatch }: EpochOptions = {}): Omit<EpochResult<St>, 'state'> => {
  // The batches' rows gathered into the cut's reused buffers, for a runner that only reads them
  // (the batches of `epochBatches` or fit's cut, unless the targets are kept: they leave the epoch).
  const cut = keepPredictions || runner.borrows === undefined ? undefined : cutOf(batches)
  let lossSum = 0
  let seen = 0
  // Made only when kept: an epoch that keeps nothing allocates no lists.
  const kept = keepPredictions ? { predictions: new Array<Tensor>(), targets: new Array<Tensor>() } : undefined
  const predictions = kept?.predictions ?? NOTHING_KEPT
  const targets = kept?.targets ?? NOTHING_KEPT
  for (let b = 0; b < batches.count; b++) {
    const batch = cut !== undefined && runner.borrows?.() === true ? cut.gather(b) : batches.get(b)
    const loss = runner.step(batch)
    if (!Number.isFinite(loss)) {
      return { loss: seen === 0 ? Number.NaN : lossSum / seen, rows: seen, predictions, targets, diverged: { batch: b + 1, loss } }
    }
    const rows = rowCount(batch)
    lossSum += loss * rows
    seen += rows
    if (kept !== undefined) {
      const p = runner.predictions()
      if (p !== undefined) {
        kept.predictions.push(p)
        kept.targets.push(batch.y)
      }
    }
    onBatch?.({ batch: b + 1, batches: batches.count, seen, loss: lossSum / seen })
  }
  return { loss: seen === 0 ? Number.NaN : lossSum / seen, rows: seen, predictions, targets }
}

/**
 * The runner of a step function through epochs: its own (`start`: a compiled fold) or one that
 * calls it batch by batch.
 *
 * @example
 * const model = nn.dense(1, { kernelInitializer: nn.zeros })
 * const optimizer = optim.sgd({ learningRate: 0.1 })
 * const { leaves, treedef } = tree.flatten(model.init(random.key(0), [2]).params)
 * const sgdStep = train.flatStep(model, treedef, { loss: losses.mse, optimizer })
 * const runner = train.stepRunner(sgdStep, train.initialTrainState(leaves, {}, optimizer, random.key(0)))
 * train.runBatches(runner, train.epochBatches(data.gates.and, { batchSize: 2 })).loss  // 0.25
 * train.runBatches(runner, train.epochBatches(data.gates.and, { batchSize: 2 })).rows  // 4
 * runner.state().step  // 4
 */
export const stepRunner = <St extends StepResult>(step: EpochStep<St>, state: St): StepRunner<St> => step.start?.(state) ?? stepByStep(step, state)

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** The lists of an epoch that keeps no predictions. */
const NOTHING_KEPT: readonly Tensor[] = Object.freeze([])

/** The runner of a plain step function: each state made by the step, one after the other. */
const stepByStep = <St extends StepResult>(step: (state: St, batch: Dataset) => St, state: St): StepRunner<St> => {
  let current = state
  let before = state
  return {
    step: (batch) => {
      before = current
      current = step(current, batch)
      return current.loss
    },
    predictions: () => current.predictions,
    state: () => current,
    previous: () => before,
  }
}
