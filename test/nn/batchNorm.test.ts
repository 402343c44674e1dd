import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'
import * as ad from '../../src/ad/index.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import { at, layerFunction, layerInput, spreadRows } from './arbitraries.js'

const k0 = random.key(0)

describe('batchNorm', () => {
  it('has gamma/beta params and movingMean/movingVariance state over the last axis', () => {
    const layer = nn.batchNorm()
    expect(layer.spec).toEqual({ kind: 'batchNorm', momentum: 0.99, epsilon: 1e-3 })
    const { params, state, outputShape } = layer.init(k0, [12])
    expect(outputShape).toEqual([12])
    expect(params).toEqual({ gamma: T.ones([12]), beta: T.zeros([12]) })
    expect(state).toEqual({ movingMean: T.zeros([12]), movingVariance: T.ones([12]) })
    expect(nn.batchNorm().init(k0, [4, 4, 3]).params).toEqual({ gamma: T.ones([3]), beta: T.zeros([3]) })
  })

  it('in training normalises each feature to mean 0 and variance 1', () => {
    // With ε = 1e-9 the variance of the output is σ²/(σ² + ε), 1 within 1e-7 for these inputs (σ² ≥ 0.01).
    const layer = nn.batchNorm({ epsilon: 1e-9 })
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 16 }).chain((b) => spreadRows([b, 3])), fc.double({ min: -50, max: 50, noNaN: true }), (x0, shift) => {
        const x = T.addScalar(T.scale(x0, 3), shift)
        const { params, state } = layer.init(k0, [3])
        const y = ad.primalTensor(layer.apply(params, state, x, { training: true }).y)
        expect(T.allClose(T.mean(y, { axis: 0 }), T.zeros([3]), { atol: 1e-9 })).toBe(true)
        expect(T.allClose(T.variance(y, { axis: 0 }), T.ones([3]), { atol: 1e-6 })).toBe(true)
      }),
      { numRuns: 100 },
    )
  })

  it('in training normalises over batch and positions for rank-3 inputs', () => {
    const layer = nn.batchNorm({ epsilon: 1e-9 })
    const x = random.normal(random.key(5), [4, 6, 2], { mean: 3, stddev: 2 })
    const { params, state } = layer.init(k0, [6, 2])
    const y = ad.primalTensor(layer.apply(params, state, x, { training: true }).y)
    expect(T.allClose(T.mean(y, { axis: [0, 1] }), T.zeros([2]), { atol: 1e-9 })).toBe(true)
    expect(T.allClose(T.variance(y, { axis: [0, 1] }), T.ones([2]), { atol: 1e-6 })).toBe(true)
  })

  it('updates the running statistics with the batch mean and population variance', () => {
    const layer = nn.batchNorm({ momentum: 0.9 })
    const x = T.tensor([[1, 10], [3, 20], [5, 60]])
    const { params, state } = layer.init(k0, [2])
    const out = layer.apply(params, state, x, { training: true })
    // batch mean [3, 30]; population variance [8/3, 1400/3]
    expect(T.allClose(at(out.state, 'movingMean'), T.tensor([0.1 * 3, 0.1 * 30]), { rtol: 1e-15, atol: 0 })).toBe(true)
    expect(T.allClose(at(out.state, 'movingVariance'), T.tensor([0.9 + (0.1 * 8) / 3, 0.9 + (0.1 * 1400) / 3]), { rtol: 1e-15, atol: 0 })).toBe(true)
    // the input state is untouched
    expect(state).toEqual({ movingMean: T.zeros([2]), movingVariance: T.ones([2]) })
  })

  it('at inference uses the running statistics and returns the state unchanged', () => {
    const layer = nn.batchNorm({ momentum: 0.5, epsilon: 0.25 })
    const params = { gamma: T.tensor([2, 1]), beta: T.tensor([1, -1]) }
    const x = T.tensor([[1, 10], [3, 20], [5, 60]])
    const trained = layer.apply(params, layer.init(k0, [2]).state, x, { training: true }).state
    // movingMean = 0.5·[3, 30] = [1.5, 15]; movingVariance = 0.5 + 0.5·[8/3, 1400/3]
    const mean = T.tensor([1.5, 15])
    const variance = T.tensor([0.5 + 4 / 3, 0.5 + 700 / 3])
    expect(at(trained, 'movingMean')).toEqual(mean)
    const out = layer.apply(params, trained, T.tensor([[2, 16]]), { training: false })
    const expected = T.tensor([[(2 * (2 - 1.5)) / Math.sqrt((variance.data[0] ?? 0) + 0.25) + 1, (16 - 15) / Math.sqrt((variance.data[1] ?? 0) + 0.25) - 1]])
    expect(T.allClose(ad.primalTensor(out.y), expected, { rtol: 1e-14, atol: 0 })).toBe(true)
    expect(at(out.state, 'movingMean')).toEqual(at(trained, 'movingMean'))
    expect(at(out.state, 'movingVariance')).toEqual(at(trained, 'movingVariance'))
  })

  it('returns plain tensors as state while its params are differentiated', () => {
    const layer = nn.batchNorm()
    const { params, state } = layer.init(k0, [3])
    const x = T.tensor([[1, 2, 3], [4, 5, 7]])
    let returned: ad.ValueTree = {}
    ad.vjp((p: nn.Params<nn.NormParams>, v: ad.Value) => {
      const out = layer.apply(p, state, v, { training: true })
      returned = out.state
      return out.y
    }, params, x)
    const leaves = [at(returned, 'movingMean'), at(returned, 'movingVariance')]
    expect(leaves.every((t) => T.isTensor(t))).toBe(true)
    if (ad.isDual(returned) || T.isTensor(returned) || Array.isArray(returned)) throw new Error('state must be a record')
    expect(Object.values(returned).some((v) => ad.isDual(v))).toBe(false)
  })

  it('refuses bad options, inputs and params', () => {
    expect(() => nn.batchNorm({ momentum: 1.5 })).toThrow('batchNorm: momentum must be in [0, 1], got 1.5')
    expect(() => nn.batchNorm({ epsilon: 0 })).toThrow(T.ArgumentError)
    expect(() => nn.batchNorm().init(k0, [])).toThrow('batchNorm: expects input of rank ≥ 1 ([..., features]), got []')
    const { params, state } = nn.batchNorm().init(k0, [3])
    expect(() => nn.batchNorm().apply(params, state, T.zeros([2, 4]), { training: true })).toThrow('batchNorm: expects input [batch,...,3], got [2,4]')
    const general: nn.Layer = nn.batchNorm()
    expect(() => general.apply(params, {}, T.zeros([2, 3]), { training: false })).toThrow("batchNorm: state: expected a tensor 'movingMean', got nothing")
  })

  it('obeys the gradient laws in training (batch statistics)', () => {
    const layer = nn.batchNorm()
    gradientLaws(layerFunction(layer, [3], { training: true }), layerInput(layer, [3], { minBatch: 2, maxBatch: 5, x: spreadRows }), { numRuns: 40 })
  })

  it('obeys the gradient laws at inference (running statistics)', () => {
    const layer = nn.batchNorm()
    gradientLaws(layerFunction(layer, [3]), layerInput(layer, [3]), { numRuns: 40 })
  })

  it('counts as 2·features trainable and 2·features non-trainable parameters', () => {
    const s = nn.summary(nn.sequential(nn.dense(12), nn.batchNorm()), [8])
    expect(s.rows[1]).toEqual({ layer: 'batchNorm', outputShape: [12], params: 48 })
    expect(s.trainableParams).toBe(108 + 24)
    expect(s.nonTrainableParams).toBe(24)
  })

  it('is deterministic: same input and state, bit-identical output and next state', () => {
    fc.assert(
      fc.property(arb.tensorOf([4, 3], { min: -3, max: 3 }), (x) => {
        const layer = nn.batchNorm()
        const { params, state } = layer.init(k0, [3])
        expect(layer.apply(params, state, x, { training: true })).toEqual(layer.apply(params, state, x, { training: true }))
      }),
      { numRuns: 100 },
    )
  })
})
