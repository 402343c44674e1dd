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

describe('affine (the fused dense map x·W + b)', () => {
  type Triple = readonly [ad.Value, ad.Value, ad.Value]
  const triple = arb.matmulPair().chain(([a, b]) => fc.tuple(arb.tensorOf(a, values), arb.tensorOf(b, values), arb.tensorOf([b[1] ?? 1], values)))
  it('obeys the gradient laws in x, W and b', () => gradientLaws(([x, w, b]: Triple) => ad.affine(x, w, b), triple))
  it('equals matmul + add bit for bit', () =>
    fc.assert(fc.property(triple, ([x, w, b]) => {
      expect(Array.from(T.affine(x, w, b).data)).toEqual(Array.from(T.add(T.matmul(x, w), b).data))
    })))
  it('names the shapes when they do not fit', () => {
    expect(() => T.affine(T.zeros([2, 3]), T.zeros([3, 4]), T.zeros([5]))).toThrow('affine: [2,3] x [3,4] x [5]: the bias has 5 entries, W has 4 columns')
  })
})

describe('matmul errors', () => {
  it('names the op and the shapes, for Duals too', () => {
    const a = T.zeros([2, 3])
    const b = T.zeros([4, 5])
    expect(() => ad.grad(([x, y]: Pair) => ad.sum(ad.matmul(x, y)))([a, b])).toThrow('matmul: [2,3] x [4,5]: inner dimensions 3 and 4 differ')
  })
})
