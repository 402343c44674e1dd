import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { circles, spiral, trainTestSplit, twoGaussians, xorQuadrants, type Dataset, type PlanarOptions } from '../../src/data/index.js'
import { key, type Key } from '../../src/random/index.js'

const makers: Record<string, (k: Key, o?: PlanarOptions) => Dataset> = { xorQuadrants, circles, twoGaussians, spiral }

const points = (ds: Dataset): Array<[number, number, number]> =>
  Array.from({ length: ds.y.data.length }, (_, i) => [ds.x.data[2 * i] ?? NaN, ds.x.data[2 * i + 1] ?? NaN, ds.y.data[i] ?? NaN])

describe.each(Object.entries(makers))('%s', (name, make) => {
  it('gives x [n, 2] and alternating labels y [n, 1], the same bits for the same key (property)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 2, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (seed, samples, noise) => {
        const ds = make(key(seed), { samples, noise })
        expect(ds.x.shape).toEqual([samples, 2])
        expect(ds.y.shape).toEqual([samples, 1])
        expect([...ds.y.data]).toEqual(Array.from({ length: samples }, (_, i) => i % 2))
        expect(ds.x.data.every(Number.isFinite)).toBe(true)
        const again = make(key(seed), { samples, noise })
        expect(Buffer.from(again.x.data.buffer, again.x.data.byteOffset, again.x.data.byteLength)).toEqual(
          Buffer.from(ds.x.data.buffer, ds.x.data.byteOffset, ds.x.data.byteLength),
        )
      }),
      { numRuns: 30 },
    )
  })
  it('depends on the key', () => {
    expect([...make(key(1), { noise: 0.1 }).x.data]).not.toEqual([...make(key(2), { noise: 0.1 }).x.data])
  })
  it('noise moves points by about its standard deviation and keeps the labels', () => {
    const clean = make(key(3), { samples: 2000 })
    const noisy = make(key(3), { samples: 2000, noise: 0.5 })
    expect([...noisy.y.data]).toEqual([...clean.y.data])
    const d = clean.x.data.map((v, i) => (noisy.x.data[i] ?? 0) - v)
    const sd = Math.sqrt(d.reduce((s, v) => s + v * v, 0) / d.length)
    expect(sd).toBeGreaterThan(0.45)
    expect(sd).toBeLessThan(0.55)
  })
  it('rejects bad sizes and noise, naming the op', () => {
    expect(() => make(key(0), { samples: 1 })).toThrow(`${name}: samples must be an integer of at least 2, got 1`)
    expect(() => make(key(0), { samples: 2.5 })).toThrow('samples must be an integer')
    expect(() => make(key(0), { noise: -1 })).toThrow(`${name}: noise must be a finite number ≥ 0, got -1`)
    expect(() => make(key(0), { noise: NaN })).toThrow('noise must be a finite number')
  })
  it('splits into train and test sets with a key', () => {
    const { train, test } = trainTestSplit(make(key(4), { samples: 100 }), 0.3, key(5))
    expect(train.x.shape).toEqual([70, 2])
    expect(test.x.shape).toEqual([30, 2])
  })
})

describe('the class regions (noise-free)', () => {
  const clean = (make: (k: Key, o?: PlanarOptions) => Dataset) => points(make(key(7), { samples: 400 }))
  it('xorQuadrants: class 1 where x₁·x₂ > 0, at least 0.3 from the axes, inside [-3, 3]²', () => {
    for (const [a, b, c] of clean(xorQuadrants)) {
      expect(a * b > 0 ? 1 : 0).toBe(c)
      expect(Math.min(Math.abs(a), Math.abs(b))).toBeGreaterThanOrEqual(0.3)
      expect(Math.max(Math.abs(a), Math.abs(b))).toBeLessThanOrEqual(3)
    }
  })
  it('circles: class 1 within radius 1.5, class 0 between 2.1 and 3', () => {
    for (const [a, b, c] of clean(circles)) {
      const r = Math.hypot(a, b)
      if (c === 1) expect(r).toBeLessThanOrEqual(1.5 + 1e-12)
      else {
        expect(r).toBeGreaterThanOrEqual(2.1 - 1e-12)
        expect(r).toBeLessThanOrEqual(3 + 1e-12)
      }
    }
  })
  it('twoGaussians: class means near (1.5, 1.5) and (−1.5, −1.5)', () => {
    const ps = clean(twoGaussians)
    for (const c of [0, 1]) {
      const mine = ps.filter((p) => p[2] === c)
      const mean = [0, 1].map((j) => mine.reduce((s, p) => s + (p[j] ?? 0), 0) / mine.length)
      for (const m of mean) expect(Math.abs(m - (c === 1 ? 1.5 : -1.5))).toBeLessThan(0.15)
    }
  })
  it('spiral: the two classes are point reflections of each other, radii within 3', () => {
    const ps = clean(spiral)
    for (let i = 0; i + 1 < ps.length; i += 2) {
      const [a0, b0] = ps[i] ?? [NaN, NaN]
      const [a1, b1] = ps[i + 1] ?? [NaN, NaN]
      expect(a1).toBeCloseTo(-a0, 12)
      expect(b1).toBeCloseTo(-b0, 12)
      expect(Math.hypot(a0, b0)).toBeLessThanOrEqual(3)
    }
  })
})

describe('xorQuadrants covers its quadrants evenly', () => {
  it('each of the four quadrants holds about a quarter of the points, each spread over [0.3, 3]', () => {
    const ps = points(xorQuadrants(key(11), { samples: 4000 }))
    for (const [sa, sb] of [[1, 1], [-1, -1], [1, -1], [-1, 1]] as const) {
      const q = ps.filter(([a, b]) => Math.sign(a) === sa && Math.sign(b) === sb)
      expect(q.length).toBeGreaterThan(900)
      expect(q.length).toBeLessThan(1100)
      for (const j of [0, 1]) {
        const m = q.reduce((s, p) => s + Math.abs(p[j] ?? 0), 0) / q.length
        expect(Math.abs(m - 1.65)).toBeLessThan(0.1)
      }
    }
  })
})
