/**
 * One training step as a pure function: `(trainState, batch) → trainState`.
 *
 * The loss of the model's output (plus any L1/L2 penalty) is differentiated with respect to the
 * parameters; the optimizer turns the gradient into updates; the model's own state (batch-norm
 * statistics) comes back from the forward pass as plain data. An epoch is a fold of this function
 * over batches; `fit` is a fold over epochs.
 */
import * as ad from '../ad/index.js'
import type { Value, ValueTree } from '../ad/index.js'
import type { Dataset } from '../data/Dataset.js'
import { jit, JitError } from '../jit/index.js'
import type { Layer } from '../nn/index.js'
import type { GradientTransformation } from '../optim/index.js'
import { applyUpdates } from '../optim/index.js'
import * as random from '../random/index.js'
import type { Key } from '../random/index.js'
import type { Tensor } from '../tensor/index.js'
import type { Tree } from '../tree/index.js'
import { flattenValues, mapDuals } from '../ad/valueTree.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A loss: predictions and targets to a scalar. */
export type Loss = (predictions: Value, targets: Value) => Value

/** Weights of the L1 and L2 penalties on the model's weight matrices (default 0: none). */
export interface Regularization {
  readonly l1?: number
  readonly l2?: number
}

/** Everything a training step reads and returns. Plain data: it can be printed or saved. */
export interface TrainState<O = unknown> {
  readonly params: Tree
  readonly modelState: Tree
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

/** What a training step needs besides the state and the batch. */
export interface StepOptions<O> {
  readonly loss: Loss
  readonly optimizer: GradientTransformation<O>
  readonly regularization?: Regularization
  /**
   * Compile the forward and backward pass with `jit` (default true): traced once per batch shape,
   * then replayed into reused buffers; the results are bit for bit those of the interpreter. A
   * model that reads its key in JavaScript (dropout draws its mask from the step's key) would
   * retrace every step, so the step notices and runs it interpreted instead; so does a step that
   * cannot be traced (a loss that branches on tensor values in JavaScript). False: always
   * interpreted.
   */
  readonly jit?: boolean
}

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/** The state before the first step: the given parameters and the optimizer's initial state. */
export const initialTrainState = <O>(params: Tree, modelState: Tree, optimizer: GradientTransformation<O>, key: Key): TrainState<O> => ({
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
 * The penalty Σ l1·|w| + l2·w² over the parameters of rank ≥ 2 (weight matrices and kernels, not
 * biases or normalisation scales — what Keras users attach `kernel_regularizer` to). No ½ factor,
 * as in Keras.
 */
export const penalty = (params: ValueTree, { l1 = 0, l2 = 0 }: Regularization): Value | undefined => {
  if (l1 === 0 && l2 === 0) return undefined
  let total: Value | undefined
  for (const w of flattenValues('penalty', params).leaves) {
    if (ad.shapeOf(w).length < 2) continue
    const terms = [l1 === 0 ? undefined : ad.mul(ad.sum(ad.abs(w)), l1), l2 === 0 ? undefined : ad.mul(ad.sum(ad.square(w)), l2)]
    for (const t of terms) if (t !== undefined) total = total === undefined ? t : ad.add(total, t)
  }
  return total
}

/**
 * The training step of a model: a pure `(trainState, batch) → trainState`.
 *
 * @example
 * const model = nn.dense(1, { kernelInitializer: nn.zeros })
 * const optimizer = optim.sgd({ learningRate: 0.1 })
 * const start = train.initialTrainState(model.init(random.key(0), [1]).params, {}, optimizer, random.key(0))
 * train.trainStep(model, { loss: losses.mse, optimizer })(start, data.dataset(tensor([[1]]), tensor([[2]]))).params  // { kernel: [[0.4]], bias: [0.4] }
 */
export const trainStep = <O>(model: Layer, { loss, optimizer, regularization = {}, jit: compile = true }: StepOptions<O>) => {
  /** Loss, gradient, new model state and predictions: the part of a step `jit` compiles. */
  const gradients = (params: Tree, modelState: Tree, x: Tensor, y: Tensor, key: Key) => {
    const ctx = { training: true, key }
    const objective = (p: ValueTree): readonly [Value, { readonly state: ValueTree; readonly predictions: Value }] => {
      const out = model.apply(p, modelState, x, ctx)
      const data = loss(out.y, y)
      const reg = penalty(p, regularization)
      return [reg === undefined ? data : ad.add(data, reg), { state: out.state, predictions: out.y }]
    }
    const [[value, aux], grads] = ad.valueAndGradWithAux(objective)(params)
    return { value, state: aux.state, predictions: aux.predictions, grads }
  }
  const compiled = compile ? jit(gradients) : undefined
  // The one piece of state of a step function: whether its compiled form still pays (it does not
  // when the model reads its key, as dropout does). Results are the same either way.
  let interpret = compiled === undefined
  return (ts: TrainState<O>, batch: Dataset): TrainState<O> => {
    const key = random.foldIn(ts.key, ts.step % 0x100000000)
    const run = (): ReturnType<typeof gradients> => {
      if (interpret || compiled === undefined) return gradients(ts.params, ts.modelState, batch.x, batch.y, key)
      try {
        const out = compiled(ts.params, ts.modelState, batch.x, batch.y, key)
        if (compiled.stats().readsKeys) interpret = true
        return out
      } catch (e) {
        if (!(e instanceof JitError)) throw e
        interpret = true
        return gradients(ts.params, ts.modelState, batch.x, batch.y, key)
      }
    }
    const { value, state, predictions, grads } = run()
    const [updates, optimizerState] = optimizer.update(plain(grads), ts.optimizerState, ts.params)
    return {
      params: applyUpdates(ts.params, updates),
      modelState: plain(state),
      optimizerState,
      step: ts.step + 1,
      key: ts.key,
      loss: ad.primalTensor(value).data[0] ?? Number.NaN,
      predictions: ad.primalTensor(predictions),
    }
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** A tree of Values outside any trace is a tree of tensors; strips any Dual wrapper left. */
const plain = (tree: ValueTree): Tree => {
  // mapDuals keeps the structure and leaves no Dual: a Tree (and the same object when it held none).
  return mapDuals(tree, ad.primalTensor) as Tree
}
