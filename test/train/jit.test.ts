/**
 * fit, trainStep, evaluate and predict run compiled by default and interpreted with `jit: false`:
 * both ways give the same bits (the jit law, at the level of whole training runs).
 */
import { describe, expect, it } from 'vitest'
import { bitDifference } from '../../laws/jit.js'
import * as ad from '../../src/ad/index.js'
import * as data from '../../src/data/index.js'
import { take } from '../../src/data/index.js'
import * as losses from '../../src/losses/index.js'
import * as metrics from '../../src/metrics/index.js'
import * as nn from '../../src/nn/index.js'
import * as optim from '../../src/optim/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import * as train from '../../src/train/index.js'
import * as tree from '../../src/tree/index.js'
import { jit } from '../../src/jit/index.js'

const xs = T.tensor([[0.5, -1, 2], [1, 0, -0.5], [-2, 1, 1], [0.3, 0.3, 0.3], [1.5, -0.5, 0], [0, 2, -1], [-1, -1, 1]])
const labels = T.vector([0, 1, 2, 1, 0, 2, 1])
const targets = T.tensor([[1], [0], [1], [1], [0], [0], [1]])

/**
 * A model's training steps compiled and interpreted side by side from the same start, over
 * `batchList` in turn for `steps` steps: after each, the parameters, optimizer state, predictions
 * and loss must be the same bits. Returns the compiled step (for its mode).
 */
const stepsAgree = <O>(model: nn.Layer, key: random.Key, options: train.StepOptions<O>, batchList: readonly data.Dataset[], steps: number, start: random.Key) => {
  const { params, state } = model.init(key, batchList[0]?.x.shape.slice(1) ?? [])
  if (!tree.isTree(params) || !tree.isTree(state)) throw new Error('init gives trees of tensors')
  const { leaves, treedef } = tree.flatten(params)
  const compiled = train.flatStep(model, treedef, options)
  const interpreted = train.flatStep(model, treedef, { ...options, jit: false })
  let a = train.initialTrainState(leaves, state, options.optimizer, start)
  let b = a
  for (let i = 0; i < steps; i++) {
    const batch = batchList[i % batchList.length]
    if (batch === undefined) throw new Error('no batch')
    a = compiled(a, batch)
    b = interpreted(b, batch)
    expect(bitDifference(b.params, a.params)).toBeUndefined()
    expect(bitDifference(b.optimizerState, a.optimizerState)).toBeUndefined()
    expect(bitDifference(b.predictions, a.predictions)).toBeUndefined()
    expect(Object.is(a.loss, b.loss)).toBe(true)
  }
  expect(interpreted.mode()).toBe('interpreted')
  return compiled
}

interface Case {
  readonly name: string
  readonly model: nn.Layer
  readonly data: data.Dataset
  readonly metric: metrics.Metric
  readonly options: Omit<train.FitOptions<unknown>, 'epochs' | 'key'>
}

const cases: readonly Case[] = [
  {
    name: 'dense relu/sigmoid, binary cross-entropy, Adam, L2, a short last batch',
    model: nn.sequential(nn.dense(4), nn.relu, nn.dense(1), nn.sigmoid),
    data: data.dataset(xs, targets),
    metric: metrics.mae,
    options: { loss: losses.binaryCrossEntropy, optimizer: optim.adam({ learningRate: 0.05 }), batchSize: 3, regularization: { l2: 0.01 } },
  },
  {
    name: 'batch norm (layer state) and softmax cross-entropy on integer labels',
    model: nn.sequential(nn.dense(5), nn.batchNorm(), nn.tanh, nn.dense(3)),
    data: data.dataset(xs, labels),
    metric: metrics.accuracy,
    options: { loss: losses.softmaxCrossEntropy, optimizer: optim.sgd({ learningRate: 0.1, momentum: 0.9 }), batchSize: 4 },
  },
  {
    name: 'dropout (its mask drawn from the step key inside the plan)',
    model: nn.sequential(nn.dense(6), nn.relu, nn.dropout(0.3), nn.dense(1)),
    data: data.dataset(xs, targets),
    metric: metrics.mae,
    options: { loss: losses.mse, optimizer: optim.rmsprop({ learningRate: 0.01 }), batchSize: 7 },
  },
]

describe('fit both ways', () => {
  for (const c of cases) {
    it(`${c.name}: the same parameters, state, history and evaluation with and without jit`, () => {
      const run = (jit: boolean) => train.fit(c.model, c.data, { ...c.options, epochs: 4, key: random.key(3), validationData: c.data, metrics: [c.metric], jit })
      const compiled = run(true)
      const interpreted = run(false)
      expect(bitDifference(interpreted.params, compiled.params)).toBeUndefined()
      expect(bitDifference(interpreted.state, compiled.state)).toBeUndefined()
      expect(compiled.history.map((h) => [h.loss, h.validation?.loss])).toEqual(interpreted.history.map((h) => [h.loss, h.validation?.loss]))
      const a = train.evaluate(c.model, compiled.params, compiled.state, c.data, [c.metric], { loss: c.options.loss })
      const b = train.evaluate(c.model, compiled.params, compiled.state, c.data, [c.metric], { loss: c.options.loss, jit: false })
      expect(a).toEqual(b)
    })
  }
  it('fit traces once per batch shape when compiled, and never with jit: false', () => {
    let traced = 0
    const spy: nn.Layer = {
      name: 'spy',
      spec: { kind: 'spy' },
      init: (_k, shape) => ({ params: {}, state: {}, outputShape: shape }),
      apply: (_p, state, x) => {
        if (ad.isDual(x) && ad.belowDifferentiation(x) !== x && ad.isDual(ad.belowDifferentiation(x))) traced++
        return { y: x, state }
      },
    }
    const model = nn.sequential(nn.dense(2), spy, nn.dense(1))
    const options = { loss: losses.mse, optimizer: optim.sgd({ learningRate: 0.01 }), epochs: 3, batchSize: 3, key: random.key(0) }
    train.fit(model, data.dataset(xs, targets), options)
    // 7 rows in batches of 3: shapes [3, …] and [1, …], each traced once for all 3 epochs.
    expect(traced).toBe(2)
    traced = 0
    train.fit(model, data.dataset(xs, targets), { ...options, jit: false })
    expect(traced).toBe(0)
  })
  it('trainStep both ways, step by step', () => {
    const model = nn.sequential(nn.dense(3), nn.elu(), nn.dense(1))
    const optimizer = optim.adam({ learningRate: 0.1 })
    const { params, state } = model.init(random.key(1), [3])
    if (!tree.isTree(params) || !tree.isTree(state)) throw new Error('init gives trees of tensors')
    const ds = data.dataset(xs, targets)
    const compiled = train.trainStep(model, { loss: losses.mse, optimizer })
    const interpreted = train.trainStep(model, { loss: losses.mse, optimizer, jit: false })
    let a = train.initialTrainState(params, state, optimizer, random.key(0))
    let b = a
    for (let i = 0; i < 5; i++) {
      a = compiled(a, ds)
      b = interpreted(b, ds)
      expect(bitDifference(b.params, a.params)).toBeUndefined()
      expect(Object.is(a.loss, b.loss)).toBe(true)
    }
  })
})

/** A transformation of one's own that reads its state in JavaScript (halves the updates after two steps). */
const readsItsCount: optim.GradientTransformation<{ readonly count: T.Tensor }> = {
  init: () => ({ count: T.scalar(0) }),
  update: (grads, { count }) => {
    const n = count.data[0] ?? 0
    return [n >= 2 ? tree.scale(grads, 0.5) : grads, { count: T.scalar(n + 1) }]
  },
}

/** The same, probing the count with optional chaining (as if it might not be a tensor): must not read undefined under jit. */
const probesItsCount: optim.GradientTransformation<{ readonly count: T.Tensor }> = {
  init: () => ({ count: T.scalar(0) }),
  update: (grads, { count }) => {
    const n = count.data?.[0] ?? 0
    return [n >= 2 ? tree.scale(grads, 0.5) : grads, { count: T.scalar(n + 1) }]
  },
}

describe('the whole step in one plan (flatStep: gradient, optimizer update, new parameters)', () => {
  const model = nn.sequential(nn.dense(4), nn.tanh, nn.dense(1))
  const ds = data.dataset(xs, targets)
  // Two batch shapes (4 rows and the last 3), so both plans replay with every step count.
  const batches = [take(ds, [0, 1, 2, 3]), take(ds, [4, 5, 6])]
  const optimizers: readonly { readonly name: string; readonly optimizer: optim.GradientTransformation<unknown>; readonly mode: train.StepMode; readonly regularization?: train.Regularization }[] = [
    { name: 'adam', optimizer: optim.adam({ learningRate: 0.05 }), mode: 'whole' },
    { name: 'adam, Keras form', optimizer: optim.adam({ learningRate: 0.05, keras: true }), mode: 'whole' },
    { name: 'adamw', optimizer: optim.adamw({ learningRate: 0.05, weightDecay: 0.01 }), mode: 'whole' },
    { name: 'sgd', optimizer: optim.sgd({ learningRate: 0.1 }), mode: 'whole', regularization: { l1: 0.01, l2: 0.02 } },
    { name: 'momentum', optimizer: optim.momentum({ learningRate: 0.1 }), mode: 'whole' },
    { name: 'nesterov', optimizer: optim.nesterov({ learningRate: 0.1 }), mode: 'whole' },
    { name: 'rmsprop', optimizer: optim.rmsprop({ learningRate: 0.01 }), mode: 'whole' },
    { name: 'adagrad', optimizer: optim.adagrad({ learningRate: 0.1 }), mode: 'whole' },
    { name: 'clipByValue, scale, adam', optimizer: optim.chain(optim.clipByValue(0.05), optim.scale(2), optim.scaleByAdam(), optim.scaleByLearningRate(0.01)), mode: 'whole' },
    // Clipping by the global norm: the norm a node, its branch inside the loop; both sides of the branch.
    { name: 'clipByGlobalNorm (clipping), sgd', optimizer: optim.chain(optim.clipByGlobalNorm(0.1), optim.sgd({ learningRate: 0.1 })), mode: 'whole' },
    { name: 'clipByGlobalNorm (within the bound), adam', optimizer: optim.chain(optim.clipByGlobalNorm(1e6), optim.adam({ learningRate: 0.1 })), mode: 'whole' },
    // A schedule runs inside the plan: a node asks it for the rate of the count it reads.
    { name: 'adam with a schedule', optimizer: optim.adam({ learningRate: optim.exponentialDecay({ initial: 0.05, decayRate: 0.5, decaySteps: 3 }) }), mode: 'whole' },
    { name: 'Keras adam with a schedule', optimizer: optim.adam({ learningRate: (step) => 0.05 / (1 + step), keras: true }), mode: 'whole' },
    { name: 'sgd with a warm-up then a cosine decay', optimizer: optim.sgd({ learningRate: optim.join([optim.linearWarmup({ warmupSteps: 3, peak: 0.1 }), optim.cosineDecay({ initial: 0.1, decaySteps: 4 })], [3]), momentum: 0.9 }), mode: 'whole' },
    // An optimizer of one's own that reads its state in JavaScript: the update runs interpreted, the gradient compiled.
    { name: 'a transformation that reads its count in JavaScript', optimizer: optim.chain(readsItsCount, optim.sgd({ learningRate: 0.1 })), mode: 'gradient' },
    // Its `?.` meets a tracer's throwing data (not undefined, which would freeze the count at 1 into the plan).
    { name: 'a transformation that probes its count with ?.', optimizer: optim.chain(probesItsCount, optim.sgd({ learningRate: 0.1 })), mode: 'gradient' },
  ]
  for (const o of optimizers) {
    it(`${o.name}: bit for bit the interpreted step, in mode ${o.mode}`, () => {
      const options = { loss: losses.mse, optimizer: o.optimizer, ...(o.regularization === undefined ? {} : { regularization: o.regularization }) }
      expect(stepsAgree(model, random.key(2), options, batches, 8, random.key(0)).mode()).toBe(o.mode)
    })
  }
  it('dropout draws its mask from the step\'s key inside the plan: the whole step stays compiled, the same bits', () => {
    const dropping = nn.sequential(nn.dense(6), nn.relu, nn.dropout(0.4), nn.dense(1))
    const optimizer = optim.adam({ learningRate: 0.05 })
    expect(stepsAgree(dropping, random.key(4), { loss: losses.mse, optimizer }, batches, 6, random.key(9)).mode()).toBe('whole')
  })
  it('randomShift draws and applies its shifts inside the plan: a CNN step stays compiled, the same bits', () => {
    const images = random.uniform(random.key(21), [5, 6, 6, 1])
    const imageTargets = random.normal(random.key(22), [5, 2])
    const imageData = data.dataset(images, imageTargets)
    const cnn = nn.sequential(nn.randomShift(2), nn.conv2d(3, 3), nn.relu, nn.maxPool2d(2), nn.flatten(), nn.dropout(0.2), nn.dense(2))
    const optimizer = optim.adam({ learningRate: 0.02 })
    expect(stepsAgree(cnn, random.key(6), { loss: losses.mse, optimizer }, [imageData], 4, random.key(3)).mode()).toBe('whole')
  })
  it('recurrent layers (fused LSTM and GRU sequences) train as one compiled step, the same bits', () => {
    const sequences = random.normal(random.key(11), [5, 4, 3])
    const seqTargets = random.normal(random.key(12), [5, 1])
    const rnnData = data.dataset(sequences, seqTargets)
    for (const recurrent of [nn.lstm(4), nn.gru(3)]) {
      const model = nn.sequential(recurrent, nn.dense(1))
      const optimizer = optim.adam({ learningRate: 0.02 })
      expect(stepsAgree(model, random.key(5), { loss: losses.mse, optimizer }, [rnnData], 3, random.key(1)).mode()).toBe('whole')
    }
  })
  it('the optimizer\'s step count is a tensor: one plan per batch shape, whatever the count', () => {
    let traced = 0
    const spy: nn.Layer = {
      name: 'spy',
      spec: { kind: 'spy' },
      init: (_k, shape) => ({ params: {}, state: {}, outputShape: shape }),
      apply: (_p, state, x) => {
        if (ad.isDual(x) && ad.isDual(ad.belowDifferentiation(x))) traced++
        return { y: x, state }
      },
    }
    const spied = nn.sequential(nn.dense(2), spy, nn.dense(1))
    const { params, state } = spied.init(random.key(1), [3])
    if (!tree.isTree(params) || !tree.isTree(state)) throw new Error('init gives trees of tensors')
    const { leaves, treedef } = tree.flatten(params)
    const optimizer = optim.adam({ learningRate: 0.01 })
    const step = train.flatStep(spied, treedef, { loss: losses.mse, optimizer })
    let ts = train.initialTrainState(leaves, state, optimizer, random.key(0))
    for (let i = 0; i < 6; i++) ts = step(ts, batches[i % 2] ?? ds)
    expect(traced).toBe(2)
    expect(step.mode()).toBe('whole')
    const [adamState] = ts.optimizerState
    expect(adamState.step).toEqual(T.scalar(6))
  })
  it('an optimizer update under jit, keeping only some of a fused kernel\'s outputs: the same bits', () => {
    const adam = optim.scaleByAdam({ beta1: 0.8, beta2: 0.9 })
    const g = { w: T.tensor([[0.5, -2], [1e-3, 4]]), b: T.vector([1, -1, 0.25]) }
    const s0 = adam.init(g)
    // Only ν of each leaf: the node that computes the update u is dead, the one for ν runs alone.
    const onlyNu = (grads: typeof g, state: typeof s0) => adam.update(grads, state)[1].nu
    // μ and u, ν dead in between.
    const muAndUpdate = (grads: typeof g, state: typeof s0) => {
      const [u, s] = adam.update(grads, state)
      return [s.mu, u, s.step]
    }
    const jitNu = jit(onlyNu)
    const jitMu = jit(muAndUpdate)
    let state = s0
    for (let i = 0; i < 3; i++) {
      const grads = { w: T.scale(g.w, i + 1), b: T.scale(g.b, -i) }
      expect(bitDifference(onlyNu(grads, state), jitNu(grads, state))).toBeUndefined()
      expect(bitDifference(muAndUpdate(grads, state), jitMu(grads, state))).toBeUndefined()
      state = adam.update(grads, state)[1]
    }
    expect(jitNu.stats().traces).toBe(1)
    expect(jitMu.stats().traces).toBe(1)
  })
})

describe('an epoch folds the compiled step (jitFold: the states between steps stay in its buffers)', () => {
  const rows = T.tensor(Array.from({ length: 23 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 5) - 2]))
  const ys = T.tensor(Array.from({ length: 23 }, (_, i) => [i % 3 === 0 ? 1 : 0]))
  const ds = data.dataset(rows, ys)
  /** The epoch through the step's own runner (the fold) and through a plain wrapper of another step (batch by batch). */
  const bothWays = (model: nn.Layer, optimizer: optim.GradientTransformation<unknown>, loss: losses.Loss = losses.mse, epochs = 2, keepPredictions = true) => {
    const { params, state } = model.init(random.key(8), [3])
    if (!tree.isTree(params) || !tree.isTree(state)) throw new Error('trees')
    const { leaves, treedef } = tree.flatten(params)
    const folding = train.flatStep(model, treedef, { loss, optimizer })
    const stepping = train.flatStep(model, treedef, { loss, optimizer })
    const plain = (s: Parameters<typeof stepping>[0], b: data.Dataset) => stepping(s, b)
    const results = [folding, plain].map((step) => {
      let ts = train.initialTrainState(leaves, state, optimizer, random.key(9))
      const out = []
      for (let e = 1; e <= epochs; e++) {
        const seen: number[] = []
        const done = train.epoch(step, ts, train.epochBatches(ds, { batchSize: 5, key: random.key(10), epoch: e }), { keepPredictions, onBatch: (p) => seen.push(p.loss) })
        out.push({ done, seen })
        if (done.diverged !== undefined) break
        ts = done.state
      }
      return out
    })
    return { folded: results[0], stepped: results[1], mode: folding.mode(), hasRunner: folding.start !== undefined }
  }
  for (const keep of [true, false]) {
    it(`batch norm, dropout, Adam, a short last batch, predictions ${keep ? 'kept' : 'not kept (batches gathered into reused buffers)'}: the same state, losses and predictions as step by step`, () => {
      const r = bothWays(nn.sequential(nn.dense(6), nn.batchNorm(), nn.relu, nn.dropout(0.25), nn.dense(1), nn.sigmoid), optim.adam({ learningRate: 0.05 }), losses.binaryCrossEntropy, 3, keep)
      expect(r.hasRunner).toBe(true)
      expect(r.mode).toBe('whole')
      expect(bitDifference(r.stepped, r.folded)).toBeUndefined()
    })
  }
  it('a loss that diverges mid-epoch: the same step, loss and state from before it', () => {
    const r = bothWays(nn.sequential(nn.dense(4), nn.dense(1)), optim.sgd({ learningRate: 40 }), losses.mse, 5)
    const last = r.stepped?.[r.stepped.length - 1]
    expect(last?.done.diverged).toBeDefined()
    const strip = (runs: typeof r.stepped) => runs?.map(({ done, seen }) => ({ done: { ...done, state: { ...done.state, predictions: undefined } }, seen }))
    expect(bitDifference(strip(r.stepped), strip(r.folded))).toBeUndefined()
  })
  it('a layer reading its key in JavaScript: the fold stops compiling after its first step, the same bits', () => {
    const noisy: nn.Layer = {
      name: 'noisy',
      spec: { kind: 'noisy' },
      init: (_k, shape) => ({ params: {}, state: {}, outputShape: shape }),
      apply: (_p, state, x, ctx) => ({ y: ctx.key === undefined ? x : ad.add(x, T.scale(random.normal(ctx.key, ad.shapeOf(x)), 0.01)), state }),
    }
    const r = bothWays(nn.sequential(nn.dense(4), noisy, nn.dense(1)), optim.adam({ learningRate: 0.01 }))
    expect(r.mode).toBe('interpreted')
    expect(bitDifference(r.stepped, r.folded)).toBeUndefined()
  })
  it('a loss that cannot be traced: the fold falls back at once (its borrowed batch copied), the same bits', () => {
    const branching: losses.Loss = (p, t) => (ad.primalTensor(p).data[0] ?? 0) > 100 ? losses.mae(p, t) : losses.mse(p, t)
    for (const keep of [true, false]) {
      const r = bothWays(nn.sequential(nn.dense(4), nn.dense(1)), optim.adam({ learningRate: 0.01 }), branching, 2, keep)
      expect(r.mode).toBe('interpreted')
      expect(bitDifference(r.stepped, r.folded)).toBeUndefined()
    }
  })
})
