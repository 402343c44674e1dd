/**
 * One training step as a pure function: `(trainState, batch) → trainState`.
 *
 * The loss of the model's output (plus any L1/L2 penalty on its kernels) is differentiated with
 * respect to the parameters; the optimizer turns the gradient into updates; the model's own state
 * (batch-norm statistics) comes back from the forward pass as plain data.
 *
 * Two forms of the same step. `flatStep` works on the **flat form**: the parameters as the leaf
 * list of the model's structure (`tree.flatten(params)`, kept apart as a treedef), so that the
 * gradient, the optimizer's moments and the update are lists too and no tree is walked per step;
 * this is the form an epoch folds (`fit` flattens once) and an ordinary pure function of (leaves,
 * state, batch). `trainStep` works on the parameters as the model makes them, for a loop of one's
 * own.
 */
import * as ad from '../ad/index.js'
import type { Value, ValueTree } from '../ad/index.js'
import { rowCount, take, type Dataset } from '../data/index.js'
import { jit, jitFold, JitError, type FoldRun, type Jitted } from '../jit/index.js'
import type { StepRunner } from './epoch.js'
import { l1, l2, type Loss } from '../losses/index.js'
import type { Layer } from '../nn/index.js'
import type { GradientTransformation } from '../optim/index.js'
import { applyUpdates } from '../optim/index.js'
import * as random from '../random/index.js'
import { reusedKey } from '../random/internal.js'
import type { Key } from '../random/index.js'
import type { Tensor } from '../tensor/index.js'
import * as tree from '../tree/index.js'
import type { Tree, TreeDef } from '../tree/index.js'

export type { Loss } from '../losses/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Weights of the L1 and L2 penalties (default 0: none), with the meaning of `losses.l1` and
 * `losses.l2`: over the model's kernels (parameters of rank ≥ 2), as Keras's `kernel_regularizer`;
 * biases and normalisation parameters are not penalised.
 */
export interface Regularization {
  readonly l1?: number
  readonly l2?: number
}

/**
 * Everything a training step reads and returns, with the parameters `P` (the model's tree, or its
 * leaf list in the flat form) and the model state `S`. Plain data: it can be printed or saved.
 */
export interface TrainState<O = unknown, P = Tree, S = Tree> {
  readonly params: P
  readonly modelState: S
  readonly optimizerState: O
  /** Steps taken so far. */
  readonly step: number
  /** The base key: step i uses foldIn(key, i) for its stochastic layers. */
  readonly key: Key
  /** Loss of the last step's batch (NaN before the first step). */
  readonly loss: number
  /** The model's output on the last batch, as computed by the forward pass. */
  readonly predictions: Tensor | undefined
}

/** The flat form of a train state: the parameters as the leaf list of the model's structure. */
export type FlatTrainState<O = unknown, S = Tree> = TrainState<O, readonly Tensor[], S>

/** What a training step needs besides the state and the batch. */
export interface StepOptions<O> {
  readonly loss: Loss
  readonly optimizer: GradientTransformation<O>
  readonly regularization?: Regularization
  /**
   * Compile the step with `jit` (default true): traced once per batch shape, then replayed into
   * reused buffers; the results are bit for bit those of the interpreter. The whole step is one
   * plan — forward and backward pass, the optimizer's update (its step counts are scalar tensors
   * in its state; a learning-rate schedule is asked by a node of the plan) and the new parameters;
   * when the optimizer reads its state in JavaScript (a transformation of one's own reading
   * `state.x.data`) only the forward and backward pass is compiled (`flatStep`'s `mode()` says which). A model that reads
   * its key's words in JavaScript (a layer calling `random.normal(ctx.key, …)` itself; dropout draws
   * its mask and randomShift its shifts through ops, inside the plan) would retrace every step, so
   * the step notices and runs it interpreted instead; so does a step that cannot be traced (a loss
   * that branches on tensor values in JavaScript). False: always interpreted.
   */
  readonly jit?: boolean
}

/**
 * How a `flatStep` runs now: `'whole'` — the whole step (forward and backward pass, optimizer update
 * and its application) replays one compiled plan; `'gradient'` — only the forward and backward
 * pass is compiled (the optimizer reads its state in JavaScript: a transformation of one's own);
 * `'interpreted'` — nothing is (`jit: false`, a model that reads its key's
 * words in JavaScript, a step that cannot be traced). The results are the same bits in every mode.
 */
export type StepMode = 'whole' | 'gradient' | 'interpreted'

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * The state before the first step: the given parameters (a tree, or a leaf list for `flatStep`)
 * and the optimizer's initial state for them.
 */
export const initialTrainState = <O, P extends Tree, S>(params: P, modelState: S, optimizer: GradientTransformation<O>, key: Key): TrainState<O, P, S> => ({
  params,
  modelState,
  optimizerState: optimizer.init(params),
  step: 0,
  key,
  loss: Number.NaN,
  predictions: undefined,
})

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The penalty `losses.l1(params, l1) + losses.l2(params, l2)` (on the kernels), or undefined when
 * both weights are 0.
 */
export const penalty = (params: ValueTree, { l1: w1 = 0, l2: w2 = 0 }: Regularization): Value | undefined => {
  if (w1 === 0 && w2 === 0) return undefined
  const terms = [w1 === 0 ? undefined : l1(params, w1), w2 === 0 ? undefined : l2(params, w2)].filter((t): t is Value => t !== undefined)
  return terms.reduce<Value | undefined>((total, t) => (total === undefined ? t : ad.add(total, t)), undefined)
}

/**
 * The training step on the flat form, for a model whose parameters have the structure `treedef`:
 * a pure `(flatTrainState, batch) → flatTrainState`. The optimizer sees leaf lists (its state was
 * made by `initialTrainState` from the leaf list). `mode()` says what runs compiled now (`StepMode`).
 *
 * @example
 * const model = nn.dense(1, { kernelInitializer: nn.zeros })
 * const optimizer = optim.sgd({ learningRate: 0.1 })
 * const { leaves, treedef } = tree.flatten(model.init(random.key(0), [1]).params)
 * const sgdStep = train.flatStep(model, treedef, { loss: losses.mse, optimizer })
 * sgdStep(train.initialTrainState(leaves, {}, optimizer, random.key(0)), data.dataset(tensor([[1]]), tensor([[2]]))).params  // [[[0.4]], [0.4]]
 */
export const flatStep = <O, P, S extends Tree>(model: Layer<P, S>, treedef: TreeDef<P>, options: StepOptions<O>) => {
  const step = gradientStep(model, treedef, options)
  const interpreted = (ts: FlatTrainState<O, S>, batch: Dataset): FlatTrainState<O, S> => {
    const out = step.run(ts, batch)
    const [updates, optimizerState] = options.optimizer.update(out.grads, ts.optimizerState, ts.params)
    return next(ts, applyUpdates(ts.params, updates), out, optimizerState)
  }
  return wholeStep(model, treedef, options, step, interpreted, (leaves) => leaves, (params) => params, (params) => params)
}

/**
 * The training step of a model on its parameters as `init` makes them: a pure
 * `(trainState, batch) → trainState`.
 *
 * @example
 * const model = nn.dense(1, { kernelInitializer: nn.zeros })
 * const optimizer = optim.sgd({ learningRate: 0.1 })
 * const start = train.initialTrainState(model.init(random.key(0), [1]).params, {}, optimizer, random.key(0))
 * train.trainStep(model, { loss: losses.mse, optimizer })(start, data.dataset(tensor([[1]]), tensor([[2]]))).params  // { kernel: [[0.4]], bias: [0.4] }
 */
export const trainStep =
  <O, P extends Tree, S extends Tree>(model: Layer<P, S>, options: StepOptions<O>) => {
  // One compiled step per parameter structure (a step function normally sees one).
  let last: { readonly treedef: TreeDef<P>; readonly step: (ts: TrainState<O, P, S>, batch: Dataset) => TrainState<O, P, S> } | undefined
  const compiledFor = (treedef: TreeDef<P>) => {
    if (last === undefined || !tree.treedefEquals(last.treedef, treedef)) {
      const step = gradientStep(model, treedef, options)
      const interpreted = (ts: TrainState<O, P, S>, batch: Dataset): TrainState<O, P, S> => {
        const out = step.run({ ...ts, params: tree.flatten(ts.params).leaves }, batch)
        const [updates, optimizerState] = options.optimizer.update(tree.unflatten(treedef, out.grads), ts.optimizerState, ts.params)
        return next(ts, applyUpdates(ts.params, updates), out, optimizerState)
      }
      last = { treedef, step: wholeStep(model, treedef, options, step, interpreted, (leaves) => tree.unflatten(treedef, leaves), (params) => tree.flatten(params).leaves) }
    }
    return last.step
  }
  return (ts: TrainState<O, P, S>, batch: Dataset): TrainState<O, P, S> => compiledFor(tree.flatten(ts.params).treedef)(ts, batch)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** The model's parameters are rebuilt for one forward pass: not frozen (freezing costs time per step). */
const UNFROZEN = { freeze: false } as const

interface StepOutcome<S> {
  readonly loss: number
  readonly grads: readonly Tensor[]
  readonly modelState: S
  readonly predictions: Tensor
}

/** The part of a step that `jit` compiles: loss, gradient, new model state and predictions. */
interface Gradients<S> {
  readonly value: Value
  readonly grads: readonly Tensor[]
  readonly modelState: S
  readonly predictions: Value
}

/**
 * Forward pass, loss and backward pass on the parameter leaves: the model sees its own structure
 * (one unflatten of the leaves, as Duals); the penalty reads the leaves directly. A pure function
 * of its arguments (the step's key included), so that `jit` may compile it.
 */
const gradientsOf =
  <O, P, S extends Tree>(model: Layer<P, S>, treedef: TreeDef<P>, { loss, regularization = {} }: StepOptions<O>) =>
  (params: readonly Tensor[], modelState: S, x: Tensor, y: Tensor, key: Key): Gradients<S> => {
    const ctx = { training: true, key }
    // The model's output comes back from the one forward pass as aux, next to the new state (the
    // objective runs once), so that under `jit` it leaves the trace as a plain value.
    const objective = (leaves: readonly Tensor[]): readonly [Value, { readonly state: S; readonly predictions: Value }] => {
      const values: readonly Value[] = leaves
      const out = model.apply(tree.unflatten(treedef, values, UNFROZEN), modelState, x, ctx)
      const data = loss(out.y, y)
      const reg = penalty(leaves, regularization)
      return [reg === undefined ? data : ad.add(data, reg), { state: out.state, predictions: out.y }]
    }
    const [[value, aux], grads] = ad.valueAndGradWithAux(objective)(params)
    return { value, grads, modelState: aux.state, predictions: aux.predictions }
  }

/** What the whole compiled step returns. */
interface WholeStep<O, S, Q> {
  readonly value: Value
  readonly params: Q
  readonly optimizerState: O
  readonly modelState: S
  readonly predictions: Value
}

/**
 * The whole training step, on the parameters in the form `Q` (the leaf list, or the model's tree:
 * `shape` makes it from the leaves), compiled by `jit` into one plan — gradient, optimizer update
 * (its step counts are tensors in its state, so the plan replays for every count) and the new
 * parameters — with `interpreted` as the way back: it is taken when the optimizer reads its state
 * in JavaScript (a transformation of one's own) or the model reads its key's words in JavaScript, and
 * then the gradient alone may still be compiled (`gradient`), or nothing. Same bits every way.
 */
const wholeStep = <O, P, S extends Tree, Q extends Tree>(
  model: Layer<P, S>,
  treedef: TreeDef<P>,
  options: StepOptions<O>,
  gradient: GradientStep<O, S>,
  interpreted: (ts: TrainState<O, Q, S>, batch: Dataset) => TrainState<O, Q, S>,
  shape: (leaves: readonly Tensor[]) => Q,
  leavesOf: (params: Q) => readonly Tensor[],
  /** The leaves of the new parameters inside a trace (the flat form: they are the leaves): given, an epoch folds the step compiled (`start`). */
  tracedLeavesOf?: (params: Q) => readonly Tensor[],
): SteppingFunction<TrainState<O, Q, S>> => {
  const gradients = gradientsOf(model, treedef, options)
  const whole = (params: readonly Tensor[], modelState: S, optimizerState: O, x: Tensor, y: Tensor, key: Key): WholeStep<O, S, Q> => {
    const g = gradients(params, modelState, x, y, key)
    const current = shape(params)
    const [updates, nextState] = options.optimizer.update(shape(g.grads), optimizerState, current)
    return { value: g.value, params: applyUpdates(current, updates), optimizerState: nextState, modelState: g.modelState, predictions: g.predictions }
  }
  const compiled: Jitted<typeof whole> | undefined = options.jit === false ? undefined : jit(whole)
  // The one piece of state of a step function: whether the whole step still compiles.
  let wholeCompiles = compiled !== undefined
  const run = (ts: TrainState<O, Q, S>, batch: Dataset): TrainState<O, Q, S> => {
    if (!wholeCompiles || compiled === undefined) return interpreted(ts, batch)
    const traces = compiled.traceCount()
    let out: WholeStep<O, S, Q>
    try {
      out = compiled(leavesOf(ts.params), ts.modelState, ts.optimizerState, batch.x, batch.y, stepKey(ts))
    } catch (e) {
      // A trace that failed (whatever the reason: the interpreted step reports a genuine error
      // itself), or a replay that found a value-dependent shape.
      if (!(e instanceof JitError) && compiled.traceCount() === traces) throw e
      wholeCompiles = false
      return interpreted(ts, batch)
    }
    if (compiled.traceCount() !== traces && compiled.stats().readsKeys) wholeCompiles = false
    const outcome: StepOutcome<S> = {
      loss: ad.primalTensor(out.value).data[0] ?? Number.NaN,
      grads: NO_GRADS,
      modelState: out.modelState,
      predictions: ad.primalTensor(out.predictions),
    }
    return next(ts, out.params, outcome, out.optimizerState)
  }
  const mode = (): StepMode => (wholeCompiles ? 'whole' : gradient.compiled() ? 'gradient' : 'interpreted')
  if (compiled === undefined || tracedLeavesOf === undefined) return Object.assign(run, { mode })

  // The whole step as the body of a compiled fold: an epoch's intermediate states stay in the
  // fold's buffers (the parameters, model state and optimizer state of every step but the last are
  // seen by no one), and each step's loss is read as a number.
  const body = (carry: FoldedState<O, S>, item: FoldedBatch): readonly [FoldedState<O, S>, FoldedEmission] => {
    const out = whole(carry.params, carry.modelState, carry.optimizerState, item.x, item.y, item.key)
    return [{ params: tracedLeavesOf(out.params), modelState: out.modelState, optimizerState: out.optimizerState }, { value: out.value, predictions: out.predictions }]
  }
  const folded = jitFold(body)
  // The last runner's state as handed out, while the runner has not moved since: an epoch that
  // starts from it (the next epoch of `fit`) continues that runner, whose buffers hold exactly that
  // state, instead of starting a fold anew.
  let resumable: { readonly state: TrainState<O, Q, S>; readonly runner: StepRunner<TrainState<O, Q, S>>; readonly steps: number; readonly taken: () => number } | undefined
  const start = (ts: TrainState<O, Q, S>): StepRunner<TrainState<O, Q, S>> => {
    if (resumable !== undefined && resumable.state === ts && resumable.taken() === resumable.steps) return resumable.runner
    // The state where the compiled stretch began, its run, and the state once stepping interpreted.
    const base = ts
    let taken = 0
    let fold: FoldRun<FoldedState<O, S>, FoldedBatch, FoldedEmission> | undefined = wholeCompiles
      ? folded.start({ params: leavesOf(ts.params), modelState: ts.modelState, optimizerState: ts.optimizerState })
      : undefined
    let current = ts
    let before = ts
    // The losses of the last two compiled steps (the states of a fold carry none).
    let lastLoss = ts.loss
    let priorLoss = ts.loss
    // The fold's item and its step key, rewritten at every step: the fold reads them while the step
    // runs and keeps neither (the key's words are copied into the plan's inputs), so a step
    // allocates no item and no key. Both belong to this runner and are never handed out.
    const stepKeys = reusedKey()
    let item: { x: Tensor; y: Tensor; key: Key } | undefined
    const stateOf = (carry: FoldedState<O, S>, steps: number, loss: number, predictions: Tensor | undefined): TrainState<O, Q, S> => ({
      params: shape(carry.params),
      modelState: carry.modelState,
      optimizerState: carry.optimizerState,
      step: base.step + steps,
      key: base.key,
      loss,
      predictions,
    })
    const lastPredictions = (f: FoldRun<FoldedState<O, S>, FoldedBatch, FoldedEmission>): Tensor | undefined =>
      f.steps() === 0 ? base.predictions : ad.primalTensor(f.emitted().predictions)
    /** Leaves the compiled fold: its state becomes a plain state, stepped interpreted from here on. */
    const leave = (f: FoldRun<FoldedState<O, S>, FoldedBatch, FoldedEmission>, previousLoss: number): void => {
      current = stateOf(f.carry(), f.steps(), lastLoss, lastPredictions(f))
      if (f.steps() > 0) before = stateOf(f.previous(), f.steps() - 1, previousLoss, undefined)
      fold = undefined
    }
    const step = (batch: Dataset): number => {
      taken++
      if (fold !== undefined && wholeCompiles) {
        const f = fold
        const traces = folded.traceCount()
        const previousLoss = lastLoss
        const key = keyOfStep(base.key, base.step + f.steps(), stepKeys.foldIn)
        if (item === undefined) item = { x: batch.x, y: batch.y, key }
        else {
          item.x = batch.x
          item.y = batch.y
          item.key = key
        }
        try {
          f.step(item)
        } catch (e) {
          // As the step function: a trace that failed, or a replay that found a value-dependent shape.
          if (!(e instanceof JitError) && folded.traceCount() === traces) throw e
          wholeCompiles = false
          leave(f, previousLoss)
          // The batch may be borrowed (gathered into buffers an epoch reuses): the interpreted step gets its own copy.
          return interpretedStep(take(batch, Array.from({ length: rowCount(batch) }, (_, i) => i)))
        }
        priorLoss = lastLoss
        lastLoss = f.scalar(0)
        // A model that reads its key's words in JavaScript would retrace every step: this step is done, the next ones are not compiled.
        if (folded.traceCount() !== traces && folded.stats().readsKeys) {
          wholeCompiles = false
          leave(f, previousLoss)
        }
        return lastLoss
      }
      if (fold !== undefined) leave(fold, lastLoss)
      return interpretedStep(batch)
    }
    const interpretedStep = (batch: Dataset): number => {
      before = current
      current = run(current, batch)
      return current.loss
    }
    const state = (): TrainState<O, Q, S> => {
      if (resumable?.runner === runner && resumable.steps === taken) return resumable.state
      const now = fold === undefined ? current : stateOf(fold.carry(), fold.steps(), lastLoss, lastPredictions(fold))
      resumable = { state: now, runner, steps: taken, taken: () => taken }
      return now
    }
    const runner: StepRunner<TrainState<O, Q, S>> = {
      step,
      predictions: () => (fold === undefined ? current.predictions : lastPredictions(fold)),
      state,
      borrows: () => fold !== undefined && wholeCompiles,
      previous: () => (fold === undefined ? before : fold.steps() === 0 ? base : stateOf(fold.previous(), fold.steps() - 1, priorLoss, undefined)),
    }
    return runner
  }
  return Object.assign(run, { mode, start })
}

/**
 * A training step function as `flatStep` and `trainStep` make it: `(state, batch) → state`, with
 * what runs compiled now (`mode`) and, for the flat form compiled, its own way through an epoch
 * (`start`: a compiled fold whose intermediate states stay in its buffers; `epoch` uses it).
 */
export type SteppingFunction<St> = ((ts: St, batch: Dataset) => St) & {
  /** What runs compiled now (`StepMode`): the whole step, the gradient alone, or nothing. */
  readonly mode: () => StepMode
  /** A run through an epoch from `ts` (present when the step is the flat form and compiled). */
  readonly start?: (ts: St) => StepRunner<St>
}

/** The carry of an epoch's compiled fold: what a step changes, in the flat form. */
interface FoldedState<O, S> {
  readonly params: readonly Tensor[]
  readonly modelState: S
  readonly optimizerState: O
}

/** An item of an epoch's compiled fold: the batch and the step's key. */
interface FoldedBatch {
  readonly x: Tensor
  readonly y: Tensor
  readonly key: Key
}

/** What each step of an epoch's compiled fold emits: its loss and the model's output. */
interface FoldedEmission {
  readonly value: Value
  readonly predictions: Value
}

const NO_GRADS: readonly Tensor[] = []

/** The key of a step's stochastic layers: foldIn(key, step). */
const stepKey = <O, P, S>(ts: TrainState<O, P, S>): Key => keyOfStep(ts.key, ts.step)

/** The key of step `step` from the base key: foldIn(key, step mod 2³²), made by `derive` (a fresh key, or a runner's reused record). */
const keyOfStep = (key: Key, step: number, derive: (k: Key, data: number) => Key = random.foldIn): Key => derive(key, step % 0x100000000)

/** A step's loss and gradient, compiled unless `jit: false` (or until compiling stops paying). */
interface GradientStep<O, S> {
  readonly run: (ts: FlatTrainState<O, S>, batch: Dataset) => StepOutcome<S>
  /** Whether the gradient still runs compiled. */
  readonly compiled: () => boolean
}

const gradientStep = <O, P, S extends Tree>(model: Layer<P, S>, treedef: TreeDef<P>, options: StepOptions<O>): GradientStep<O, S> => {
  const gradients = gradientsOf(model, treedef, options)
  const compiled: Jitted<typeof gradients> | undefined = options.jit === false ? undefined : jit(gradients)
  // The one piece of state of a step function: whether its compiled form still pays (it does not
  // when the model reads its key's words in JavaScript). Results are the same either way.
  let interpret = compiled === undefined
  return {
    run: (ts, batch) => {
      const key = stepKey(ts)
      const computed = ((): Gradients<S> => {
        if (interpret || compiled === undefined) return gradients(ts.params, ts.modelState, batch.x, batch.y, key)
        try {
          const traces = compiled.traceCount()
          const out = compiled(ts.params, ts.modelState, batch.x, batch.y, key)
          if (compiled.traceCount() !== traces && compiled.stats().readsKeys) interpret = true
          return out
        } catch (e) {
          if (!(e instanceof JitError)) throw e
          interpret = true
          return gradients(ts.params, ts.modelState, batch.x, batch.y, key)
        }
      })()
      return {
        loss: ad.primalTensor(computed.value).data[0] ?? Number.NaN,
        grads: computed.grads.map(ad.primalTensor),
        modelState: computed.modelState,
        predictions: ad.primalTensor(computed.predictions),
      }
    },
    compiled: () => !interpret,
  }
}

const next = <O, P, S>(ts: TrainState<O, P, S>, params: P, out: StepOutcome<S>, optimizerState: O): TrainState<O, P, S> => ({
  params,
  modelState: out.modelState,
  optimizerState,
  step: ts.step + 1,
  key: ts.key,
  loss: out.loss,
  predictions: out.predictions,
})
