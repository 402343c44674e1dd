/**
 * The textbook cases: perceptrons learn AND and OR; a linear model cannot learn XOR; a hidden layer
 * can.
 */
import { describe, expect, it } from 'vitest'
import * as data from '../../src/data/index.js'
import * as losses from '../../src/losses/index.js'
import * as metrics from '../../src/metrics/index.js'
import * as nn from '../../src/nn/index.js'
import * as optim from '../../src/optim/index.js'
import * as random from '../../src/random/index.js'
import * as train from '../../src/train/index.js'

const accuracyOf = (model: nn.Layer, result: train.FitResult, ds: data.Dataset): number =>
  metrics.accuracy.compute(train.predict(model, result.params, result.state, ds.x), ds.y)

describe('perceptrons', () => {
  // The perceptron's step has zero gradient, so it learns through the straight-through estimator:
  // the update is the perceptron rule's (error × input).
  const perceptron = nn.sequential(nn.dense(1), nn.stepStraightThrough)
  for (const gate of ['and', 'or'] as const) {
    it(`a step-activation perceptron learns ${gate.toUpperCase()}`, () => {
      const ds = data.gates[gate]
      const result = train.fit(perceptron, ds, { loss: losses.mse, optimizer: optim.sgd({ learningRate: 0.1 }), epochs: 50, batchSize: 1, key: random.key(0) })
      expect(accuracyOf(perceptron, result, ds)).toBe(1)
    })
  }
  it('a purely linear model cannot learn XOR (accuracy ≤ 0.75)', () => {
    const linear = nn.sequential(nn.dense(1), nn.sigmoid)
    for (const seed of [0, 1, 2]) {
      const result = train.fit(linear, data.gates.xor, { loss: losses.binaryCrossEntropy, optimizer: optim.adam({ learningRate: 0.05 }), epochs: 500, batchSize: 4, key: random.key(seed) })
      expect(accuracyOf(linear, result, data.gates.xor)).toBeLessThanOrEqual(0.75)
    }
  })
})

describe('XOR needs a hidden layer', () => {
  it('a 2-4-1 tanh/sigmoid network learns XOR to 100% within 2000 full-batch epochs for at least 9 of 10 keys', () => {
    const model = nn.sequential(nn.dense(4), nn.tanh, nn.dense(1), nn.sigmoid)
    const solved = Array.from({ length: 10 }, (_, seed) => {
      const result = train.fit(model, data.gates.xor, { loss: losses.binaryCrossEntropy, optimizer: optim.adam({ learningRate: 0.01 }), epochs: 2000, batchSize: 4, shuffle: false, key: random.key(seed) })
      return accuracyOf(model, result, data.gates.xor) === 1
    }).filter(Boolean).length
    expect(solved).toBeGreaterThanOrEqual(9)
  })
})
