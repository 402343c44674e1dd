import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'
import { broadcastPair } from './arbitraries.js'

type Pair = readonly [ad.Value, ad.Value]

describe('where and clip', () => {
  it('where obeys the gradient laws in both branches', () =>
    gradientLaws(
      ([a, b]: Pair) => ad.where(T.greater(ad.primalTensor(a), T.scalar(0)), a, b),
      // The condition depends on the sign of a: keep a away from 0 so a finite difference cannot flip it.
      broadcastPair().map(([a, b]) => [T.map(a, (v) => (Math.abs(v) < 0.05 ? v + (v < 0 ? -0.1 : 0.1) : v)), b] as const),
    ))
  it('clip obeys the gradient laws away from its bounds', () =>
    gradientLaws(
      (x: ad.Value) => ad.clip(x, -1, 1),
      arb.shape({ maxRank: 2 }).chain((s) => arb.tensorOf(s, { min: -3, max: 3 })).filter((x) => x.data.every((v) => Math.abs(Math.abs(v) - 1) > 0.01)),
    ))
  it('clip passes the gradient at its bounds and blocks it outside', () => {
    const g = ad.grad((x: ad.Value) => ad.sum(ad.clip(x, -1, 1)))(T.tensor([-2, -1, 0, 1, 2]))
    expect(Array.from(g.data)).toEqual([0, 1, 1, 1, 0])
  })
  it('comparisons are constant masks', () => {
    const g = ad.grad((x: ad.Value) => ad.sum(ad.mul(ad.greater(x, 0), x)))(T.tensor([-1, 2]))
    expect(Array.from(g.data)).toEqual([0, 1])
  })
  it('clip rejects min > max, for Duals too', () => {
    expect(() => ad.grad((x: ad.Value) => ad.sum(ad.clip(x, 1, -1)))(T.tensor([0]))).toThrow(/clip/)
  })
  it('where on plain tensors is the kernel', () =>
    fc.assert(fc.property(arb.tensorPair({ maxRank: 2 }), ([a, b]) => {
      const c = T.greater(a, T.scalar(0))
      expect(Array.from(ad.where(c, a, b).data)).toEqual(Array.from(T.where(c, a, b).data))
    })))
})
