import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'
import * as ad from '../../src/ad/index.js'
import type { Value } from '../../src/ad/index.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import { layerFunction, layerInput } from './arbitraries.js'

const k0 = random.key(0)
const train = (rate: number, x: Value, seed: number): T.Tensor => ad.primalTensor(nn.dropout(rate).apply({}, {}, x, { training: true, key: random.key(seed) }).y)

describe('dropout', () => {
  it('is the identity at inference (the input itself, for any rate)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.99, noNaN: true }), arb.tensorOf([3, 5]), (rate, x) => {
        const layer = nn.dropout(rate)
        const { params, state, outputShape } = layer.init(k0, [5])
        expect(outputShape).toEqual([5])
        expect(params).toEqual({})
        expect(layer.apply(params, state, x, { training: false }).y).toBe(x)
        expect(layer.apply(params, state, x, { training: false, key: k0 }).y).toBe(x)
      }),
      { numRuns: 100 },
    )
  })

  it('in training zeroes units or scales them by 1/(1 − rate)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.95, noNaN: true }), arb.tensorOf([4, 6], { min: 0.5, max: 2 }), fc.nat(), (rate, x, seed) => {
        const y = train(rate, x, seed)
        y.data.forEach((v, i) => {
          const xi = x.data[i] ?? 0
          expect(v === 0 || v === xi * (1 / (1 - rate))).toBe(true)
        })
      }),
      { numRuns: 100 },
    )
  })

  it('keeps the expected value: over 40 000 units the mean is the input mean within 2%', () => {
    // ones × mask/(1 − p): mean 1, standard deviation √(p/(1 − p))/√n ≈ 0.005 for p = 0.5, n = 40 000,
    // so 2% is four standard deviations.
    for (const rate of [0.2, 0.5]) {
      for (const seed of [1, 2, 3]) {
        const y = train(rate, T.ones([200, 200]), seed)
        expect(Math.abs(T.item(T.mean(y)) - 1)).toBeLessThan(0.02)
        const dropped = y.data.filter((v) => v === 0).length / y.data.length
        expect(Math.abs(dropped - rate)).toBeLessThan(0.02)
      }
    }
  })

  it('draws the same mask for the same key, and another for another key', () => {
    const x = T.ones([8, 8])
    expect(train(0.5, x, 7)).toEqual(train(0.5, x, 7))
    expect(train(0.5, x, 7)).not.toEqual(train(0.5, x, 8))
  })

  it('with rate 0 changes nothing, even in training', () => {
    const x = T.tensor([[1, 2, 3]])
    expect(train(0, x, 0)).toBe(x)
  })

  it('refuses a rate outside [0, 1) and training without a key', () => {
    for (const rate of [-0.1, 1, 1.5, Number.NaN]) expect(() => nn.dropout(rate)).toThrow(T.ArgumentError)
    expect(() => nn.dropout(1)).toThrow('dropout: rate must be in [0, 1), got 1')
    expect(() => nn.dropout(0.5).apply({}, {}, T.ones([2, 2]), { training: true })).toThrow(
      'dropout(0.5): training needs a key in the context ({ training: true, key }) to draw the mask',
    )
    expect(() => nn.dropout(0).apply({}, {}, T.ones([2, 2]), { training: true })).toThrow(nn.LayerError)
  })

  it('obeys the gradient laws in training with a fixed key (the mask is a constant)', () => {
    const layer = nn.dropout(0.4)
    gradientLaws(layerFunction(layer, [5], { training: true, key: random.key(3) }), layerInput(layer, [5]), { numRuns: 40 })
  })

  it('passes the gradient through the kept units only, scaled', () => {
    const x = T.ones([4, 5])
    const y = train(0.5, x, 11)
    const g = ad.grad((v: Value) => ad.sum(nn.dropout(0.5).apply({}, {}, v, { training: true, key: random.key(11) }).y))(x)
    expect(g).toEqual(y)
  })
})
