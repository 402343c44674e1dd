import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ShapeError } from '../../src/tensor/errors.js'
import { matmulInto, matmulTransAInto, matmulTransBInto } from '../../src/tensor/kernels/matmul.js'
import { dot, matmul, matmulTransA, matmulTransB, outer } from '../../src/tensor/linalg.js'
import { broadcastShapes } from '../../src/tensor/shape.js'
import { eye, fromArray, sizeOf, tensor, vector, zeros, type Shape, type Tensor } from '../../src/tensor/Tensor.js'

// ─── local arbitraries and references ───────────────────────────────────────────────────────────

const valuesOf = (n: number): fc.Arbitrary<number[]> =>
  fc.array(fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n })

const tensorOf = (shape: Shape): fc.Arbitrary<Tensor> => valuesOf(sizeOf(shape)).map((v) => fromArray(v, shape))

/** Deterministic values (an LCG), for the larger example sizes. */
const lcgTensor = (shape: Shape, seed: number): Tensor => {
  let state = seed >>> 0
  const values = Array.from({ length: sizeOf(shape) }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 4294967296 - 0.5
  })
  return fromArray(values, shape)
}

/** The naive triple loop, summing each entry with p rising (the kernels' documented order). */
const naive = (a: Tensor, b: Tensor): Tensor => {
  const [m = 0, k = 0] = a.shape
  const n = b.shape[1] ?? 0
  const out = new Float64Array(m * n)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0
      for (let p = 0; p < k; p++) s += (a.data[i * k + p] ?? 0) * (b.data[p * n + j] ?? 0)
      out[i * n + j] = s
    }
  }
  return fromArray(out, [m, n])
}

const naiveTranspose = (a: Tensor): Tensor => {
  const [r = 0, c = 0] = a.shape
  return fromArray(
    Array.from({ length: r * c }, (_, q) => a.data[(q % r) * c + Math.floor(q / r)] ?? 0),
    [c, r],
  )
}

/** Bit-for-bit equality: the kernels promise the naive summation order. */
const expectSame = (actual: Tensor, expected: Tensor): void => {
  expect(actual.shape).toEqual(expected.shape)
  expect(Array.from(actual.data)).toEqual(Array.from(expected.data))
}

/** Sizes 1..40, biased towards the ones that stress tile edges (1, 3, 4, 5, multiples of 4 ± 1). */
const dimArb = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17))

const pairArb = fc
  .tuple(dimArb, dimArb, dimArb)
  .chain(([m, k, n]) => fc.tuple(tensorOf([m, k]), tensorOf([k, n])))

/** Matrix `index` of a batch tensor [...batch, r, c] (row-major over the batch). */
const matrixAt = (x: Tensor, index: number): Tensor => {
  const r = x.shape[x.shape.length - 2] ?? 0
  const c = x.shape[x.shape.length - 1] ?? 0
  return fromArray(x.data.slice(index * r * c, (index + 1) * r * c), [r, c])
}

/** The batch position of `flat` (in `batch`) as seen by an operand with batch shape `own`. */
const sourceIndex = (flat: number, batch: Shape, own: Shape): number => {
  let rest = flat
  let result = 0
  let stride = 1
  for (let d = batch.length - 1; d >= 0; d--) {
    const n = batch[d] ?? 1
    const i = rest % n
    rest = Math.floor(rest / n)
    const o = own[d - (batch.length - own.length)]
    if (o !== undefined) {
      result += (o === 1 ? 0 : i) * stride
      stride *= o
    }
  }
  return result
}

// ─── matmul ─────────────────────────────────────────────────────────────────────────────────────

describe('matmul', () => {
  it('equals the naive triple loop bit for bit (sizes 1..40, tile edges included)', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => expectSame(matmul(a, b), naive(a, b))),
      { numRuns: 200 },
    )
  })

  it('equals the naive loop at larger sizes (k-blocks, column panels, ragged edges)', () => {
    const cases: ReadonlyArray<readonly [number, number, number]> = [
      [100, 100, 100],
      [130, 101, 67],
      [5, 70, 300],
      [129, 257, 3],
      [1, 300, 130],
      [131, 1, 129],
    ]
    for (const [m, k, n] of cases) {
      const a = lcgTensor([m, k], m)
      const b = lcgTensor([k, n], n + 1)
      expectSame(matmul(a, b), naive(a, b))
    }
  })

  it('knows a value, the identity and empty dimensions', () => {
    expectSame(matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]])), tensor([[17], [39]]))
    const a = lcgTensor([6, 6], 3)
    expectSame(matmul(a, eye(6)), a)
    expectSame(matmul(zeros([2, 0]), zeros([0, 3])), zeros([2, 3]))
    expectSame(matmul(zeros([0, 3]), zeros([3, 2])), zeros([0, 2]))
    expectSame(matmul(zeros([2, 3]), zeros([3, 0])), zeros([2, 0]))
    expectSame(matmul(zeros([0, 2, 3]), zeros([3, 4])), zeros([0, 2, 4]))
  })

  it('promotes 1-D operands as NumPy does', () => {
    const m = tensor([[1, 2, 3], [4, 5, 6]])
    expectSame(matmul(vector([1, 1]), m), vector([5, 7, 9]))
    expectSame(matmul(m, vector([1, 0, 1])), vector([4, 10]))
    expectSame(matmul(vector([1, 2, 3]), vector([4, 5, 6])), tensor(32))
    const batch = fromArray([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2])
    expectSame(matmul(batch, vector([1, 1])), tensor([[3, 7], [11, 15]]))
    expectSame(matmul(vector([1, 1]), batch), tensor([[4, 6], [12, 14]]))
  })

  it('batches with broadcasting, matching a loop over the batch', () => {
    // Batch shapes that broadcast: each dimension of each operand is the common one or 1, or absent.
    const arb = fc
      .tuple(fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }), dimArb, dimArb, dimArb)
      .chain(([batch, m, k, n]) =>
        fc
          .tuple(
            fc.tuple(fc.nat(batch.length), fc.array(fc.boolean(), { minLength: batch.length, maxLength: batch.length })),
            fc.tuple(fc.nat(batch.length), fc.array(fc.boolean(), { minLength: batch.length, maxLength: batch.length })),
          )
          .chain(([[dropA, onesA], [dropB, onesB]]) => {
            const batchA = batch.map((d, i) => (onesA[i] === true ? 1 : d)).slice(dropA)
            const batchB = batch.map((d, i) => (onesB[i] === true ? 1 : d)).slice(dropB)
            return fc.tuple(tensorOf([...batchA, m, k]), tensorOf([...batchB, k, n]))
          }),
      )
    fc.assert(
      fc.property(arb, ([a, b]) => {
        const batchA = a.shape.slice(0, -2)
        const batchB = b.shape.slice(0, -2)
        const batch = broadcastShapes('test', batchA, batchB)
        const c = matmul(a, b)
        const m = a.shape[a.shape.length - 2] ?? 0
        const n = b.shape[b.shape.length - 1] ?? 0
        expect(c.shape).toEqual([...batch, m, n])
        for (let t = 0; t < sizeOf(batch); t++) {
          const expected = naive(matrixAt(a, sourceIndex(t, batch, batchA)), matrixAt(b, sourceIndex(t, batch, batchB)))
          expectSame(matrixAt(c, t), expected)
        }
      }),
      { numRuns: 150 },
    )
  })

  it('is deterministic', () => {
    const a = lcgTensor([37, 70], 1)
    const b = lcgTensor([70, 29], 2)
    expectSame(matmul(a, b), matmul(a, b))
  })

  it('names the op and both shapes in its errors', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow('matmul: [2,3] x [4,5]: inner dimensions 3 and 4 differ')
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(ShapeError)
    expect(() => matmul(zeros([3]), zeros([4]))).toThrow('matmul: [3] x [4]: inner dimensions 3 and 4 differ')
    expect(() => matmul(tensor(2), zeros([4]))).toThrow('matmul: [] x [4]: operands must have rank at least 1, got a scalar')
    expect(() => matmul(zeros([2, 2, 3]), zeros([5, 3, 4]))).toThrow(
      'matmul: [2,2,3] x [5,3,4]: batch dimensions [2] and [5] do not broadcast',
    )
  })
})

// ─── matmulTransA and matmulTransB ──────────────────────────────────────────────────────────────

describe('matmulTransA', () => {
  it('equals transpose(a)·b by the naive loop, bit for bit', () => {
    const arb = fc.tuple(dimArb, dimArb, dimArb).chain(([m, k, n]) => fc.tuple(tensorOf([k, m]), tensorOf([k, n])))
    fc.assert(
      fc.property(arb, ([a, b]) => expectSame(matmulTransA(a, b), naive(naiveTranspose(a), b))),
      { numRuns: 200 },
    )
  })

  it('at larger sizes', () => {
    for (const [m, k, n] of [[100, 100, 100], [67, 130, 101], [300, 70, 5], [3, 129, 257]] as const) {
      const a = lcgTensor([k, m], 7)
      const b = lcgTensor([k, n], 8)
      expectSame(matmulTransA(a, b), naive(naiveTranspose(a), b))
    }
  })

  it('batches, and promotes a 1-D right operand', () => {
    const a = lcgTensor([3, 4, 2], 1)
    const b = lcgTensor([4, 5], 2)
    const c = matmulTransA(a, b)
    expect(c.shape).toEqual([3, 2, 5])
    for (let t = 0; t < 3; t++) expectSame(matrixAt(c, t), naive(naiveTranspose(matrixAt(a, t)), b))
    expectSame(matmulTransA(tensor([[1, 2], [3, 4]]), vector([1, 1])), vector([4, 6]))
    expectSame(matmulTransA(tensor([[1, 2], [3, 4]]), eye(2)), tensor([[1, 3], [2, 4]]))
  })

  it('rejects mismatches and a 1-D transposed operand', () => {
    expect(() => matmulTransA(zeros([3, 2]), zeros([4, 5]))).toThrow('matmulTransA: [3,2] x [4,5]: inner dimensions 3 and 4 differ')
    expect(() => matmulTransA(zeros([3]), zeros([3, 5]))).toThrow(
      'matmulTransA: [3] x [3,5]: the transposed left operand must have rank at least 2, got rank 1',
    )
  })
})

describe('matmulTransB', () => {
  it('equals a·transpose(b) by the naive loop, bit for bit', () => {
    const arb = fc.tuple(dimArb, dimArb, dimArb).chain(([m, k, n]) => fc.tuple(tensorOf([m, k]), tensorOf([n, k])))
    fc.assert(
      fc.property(arb, ([a, b]) => expectSame(matmulTransB(a, b), naive(a, naiveTranspose(b)))),
      { numRuns: 200 },
    )
  })

  it('at larger sizes', () => {
    for (const [m, k, n] of [[100, 100, 100], [130, 101, 67], [5, 300, 70], [257, 3, 129]] as const) {
      const a = lcgTensor([m, k], 9)
      const b = lcgTensor([n, k], 10)
      expectSame(matmulTransB(a, b), naive(a, naiveTranspose(b)))
    }
  })

  it('batches, and promotes a 1-D left operand', () => {
    const a = lcgTensor([2, 1, 3, 4], 3)
    const b = lcgTensor([3, 5, 4], 4)
    const c = matmulTransB(a, b)
    expect(c.shape).toEqual([2, 3, 3, 5])
    for (let t = 0; t < 6; t++) expectSame(matrixAt(c, t), naive(matrixAt(a, Math.floor(t / 3)), naiveTranspose(matrixAt(b, t % 3))))
    expectSame(matmulTransB(vector([1, 1]), tensor([[1, 2], [3, 4]])), vector([3, 7]))
  })

  it('rejects mismatches and a 1-D transposed operand', () => {
    expect(() => matmulTransB(zeros([2, 3]), zeros([5, 4]))).toThrow('matmulTransB: [2,3] x [5,4]: inner dimensions 3 and 4 differ')
    expect(() => matmulTransB(zeros([2, 3]), zeros([3]))).toThrow(
      'matmulTransB: [2,3] x [3]: the transposed right operand must have rank at least 2, got rank 1',
    )
  })
})

// ─── kernels ────────────────────────────────────────────────────────────────────────────────────

describe('kernels', () => {
  it('read at offsets and write exactly their region of C', () => {
    for (const kernel of [matmulInto, matmulTransAInto, matmulTransBInto]) {
      const a = Float64Array.from({ length: 3 + 30 }, (_, i) => i - 10)
      const b = Float64Array.from({ length: 2 + 30 }, (_, i) => 1 - i / 7)
      const c = new Float64Array(4 + 25 + 3).fill(Number.NaN)
      kernel(a, 3, b, 2, c, 4, 5, 6, 5)
      expect(c.slice(0, 4).every(Number.isNaN)).toBe(true)
      expect(c.slice(29).every(Number.isNaN)).toBe(true)
      expect(c.slice(4, 29).every(Number.isFinite)).toBe(true)
    }
    const c = Float64Array.of(9, 9, 9, 9)
    matmulInto(new Float64Array(0), 0, new Float64Array(0), 0, c, 1, 1, 0, 2)
    expect(Array.from(c)).toEqual([9, 0, 0, 9])
  })
})

// ─── dot and outer ──────────────────────────────────────────────────────────────────────────────

describe('dot and outer', () => {
  it('dot is the sum of products and agrees with matmul of vectors', () => {
    const arb = fc.integer({ min: 0, max: 40 }).chain((n) => fc.tuple(tensorOf([n]), tensorOf([n])))
    fc.assert(
      fc.property(arb, ([a, b]) => {
        let s = 0
        for (let i = 0; i < a.data.length; i++) s += (a.data[i] ?? 0) * (b.data[i] ?? 0)
        expectSame(dot(a, b), tensor(s))
        expectSame(matmul(a, b), tensor(s))
      }),
    )
  })

  it('outer(a, b)[i, j] = a[i]·b[j], and equals matmul of a column and a row', () => {
    const arb = fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 })).chain(([m, n]) => fc.tuple(tensorOf([m]), tensorOf([n])))
    fc.assert(
      fc.property(arb, ([a, b]) => {
        const o = outer(a, b)
        const m = a.data.length
        const n = b.data.length
        expect(o.shape).toEqual([m, n])
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(o.data[i * n + j]).toBe((a.data[i] ?? 0) * (b.data[j] ?? 0))
        // matmul sums from +0, so it turns a product's −0 into +0; outer keeps the bare product.
        const viaMatmul = matmul(fromArray(a.data, [m, 1]), fromArray(b.data, [1, n]))
        expect(Array.from(o.data, (v) => v + 0)).toEqual(Array.from(viaMatmul.data))
      }),
    )
  })

  it('known values', () => {
    expectSame(dot(vector([1, 2, 3]), vector([4, 5, 6])), tensor(32))
    expectSame(outer(vector([1, 2]), vector([3, 4, 5])), tensor([[3, 4, 5], [6, 8, 10]]))
    expectSame(dot(zeros([0]), zeros([0])), tensor(0))
  })

  it('reject other ranks and lengths', () => {
    expect(() => dot(zeros([2, 3]), zeros([3]))).toThrow('dot: [2,3] x [3]: expected two 1-D tensors, got ranks 2 and 1')
    expect(() => dot(zeros([3]), zeros([4]))).toThrow('dot: [3] x [4]: lengths 3 and 4 differ')
    expect(() => dot(tensor(1), tensor(1))).toThrow(ShapeError)
    expect(() => outer(zeros([2]), zeros([2, 1]))).toThrow('outer: [2] x [2,1]: expected two 1-D tensors, got ranks 1 and 2')
  })
})

// ─── purity ─────────────────────────────────────────────────────────────────────────────────────

describe('purity', () => {
  it('no product writes into its operands', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const before = [Array.from(a.data), Array.from(b.data)]
        matmul(a, b)
        matmulTransA(b, b)
        matmulTransB(a, a)
        expect([Array.from(a.data), Array.from(b.data)]).toEqual(before)
      }),
    )
  })
})
