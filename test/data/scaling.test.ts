import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { minMaxScale, pima, standardize } from '../../src/data/index.js'
import { fromArray, tensor, vector, zeros, type Tensor } from '../../src/tensor/index.js'

/** Tables [rows, columns] of moderate values; some columns are forced constant. */
const tables = fc
  .record({
    rows: fc.integer({ min: 1, max: 12 }),
    columns: fc.integer({ min: 1, max: 5 }),
  })
  .chain(({ rows, columns }) =>
    fc.record({
      values: fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: rows * columns, maxLength: rows * columns }),
      constant: fc.array(fc.boolean(), { minLength: columns, maxLength: columns }),
      rows: fc.constant(rows),
      columns: fc.constant(columns),
    }),
  )
  .map(({ values, constant, rows, columns }) =>
    fromArray(values.map((v, i) => (constant[i % columns] ? (values[i % columns] ?? 0) : v)), [rows, columns]),
  )

const close = (a: Tensor, b: Tensor, tolerance: number): boolean =>
  a.data.length === b.data.length &&
  a.data.every((v, i) => Math.abs(v - (b.data[i] ?? NaN)) <= tolerance * (1 + Math.abs(b.data[i] ?? NaN)))

const column = (t: Tensor, j: number): number[] => {
  const width = t.shape[1] ?? 1
  return [...t.data].filter((_, i) => i % width === j)
}

describe('standardize', () => {
  it('fits the mean and population std of each column', () => {
    const stats = standardize.fit(tensor([[1, 5], [3, 5], [5, 5]]))
    expect([...stats.mean.data]).toEqual([3, 5])
    expect(stats.std.data[0]).toBeCloseTo(Math.sqrt(8 / 3), 14)
    expect(stats.std.data[1]).toBe(0)
  })

  it('maps a zero-variance column to zeros, not NaN, and restores it', () => {
    const x = tensor([[1, 0.1], [3, 0.1], [5, 0.1]])
    const stats = standardize.fit(x)
    const z = standardize.transform(stats, x)
    expect(column(z, 1)).toEqual([0, 0, 0])
    expect(column(standardize.inverse(stats, z), 1)).toEqual([0.1, 0.1, 0.1])
  })

  it('gives each non-constant column mean 0 and std 1 on the fitted rows (Pima, as in the data README)', () => {
    const x = pima().x
    const stats = standardize.fit(x)
    // Reference values: the data README's table (6 decimals).
    expect(stats.mean.data[1]).toBeCloseTo(120.894531, 6)
    expect(stats.std.data[1]).toBeCloseTo(31.951796, 6)
    expect(stats.std.data[4]).toBeCloseTo(115.168949, 6)
    const z = standardize.transform(stats, x)
    for (let j = 0; j < 8; j++) {
      const values = column(z, j)
      const mean = values.reduce((a, b) => a + b, 0) / values.length
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length
      expect(Math.abs(mean)).toBeLessThan(1e-12)
      expect(variance).toBeCloseTo(1, 12)
    }
  })

  it('inverse ∘ transform is the identity within tolerance (property)', () => {
    fc.assert(
      fc.property(tables, (x) => {
        const stats = standardize.fit(x)
        expect(close(standardize.inverse(stats, standardize.transform(stats, x)), x, 1e-9)).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('works on rows of any shape, statistics taking the row shape', () => {
    const x = tensor([[[1, 2], [3, 4]], [[3, 2], [5, 8]]])
    const stats = standardize.fit(x)
    expect(stats.mean.shape).toEqual([2, 2])
    expect([...standardize.transform(stats, x).data]).toEqual([-1, 0, -1, -1, 1, 0, 1, 1])
    expect(standardize.fit(vector([2, 4])).mean.shape).toEqual([])
  })

  it('propagates NaN instead of skipping it', () => {
    const stats = standardize.fit(tensor([[1], [NaN], [1]]))
    expect(stats.mean.data[0]).toBeNaN()
  })

  it('rejects no rows, no row axis, and rows of another shape', () => {
    expect(() => standardize.fit(zeros([0, 3]))).toThrow('standardize.fit: cannot fit statistics on 0 rows')
    expect(() => standardize.fit(tensor(1))).toThrow(/row axis/)
    const stats = standardize.fit(zeros([2, 3]))
    expect(() => standardize.transform(stats, zeros([2, 4]))).toThrow('standardize.transform: [2,4] x [3]')
    expect(() => standardize.inverse(stats, zeros([3]))).toThrow(/standardize.inverse/)
  })

  it('does not write into its input', () => {
    const x = tensor([[1, 2], [3, 5]])
    const stats = standardize.fit(x)
    standardize.inverse(stats, standardize.transform(stats, x))
    expect([...x.data]).toEqual([1, 2, 3, 5])
  })
})

describe('minMaxScale', () => {
  it('maps each column onto [0, 1] and test rows beyond it without clipping', () => {
    const stats = minMaxScale.fit(tensor([[0, 10], [4, 20]]))
    expect([...stats.min.data]).toEqual([0, 10])
    expect([...stats.max.data]).toEqual([4, 20])
    expect([...minMaxScale.transform(stats, tensor([[1, 15], [8, 0]])).data]).toEqual([0.25, 0.5, 2, -1])
  })

  it('maps a constant column to zeros and restores it', () => {
    const x = tensor([[7, 1], [7, 2]])
    const stats = minMaxScale.fit(x)
    expect(column(minMaxScale.transform(stats, x), 0)).toEqual([0, 0])
    expect([...minMaxScale.inverse(stats, minMaxScale.transform(stats, x)).data]).toEqual([7, 1, 7, 2])
  })

  it('puts the fitted rows in [0, 1] with 0 and 1 reached by non-constant columns (property)', () => {
    fc.assert(
      fc.property(tables, (x) => {
        const stats = minMaxScale.fit(x)
        const s = minMaxScale.transform(stats, x)
        expect(s.data.every((v) => v >= 0 && v <= 1)).toBe(true)
        const width = x.shape[1] ?? 1
        for (let j = 0; j < width; j++) {
          const values = column(s, j)
          if ((stats.max.data[j] ?? 0) > (stats.min.data[j] ?? 0)) {
            expect(Math.min(...values)).toBe(0)
            expect(Math.max(...values)).toBe(1)
          } else expect(values.every((v) => v === 0)).toBe(true)
        }
      }),
      { numRuns: 100 },
    )
  })

  it('inverse ∘ transform is the identity within tolerance (property)', () => {
    fc.assert(
      fc.property(tables, (x) => {
        const stats = minMaxScale.fit(x)
        expect(close(minMaxScale.inverse(stats, minMaxScale.transform(stats, x)), x, 1e-9)).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('propagates NaN into the statistics', () => {
    const stats = minMaxScale.fit(tensor([[1], [NaN], [3]]))
    expect(stats.min.data[0]).toBeNaN()
    expect(stats.max.data[0]).toBeNaN()
  })

  it('rejects rows of another shape', () => {
    const stats = minMaxScale.fit(zeros([2, 3]))
    expect(() => minMaxScale.transform(stats, zeros([2, 2]))).toThrow('minMaxScale.transform: [2,2] x [3]')
  })
})

describe('minMaxScale and signed zeros', () => {
  it('a column holding +0 and −0 as its minimum scales both to +0 (FC_SEED=-1341704160 found −0)', () => {
    const x = tensor([[0], [0], [-0], [0], [5e-324]])
    const stats = minMaxScale.fit(x)
    expect(Object.is(stats.min.data[0], -0)).toBe(true) // Math.min(0, −0) is −0
    const s = minMaxScale.transform(stats, x)
    expect(Array.from(s.data).map((v) => Object.is(v, -0))).toEqual([false, false, false, false, false])
    expect(Math.min(...s.data)).toBe(0)
    expect(Object.is(Math.min(...s.data), 0)).toBe(true)
  })
  it('and the maximum of +0 and −0 is +0', () => {
    const stats = minMaxScale.fit(tensor([[-1], [-0], [0]]))
    expect(Object.is(stats.max.data[0], 0)).toBe(true)
  })
})
