/**
 * `fit`: training as a fold. Options are checked before any work; then each epoch folds
 * `trainStep` over the batches (shuffled by a key derived from the epoch), and the epochs fold
 * into a history. Observers see events; early stopping reads the history.
 */
import { isDual, type Value, type ValueTree } from '../ad/index.js'
import { flattenValues } from '../ad/valueTree.js'
import { take, type Dataset } from '../data/Dataset.js'
import type { Metric } from '../metrics/index.js'
import type { Layer } from '../nn/index.js'
import type { GradientTransformation } from '../optim/index.js'
import * as random from '../random/index.js'
import type { Key } from '../random/index.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'
import { isTree, type Tree } from '../tree/index.js'
import { DivergedError, TrainError } from './errors.js'
import { evaluate, predict } from './evaluate.js'
import type { EpochLog, TrainEvent } from './events.js'
import { initialTrainState, trainStep, type Loss, type Regularization, type TrainState } from './step.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Early stopping: stop when the monitored value has not improved for `patience` epochs. */
export interface EarlyStoppingOptions {
  /** 'loss', 'val_loss', a metric name or 'val_' + a metric name (default 'val_loss' with validation data, else 'loss'). */
  readonly monitor?: string
  /** Epochs without improvement before stopping (default 0, as Keras). */
  readonly patience?: number
  /** Smallest change that counts as an improvement (default 0). */
  readonly minDelta?: number
  /** Return the parameters of the best epoch instead of the last (default false, as Keras). */
  readonly restoreBest?: boolean
}

/** Options of `fit`. */
export interface FitOptions<O> {
  readonly loss: Loss
  readonly optimizer: GradientTransformation<O>
  /** Number of passes over the training data (≥ 1). */
  readonly epochs: number
  /** Rows per step (default 32; the last batch of an epoch may be smaller). */
  readonly batchSize?: number
  /** The key for initialisation, shuffling and stochastic layers. */
  readonly key: Key
  /** Reshuffle the rows every epoch (default true). */
  readonly shuffle?: boolean
  readonly validationData?: Dataset
  /** Fraction of the rows, taken from the end before any shuffling, held out for validation (as Keras). */
  readonly validationSplit?: number
  readonly metrics?: readonly Metric[]
  readonly regularization?: Regularization
  readonly earlyStopping?: EarlyStoppingOptions
  /** Observer of the fold (progress display, logging). */
  readonly onEvent?: (event: TrainEvent) => void
  /** Seconds from an arbitrary origin; when given, events carry timing (the core reads no clock itself). */
  readonly clock?: () => number
  /** Start from these parameters and state instead of initialising the model. */
  readonly initial?: { readonly params: ValueTree; readonly state: ValueTree }
  /**
   * Compile each training step's forward and backward pass with `jit` (default true; the same
   * bits either way, as the jit law states). False runs the interpreter.
   */
  readonly jit?: boolean
}

/** What `fit` returns. */
export interface FitResult {
  readonly params: Tree
  readonly state: Tree
  readonly history: readonly EpochLog[]
  readonly stoppedEarly: boolean
  /** The epoch (1-based) whose parameters were returned when restoreBest was set. */
  readonly bestEpoch?: number
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const rowsOf = (t: Tensor): number => t.shape[0] ?? 0

const checkFinite = (name: string, t: Tensor): void => {
  const columns = rowsOf(t) === 0 ? 1 : T.sizeOf(t.shape) / rowsOf(t)
  const bad = t.data.findIndex((v) => !Number.isFinite(v))
  if (bad >= 0) {
    throw new TrainError(name, `row ${Math.floor(bad / columns)}, column ${bad % columns} holds ${t.data[bad]}; the data must be finite`)
  }
}

const positiveInteger = (option: string, v: number): void => {
  if (!Number.isInteger(v) || v < 1) throw new TrainError(option, `must be a positive integer, got ${v}`)
}

const checkDataset = (name: string, ds: Dataset): void => {
  if (ds.x.shape.length === 0 || ds.y.shape.length === 0 || rowsOf(ds.x) !== rowsOf(ds.y)) {
    throw new TrainError(name, `x ${T.formatShape(ds.x.shape)} and y ${T.formatShape(ds.y.shape)} must have the same number of rows`)
  }
  checkFinite(`${name}.x`, ds.x)
  checkFinite(`${name}.y`, ds.y)
}

/** Integer labels (one target column) for a model with k > 1 outputs must lie in [0, k). */
const checkLabels = (name: string, y: Tensor, outputShape: readonly number[]): void => {
  const k = outputShape[outputShape.length - 1] ?? 1
  const columns = rowsOf(y) === 0 ? 1 : T.sizeOf(y.shape) / rowsOf(y)
  if (k <= 1 || columns !== 1) return
  const bad = y.data.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= k)
  if (bad >= 0) throw new TrainError(name, `label ${y.data[bad]} in row ${bad} is not a class of the model's ${k} outputs (expected an integer in [0, ${k}))`)
}

const rowRange = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i)

const split = (ds: Dataset, fraction: number): readonly [Dataset, Dataset] => {
  const n = rowsOf(ds.x)
  const held = Math.floor(n * fraction)
  if (held < 1 || held >= n) throw new TrainError('validationSplit', `${fraction} of ${n} rows leaves an empty training or validation set`)
  return [take(ds, rowRange(0, n - held)), take(ds, rowRange(n - held, n))]
}

const lowerIsBetter = (monitor: string): boolean => /loss|mse|mae|error/i.test(monitor)

const monitored = (log: EpochLog, monitor: string): number => {
  if (monitor === 'loss') return log.loss
  if (monitor === 'val_loss') return log.validation?.loss ?? Number.NaN
  if (monitor.startsWith('val_')) return log.validation?.metrics[monitor.slice(4)] ?? Number.NaN
  return log.metrics[monitor] ?? Number.NaN
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Trains a model: a fold of `trainStep` over batches and epochs. The same key gives bit-identical
 * parameters.
 *
 * @throws {TrainError} for options that contradict each other or are out of range, or a model whose output does not fit the targets
 * @throws {DivergedError} when the loss becomes NaN or infinite (with the epoch and step)
 * @example
 * const model = nn.sequential(nn.dense(1), nn.sigmoid)
 * const fitted = train.fit(model, data.gates.and, { loss: losses.binaryCrossEntropy, optimizer: optim.adam({ learningRate: 0.1 }), epochs: 100, key: random.key(0) })
 * fitted.history[99]  // ≈ { epoch: 100, loss: 0.0849219, metrics: {} }
 * train.evaluate(model, fitted.params, fitted.state, data.gates.and, [metrics.binaryAccuracy()])  // { metrics: { binaryAccuracy: 1 } }
 */
export const fit = <O>(model: Layer, data: Dataset, options: FitOptions<O>): FitResult => {
  const { loss, optimizer, epochs, batchSize = 32, shuffle = true, metrics = [], onEvent, clock } = options
  positiveInteger('epochs', epochs)
  positiveInteger('batchSize', batchSize)
  checkDataset('data', data)
  if (options.validationSplit !== undefined && !(options.validationSplit > 0 && options.validationSplit < 1)) {
    throw new TrainError('validationSplit', `must be in (0, 1), got ${options.validationSplit}`)
  }
  if (options.validationSplit !== undefined && options.validationData !== undefined) {
    throw new TrainError('validationSplit', 'give validationData or validationSplit, not both')
  }
  const [train, validation] = options.validationSplit === undefined ? [data, options.validationData] : split(data, options.validationSplit)
  if (validation !== undefined) checkDataset('validationData', validation)

  const [initKey, shuffleKey, stepKey] = random.split(options.key, 3)
  if (initKey === undefined || shuffleKey === undefined || stepKey === undefined) throw new TrainError('key', 'could not split the key')
  const inputShape = train.x.shape.slice(1)
  const initialized = options.initial ?? (() => {
    const init = model.init(initKey, inputShape)
    return { params: init.params, state: init.state }
  })()
  // The model's output must fit the loss and the targets: one forward pass on two rows, before any training.
  const probe = take(train, rowRange(0, Math.min(2, rowsOf(train.x))))
  const probeOut = predict(model, toTree(initialized.params), toTree(initialized.state), probe.x)
  checkLabels('data.y', train.y, probeOut.shape.slice(1))
  if (validation !== undefined) checkLabels('validationData.y', validation.y, probeOut.shape.slice(1))
  try {
    loss(probeOut, probe.y)
  } catch (e) {
    throw new TrainError('loss', `the model's output ${T.formatShape(probeOut.shape)} does not fit the targets ${T.formatShape(probe.y.shape)}: ${e instanceof Error ? e.message : String(e)}`)
  }

  const n = rowsOf(train.x)
  const batches = Math.ceil(n / batchSize)
  // The step and the optimizer work on the parameters as one flat list of leaves: walking a list
  // at every step is much cheaper than walking nested records, and the model sees its own
  // structure again through `rebuild`.
  const structure = flattenValues('fit', initialized.params)
  const flatModel: Layer = {
    ...model,
    apply: (leaves, state, x, ctx) => model.apply(structure.rebuild(leavesOf(leaves)), state, x, ctx),
  }
  const nested = (leaves: Tree): Tree => toTree(structure.rebuild(leavesOf(leaves)))
  const step = trainStep(flatModel, { loss, optimizer, jit: options.jit ?? true, ...(options.regularization === undefined ? {} : { regularization: options.regularization }) })
  const stopping = options.earlyStopping
  const monitor = stopping?.monitor ?? (validation === undefined ? 'loss' : 'val_loss')
  const better = (a: number, b: number): boolean =>
    lowerIsBetter(monitor) ? a < b - (stopping?.minDelta ?? 0) : a > b + (stopping?.minDelta ?? 0)

  onEvent?.({ type: 'trainStart', epochs, samples: n, batchesPerEpoch: batches })
  let ts: TrainState<O> = initialTrainState(toTree(structure.leaves), toTree(initialized.state), optimizer, stepKey)
  const history: EpochLog[] = []
  let best: { readonly value: number; readonly epoch: number; readonly params: Tree; readonly state: Tree } | undefined
  let stoppedEarly = false

  const inOrder = rowRange(0, n)
  for (let epoch = 1; epoch <= epochs; epoch++) {
    onEvent?.({ type: 'epochStart', epoch, epochs })
    const started = clock?.()
    const order = shuffle ? random.permutation(random.foldIn(shuffleKey, epoch), n) : inOrder
    let lossSum = 0
    const predictions: Tensor[] = []
    const targets: Tensor[] = []
    for (let b = 0; b < batches; b++) {
      // A batch of every row in order (full-batch training without shuffling) is the data itself.
      const batch = order === inOrder && batches === 1 ? train : take(train, order.slice(b * batchSize, Math.min(n, (b + 1) * batchSize)))
      const next = step(ts, batch)
      if (!Number.isFinite(next.loss)) throw new DivergedError(epoch, b + 1, next.loss, nested(ts.params), ts.modelState)
      ts = next
      const rows = rowsOf(batch.x)
      lossSum += next.loss * rows
      if (metrics.length > 0 && next.predictions !== undefined) {
        predictions.push(next.predictions)
        targets.push(batch.y)
      }
      if (onEvent !== undefined) {
        const seen = Math.min(n, (b + 1) * batchSize)
        const elapsed = started === undefined || clock === undefined ? undefined : clock() - started
        onEvent({
          type: 'batchEnd',
          epoch,
          epochs,
          batch: b + 1,
          batches,
          seen,
          samples: n,
          loss: lossSum / seen,
          ...(elapsed === undefined ? {} : { elapsedSeconds: elapsed, samplesPerSecond: seen / Math.max(elapsed, 1e-9) }),
        })
      }
    }
    const seconds = started === undefined || clock === undefined ? undefined : clock() - started
    const trainMetrics =
      predictions.length === 0 ? {} : Object.fromEntries(metrics.map((m) => [m.name, m.compute(T.concat(predictions, 0), T.concat(targets, 0))]))
    const validated =
      validation === undefined ? undefined : evaluate(flatModel, ts.params, ts.modelState, validation, metrics, { loss })
    const log: EpochLog = {
      epoch,
      loss: lossSum / n,
      metrics: trainMetrics,
      ...(validated === undefined ? {} : { validation: { loss: validated.loss ?? Number.NaN, metrics: validated.metrics } }),
      ...(seconds === undefined ? {} : { seconds, samplesPerSecond: n / Math.max(seconds, 1e-9) }),
    }
    history.push(log)
    onEvent?.({ type: 'epochEnd', epochs, log })

    if (stopping !== undefined) {
      const value = monitored(log, monitor)
      if (Number.isNaN(value)) throw new TrainError('earlyStopping.monitor', `"${monitor}" is not among the values fit records`)
      if (best === undefined || better(value, best.value)) best = { value, epoch, params: ts.params, state: ts.modelState }
      else if (epoch - best.epoch > (stopping.patience ?? 0)) {
        stoppedEarly = true
        break
      }
    }
  }
  const restore = stopping?.restoreBest === true && best !== undefined ? best : undefined
  onEvent?.({ type: 'trainEnd', history, stoppedEarly, ...(restore === undefined ? {} : { bestEpoch: restore.epoch }) })
  return {
    params: nested(restore?.params ?? ts.params),
    state: restore?.state ?? ts.modelState,
    history,
    stoppedEarly,
    ...(restore === undefined ? {} : { bestEpoch: restore.epoch }),
  }
}

/** The leaves of a flattened parameter list (an array of Values by construction). */
const leavesOf = (tree: ValueTree): readonly Value[] => {
  if (!Array.isArray(tree)) throw new TrainError('params', 'expected the flat list of parameter leaves')
  return tree.filter((v): v is Value => isDual(v) || T.isTensor(v))
}

/** Parameters fresh from `init` are trees of tensors. */
const toTree = (tree: unknown): Tree => {
  if (!isTree(tree)) throw new TrainError('initial', 'parameters and state must be trees of tensors')
  return tree
}

