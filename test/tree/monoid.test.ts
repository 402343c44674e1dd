import fc from 'fast-check'
import { concatAll, type Monoid } from 'fp-ts/lib/Monoid.js'
import { describe, expect, it } from 'vitest'
import * as T from '../../src/tensor/elementwise.js'
import { vector, zeros } from '../../src/tensor/Tensor.js'
import { leaves } from '../../src/tree/leaves.js'
import { map } from '../../src/tree/map.js'
import { add, getSumMonoid, scale, sub, zerosLike } from '../../src/tree/monoid.js'
import type { Tree } from '../../src/tree/Tree.js'
import { sameStructure } from './arbitraries.js'

/** Leafwise closeness, for laws that hold up to float64 rounding. */
const expectClose = (a: Tree, b: Tree, tol: number): void => {
  const la = leaves(a)
  const lb = leaves(b)
  expect(la.map((l) => l.path)).toEqual(lb.map((l) => l.path))
  la.forEach((l, i) => {
    const other = lb[i]?.value.data ?? new Float64Array(0)
    expect(l.value.shape).toEqual(lb[i]?.value.shape)
    l.value.data.forEach((x, j) => expect(Math.abs(x - (other[j] ?? 0))).toBeLessThanOrEqual(tol * (1 + Math.abs(x))))
  })
}

const monoidOf = (t: Tree): Monoid<Tree> => getSumMonoid(t)

describe('getSumMonoid', () => {
  it('is associative: exactly on integer-valued trees', () => {
    fc.assert(
      fc.property(sameStructure(3, { integers: true }), ([a = [], b = [], c = []]) => {
        const M = monoidOf(a)
        expect(M.concat(M.concat(a, b), c)).toEqual(M.concat(a, M.concat(b, c)))
      }),
      { numRuns: 200 },
    )
  })

  it('is associative up to rounding on float-valued trees', () => {
    fc.assert(
      fc.property(sameStructure(3), ([a = [], b = [], c = []]) => {
        const M = monoidOf(a)
        // One rounding per addition on values ≤ 1e3: 1e3 · 3 · 2^-52 is far below this.
        expectClose(M.concat(M.concat(a, b), c), M.concat(a, M.concat(b, c)), 1e-12)
      }),
      { numRuns: 200 },
    )
  })

  it('has empty = zerosLike(template) as a two-sided identity (up to the sign of zero)', () => {
    fc.assert(
      fc.property(sameStructure(2), ([template = [], a = []]) => {
        const M = monoidOf(template)
        // Tolerance 0: equal as numbers; only −0 + 0 = +0 may differ from −0 bitwise.
        expectClose(M.concat(M.empty, a), a, 0)
        expectClose(M.concat(a, M.empty), a, 0)
      }),
      { numRuns: 200 },
    )
  })

  it('concatAll sums a list of gradients and gives zeros for none', () => {
    const grads = [{ w: vector([1, 2]) }, { w: vector([10, 20]) }, { w: vector([100, 200]) }]
    const M = getSumMonoid({ w: zeros([2]) })
    expect(concatAll(M)(grads)).toEqual({ w: vector([111, 222]) })
    expect(concatAll(M)([])).toEqual({ w: vector([0, 0]) })
  })

  it('concat on trees of another structure is a TreeError naming the path', () => {
    const M = getSumMonoid<Tree>({ w: zeros([2]) })
    expect(() => M.concat(M.empty, { v: zeros([2]) })).toThrow('tree.zipWith: structures differ at w: key missing on the right')
  })
})

describe('tree arithmetic', () => {
  it('sub undoes add, scale by 2 is add to itself, zerosLike is scale by 0', () => {
    fc.assert(
      fc.property(sameStructure(2, { integers: true }), ([a = [], b = []]) => {
        expect(sub(add(a, b), b)).toEqual(a)
        expect(scale(a, 2)).toEqual(add(a, a))
        expect(zerosLike(a)).toEqual(map(a, (x) => zeros(x.shape)))
        expect(add(a, scale(b, -1))).toEqual(sub(a, b))
      }),
      { numRuns: 200 },
    )
  })

  it('never writes into its inputs', () => {
    fc.assert(
      fc.property(sameStructure(2), ([a = [], b = []]) => {
        const before = leaves(a).map((l) => Array.from(l.value.data))
        add(a, b)
        sub(a, b)
        scale(a, 3)
        zerosLike(a)
        expect(leaves(a).map((l) => Array.from(l.value.data))).toEqual(before)
      }),
      { numRuns: 100 },
    )
  })

  it('known values', () => {
    expect(add({ w: vector([1]) }, { w: vector([2]) })).toEqual({ w: vector([3]) })
    expect(sub({ w: vector([3]) }, { w: vector([1]) })).toEqual({ w: vector([2]) })
    expect(scale({ w: vector([1, 2]) }, 3)).toEqual({ w: vector([3, 6]) })
    expect(scale([vector([1])], 0.5)).toEqual([T.scale(vector([1]), 0.5)])
  })
})
