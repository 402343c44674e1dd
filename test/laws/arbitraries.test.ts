import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { broadcastAll, broadcastShapes } from '../../src/tensor/shape.js'
import { sizeOf } from '../../src/tensor/Tensor.js'

const run = <T>(a: fc.Arbitrary<T>, check: (t: T) => void, numRuns = 100): void =>
  fc.assert(
    fc.property(a, (t) => {
      check(t)
    }),
    { numRuns },
  )

describe('shape', () => {
  it('respects its bounds', () => {
    run(arb.shape({ minRank: 1, maxRank: 3, minDim: 2, maxDim: 4 }), (s) => {
      expect(s.length).toBeGreaterThanOrEqual(1)
      expect(s.length).toBeLessThanOrEqual(3)
      for (const d of s) expect(d >= 2 && d <= 4 && Number.isInteger(d)).toBe(true)
    })
  })

  it('reaches scalars by default', () => {
    expect(fc.sample(arb.shape(), 300).some((s) => s.length === 0)).toBe(true)
  })
})

describe('broadcast shapes', () => {
  it('broadcastPair always broadcasts, and covers scalars and size-1 dimensions on both sides', () => {
    run(arb.broadcastPair(), ([a, b]) => expect(() => broadcastShapes('test', a, b)).not.toThrow())
    const sample = fc.sample(arb.broadcastPair(), 500)
    expect(sample.some(([a, b]) => a.length === 0 || b.length === 0)).toBe(true)
    expect(sample.some(([a, b]) => a.length !== b.length)).toBe(true)
    expect(sample.some(([a, b]) => a.some((d, i) => d === 1 && (b[b.length - a.length + i] ?? 1) > 1))).toBe(true)
    expect(sample.some(([a, b]) => b.some((d, i) => d === 1 && (a[a.length - b.length + i] ?? 1) > 1))).toBe(true)
  })

  it('broadcastTuple gives that many shapes that broadcast together', () => {
    run(fc.integer({ min: 1, max: 4 }).chain((n) => arb.broadcastTuple(n).map((shapes) => [n, shapes] as const)), ([n, shapes]) => {
      expect(shapes.length).toBe(n)
      expect(() => broadcastAll('test', shapes)).not.toThrow()
    })
  })

  it('matmulPair shares the inner dimension and reaches 1×N and N×1', () => {
    run(arb.matmulPair(), ([a, b]) => {
      expect(a.length).toBe(2)
      expect(b.length).toBe(2)
      expect(a[1]).toBe(b[0])
    })
    const sample = fc.sample(arb.matmulPair(), 300)
    expect(sample.some(([a]) => a[0] === 1)).toBe(true)
    expect(sample.some(([, b]) => b[1] === 1)).toBe(true)
  })

  it('batchedMatmulPair has broadcastable batch dimensions', () => {
    run(arb.batchedMatmulPair(), ([a, b]) => {
      expect(a[a.length - 1]).toBe(b[b.length - 2])
      expect(() => broadcastShapes('test', a.slice(0, -2), b.slice(0, -2))).not.toThrow()
    })
    expect(fc.sample(arb.batchedMatmulPair(), 300).some(([a, b]) => a.length > 2 && b.length > 2)).toBe(true)
  })
})

describe('tensors', () => {
  it('tensorOf has the shape and finite values in range', () => {
    run(arb.shape().chain((s) => arb.tensorOf(s, { min: -2, max: 3 })), (t) => {
      expect(t.data.length).toBe(sizeOf(t.shape))
      for (const v of t.data) expect(v >= -2 && v <= 3).toBe(true)
    })
  })

  it('extreme values are finite and include huge, tiny and signed-zero values', () => {
    const all = fc.sample(arb.tensorOf([20], { extreme: true }), 100).flatMap((t) => Array.from(t.data))
    for (const v of all) expect(Number.isFinite(v)).toBe(true)
    expect(all.some((v) => Math.abs(v) >= 1e100)).toBe(true)
    expect(all.some((v) => v !== 0 && Math.abs(v) < 1e-300)).toBe(true)
    expect(all.some((v) => Object.is(v, -0))).toBe(true)
    expect(all.every((v) => Math.abs(v) <= 1e300)).toBe(true)
  })

  it('tensor and tensorPair draw shapes and values together', () => {
    run(arb.tensorPair(), ([a, b]) => {
      expect(a.data.length).toBe(sizeOf(a.shape))
      expect(() => broadcastShapes('test', a.shape, b.shape)).not.toThrow()
    })
    run(arb.tensor({ minRank: 2, maxRank: 2 }), (t) => expect(t.shape.length).toBe(2))
  })

  it('positiveTensorOf and awayFromZeroTensorOf keep their promises', () => {
    run(arb.positiveTensorOf([3, 2]), (t) => {
      for (const v of t.data) expect(v >= 0.01 && v <= 10).toBe(true)
    })
    run(arb.awayFromZeroTensorOf([4], 0.5), (t) => {
      for (const v of t.data) expect(Math.abs(v) >= 0.5 && Math.abs(v) <= 10).toBe(true)
    })
    expect(fc.sample(arb.awayFromZeroTensorOf([10], 0.5), 20).flatMap((t) => Array.from(t.data)).some((v) => v < 0)).toBe(true)
    expect(() => arb.positiveTensorOf([1], { min: 0 })).toThrow(RangeError)
    expect(() => arb.awayFromZeroTensorOf([1], -1)).toThrow(RangeError)
  })
})
