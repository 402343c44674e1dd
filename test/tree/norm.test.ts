import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromArray, scalar, vector } from '../../src/tensor/Tensor.js'
import { leaves } from '../../src/tree/leaves.js'
import { map } from '../../src/tree/map.js'
import { globalNorm } from '../../src/tree/norm.js'
import type { Tree } from '../../src/tree/Tree.js'
import { treeArb } from './arbitraries.js'

/** The textbook formula, fine away from overflow and underflow. */
const naiveNorm = (t: Tree): number => {
  let s = 0
  for (const { value } of leaves(t)) for (const x of value.data) s += x * x
  return Math.sqrt(s)
}

describe('globalNorm', () => {
  it('agrees with the naive sqrt(Σ x²) for moderate values', () => {
    // Values below 1e-100 are zeroed: their squares would underflow in the naive reference.
    const moderate = treeArb().map((t) => map(t, (x) => fromArray(Array.from(x.data, (v) => (Math.abs(v) < 1e-100 ? 0 : v)), x.shape)))
    fc.assert(
      fc.property(moderate, (t) => {
        const expected = naiveNorm(t)
        expect(Math.abs(globalNorm(t) - expected)).toBeLessThanOrEqual(1e-13 * expected)
      }),
      { numRuns: 200 },
    )
  })

  it('is homogeneous: ‖s·t‖ = |s|·‖t‖', () => {
    fc.assert(
      fc.property(treeArb(), fc.double({ min: -1e3, max: 1e3, noNaN: true }), (t, s) => {
        const scaled = map(t, (x) => fromArray(Array.from(x.data, (v) => s * v), x.shape))
        expect(Math.abs(globalNorm(scaled) - Math.abs(s) * globalNorm(t))).toBeLessThanOrEqual(1e-12 * Math.abs(s) * globalNorm(t) + 1e-300)
      }),
      { numRuns: 100 },
    )
  })

  it('does not overflow for values of 1e200 (where the naive formula gives Infinity)', () => {
    const t = { a: vector([1e200, 1e200]), b: [scalar(-1e200), scalar(1e200)] }
    expect(naiveNorm(t)).toBe(Number.POSITIVE_INFINITY)
    expect(globalNorm(t)).toBeCloseTo(2e200, -186)
    expect(globalNorm(t) / 2e200).toBeCloseTo(1, 14)
    expect(globalNorm([vector([1e200, 1e200])]) / (Math.SQRT2 * 1e200)).toBeCloseTo(1, 15)
  })

  it('does not underflow for values of 1e-200', () => {
    const t = [vector([3e-200, 4e-200])]
    expect(naiveNorm(t)).toBe(0)
    expect(globalNorm(t) / 5e-200).toBeCloseTo(1, 14)
  })

  it('known value, empty trees, zeros, NaN and Infinity', () => {
    expect(globalNorm({ a: vector([3]), b: vector([4]) })).toBe(5)
    expect(globalNorm({})).toBe(0)
    expect(globalNorm([vector([0, 0])])).toBe(0)
    expect(globalNorm([vector([1, Number.NaN])])).toBeNaN()
    expect(globalNorm([vector([Number.POSITIVE_INFINITY]), vector([Number.NaN])])).toBeNaN()
    expect(globalNorm([vector([1, Number.NEGATIVE_INFINITY])])).toBe(Number.POSITIVE_INFINITY)
  })
})
