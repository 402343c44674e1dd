import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as data from '../../src/data/index.js'
import * as losses from '../../src/losses/index.js'
import * as metrics from '../../src/metrics/index.js'
import * as nn from '../../src/nn/index.js'
import * as optim from '../../src/optim/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import * as tree from '../../src/tree/index.js'
import * as train from '../../src/train/index.js'
import type { TrainEvent } from '../../src/train/index.js'

const bytes = (t: tree.Tree): number[] => tree.leaves(t).flatMap((l) => Array.from(new Uint8Array(l.value.data.buffer, l.value.data.byteOffset, l.value.data.byteLength)))

const xorModel = nn.sequential(nn.dense(4), nn.tanh, nn.dense(1), nn.sigmoid)
const xorOptions = (seed: number, epochs = 2000) => ({
  loss: losses.binaryCrossEntropy,
  optimizer: optim.adam({ learningRate: 0.05 }),
  epochs,
  batchSize: 4,
  shuffle: false,
  key: random.key(seed),
  metrics: [metrics.accuracy],
})

describe('fit', () => {
  it('is deterministic: the same key gives bit-identical parameters', () => {
    const options = { ...xorOptions(7, 30), shuffle: true, batchSize: 2 }
    const a = train.fit(xorModel, data.gates.xor, options)
    const b = train.fit(xorModel, data.gates.xor, options)
    expect(bytes(a.params)).toEqual(bytes(b.params))
    const c = train.fit(xorModel, data.gates.xor, { ...options, key: random.key(8) })
    expect(bytes(c.params)).not.toEqual(bytes(a.params))
  })

  it('records a history and emits events in order', () => {
    const events: TrainEvent['type'][] = []
    const result = train.fit(xorModel, data.gates.xor, { ...xorOptions(1, 3), batchSize: 2, onEvent: (e) => events.push(e.type) })
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3])
    expect(result.history[0]?.metrics['accuracy']).toBeGreaterThanOrEqual(0)
    expect(events).toEqual(['trainStart', ...Array(3).fill(['epochStart', 'batchEnd', 'batchEnd', 'epochEnd']).flat(), 'trainEnd'])
  })

  it('does not mutate its inputs', () => {
    const x = data.gates.xor.x
    const before = Array.from(x.data)
    train.fit(xorModel, data.gates.xor, xorOptions(1, 5))
    expect(Array.from(x.data)).toEqual(before)
  })

  it('reports validation values and stops early, restoring the best epoch', () => {
    const ds = data.dataset(T.tensor([[0], [1], [2], [3], [4], [5], [6], [7]]), T.tensor([[0], [2], [4], [6], [8], [10], [12], [14]]))
    const result = train.fit(nn.dense(1), ds, {
      loss: losses.mse,
      optimizer: optim.sgd({ learningRate: 0.5 }),
      epochs: 50,
      batchSize: 8,
      key: random.key(0),
      validationSplit: 0.25,
      earlyStopping: { monitor: 'val_loss', patience: 2, restoreBest: true },
    })
    // A learning rate of 0.5 on unscaled inputs diverges: the validation loss grows, so fit stops early.
    expect(result.stoppedEarly).toBe(true)
    expect(result.bestEpoch).toBeDefined()
    expect(result.history.length).toBeLessThan(50)
    expect(result.history[0]?.validation?.loss).toBeGreaterThan(0)
  })
})

describe('bad input is rejected before any work', () => {
  const base = xorOptions(0, 1)
  it.each([
    [{ batchSize: 0 }, 'fit: batchSize: must be a positive integer, got 0'],
    [{ batchSize: 2.5 }, 'fit: batchSize: must be a positive integer, got 2.5'],
    [{ epochs: 0 }, 'fit: epochs: must be a positive integer, got 0'],
    [{ validationSplit: 1.5 }, 'fit: validationSplit: must be in (0, 1), got 1.5'],
  ])('%o', (override, message) => {
    expect(() => train.fit(xorModel, data.gates.xor, { ...base, ...override })).toThrow(message)
  })
  it('a learning rate ≤ 0 or NaN', () => {
    expect(() => optim.adam({ learningRate: -1 })).toThrow(/learningRate/)
    expect(() => optim.sgd({ learningRate: Number.NaN })).toThrow(/learningRate/)
  })
  it('x and y with different numbers of rows', () => {
    expect(() => train.fit(xorModel, { x: T.zeros([4, 2]), y: T.zeros([3, 1]) }, base)).toThrow('fit: data: x [4,2] and y [3,1] must have the same number of rows')
  })
  it('NaN or Infinity in the data, naming the row and column', () => {
    const x = T.tensor([[0, 0], [0, 1], [1, Number.NaN], [1, 1]])
    expect(() => train.fit(xorModel, { x, y: data.gates.xor.y }, base)).toThrow('fit: data.x: row 2, column 1 holds NaN; the data must be finite')
  })
  it('labels outside the class range', () => {
    const model = nn.sequential(nn.dense(3))
    const ds = { x: T.zeros([4, 2]), y: T.tensor([0, 1, 3, 2]) }
    expect(() => train.fit(model, ds, { ...base, loss: losses.softmaxCrossEntropy })).toThrow("fit: data.y: label 3 in row 2 is not a class of the model's 3 outputs")
  })
  it('a model whose output does not fit the loss', () => {
    const model = nn.sequential(nn.dense(3))
    expect(() => train.fit(model, data.gates.xor, { ...base, loss: losses.mse })).toThrow(/fit: loss: the model's output \[2,3\] does not fit the targets \[2,1\]/)
  })
  it('a loss that turns NaN stops fit, naming the epoch and batch and carrying the last finite parameters', () => {
    const nanAfterTwo: train.Loss = (p, t) => {
      const l = losses.mse(p, t)
      return ad.primalTensor(l).data[0] !== undefined && ad.primalTensor(p).data.some((v) => v > 1e3) ? ad.mul(l, Number.NaN) : l
    }
    const ds = data.dataset(T.tensor([[1], [2]]), T.tensor([[1e6], [2e6]]))
    try {
      train.fit(nn.dense(1), ds, { loss: nanAfterTwo, optimizer: optim.sgd({ learningRate: 0.1 }), epochs: 100, batchSize: 1, key: random.key(0), shuffle: false })
      expect.unreachable('fit should have thrown')
    } catch (e) {
      expect(e).toBeInstanceOf(train.DivergedError)
      const d = e as train.DivergedError
      expect(d.message).toMatch(/^fit: the loss became NaN at epoch \d+, batch \d+/)
      expect(tree.leaves(d.params).every((l) => l.value.data.every(Number.isFinite))).toBe(true)
    }
  })
})

describe('evaluate and predict', () => {
  it('predict differentiates nothing: no Dual of a differentiation reaches any layer (jit tracers do, unless jit: false)', () => {
    let sawDual = false
    let sawTracer = false
    const spy: nn.Layer = {
      name: 'spy',
      spec: { kind: 'spy' },
      init: (_k, shape) => ({ params: {}, state: {}, outputShape: shape }),
      apply: (_p, state, x) => {
        if (ad.isDual(x) && x.trace.mode !== 'jit') sawDual = true
        if (ad.isDual(x) && x.trace.mode === 'jit') sawTracer = true
        return { y: x, state }
      },
    }
    const model = nn.sequential(nn.dense(2), spy, nn.dense(1))
    const { params, state } = model.init(random.key(0), [2])
    const y = train.predict(model, params, state, data.gates.xor.x)
    expect(ad.isDual(y)).toBe(false)
    expect(sawDual).toBe(false)
    expect(sawTracer).toBe(true)
    sawTracer = false
    const plain = train.predict(model, params, state, data.gates.xor.x, { jit: false })
    expect(sawTracer).toBe(false)
    expect(plain.data).toEqual(y.data)
    expect(train.predict(model, params, state, data.gates.xor.x, { batchSize: 3 }).data).toEqual(y.data)
  })
  it('predicts 32 rows at a time by default, the same bits as one pass over every row', () => {
    const cnn = nn.sequential(nn.conv2d(3, 3), nn.relu, nn.maxPool2d(2), nn.flatten(), nn.dense(8), nn.batchNorm(), nn.tanh, nn.dense(2))
    const { params, state } = cnn.init(random.key(4), [6, 6, 1])
    const x = random.normal(random.key(5), [75, 6, 6, 1])
    const byDefault = train.predict(cnn, params, state, x)
    expect(train.DEFAULT_PREDICT_BATCH).toBe(32)
    expect(byDefault.shape).toEqual([75, 2])
    for (const batchSize of [75, 1, 7]) {
      expect(train.predict(cnn, params, state, x, { batchSize }).data).toEqual(byDefault.data)
    }
    expect(train.predict(cnn, params, state, x, { jit: false, batchSize: 75 }).data).toEqual(byDefault.data)
  })
  it('evaluate gives the loss and metrics', () => {
    const { params, state } = train.fit(xorModel, data.gates.xor, xorOptions(3, 5))
    const e = train.evaluate(xorModel, params, state, data.gates.xor, [metrics.accuracy], { loss: losses.binaryCrossEntropy })
    expect(e.loss).toBeGreaterThan(0)
    expect(e.metrics['accuracy']).toBeGreaterThanOrEqual(0)
  })
})

describe('empty data and bad labels get errors that say so', () => {
  const model = nn.sequential(nn.dense(3), nn.softmax())
  const init = model.init(random.key(0), [2])
  const { params, state } = init
  const empty = data.dataset(T.zeros([0, 2]), T.zeros([0, 1]))
  it('fit on an empty dataset says the data is empty (not that a batch size is 0)', () => {
    expect(() => train.fit(model, empty, { loss: losses.softmaxCrossEntropy, optimizer: optim.sgd({ learningRate: 0.1 }), epochs: 1, key: random.key(0) })).toThrow(
      'fit: data: the data is empty (x [0,2], y [0,1]): there is nothing to train on',
    )
  })
  it('predict on zeros([0, 2]) says the input is empty', () => {
    expect(() => train.predict(model, params, state, T.zeros([0, 2]))).toThrow('predict: the input x [0,2] is empty (0 rows)')
  })
  it('evaluate on an empty dataset says the data is empty', () => {
    expect(() => train.evaluate(model, params, state, empty, [metrics.accuracy])).toThrow('evaluate: the data is empty (x [0,2], y [0,1])')
  })
  it('evaluate checks the labels against the model’s outputs, naming the row', () => {
    const ds = data.dataset(T.tensor([[1, 2], [3, 4]]), T.tensor([[0], [3]]))
    expect(() => train.evaluate(model, params, state, ds, [metrics.accuracy])).toThrow(
      "evaluate: label 3 in row 1 is not a class of the model's 3 outputs (expected an integer in [0, 3))",
    )
    expect(() => train.evaluate(model, params, state, ds, [], { loss: losses.softmaxCrossEntropy })).toThrow(/row 1/)
  })
})
