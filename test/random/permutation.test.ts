import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { foldIn, key } from '../../src/random/key.js'
import { choice, permutation } from '../../src/random/permutation.js'
import { CHI2_999, chiSquareUniform } from './stats.js'

const seed = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })
const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b)

describe('permutation', () => {
  it('golden values', () => {
    expect(permutation(key(0), 10)).toEqual([4, 2, 1, 0, 6, 3, 9, 7, 8, 5])
    expect(permutation(key(42), 10)).toEqual([2, 3, 0, 8, 1, 6, 9, 7, 5, 4])
  })

  it('is a permutation of 0..n−1 and deterministic', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 60 }), (s, n) => {
        const p = permutation(key(s), n)
        expect(sorted(p)).toEqual(Array.from({ length: n }, (_, i) => i))
        expect(permutation(key(s), n)).toEqual(p)
      }),
      { numRuns: 200 },
    )
  })

  it('puts each value at each position about equally often', () => {
    const n = 5
    const runs = 20_000
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0))
    const root = key(13)
    for (let r = 0; r < runs; r++) {
      permutation(foldIn(root, r), n).forEach((v, pos) => {
        const row = counts[pos]
        if (row) row[v] = (row[v] ?? 0) + 1
      })
    }
    for (const row of counts) expect(chiSquareUniform(row)).toBeLessThan(CHI2_999[4])
  })

  it('gives all 120 orderings of 5 with equal frequency (chi-square, 119 d.o.f.)', () => {
    const runs = 24_000
    const counts = new Map<string, number>()
    const root = key(14)
    for (let r = 0; r < runs; r++) {
      const id = permutation(foldIn(root, r), 5).join('')
      counts.set(id, (counts.get(id) ?? 0) + 1)
    }
    expect(counts.size).toBe(120)
    expect(chiSquareUniform([...counts.values()])).toBeLessThan(CHI2_999[119])
  })

  it('handles n = 0 and n = 1; rejects bad n', () => {
    expect(permutation(key(0), 0)).toEqual([])
    expect(permutation(key(0), 1)).toEqual([0])
    for (const bad of [-1, 2.5, Number.NaN]) expect(() => permutation(key(0), bad)).toThrow(/permutation: n must be an integer/)
  })
})

describe('choice', () => {
  it('golden values', () => {
    expect(choice(key(42), 100, 5)).toEqual([22, 75, 94, 74, 98])
    expect(choice(key(42), 100, 5, { replace: true })).toEqual([22, 19, 24, 87, 6])
  })

  it('without replacement: distinct indices, the prefix of the permutation with the same key', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 40 }), fc.nat(), (s, n, c) => {
        const count = n === 0 ? 0 : c % (n + 1)
        const picked = choice(key(s), n, count)
        expect(picked).toHaveLength(count)
        expect(new Set(picked).size).toBe(count)
        expect(picked).toEqual(permutation(key(s), n).slice(0, count))
      }),
      { numRuns: 200 },
    )
  })

  it('with replacement: indices in range, repeats allowed', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 30 }), (s, n, count) => {
        const picked = choice(key(s), n, count, { replace: true })
        expect(picked).toHaveLength(count)
        for (const i of picked) expect(Number.isInteger(i) && i >= 0 && i < n).toBe(true)
      }),
      { numRuns: 200 },
    )
    expect(new Set(choice(key(1), 3, 50, { replace: true })).size).toBe(3)
  })

  it('rejects impossible requests', () => {
    expect(() => choice(key(0), 3, 4)).toThrow(/choice: cannot draw 4 distinct indices from 3/)
    expect(() => choice(key(0), 0, 1, { replace: true })).toThrow(/choice: cannot draw 1 from an empty range/)
    expect(() => choice(key(0), 3, -1)).toThrow(/choice: count/)
  })
})
