/**
 * The training workloads' common ground: a stack of dense layers described once (`MlpSpec`) and
 * built twice — as a dualflow model trained with `train.fit`, and as the equivalent hand-written
 * tfjs loop (tf.variable weights copied from dualflow's initial parameters, `tf.train.adam` with
 * the same β1, β2 and ε, the same loss formula, the same batches in the same order).
 *
 * Batch order: the rows are permuted once with a dualflow key before training; dualflow's `fit`
 * runs with `shuffle: false` on the permuted rows and the tfjs loop slices the same permuted rows
 * in the same consecutive batches, every epoch alike.
 *
 * Adam: dualflow's `adam` and tfjs's `AdamOptimizer` both compute u = m̂ / (√v̂ + ε) with ε outside
 * the root after the bias correction, so passing dualflow's ε = 1e-8 to tfjs (whose default is
 * 1e-7) makes the two the same algorithm.
 */
import * as data from '../src/data/index.js'
import type { Dataset } from '../src/data/index.js'
import * as losses from '../src/losses/index.js'
import * as nn from '../src/nn/index.js'
import * as optim from '../src/optim/index.js'
import * as random from '../src/random/index.js'
import * as train from '../src/train/index.js'
import { isTensor, type Tensor } from '../src/tensor/index.js'
import { isTree, type Tree } from '../src/tree/index.js'
import { tf } from './tfjs.js'
import { heapAfterGc, now } from './stats.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Activation after a dense layer. */
export type Activation = 'relu' | 'sigmoid' | 'linear'

/** A stack of dense layers on inputs of `inputs` features. */
export interface MlpSpec {
  readonly inputs: number
  readonly layers: readonly { readonly units: number; readonly activation: Activation }[]
}

/** The loss, by its dualflow name; the tfjs loop writes the same formula. */
export type LossKind = 'softmaxCrossEntropy' | 'binaryCrossEntropy' | 'mse'

/** One dense layer's weights: kernel [in, out] and bias [out]. */
export interface DenseWeights {
  readonly kernel: Tensor
  readonly bias: Tensor
}

/** Initial parameters and state of a dualflow model. */
export interface Initial {
  readonly params: Tree
  readonly state: Tree
}

/** A training run to make on either library. */
export interface TrainSetup {
  readonly spec: MlpSpec
  readonly loss: LossKind
  readonly learningRate: number
  readonly batchSize: number
  readonly epochs: number
  /** The training rows, already in batch order. */
  readonly train: Dataset
  readonly initial: Initial
  /** Accuracy on this data after `epoch` (outside the timed part). */
  readonly evaluateAt?: { readonly epoch: number; readonly data: Dataset }
  /** Epochs after which the heap is measured after a full GC (dualflow only; outside the timed part). */
  readonly heapAt?: readonly number[]
  /** dualflow only: compile the training step with jit (fit's default, true) or interpret it. */
  readonly jit?: boolean
  /** dualflow only: the clock of `epochSeconds` (default: the wall clock, `now`; bench K passes CPU seconds). */
  readonly clock?: () => number
}

/** What a training run gives. */
export interface TrainOutcome {
  /** Seconds of each epoch's training steps. */
  readonly epochSeconds: readonly number[]
  /** Wall-clock seconds of the whole run, set-up included. */
  readonly totalSeconds: number
  /** Mean training loss of each epoch (rows-weighted mean of the batch losses). */
  readonly epochLoss: readonly number[]
  /** Accuracy at `evaluateAt`. */
  readonly evaluated?: number
  /** Heap bytes after GC, by epoch. */
  readonly heap: ReadonlyMap<number, number>
  /** The trained model's outputs on x, row-major. */
  readonly predict: (x: Tensor) => ArrayLike<number>
  /** Releases what the run holds (tfjs variables). */
  readonly dispose: () => void
}

// ─── dualflow ───────────────────────────────────────────────────────────────────────────────────

const activationLayer = (a: Activation): nn.Layer | undefined => (a === 'relu' ? nn.relu : a === 'sigmoid' ? nn.sigmoid : undefined)

/** The dualflow model of a spec: dense layers (Glorot-uniform kernels, zero biases) and activations. */
export const dualflowModel = (spec: MlpSpec): nn.Layer =>
  nn.sequential(
    ...spec.layers.flatMap(({ units, activation }) => {
      const act = activationLayer(activation)
      return act === undefined ? [nn.dense(units)] : [nn.dense(units), act]
    }),
  )

/** The initial parameters of the spec's dualflow model for a key. */
export const initialise = (spec: MlpSpec, key: random.Key): Initial => {
  const { params, state } = dualflowModel(spec).init(key, [spec.inputs])
  if (!isTree(params) || !isTree(state)) throw new Error('model.init did not give trees of tensors')
  return { params, state }
}

/** The dense layers' weights in order, from dualflow's parameter tree ([{ kernel, bias }, {}, …]). */
export const denseWeights = (spec: MlpSpec, params: Tree): DenseWeights[] => {
  if (!Array.isArray(params)) throw new Error('expected the parameters of a sequential model (an array)')
  const out: DenseWeights[] = []
  for (const p of params) {
    if (isTensor(p) || Array.isArray(p)) continue
    const { kernel, bias } = p
    if (kernel !== undefined && bias !== undefined && isTensor(kernel) && isTensor(bias)) out.push({ kernel, bias })
  }
  let inputs = spec.inputs
  spec.layers.forEach(({ units }, i) => {
    const w = out[i]
    if (w === undefined || w.kernel.shape.join() !== `${inputs},${units}` || w.bias.shape.join() !== `${units}`) {
      throw new Error(`dense layer ${i + 1}: expected kernel [${inputs},${units}] and bias [${units}]`)
    }
    inputs = units
  })
  if (out.length !== spec.layers.length) throw new Error(`expected ${spec.layers.length} dense layers, found ${out.length}`)
  return out
}

const dualflowLoss = (kind: LossKind): train.Loss =>
  kind === 'softmaxCrossEntropy' ? losses.softmaxCrossEntropy : kind === 'binaryCrossEntropy' ? losses.binaryCrossEntropy : losses.mse

/** Trains with dualflow's `fit` (shuffle off: the rows are already in batch order). */
export const trainDualflow = (setup: TrainSetup): TrainOutcome => {
  const model = dualflowModel(setup.spec)
  const heap = new Map<number, number>()
  let evaluated: number | undefined
  const t0 = now()
  const result = train.fit(model, setup.train, {
    loss: dualflowLoss(setup.loss),
    optimizer: optim.adam({ learningRate: setup.learningRate }),
    epochs: setup.epochs,
    batchSize: setup.batchSize,
    jit: setup.jit ?? true,
    key: random.key(0),
    shuffle: false,
    initial: setup.initial,
    clock: setup.clock ?? now,
    // The observer runs between the timed parts of two epochs.
    onEvent: (event) => {
      if (event.type !== 'epochEnd') return
      if (setup.heapAt?.includes(event.log.epoch) === true) heap.set(event.log.epoch, heapAfterGc())
    },
    ...(setup.evaluateAt === undefined ? {} : { validationData: setup.evaluateAt.data, metrics: [{ name: 'benchAccuracy', compute: accuracyOf }] }),
  })
  const totalSeconds = now() - t0
  if (setup.evaluateAt !== undefined) evaluated = result.history[setup.evaluateAt.epoch - 1]?.validation?.metrics['benchAccuracy']
  return {
    epochSeconds: result.history.map((h) => h.seconds ?? Number.NaN),
    totalSeconds,
    epochLoss: result.history.map((h) => h.loss),
    ...(evaluated === undefined ? {} : { evaluated }),
    heap,
    predict: (x) => train.predict(model, result.params, result.state, x).data,
    dispose: () => undefined,
  }
}

// ─── tfjs ───────────────────────────────────────────────────────────────────────────────────────

const toTf = (t: Tensor): tf.Tensor => tf.tensor(Float32Array.from(t.data), [...t.shape])

/** The tfjs forward pass of the spec with the given variables ([kernel, bias] per layer). */
const tfForward =
  (spec: MlpSpec, vars: readonly tf.Variable[], { logits = false }: { readonly logits?: boolean } = {}) =>
  (x: tf.Tensor): tf.Tensor => {
    let h = x
    spec.layers.forEach(({ activation }, i) => {
      const kernel = vars[2 * i]
      const bias = vars[2 * i + 1]
      if (kernel === undefined || bias === undefined) throw new Error(`tfjs layer ${i + 1}: no variables`)
      h = tf.add(tf.matMul(h, kernel), bias)
      const last = i === spec.layers.length - 1
      if (activation === 'relu') h = tf.relu(h)
      else if (activation === 'sigmoid' && !(last && logits)) h = tf.sigmoid(h)
    })
    return h
  }

/** Binary cross-entropy on logits z, mean of softplus(z) − z·t (what dualflow and Keras compute after a sigmoid). */
const tfLogitsLoss = (z: tf.Tensor, targets: tf.Tensor): tf.Scalar => {
  const loss = tf.mean(tf.sub(tf.softplus(z), tf.mul(z, targets)))
  if (!isScalar(loss)) throw new Error('tfjs binaryCrossEntropy: the loss is not a scalar')
  return loss
}

const isScalar = (t: tf.Tensor): t is tf.Scalar => t.rank === 0

/** The loss formula of dualflow's `losses`, in tfjs (mean over rows / elements). */
const tfLoss = (kind: LossKind, predictions: tf.Tensor, targets: tf.Tensor): tf.Scalar => {
  const loss = (() => {
    if (kind === 'softmaxCrossEntropy') return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(predictions, -1)), -1)))
    if (kind === 'mse') return tf.mean(tf.squaredDifference(predictions, targets))
    // As dualflow on probabilities that do not come from a sigmoid: p clamped to [1e-7, 1 − 1e-7], log(1 − p) as log1p(−p).
    const p = tf.clipByValue(predictions, 1e-7, 1 - 1e-7)
    return tf.neg(tf.mean(tf.add(tf.mul(targets, tf.log(p)), tf.mul(tf.sub(1, targets), tf.log1p(tf.neg(p))))))
  })()
  if (!isScalar(loss)) throw new Error(`tfjs ${kind}: the loss has shape [${loss.shape.join(',')}], not a scalar`)
  return loss
}

/**
 * The same training as `trainDualflow`, written as a manual tfjs loop on the current backend:
 * per step, slice the batch, `optimizer.minimize` the loss and read it back (as fit reads its loss).
 */
export const trainTfjs = (setup: TrainSetup): TrainOutcome => {
  const { spec, batchSize, epochs } = setup
  const t0 = now()
  const vars = denseWeights(spec, setup.initial.params).flatMap(({ kernel, bias }) => [tf.variable(toTf(kernel)), tf.variable(toTf(bias))])
  const forward = tfForward(spec, vars)
  const logitsOf = tfForward(spec, vars, { logits: true })
  const onLogits = setup.loss === 'binaryCrossEntropy' && spec.layers[spec.layers.length - 1]?.activation === 'sigmoid'
  const optimizer = tf.train.adam(setup.learningRate, 0.9, 0.999, 1e-8)
  const x = toTf(setup.train.x)
  const y = toTf(setup.train.y)
  const n = setup.train.x.shape[0] ?? 0
  const features = x.shape[1] ?? 0
  const outputs = y.shape[1] ?? 0
  const batches = Math.ceil(n / batchSize)
  const epochSeconds: number[] = []
  const epochLoss: number[] = []
  let evaluated: number | undefined
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const started = now()
    let lossSum = 0
    for (let b = 0; b < batches; b++) {
      const start = b * batchSize
      const rows = Math.min(batchSize, n - start)
      const cost = tf.tidy(() => {
        const xb = tf.slice(x, [start, 0], [rows, features])
        const yb = tf.slice(y, [start, 0], [rows, outputs])
        // As dualflow and Keras: binary cross-entropy after a final sigmoid works on its input.
        const c = optimizer.minimize(() => (onLogits ? tfLogitsLoss(logitsOf(xb), yb) : tfLoss(setup.loss, forward(xb), yb)), true, vars)
        if (c === null) throw new Error('tfjs minimize returned no cost')
        return c
      })
      lossSum += (cost.dataSync()[0] ?? Number.NaN) * rows
      cost.dispose()
    }
    epochSeconds.push(now() - started)
    epochLoss.push(lossSum / n)
    if (setup.evaluateAt !== undefined && setup.evaluateAt.epoch === epoch) {
      const at = setup.evaluateAt.data
      evaluated = accuracyOf(predictTf(forward, at.x), at.y)
    }
  }
  const totalSeconds = now() - t0
  x.dispose()
  y.dispose()
  return {
    epochSeconds,
    totalSeconds,
    epochLoss,
    ...(evaluated === undefined ? {} : { evaluated }),
    heap: new Map(),
    predict: (input) => predictTf(forward, input).data,
    dispose: () => {
      optimizer.dispose()
      for (const v of vars) v.dispose()
    },
  }
}

/** A tfjs forward pass on plain input, back as a float64 tensor. */
const predictTf = (forward: (x: tf.Tensor) => tf.Tensor, x: Tensor): Tensor => {
  const out = tf.tidy(() => forward(toTf(x)))
  const values = Float64Array.from(out.dataSync())
  const shape = out.shape
  out.dispose()
  return { shape, data: values }
}

/** A tfjs model made from the spec and weights, for inference only. */
export const tfModel = (spec: MlpSpec, weights: readonly DenseWeights[]): { readonly forward: (x: tf.Tensor) => tf.Tensor; readonly dispose: () => void } => {
  const vars = weights.flatMap(({ kernel, bias }) => [tf.variable(toTf(kernel), false), tf.variable(toTf(bias), false)])
  return { forward: tfForward(spec, vars), dispose: () => vars.forEach((v) => v.dispose()) }
}

// ─── shared ─────────────────────────────────────────────────────────────────────────────────────

/** Fraction of rows right: argmax against the one-hot argmax for several outputs, p ≥ 0.5 against 0/1 for one. */
export const accuracyOf = (predictions: Tensor, targets: Tensor): number => {
  const rows = predictions.shape[0] ?? 0
  const k = predictions.shape[1] ?? 1
  const p = predictions.data
  const t = targets.data
  let right = 0
  for (let r = 0; r < rows; r++) {
    if (k === 1) {
      if (((p[r] ?? 0) >= 0.5 ? 1 : 0) === (t[r] ?? -1)) right++
      continue
    }
    let best = 0
    let target = 0
    for (let c = 1; c < k; c++) {
      if ((p[r * k + c] ?? 0) > (p[r * k + best] ?? 0)) best = c
      if ((t[r * k + c] ?? 0) > (t[r * k + target] ?? 0)) target = c
    }
    if (best === target) right++
  }
  return rows === 0 ? Number.NaN : right / rows
}

/** The rows of a dataset in a key's random order (the batch order of both libraries). */
export const permuted = (ds: Dataset, seed: number): Dataset => data.take(ds, random.permutation(random.key(seed), data.rowCount(ds)))

/** Runs a setup on a library; tfjs on its current backend. */
export const trainOn = (lib: 'dualflow' | 'tfjs', setup: TrainSetup): TrainOutcome => (lib === 'dualflow' ? trainDualflow(setup) : trainTfjs(setup))

/** Relative difference of two numbers. */
const relativeDifference = (v: number, w: number): number => Math.abs(v - w) / Math.max(Math.abs(v), Math.abs(w), 1e-12)

/** Largest relative difference between two loss curves. */
export const maxRelativeDifference = (a: readonly number[], b: readonly number[]): number =>
  a.reduce((worst, v, i) => Math.max(worst, relativeDifference(v, b[i] ?? Number.NaN)), 0)

/**
 * How two loss curves (float64 and float32 runs of the same training) agree: the relative
 * difference after the first and the last epoch and the largest one. Rounding differences grow
 * slowly and smoothly from ~1e-7; a bug shows from the first epoch.
 */
export const lossAgreement = (a: readonly number[], b: readonly number[]): string => {
  const last = a.length - 1
  return `relative difference of the epoch losses ${relativeDifference(a[0] ?? Number.NaN, b[0] ?? Number.NaN).toExponential(1)} after epoch 1, ${relativeDifference(a[last] ?? Number.NaN, b[last] ?? Number.NaN).toExponential(1)} after epoch ${last + 1} (largest ${maxRelativeDifference(a, b).toExponential(1)})`
}
