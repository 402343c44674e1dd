import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'

type Pair = readonly [ad.Value, ad.Value]
const values = { min: -2, max: 2 }
const pairOf = (shapes: fc.Arbitrary<readonly [T.Shape, T.Shape]>): fc.Arbitrary<readonly [T.Tensor, T.Tensor]> =>
  shapes.chain(([a, b]) => fc.tuple(arb.tensorOf(a, values), arb.tensorOf(b, values)))

describe('matrix products obey the gradient laws', () => {
  it('matmul', () => gradientLaws(([a, b]: Pair) => ad.matmul(a, b), pairOf(arb.matmulPair())))
  it('batched matmul with broadcast batch dimensions', () => gradientLaws(([a, b]: Pair) => ad.matmul(a, b), pairOf(arb.batchedMatmulPair())))
  it('matmulTransA', () =>
    gradientLaws(([a, b]: Pair) => ad.matmulTransA(a, b), pairOf(arb.matmulPair().map(([a, b]) => [[a[0] ?? 1, a[1] ?? 1], [a[0] ?? 1, b[1] ?? 1]] as const))))
  it('matmulTransB', () =>
    gradientLaws(([a, b]: Pair) => ad.matmulTransB(a, b), pairOf(arb.matmulPair().map(([a, b]) => [[a[0] ?? 1, a[1] ?? 1], [b[1] ?? 1, a[1] ?? 1]] as const))))
  it('matmul of a vector and a matrix (NumPy promotion)', () => {
    gradientLaws(([a, b]: Pair) => ad.matmul(a, b), fc.tuple(arb.tensorOf([3], values), arb.tensorOf([3, 2], values)))
    gradientLaws(([a, b]: Pair) => ad.matmul(a, b), fc.tuple(arb.tensorOf([2, 3], values), arb.tensorOf([3], values)))
  })
  it('dot and outer', () => {
    gradientLaws(([a, b]: Pair) => ad.dot(a, b), fc.tuple(arb.tensorOf([4], values), arb.tensorOf([4], values)))
    gradientLaws(([a, b]: Pair) => ad.outer(a, b), fc.tuple(arb.tensorOf([3], values), arb.tensorOf([2], values)))
  })
})

describe('matmul errors', () => {
  it('names the op and the shapes, for Duals too', () => {
    const a = T.zeros([2, 3])
    const b = T.zeros([4, 5])
    expect(() => ad.grad(([x, y]: Pair) => ad.sum(ad.matmul(x, y)))([a, b])).toThrow('matmul: [2,3] x [4,5]: inner dimensions 3 and 4 differ')
  })
})
