/**
 * `fit`: training as a fold, in three parts. First everything is checked (./validate.ts); then the
 * parameters are flattened once into the flat form (their leaf list, with the model's structure
 * kept as a treedef) and each epoch folds `flatStep` over the epoch's batches (./epoch.ts); the
 * loop here folds the epochs into a history, tells an observer what happens (events) and stops
 * early when asked. The model's parameters are rebuilt from the leaves only where a tree is
 * needed: validation, early-stopping snapshots and the result.
 */
import type { Value } from '../ad/index.js'
import type { Dataset } from '../data/index.js'
import type { Loss } from '../losses/index.js'
import type { Metric } from '../metrics/index.js'
import type { Layer } from '../nn/index.js'
import type { GradientTransformation } from '../optim/index.js'
import * as random from '../random/index.js'
import type { Key } from '../random/index.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'
import * as tree from '../tree/index.js'
import type { Tree, TreeDef } from '../tree/index.js'
import { epochCut } from './cut.js'
import { runBatches, stepRunner, type BatchProgress } from './epoch.js'
import { DivergedError, TrainError } from './errors.js'
import { evaluate, predict } from './evaluate.js'
import type { EpochLog, TrainEvent } from './events.js'
import { flatStep, initialTrainState, type FlatTrainState, type Regularization } from './step.js'
import { checkModelFits, positiveInteger, trainAndValidation } from './validate.js'

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

/** Options of `fit`, for a model with parameters `P` and state `S`. */
export interface FitOptions<O, P = Tree, S = Tree> {
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
  /** L1/L2 penalties on the model's kernels, as `losses.l1` / `losses.l2` (default none). */
  readonly regularization?: Regularization
  readonly earlyStopping?: EarlyStoppingOptions
  /** Observer of the fold (progress display, logging). */
  readonly onEvent?: (event: TrainEvent) => void
  /** Seconds from an arbitrary origin; when given, events carry timing (the core reads no clock itself). */
  readonly clock?: () => number
  /** Start from these parameters and state instead of initialising the model. */
  readonly initial?: { readonly params: P; readonly state: S }
  /**
   * Compile the training step with `jit` (default true; the same bits either way, as the jit law
   * states): forward and backward pass, optimizer update and new parameters in one plan, folded
   * over the batches by `jitFold` so that the states between steps stay in the fold's buffers.
   * False runs the interpreter.
   */
  readonly jit?: boolean
}

/** What `fit` returns: the model's parameters (of the model's own type), state and the history. */
export interface FitResult<P = Tree, S = Tree> {
  readonly params: P
  readonly state: S
  readonly history: readonly EpochLog[]
  readonly stoppedEarly: boolean
  /** The epoch (1-based) whose parameters were returned when restoreBest was set. */
  readonly bestEpoch?: number
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Trains a model: a fold of the training step over batches and epochs. The same key gives
 * bit-identical parameters. The parameters come back with the model's type: for
 * `nn.sequential(nn.dense(1), nn.sigmoid)`, `params[0].kernel` is a `Tensor`.
 *
 * @throws {TrainError} for options that contradict each other or are out of range, or a model whose output does not fit the targets
 * @throws {DivergedError} when the loss becomes NaN or infinite (with the epoch and step)
 * @example
 * const model = nn.sequential(nn.dense(1), nn.sigmoid)
 * const fitted = train.fit(model, data.gates.and, { loss: losses.binaryCrossEntropy, optimizer: optim.adam({ learningRate: 0.1 }), epochs: 100, key: random.key(0) })
 * fitted.history[99]  // ≈ { epoch: 100, loss: 0.0849219, metrics: {} }
 * train.evaluate(model, fitted.params, fitted.state, data.gates.and, [metrics.binaryAccuracy()])  // { metrics: { binaryAccuracy: 1 } }
 */
export const fit = <P extends Tree, S extends Tree, O>(model: Layer<P, S>, data: Dataset, options: FitOptions<O, P, S>): FitResult<P, S> => {
  const { loss, optimizer, epochs, batchSize = 32, shuffle = true, metrics = [], onEvent, clock } = options
  positiveInteger('epochs', epochs)
  positiveInteger('batchSize', batchSize)
  const [train, validation] = trainAndValidation(data, options)

  const [initKey, shuffleKey, stepKey] = random.split(options.key, 3)
  if (initKey === undefined || shuffleKey === undefined || stepKey === undefined) throw new TrainError('key', 'could not split the key')
  const initialized = options.initial ?? model.init(initKey, train.x.shape.slice(1))
  if (!tree.isTree(initialized.params) || !tree.isTree(initialized.state)) throw new TrainError('initial', 'parameters and state must be trees of tensors')
  // The flat form: the leaves of the parameters, once; the model's structure kept apart.
  const { leaves, treedef } = tree.flatten(initialized.params)
  const nested = (ls: readonly Tensor[]): P => tree.unflatten(treedef, ls)
  // The probe of two rows runs interpreted (the same bits): compiling a forward pass for one call
  // of that shape would cost every fit of a fresh model a trace and a plan.
  const probe = (x: Tensor): Tensor => predict(model, paramsOf(treedef, leaves), initialized.state, x, { jit: false })
  checkModelFits(probe, loss, train, validation)

  const step = flatStep(model, treedef, { loss, optimizer, jit: options.jit ?? true, ...(options.regularization === undefined ? {} : { regularization: options.regularization }) })
  const stopping = options.earlyStopping
  const monitor = stopping?.monitor ?? (validation === undefined ? 'loss' : 'val_loss')
  const better = (a: number, b: number): boolean => (lowerIsBetter(monitor) ? a < b - (stopping?.minDelta ?? 0) : a > b + (stopping?.minDelta ?? 0))

  const n = train.x.shape[0] ?? 0
  const batchesPerEpoch = Math.ceil(n / batchSize)
  onEvent?.({ type: 'trainStart', epochs, samples: n, batchesPerEpoch })
  // One runner for every epoch (the compiled step's fold keeps the state in its buffers between
  // them): the state is asked of it only where fit reads it — validation, early stopping, the end.
  const runner = stepRunner(step, initialTrainState(leaves, initialized.state, optimizer, stepKey))
  let ts: FlatTrainState<O, S> | undefined
  const current = (): FlatTrainState<O, S> => (ts ??= runner.state())
  // One cut for every epoch: its order is reshuffled in place and its batches gathered into the
  // same buffers each epoch (they belong to this fit).
  const cut = epochCut(train, { batchSize, ...(shuffle ? { key: shuffleKey } : {}) })
  const keepPredictions = metrics.length > 0
  const quiet = { keepPredictions }
  const history: EpochLog[] = []
  let best: { readonly value: number; readonly epoch: number; readonly params: readonly Tensor[]; readonly state: S } | undefined
  let stoppedEarly = false

  for (let e = 1; e <= epochs; e++) {
    onEvent?.({ type: 'epochStart', epoch: e, epochs })
    const started = clock?.()
    // Closures made by helpers, not in this loop's body: a closure there would make every epoch allocate a scope for it.
    const onBatch = onEvent === undefined ? undefined : batchEnds(onEvent, clock, started, e, epochs, n)
    cut.reorder(e)
    ts = undefined
    const done = runBatches(runner, cut.batches, onBatch === undefined ? quiet : { keepPredictions, onBatch })
    if (done.diverged !== undefined) {
      const before = runner.previous()
      throw new DivergedError(e, done.diverged.batch, done.diverged.loss, nested(before.params), before.modelState)
    }
    const seconds = started === undefined || clock === undefined ? undefined : clock() - started
    const trainMetrics =
      done.predictions.length === 0 ? NO_METRICS : metricValues(metrics, done.predictions, done.targets)
    const validated = validation === undefined ? undefined : evaluate(model, paramsOf(treedef, current().params), current().modelState, validation, metrics, { loss, jit: options.jit ?? true })
    // The common entries written out, without spreading records, as the general one below builds them.
    const log: EpochLog =
      validated === undefined && seconds === undefined
        ? { epoch: e, loss: done.loss, metrics: trainMetrics }
        : validated === undefined && seconds !== undefined
          ? { epoch: e, loss: done.loss, metrics: trainMetrics, seconds, samplesPerSecond: n / Math.max(seconds, 1e-9) }
          : {
              epoch: e,
              loss: done.loss,
              metrics: trainMetrics,
              ...(validated === undefined ? {} : { validation: { loss: validated.loss ?? Number.NaN, metrics: validated.metrics } }),
              ...(seconds === undefined ? {} : { seconds, samplesPerSecond: n / Math.max(seconds, 1e-9) }),
            }
    history.push(log)
    onEvent?.({ type: 'epochEnd', epochs, log })

    if (stopping !== undefined) {
      const value = monitored(log, monitor)
      if (Number.isNaN(value)) throw new TrainError('earlyStopping.monitor', `"${monitor}" is not among the values fit records`)
      if (best === undefined || better(value, best.value)) best = { value, epoch: e, params: current().params, state: current().modelState }
      else if (e - best.epoch > (stopping.patience ?? 0)) {
        stoppedEarly = true
        break
      }
    }
  }
  const restore = stopping?.restoreBest === true && best !== undefined ? best : undefined
  onEvent?.({ type: 'trainEnd', history, stoppedEarly, ...(restore === undefined ? {} : { bestEpoch: restore.epoch }) })
  return {
    params: nested(restore?.params ?? current().params),
    state: restore?.state ?? current().modelState,
    history,
    stoppedEarly,
    ...(restore === undefined ? {} : { bestEpoch: restore.epoch }),
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** What `fit` tells its observer after each batch of epoch `epoch`. */
const batchEnds =
  (onEvent: (event: TrainEvent) => void, clock: (() => number) | undefined, started: number | undefined, epoch: number, epochs: number, samples: number) =>
  (p: BatchProgress): void => {
    const elapsed = started === undefined || clock === undefined ? undefined : clock() - started
    // Written out both ways rather than spread: an event per batch.
    onEvent(
      elapsed === undefined
        ? { type: 'batchEnd', epoch, epochs, batch: p.batch, batches: p.batches, seen: p.seen, samples, loss: p.loss }
        : { type: 'batchEnd', epoch, epochs, batch: p.batch, batches: p.batches, seen: p.seen, samples, loss: p.loss, elapsedSeconds: elapsed, samplesPerSecond: p.seen / Math.max(elapsed, 1e-9) },
    )
  }

/** Each metric over an epoch's kept predictions and targets, by name. */
const metricValues = (metrics: readonly Metric[], predictions: readonly Tensor[], targets: readonly Tensor[]): Readonly<Record<string, number>> =>
  Object.fromEntries(metrics.map((m) => [m.name, m.compute(T.concat(predictions, 0), T.concat(targets, 0))]))

/** The training metrics of an epoch that computes none: one frozen empty record for every entry. */
const NO_METRICS: Readonly<Record<string, number>> = Object.freeze({})

/** The parameters as `apply` takes them, rebuilt from the leaves. */
const paramsOf = <P>(treedef: TreeDef<P>, leaves: readonly Value[]) => tree.unflatten(treedef, leaves)

const lowerIsBetter = (monitor: string): boolean => /loss|mse|mae|error/i.test(monitor)

const monitored = (log: EpochLog, monitor: string): number => {
  if (monitor === 'loss') return log.loss
  if (monitor === 'val_loss') return log.validation?.loss ?? Number.NaN
  if (monitor.startsWith('val_')) return log.validation?.metrics[monitor.slice(4)] ?? Number.NaN
  return log.metrics[monitor] ?? Number.NaN
}
