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

describe('values look like data (the distribution documented in laws/arbitraries.ts)', () => {
  const draws = fc.sample(arb.tensorOf([6]), 1000).flatMap((t) => Array.from(t.data))
  it('on [−10, 10], about 80 % of the values have |v| ≥ 1 = 0.1·max (bit-pattern draws gave 12 %)', () => {
    const large = draws.filter((v) => Math.abs(v) >= 1).length / draws.length
    expect(large).toBeGreaterThan(0.72)
    expect(large).toBeLessThan(0.88)
  })
  it('the values other than the specials are uniform: each fifth of [−10, 10] holds 17–23 % of them', () => {
    const ordinary = draws.filter((v) => Math.abs(v) >= 1e-9 && Math.abs(v) <= 10 - 1e-14)
    for (let lo = -10; lo < 10; lo += 4) {
      const share = ordinary.filter((v) => v >= lo && v < lo + 4).length / ordinary.length
      expect(share).toBeGreaterThan(0.17)
      expect(share).toBeLessThan(0.23)
    }
  })
  it('about 1/8 are special values: ±0, tiny values and the ends of the range, all within it', () => {
    const special = draws.filter((v) => v === 0 || Math.abs(v) < 1e-9 || Math.abs(v) === 10 || Math.abs(v) > 10 - 1e-14)
    expect(special.length / draws.length).toBeGreaterThan(0.08)
    expect(special.length / draws.length).toBeLessThan(0.17)
    expect(draws.some((v) => Object.is(v, -0))).toBe(true)
    expect(draws.some((v) => v === 10) && draws.some((v) => v === -10)).toBe(true)
    expect(draws.some((v) => v !== 0 && Math.abs(v) < 1e-300)).toBe(true)
    for (const v of draws) expect(v >= -10 && v <= 10).toBe(true)
  })
  it('a narrowed range keeps its promise and its specials stay inside it', () => {
    const positive = fc.sample(arb.number({ min: 0.01, max: 5 }), 2000)
    for (const v of positive) expect(v >= 0.01 && v <= 5).toBe(true)
    expect(positive.filter((v) => v >= 0.5).length / positive.length).toBeGreaterThan(0.8)
    expect(positive.some((v) => v === 0.01) && positive.some((v) => v === 5)).toBe(true)
    expect(fc.sample(arb.number({ min: 3, max: 3 }), 5)).toEqual([3, 3, 3, 3, 3])
    expect(() => arb.number({ min: 1, max: 0 })).toThrow(RangeError)
  })
  it('uniform shrinks towards 0, or towards the end of the range nearest 0', () => {
    const shrunk = (min: number, max: number): number => {
      let found = Number.NaN
      try {
        fc.assert(fc.property(arb.uniform(min, max), () => false), { seed: 1 })
      } catch (e) {
        found = Number((e instanceof Error ? e.message : '').match(/Counterexample: \[([^\]]+)\]/)?.[1])
      }
      return found
    }
    expect(shrunk(-5, 7)).toBe(0)
    expect(shrunk(2, 9)).toBe(2)
    expect(shrunk(-9, -2)).toBe(-2)
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
