import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'
import * as ad from '../../src/ad/index.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import { at, layerFunction, layerInput } from './arbitraries.js'

const k0 = random.key(0)
const inference = { training: false } as const

describe('dense', () => {
  it('makes a kernel [in, units] and a bias [units], and outputs [units]', () => {
    const layer = nn.dense(12)
    expect(layer.name).toBe('dense(12)')
    expect(layer.spec).toEqual({ kind: 'dense', units: 12, useBias: true })
    const { params, state, outputShape } = layer.init(k0, [8])
    expect(outputShape).toEqual([12])
    expect(state).toEqual({})
    expect(Object.keys(params)).toEqual(['kernel', 'bias'])
    expect(nn.countOf(params)).toBe(8 * 12 + 12)
  })
  it('computes x·W + b', () => {
    const layer = nn.dense(2)
    const params = { kernel: T.tensor([[1, 2], [3, 4], [5, 6]]), bias: T.tensor([10, 20]) }
    const x = T.tensor([[1, 0, -1], [0.5, 1, 2]])
    const { y } = layer.apply(params, {}, x, inference)
    expect(T.toArray(ad.primalTensor(y))).toEqual([[1 - 5 + 10, 2 - 6 + 20], [0.5 + 3 + 10 + 10, 1 + 4 + 12 + 20]])
  })
  it('without a bias computes x·W', () => {
    const layer = nn.dense(1, { useBias: false, kernelInitializer: nn.constant(0.5) })
    const { params } = layer.init(k0, [2])
    expect(params).toEqual({ kernel: T.full([2, 1], 0.5) })
    expect(layer.apply(params, {}, T.tensor([[2, 4]]), inference).y).toEqual(T.tensor([[3]]))
  })
  it('uses the given initializers, including a user arrow function', () => {
    const layer = nn.dense(3, { kernelInitializer: nn.normal({ mean: 0.75, stddev: 0.01 }), biasInitializer: (_k, shape) => T.full(shape, 0.1) })
    const { params } = layer.init(k0, [200])
    expect(at(params, 'bias')).toEqual(T.full([3], 0.1))
    expect(T.item(T.mean(at(params, 'kernel')))).toBeCloseTo(0.75, 2)
  })
  it('gives bit-identical params for the same key and different params for different keys', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        const layer = nn.dense(4)
        expect(layer.init(random.key(a), [3]).params).toEqual(layer.init(random.key(a), [3]).params)
        if (a !== b) expect(layer.init(random.key(a), [3]).params).not.toEqual(layer.init(random.key(b), [3]).params)
      }),
      { numRuns: 100 },
    )
  })
  it('refuses bad units, input shapes and params', () => {
    expect(() => nn.dense(0)).toThrow('dense: units must be a positive integer, got 0')
    expect(() => nn.dense(2.5)).toThrow(T.ArgumentError)
    expect(() => nn.dense(4).init(k0, [2, 3])).toThrow('dense(4): expects input of rank 1 ([features]; put flatten() before dense), got [2,3]')
    expect(() => nn.dense(4).init(k0, [])).toThrow(nn.LayerError)
    const { params } = nn.dense(4).init(k0, [3])
    expect(() => nn.dense(4).apply(params, {}, T.zeros([2, 5]), inference)).toThrow('dense(4): expects input [batch,3], got [2,5]')
    expect(() => nn.dense(4).apply(params, {}, T.zeros([3]), inference)).toThrow('dense(4): expects input [batch,3], got [3]')
    // Params of another structure are a type error; a general Layer (as JavaScript sees it) is checked at run time.
    const general: nn.Layer = nn.dense(4)
    expect(() => general.apply({ kernel: T.zeros([3, 4]) }, {}, T.zeros([1, 3]), inference)).toThrow("dense(4): params: expected a tensor 'bias', got nothing")
    expect(() => general.apply({ kernel: T.zeros([3, 4]), bias: T.zeros([3]) }, {}, T.zeros([1, 3]), inference)).toThrow(
      "dense(4): params: 'bias' has shape [3], expected [4]",
    )
    expect(() => general.apply({ kernel: T.zeros([3, 5]) }, {}, T.zeros([1, 3]), inference)).toThrow("dense(4): params: 'kernel' has shape [3,5], expected [in,4]")
    expect(() => nn.dense(2, { kernelInitializer: (_k) => T.zeros([1]) }).init(k0, [3])).toThrow('dense(2): kernelInitializer must return a tensor of shape [3,2], got [1]')
  })
  it('obeys the gradient laws with respect to params and input', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), (units, features, useBias) => {
        const layer = nn.dense(units, { useBias })
        gradientLaws(layerFunction(layer, [features]), layerInput(layer, [features]), { numRuns: 3 })
      }),
      { numRuns: 12 },
    )
  })
  it('agrees with matmul plus bias on random inputs', () => {
    fc.assert(
      fc.property(arb.tensorOf([3, 4], { min: -2, max: 2 }), fc.nat(), (x, seed) => {
        const { params } = nn.dense(2).init(random.key(seed), [4])
        expect(nn.dense(2).apply(params, {}, x, inference).y).toEqual(T.add(T.matmul(x, at(params, 'kernel')), at(params, 'bias')))
      }),
      { numRuns: 100 },
    )
  })
})
