import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import { layerFunction, layerInput } from './arbitraries.js'

const k0 = random.key(0)

describe('flatten', () => {
  it('maps [batch, ...] to [batch, product] in row-major order', () => {
    fc.assert(
      fc.property(arb.shape({ maxRank: 3, maxDim: 4 }), fc.integer({ min: 1, max: 3 }), (shape, batch) => {
        const layer = nn.flatten()
        const { params, state, outputShape } = layer.init(k0, shape)
        expect(params).toEqual({})
        expect(outputShape).toEqual([T.sizeOf(shape)])
        const x = T.reshape(T.arange(batch * T.sizeOf(shape)), [batch, ...shape])
        const y = layer.apply(params, state, x, { training: false }).y
        expect(y).toEqual(T.reshape(T.arange(batch * T.sizeOf(shape)), [batch, T.sizeOf(shape)]))
      }),
      { numRuns: 100 },
    )
  })

  it('lets dense follow an image input', () => {
    const model = nn.sequential(nn.flatten(), nn.dense(10))
    expect(model.init(k0, [28, 28]).outputShape).toEqual([10])
    expect(nn.summary(model, [28, 28]).totalParams).toBe(784 * 10 + 10)
    expect(nn.flatten().spec).toEqual({ kind: 'flatten' })
  })

  it('refuses a scalar input', () => {
    expect(() => nn.flatten().apply({}, {}, T.scalar(1), { training: false })).toThrow('flatten: expects input [batch,...], got []')
  })

  it('obeys the gradient laws', () => gradientLaws(layerFunction(nn.flatten(), [2, 3]), layerInput(nn.flatten(), [2, 3]), { numRuns: 40 }))
})
