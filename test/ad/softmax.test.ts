import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'

const logits = arb.shape({ minRank: 1, maxRank: 3, maxDim: 4 }).chain((s) => arb.tensorOf(s, { min: -5, max: 5 }))

describe('softmax and logSoftmax', () => {
  it('softmax obeys the gradient laws along the last axis', () => gradientLaws((x: ad.Value) => ad.softmax(x), logits))
  it('softmax obeys the gradient laws along axis 0', () => gradientLaws((x: ad.Value) => ad.softmax(x, 0), logits))
  it('logSoftmax obeys the gradient laws', () => gradientLaws((x: ad.Value) => ad.logSoftmax(x), logits))
  it('rows sum to one', () =>
    fc.assert(
      fc.property(logits, (x) => {
        const s = T.sum(ad.softmax(x), { axis: -1 })
        expect(T.allClose(s, T.ones(s.shape), { atol: 1e-12 })).toBe(true)
      }),
    ))
  it('is exact for logits of ±1000, and so is its gradient', () => {
    const x = T.tensor([1000, 1000, -1000])
    expect(Array.from(ad.softmax(x).data)).toEqual([0.5, 0.5, 0])
    // d/dx of softmax(x)[0]: y0·(e0 − y) = [0.25, −0.25, 0]
    const g = ad.grad((v: ad.Value) => ad.sum(ad.mul(ad.softmax(v), T.tensor([1, 0, 0]))))(x)
    expect(Array.from(g.data, (v) => v + 0)).toEqual([0.25, -0.25, 0]) // + 0 folds −0 into 0
    const gl = ad.grad((v: ad.Value) => ad.sum(ad.mul(ad.logSoftmax(v), T.tensor([1, 0, 0]))))(x)
    expect(Array.from(gl.data, (v) => v + 0)).toEqual([0.5, -0.5, 0])
  })
})
