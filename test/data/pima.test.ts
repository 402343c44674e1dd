import { describe, it, expect } from 'vitest'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { pima, pimaFeatures } from '../../src/data/index.js'
import { pimaCsv } from '../../src/data/bundled/pimaCsv.js'

const csvPath = fileURLToPath(new URL('../../data/pima-indians-diabetes.csv', import.meta.url))
const SHA256 = 'c62fdc4685d8e47c2a80e2303f88caa99afaeeadea58873fcafffcf288c3c7be'

describe('bundled Pima text', () => {
  it('is the CSV file byte for byte (regenerate with npx tsx scripts/embed-pima.ts)', () => {
    expect(Buffer.from(pimaCsv, 'utf8').equals(readFileSync(csvPath))).toBe(true)
  })

  it('has the published sha256', () => {
    expect(createHash('sha256').update(pimaCsv, 'utf8').digest('hex')).toBe(SHA256)
    expect(createHash('sha256').update(readFileSync(csvPath)).digest('hex')).toBe(SHA256)
  })
})

describe('pima', () => {
  const ds = pima()

  it('has 768 rows of 8 features and one outcome', () => {
    expect(ds.x.shape).toEqual([768, 8])
    expect(ds.y.shape).toEqual([768, 1])
    expect(pimaFeatures).toHaveLength(8)
  })

  it('has 500 negative and 268 positive outcomes', () => {
    const outcomes = [...ds.y.data]
    expect(outcomes.filter((v) => v === 0)).toHaveLength(500)
    expect(outcomes.filter((v) => v === 1)).toHaveLength(268)
  })

  it('reads the first and last rows of the file', () => {
    expect([...ds.x.data.slice(0, 8)]).toEqual([6, 148, 72, 35, 0, 33.6, 0.627, 50])
    expect(ds.y.data[0]).toBe(1)
    expect([...ds.x.data.slice(767 * 8)]).toEqual([1, 93, 70, 31, 0, 30.4, 0.315, 23])
    expect(ds.y.data[767]).toBe(0)
  })

  it('matches the column extremes of the data README', () => {
    const column = (j: number): number[] => [...ds.x.data].filter((_, i) => i % 8 === j)
    expect(Math.max(...column(1))).toBe(199)
    expect(Math.max(...column(4))).toBe(846)
    expect(Math.min(...column(6))).toBe(0.078)
    expect(Math.max(...column(7))).toBe(81)
  })
})
