/**
 * The run behind the page, as pure functions of the settings: the data, the features, the
 * network, one training step, and what the page draws (the boundary, each neuron's map, the
 * weights, the backward pass of one point, the gradient laws). The worker holds one `Run` and
 * folds `step` over it; nothing here reads a clock or Math.random.
 *
 * Uses dualflow only through its public entry points.
 */
import { T, ad, data, isTensor, item, losses, nn, optim, random, tensor, traceBackward, train, type Tensor, type tree } from 'dualflow'
import type { Dataset } from 'dualflow/data'
import type { Layer } from 'dualflow/nn'
import type { GradientTransformation } from 'dualflow/optim'
import { extent, type ActivationName, type FeatureName, type Settings } from './settings.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

export { extent }

/** The points of a run before the features are computed (for drawing). */
export interface Points {
  readonly x: Tensor
  readonly y: Tensor
}

export interface Run {
  readonly settings: Settings
  /** The model's layers in order: dense, activation, …, dense(1), sigmoid. */
  readonly layers: readonly Layer[]
  readonly model: Layer
  readonly optimizer: GradientTransformation<unknown>
  readonly trainPoints: Points
  readonly testPoints: Points
  readonly trainSet: Dataset
  readonly testSet: Dataset
  readonly state: train.TrainState<unknown>
  /** Key of the batch order: epoch e shuffles with foldIn(batchKey, e). */
  readonly batchKey: random.Key
}

/** One point of the loss curves. */
export interface LossPoint {
  readonly step: number
  readonly train: number
  readonly test: number
}

// ─── the run ────────────────────────────────────────────────────────────────────────────────────

/** The data of a run: the planar problem named by the settings, split with the key. */
export const pointsOf = (s: Settings): { readonly train: Points; readonly test: Points } => {
  const [dataKey = random.key(s.key), splitKey = dataKey] = random.split(random.key(s.key), 4)
  const options = { samples: s.samples, noise: s.noise }
  const all =
    s.dataset === 'xor'
      ? data.xorQuadrants(dataKey, options)
      : s.dataset === 'circles'
        ? data.circles(dataKey, options)
        : s.dataset === 'gaussians'
          ? data.twoGaussians(dataKey, options)
          : data.spiral(dataKey, options)
  return data.trainTestSplit(all, s.testFraction, splitKey, { stratify: true })
}

const feature = (name: FeatureName, a: number, b: number): number => {
  switch (name) {
    case 'x1':
      return a
    case 'x2':
      return b
    case 'x1sq':
      return a * a
    case 'x2sq':
      return b * b
    case 'x1x2':
      return a * b
    case 'sinx1':
      return Math.sin(a)
    case 'sinx2':
      return Math.sin(b)
  }
}

/** The feature columns of points x [n, 2], in the order of `features`: x [n, features]. */
export const featurize = (x: Tensor, features: readonly FeatureName[]): Tensor => {
  const n = x.shape[0] ?? 0
  const rows: number[][] = []
  for (let i = 0; i < n; i++) {
    const a = x.data[2 * i] ?? 0
    const b = x.data[2 * i + 1] ?? 0
    rows.push(features.map((f) => feature(f, a, b)))
  }
  return n === 0 ? tensor([]) : tensor(rows)
}

/**
 * tanh with a planted bug in its derivative: the pullback multiplies by 1 − y where the truth is
 * 1 − y², and the forward rule makes the same mistake (so forward = reverse still holds: only the
 * comparison with finite differences can tell). Built as a user would: customVjp and a Layer value.
 */
const wrongTanhOp = ad.customVjp({
  name: 'wrongTanh',
  value: (x) => T.tanh(x),
  vjp: (g, _inputs, y) => [ad.mul(g, ad.sub(1, y))],
  jvp: ([t], _inputs, y) => ad.mul(t ?? 0, ad.sub(1, y)),
})
const wrongTanh: Layer = {
  name: 'wrongTanh',
  spec: { kind: 'wrongTanh' },
  init: (_key, inputShape) => ({ params: {}, state: {}, outputShape: inputShape }),
  apply: (_params, state, x) => ({ y: wrongTanhOp(x), state }),
}

const activationLayer = (name: ActivationName): Layer =>
  name === 'tanh' ? nn.tanh : name === 'relu' ? nn.relu : name === 'sigmoid' ? nn.sigmoid : name === 'wrongTanh' ? wrongTanh : nn.identity

const optimizerOf = (s: Settings): GradientTransformation<unknown> => {
  const learningRate = s.learningRate
  switch (s.optimizer) {
    case 'sgd':
      return optim.sgd({ learningRate })
    case 'momentum':
      return optim.momentum({ learningRate })
    case 'adam':
      return optim.adam({ learningRate })
    case 'rmsprop':
      return optim.rmsprop({ learningRate })
  }
}

/** dense, activation, … for each hidden layer, then dense(1) and the sigmoid (the probability of class 1). */
export const layersOf = (s: Settings): Layer[] => [...s.hidden.flatMap((units) => [nn.dense(units), activationLayer(s.activation)]), nn.dense(1), nn.sigmoid]

/** The loss of a run: binary cross-entropy of the predicted probabilities. */
export const loss = (predictions: ad.Value, targets: ad.Value): ad.Value => losses.binaryCrossEntropy(predictions, targets)

/**
 * A layer's params as a tree of plain tensors (what a train state holds). `init` never returns
 * Duals, but its type (ValueTree) allows them, so they are unwrapped rather than cast away.
 */
const plainTree = (v: ad.ValueTree): tree.Tree =>
  isTensor(v) || ad.isDual(v)
    ? ad.primalTensor(v)
    : Array.isArray(v)
      ? v.map(plainTree)
      : Object.fromEntries(Object.entries(v).map(([k, child]) => [k, plainTree(child)]))

/** A run at step 0. */
export const start = (s: Settings): Run => {
  const keys = random.split(random.key(s.key), 4)
  const initKey = keys[2] ?? random.key(s.key)
  const batchKey = keys[3] ?? random.key(s.key)
  const { train: trainPoints, test: testPoints } = pointsOf(s)
  const layers = layersOf(s)
  const model = nn.sequential(...layers)
  const optimizer = optimizerOf(s)
  const initialized = model.init(initKey, [s.features.length])
  return {
    settings: s,
    layers,
    model,
    optimizer,
    trainPoints,
    testPoints,
    trainSet: data.dataset(featurize(trainPoints.x, s.features), trainPoints.y),
    testSet: data.dataset(featurize(testPoints.x, s.features), testPoints.y),
    state: train.initialTrainState(plainTree(initialized.params), plainTree(initialized.state), optimizer, batchKey),
    batchKey,
  }
}

/**
 * One optimizer step on the next mini-batch. Epoch e visits the training rows in the order of
 * permutation(foldIn(batchKey, e)); a step's batch is a function of its number alone.
 */
export const step = (run: Run): Run => {
  const n = run.trainSet.x.shape[0] ?? 0
  const batchSize = Math.min(run.settings.batchSize, n)
  const perEpoch = Math.ceil(n / batchSize)
  const epoch = Math.floor(run.state.step / perEpoch)
  const b = run.state.step % perEpoch
  const order = random.permutation(random.foldIn(run.batchKey, epoch), n)
  const batch = data.take(run.trainSet, order.slice(b * batchSize, (b + 1) * batchSize))
  const stepFn = train.trainStep(run.model, {
    loss,
    optimizer: run.optimizer,
    regularization: { l1: run.settings.l1, l2: run.settings.l2 },
  })
  return { ...run, state: stepFn(run.state, batch) }
}

/** The model's probabilities for the rows of x (features already computed). */
export const predict = (run: Run, x: Tensor): Tensor => train.predict(run.model, run.state.params, run.state.modelState, x)

/** The data loss (no penalty) on a dataset. */
export const lossOn = (run: Run, ds: Dataset): number => item(ad.primalTensor(losses.binaryCrossEntropy(predict(run, ds.x), ds.y)))

export const lossPoint = (run: Run): LossPoint => ({ step: run.state.step, train: lossOn(run, run.trainSet), test: lossOn(run, run.testSet) })

// ─── what the page draws ────────────────────────────────────────────────────────────────────────

/** The plane's points on a res × res grid, row by row from the top (x₂ = +extent) down. */
export const gridPoints = (res: number): Tensor => {
  const rows: number[][] = []
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      rows.push([-extent + ((c + 0.5) / res) * 2 * extent, extent - ((r + 0.5) / res) * 2 * extent])
    }
  }
  return tensor(rows)
}

/**
 * Every unit's output over the grid: the input features, then each hidden layer after its
 * activation, then the output probability. maps[l][u] has res² values.
 */
export const neuronMaps = (run: Run, res: number): number[][][] => {
  let y: Tensor = featurize(gridPoints(res), run.settings.features)
  const columns = (t: Tensor): number[][] => {
    const units = t.shape[1] ?? 0
    const rows = t.shape[0] ?? 0
    return Array.from({ length: units }, (_, u) => Array.from({ length: rows }, (_, r) => t.data[r * units + u] ?? 0))
  }
  const maps = [columns(y)]
  const params = run.state.params
  const modelState = run.state.modelState
  if (!Array.isArray(params) || !Array.isArray(modelState)) throw new Error('sequential params are an array of the layers’ params')
  run.layers.forEach((layer, i) => {
    y = ad.primalTensor(layer.apply(params[i] ?? {}, modelState[i] ?? {}, y, { training: false }).y)
    // After each activation (odd positions): a layer of units to draw.
    if (i % 2 === 1) maps.push(columns(y))
  })
  return maps
}

/** Weights of each dense layer: kernel [in][out] and bias [out]. */
export interface DenseWeights {
  readonly kernel: number[][]
  readonly bias: number[]
}

export const weightsOf = (run: Run): DenseWeights[] => {
  const params = run.state.params
  if (!Array.isArray(params)) return []
  return run.layers.flatMap((_, i) => {
    if (i % 2 === 1) return []
    const p: unknown = params[i]
    if (typeof p !== 'object' || p === null || !('kernel' in p) || !('bias' in p)) return []
    const { kernel, bias } = p
    if (!isTensor(kernel) || !isTensor(bias)) return []
    const [inputs = 0, outputs = 0] = kernel.shape
    return [
      {
        kernel: Array.from({ length: inputs }, (_, r) => Array.from({ length: outputs }, (_, c) => kernel.data[r * outputs + c] ?? 0)),
        bias: [...bias.data],
      },
    ]
  })
}

/** One step of the backward pass, as the page shows it. */
export interface ShownStep {
  readonly op: string
  readonly inputShapes: readonly (readonly number[])[]
  readonly outputShape: readonly number[]
  readonly cotangentIn: number[]
  readonly cotangentsOut: (number[] | null)[]
  /** Which layer of the drawing it belongs to: 1… for dense layers (numbered from the first hidden), or 'loss'. */
  readonly layer: number | 'loss'
}

export interface Backprop {
  readonly point: readonly [number, number]
  readonly label: number
  readonly features: number[]
  /** Each layer's output for this point: the features, each hidden layer, the probability. */
  readonly forward: number[][]
  readonly loss: number
  readonly steps: ShownStep[]
}

/** The loss of one point as a function of the parameters: what traceBackward differentiates. */
export const pointLoss =
  (run: Run, x: Tensor, y: Tensor) =>
  (params: ad.ValueTree): ad.Value =>
    loss(run.model.apply(params, run.state.modelState, x, { training: false }).y, y)

/**
 * The backward pass of the loss at one point, from dualflow's traceBackward, each step tagged
 * with the layer it belongs to: backward, the loss ops come first, then for each layer from the
 * output down its activation and its affine map (x·W + b).
 */
export const backprop = (run: Run, point: readonly [number, number], label: number): Backprop => {
  const x = featurize(tensor([[point[0], point[1]]]), run.settings.features)
  const y = tensor([[label]])
  const traced = traceBackward(pointLoss(run, x, y), run.state.params)
  const denseLayers = run.layers.length / 2
  let layer = denseLayers
  let inLoss = true
  const activationOps = new Set(['tanh', 'relu', 'sigmoid', 'wrongTanh'])
  const steps = traced.steps.map((s): ShownStep => {
    const isAffine = s.op === 'affine' || s.op === 'matmul'
    if (inLoss && (isAffine || (activationOps.has(s.op) && s.op !== 'log'))) inLoss = false
    const tag: number | 'loss' = inLoss ? 'loss' : layer
    if (!inLoss && isAffine) layer -= 1
    return {
      op: s.op,
      inputShapes: s.inputShapes,
      outputShape: s.outputShape,
      cotangentIn: [...s.cotangentIn.data],
      cotangentsOut: s.cotangentsOut.map((c) => (c === undefined ? null : [...c.data])),
      layer: tag,
    }
  })
  const maps = neuronMaps1(run, x)
  return { point, label, features: [...x.data], forward: maps, loss: item(ad.primalTensor(traced.value)), steps }
}

/** Each layer's output for a single row x [1, features]. */
const neuronMaps1 = (run: Run, x: Tensor): number[][] => {
  const params = run.state.params
  const modelState = run.state.modelState
  if (!Array.isArray(params) || !Array.isArray(modelState)) return []
  let y = x
  const out = [[...x.data]]
  run.layers.forEach((layer, i) => {
    y = ad.primalTensor(layer.apply(params[i] ?? {}, modelState[i] ?? {}, y, { training: false }).y)
    if (i % 2 === 1) out.push([...y.data])
  })
  return out
}
