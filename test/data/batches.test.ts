import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { batches, dataset, type Dataset } from '../../src/data/index.js'
import { fromArray } from '../../src/tensor/index.js'
import { key } from '../../src/random/index.js'

/** n rows whose x row i is [i, -i] and y row i is [10·i], so a row's identity is visible. */
const numbered = (n: number): Dataset =>
  dataset(
    fromArray(Array.from({ length: 2 * n }, (_, j) => (j % 2 === 0 ? j / 2 : -(j - 1) / 2)), [n, 2]),
    fromArray(Array.from({ length: n }, (_, i) => 10 * i), [n, 1]),
  )

/** The row ids of a batch, after checking that x and y still belong together. */
const ids = (batch: Dataset): number[] => {
  const rows = batch.x.shape[0] ?? 0
  const out: number[] = []
  for (let r = 0; r < rows; r++) {
    const id = batch.x.data[2 * r] ?? NaN
    expect(batch.x.data[2 * r + 1]).toBe(-id)
    expect(batch.y.data[r]).toBe(10 * id)
    out.push(id)
  }
  return out
}

const cases = fc.record({
  n: fc.integer({ min: 0, max: 60 }),
  size: fc.integer({ min: 1, max: 25 }),
  seed: fc.option(fc.nat(), { nil: undefined }),
  dropRemainder: fc.boolean(),
})

describe('batches', () => {
  it('cuts rows in order without a key, keeping the last partial batch', () => {
    const parts = batches(numbered(7), 3)
    expect(parts.map(ids)).toEqual([[0, 1, 2], [3, 4, 5], [6]])
    expect(parts[0]?.x.shape).toEqual([3, 2])
    expect(parts[2]?.y.shape).toEqual([1, 1])
  })

  it('drops the last partial batch on request', () => {
    expect(batches(numbered(7), 3, undefined, { dropRemainder: true }).map(ids)).toEqual([[0, 1, 2], [3, 4, 5]])
    expect(batches(numbered(6), 3, undefined, { dropRemainder: true }).map(ids)).toEqual([[0, 1, 2], [3, 4, 5]])
    expect(batches(numbered(2), 3, undefined, { dropRemainder: true })).toEqual([])
  })

  it('gives no batches for no rows', () => {
    expect(batches(numbered(0), 4)).toEqual([])
  })

  it('covers every row exactly once, in full batches but perhaps the last (property)', () => {
    fc.assert(
      fc.property(cases, ({ n, size, seed, dropRemainder }) => {
        const parts = batches(numbered(n), size, seed === undefined ? undefined : key(seed), { dropRemainder })
        const seen = parts.flatMap(ids)
        const kept = dropRemainder ? n - (n % size) : n
        expect(seen.length).toBe(kept)
        expect(new Set(seen).size).toBe(kept)
        if (seed === undefined) expect(seen).toEqual(Array.from({ length: kept }, (_, i) => i))
        else if (!dropRemainder) expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i))
        parts.forEach((part, i) => {
          const rows = part.x.shape[0] ?? 0
          if (i < parts.length - 1 || dropRemainder) expect(rows).toBe(size)
          else expect(rows).toBe(n - size * i)
        })
      }),
      { numRuns: 300 },
    )
  })

  it('gives the same batches for the same key, bit for bit (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 10 }), fc.nat(), (n, size, seed) => {
        const a = batches(numbered(n), size, key(seed))
        const b = batches(numbered(n), size, key(seed))
        expect(a.map(ids)).toEqual(b.map(ids))
      }),
      { numRuns: 100 },
    )
  })

  it('shuffles with a key', () => {
    const order = batches(numbered(50), 50, key(1)).flatMap(ids)
    expect(order).not.toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(batches(numbered(50), 50, key(2)).flatMap(ids)).not.toEqual(order)
  })

  it('rejects a size that is not a positive integer', () => {
    expect(() => batches(numbered(3), 0)).toThrow('batches: size must be a positive integer, got 0')
    expect(() => batches(numbered(3), 1.5)).toThrow(/got 1.5/)
    expect(() => batches(numbered(3), NaN)).toThrow(/got NaN/)
  })
})
