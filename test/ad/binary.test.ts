import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'
import { broadcastPair, separatedPair } from './arbitraries.js'

type Pair = readonly [ad.Value, ad.Value]

describe('binary primitives obey the gradient laws over broadcasting pairs', () => {
  it('add', () => gradientLaws(([a, b]: Pair) => ad.add(a, b), broadcastPair()))
  it('sub', () => gradientLaws(([a, b]: Pair) => ad.sub(a, b), broadcastPair()))
  it('mul', () => gradientLaws(([a, b]: Pair) => ad.mul(a, b), broadcastPair()))
  it('mulStrongZero', () => gradientLaws(([a, b]: Pair) => ad.mulStrongZero(a, b), broadcastPair()))
  it('div (divisor in [0.5, 3])', () =>
    gradientLaws(
      ([a, b]: Pair) => ad.div(a, b),
      broadcastPair().map(([a, b]) => [a, T.addScalar(T.abs(b), 0.5)] as const),
    ))
  it('pow (base in [0.2, 3], exponent in [−2, 2])', () =>
    gradientLaws(
      ([a, b]: Pair) => ad.pow(a, b),
      broadcastPair().map(([a, b]) => [T.addScalar(T.abs(a), 0.2), T.scale(b, 2 / 3)] as const),
    ))
  it('maximum (no ties)', () => gradientLaws(([a, b]: Pair) => ad.maximum(a, b), separatedPair()))
  it('minimum (no ties)', () => gradientLaws(([a, b]: Pair) => ad.minimum(a, b), separatedPair()))
})

describe('broadcasting is undone in the pullbacks', () => {
  it('the gradient of a broadcast operand sums over the broadcast axes', () => {
    const a = T.tensor([[1, 2, 3], [4, 5, 6]])
    const b = T.tensor([10, 20, 30])
    const [ga, gb] = ad.grad(([x, y]: Pair) => ad.sum(ad.mul(x, y)))([a, b])
    expect(T.toArray(ad.primalTensor(ga))).toEqual([[10, 20, 30], [10, 20, 30]])
    expect(T.toArray(ad.primalTensor(gb))).toEqual([5, 7, 9])
  })
  it('numbers are promoted to scalars', () => {
    const g = ad.grad((x: ad.Value) => ad.sum(ad.mul(ad.add(x, 1), 3)))(T.tensor([1, 2]))
    expect(Array.from(g.data)).toEqual([3, 3])
  })
})

describe('ties in maximum and minimum split the gradient evenly', () => {
  it('maximum(x, x) sends ½ to each side', () => {
    const [ga, gb] = ad.grad(([a, b]: Pair) => ad.sum(ad.maximum(a, b)))([T.tensor([2]), T.tensor([2])])
    expect(ad.primalTensor(ga).data[0]).toBe(0.5)
    expect(ad.primalTensor(gb).data[0]).toBe(0.5)
  })
  it('minimum(x, x) sends ½ to each side', () => {
    const [ga] = ad.grad(([a, b]: Pair) => ad.sum(ad.minimum(a, b)))([T.tensor([2]), T.tensor([2])])
    expect(ad.primalTensor(ga).data[0]).toBe(0.5)
  })
})

describe('ops on plain tensors return plain tensors', () => {
  it('is the plain kernel, bit for bit', () =>
    fc.assert(
      fc.property(arb.tensorPair({ maxRank: 3 }), ([a, b]) => {
        const y = ad.add(a, b)
        expect(ad.isDual(y)).toBe(false)
        expect(Array.from(y.data)).toEqual(Array.from(T.add(a, b).data))
      }),
    ))
})
