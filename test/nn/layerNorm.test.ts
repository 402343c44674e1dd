import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'
import * as ad from '../../src/ad/index.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import type { Shape, Tensor } from '../../src/tensor/index.js'
import { layerFunction, layerInput } from './arbitraries.js'

const k0 = random.key(0)

/** Rows whose features differ by at least 0.5 (feature j near j): the per-example variance stays away from 0. */
const spreadFeatures = (shape: Shape): fc.Arbitrary<Tensor> =>
  arb.tensorOf(shape, { min: -0.2, max: 0.2 }).map((noise) => {
    const features = shape[shape.length - 1] ?? 1
    return T.add(noise, T.fromArray(Array.from({ length: T.sizeOf(shape) }, (_, i) => i % features), shape))
  })

describe('layerNorm', () => {
  it('has gamma/beta params over the last axis and no state', () => {
    const layer = nn.layerNorm()
    expect(layer.spec).toEqual({ kind: 'layerNorm', epsilon: 1e-5 })
    const { params, state, outputShape } = layer.init(k0, [5, 4])
    expect(outputShape).toEqual([5, 4])
    expect(params).toEqual({ gamma: T.ones([4]), beta: T.zeros([4]) })
    expect(state).toEqual({})
  })

  it('normalises every example to mean 0 and variance 1 over its features, in training and inference alike', () => {
    const layer = nn.layerNorm({ epsilon: 1e-12 })
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((b) => spreadFeatures([b, 5])), fc.double({ min: 0.1, max: 10, noNaN: true }), (x0, scale) => {
        const x = T.scale(x0, scale)
        const { params, state } = layer.init(k0, [5])
        const y = ad.primalTensor(layer.apply(params, state, x, { training: false }).y)
        expect(T.allClose(T.mean(y, { axis: -1 }), T.zeros([x.shape[0] ?? 0]), { atol: 1e-9 })).toBe(true)
        expect(T.allClose(T.variance(y, { axis: -1 }), T.ones([x.shape[0] ?? 0]), { atol: 1e-9 })).toBe(true)
        expect(layer.apply(params, state, x, { training: true }).y).toEqual(y)
      }),
      { numRuns: 100 },
    )
  })

  it('applies gamma and beta: a known value', () => {
    const y = nn.layerNorm({ epsilon: 1 }).apply({ gamma: T.tensor([2, 3]), beta: T.tensor([10, 20]) }, {}, T.tensor([[1, 3]]), { training: false }).y
    // mean 2, variance 1, ε 1: x̂ = ±1/√2
    expect(T.allClose(ad.primalTensor(y), T.tensor([[10 - 2 / Math.SQRT2, 20 + 3 / Math.SQRT2]]), { rtol: 1e-15, atol: 0 })).toBe(true)
  })

  it('refuses a scalar input shape and another feature count', () => {
    expect(() => nn.layerNorm().init(k0, [])).toThrow(nn.LayerError)
    expect(() => nn.layerNorm({ epsilon: -1 })).toThrow('layerNorm: epsilon must be a positive number, got -1')
    const { params } = nn.layerNorm().init(k0, [3])
    expect(() => nn.layerNorm().apply(params, {}, T.zeros([2, 4]), { training: false })).toThrow('layerNorm: expects input [batch,...,3], got [2,4]')
  })

  it('obeys the gradient laws with respect to params and input', () => {
    const layer = nn.layerNorm()
    gradientLaws(layerFunction(layer, [4]), layerInput(layer, [4], { x: spreadFeatures }), { numRuns: 40 })
  })
})
