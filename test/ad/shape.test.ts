import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'
import { anyTensor } from './arbitraries.js'

const matrix = arb.shape({ minRank: 2, maxRank: 3, maxDim: 4 }).chain((s) => arb.tensorOf(s, { min: -3, max: 3 }))

describe('shape primitives obey the gradient laws', () => {
  it('reshape to the flat shape', () => gradientLaws((x: ad.Value) => ad.reshape(x, [-1]), anyTensor()))
  it('transpose (reversed axes)', () => gradientLaws((x: ad.Value) => ad.transpose(x), anyTensor()))
  it('transpose (a generated permutation)', () =>
    fc.assert(
      fc.property(
        matrix.chain((x) => fc.tuple(fc.constant(x), fc.shuffledSubarray(x.shape.map((_, i) => i), { minLength: x.shape.length, maxLength: x.shape.length }))),
        ([x, perm]) => gradientLaws((y: ad.Value) => ad.transpose(y, perm), fc.constant(x), { numRuns: 3 }),
      ),
      { numRuns: 30 },
    ))
  it('expandDims and squeeze', () => {
    gradientLaws((x: ad.Value) => ad.expandDims(x, 0), anyTensor())
    gradientLaws((x: ad.Value) => ad.squeeze(ad.expandDims(x, -1)), anyTensor())
  })
  it('broadcastTo and sumTo', () => {
    gradientLaws((x: ad.Value) => ad.broadcastTo(x, [2, 3]), arb.tensorOf([3]))
    gradientLaws((x: ad.Value) => ad.broadcastTo(x, [2, 3]), arb.tensorOf([2, 1]))
    gradientLaws((x: ad.Value) => ad.broadcastTo(x, [2, 3]), arb.tensorOf([]))
    gradientLaws((x: ad.Value) => ad.sumTo(x, []), anyTensor())
    gradientLaws((x: ad.Value) => ad.sumTo(x, [1, 4]), arb.tensorOf([2, 3, 4]))
    gradientLaws((x: ad.Value) => ad.sumTo(x, [3, 1]), arb.tensorOf([3, 4]))
  })
  it('slice and pad', () => {
    gradientLaws((x: ad.Value) => ad.slice(x, [1, 0], [-1, 2]), arb.tensorOf([3, 4]))
    gradientLaws((x: ad.Value) => ad.pad(x, [[1, 2], [0, 1]], 5), arb.tensorOf([2, 3]))
  })
  it('gather with repeated indices', () => gradientLaws((x: ad.Value) => ad.gather(x, [2, 0, 2, 1], 0), arb.tensorOf([3, 2])))
  it('gather along axis 1 and scatterAdd', () => {
    gradientLaws((x: ad.Value) => ad.gather(x, [1, 1], 1), arb.tensorOf([2, 3]))
    gradientLaws((x: ad.Value) => ad.scatterAdd([4, 2], [3, 0, 3], x, 0), arb.tensorOf([3, 2]))
  })
  it('concat, stack and unstack', () => {
    gradientLaws(([a, b]: readonly [ad.Value, ad.Value]) => ad.concat([a, b], 1), fc.tuple(arb.tensorOf([2, 3]), arb.tensorOf([2, 1])))
    gradientLaws(([a, b]: readonly [ad.Value, ad.Value]) => ad.stack([a, b], 1), fc.tuple(arb.tensorOf([2, 3]), arb.tensorOf([2, 3])))
    gradientLaws((x: ad.Value) => ad.mul(ad.unstack(x, 1)[0] ?? x, ad.unstack(x, 1)[2] ?? x), arb.tensorOf([2, 3]))
  })
  it('flatten2d', () => gradientLaws((x: ad.Value) => ad.flatten2d(x), arb.tensorOf([2, 3, 2])))
})

describe('shape ops on Duals match the plain kernels', () => {
  it('slice of a Dual has the plain value', () => {
    const x = T.tensor([[1, 2, 3], [4, 5, 6]])
    const [y] = ad.vjp((v: ad.Value) => ad.slice(v, [0, 1], [2, 2]), x)
    expect(T.toArray(ad.primalTensor(y))).toEqual([[2, 3], [5, 6]])
  })
})
