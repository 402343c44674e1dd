import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as T from '../../src/tensor/elementwise.js'
import { scalar, sizeOf, vector, zeros } from '../../src/tensor/Tensor.js'
import { asTree, flatten, leaves, paths, size, treedefEquals, unflatten } from '../../src/tree/leaves.js'
import { map } from '../../src/tree/map.js'
import type { LeafKind, Tree } from '../../src/tree/Tree.js'
import { treeArb } from './arbitraries.js'

const params = {
  layers: [
    { weight: zeros([2, 3]), bias: zeros([3]) },
    { weight: zeros([3, 1]), bias: zeros([1]) },
  ],
  '2': scalar(1),
  'conv 1': vector([1, 2]),
  step: scalar(0),
}

describe('leaves', () => {
  it('lists leaves depth first with paths (integer-like keys first, as Object.keys orders them)', () => {
    expect(leaves(params).map((l) => l.path)).toEqual([
      '["2"]',
      'layers[0].weight',
      'layers[0].bias',
      'layers[1].weight',
      'layers[1].bias',
      '["conv 1"]',
      'step',
    ])
    expect(leaves(params)[1]?.value).toBe(params.layers[0]?.weight)
    expect(leaves(vector([1]))).toEqual([{ path: '', value: vector([1]) }])
  })

  it('order is stable: the same for any two trees of one structure, and under map', () => {
    fc.assert(
      fc.property(treeArb(), (t) => {
        const paths = leaves(t).map((l) => l.path)
        expect(leaves(t).map((l) => l.path)).toEqual(paths)
        expect(leaves(map(t, (x) => T.scale(x, 2))).map((l) => l.path)).toEqual(paths)
        expect(new Set(paths).size).toBe(paths.length)
      }),
      { numRuns: 200 },
    )
  })
})

describe('flatten / unflatten', () => {
  it('round trip: unflatten(flatten(t)) equals t', () => {
    fc.assert(
      fc.property(treeArb(), (t) => {
        const { leaves: ls, treedef } = flatten(t)
        expect(ls).toEqual(leaves(t).map((l) => l.value))
        expect(treedef.leafCount).toBe(ls.length)
        expect(unflatten(treedef, ls)).toEqual(t)
      }),
      { numRuns: 200 },
    )
  })

  it('rebuilds with new leaves of the same shapes', () => {
    fc.assert(
      fc.property(treeArb(), (t) => {
        const { leaves: ls, treedef } = flatten(t)
        expect(unflatten(treedef, ls.map((x) => T.scale(x, 3)))).toEqual(map(t, (x) => T.scale(x, 3)))
      }),
      { numRuns: 100 },
    )
  })

  it('keeps the type of the tree', () => {
    const { leaves: ls, treedef } = flatten(params)
    const back = unflatten(treedef, ls)
    expect(back.layers[1]?.bias.shape).toEqual([1])
  })

  it('rejects a wrong number of leaves', () => {
    const { leaves: ls, treedef } = flatten(params)
    expect(() => unflatten(treedef, ls.slice(1))).toThrow('tree.unflatten: expected 7 leaves for this structure, got 6')
    expect(() => unflatten(treedef, [...ls, scalar(1)])).toThrow(/expected 7 leaves for this structure, got 8/)
  })

  it('a treedef is structure only: it rebuilds leaves of any shape or type (Duals under grad)', () => {
    const { leaves: ls, treedef } = flatten(params)
    const other = unflatten(treedef, ls.map((_, i) => i))
    expect(other.layers[1]?.weight).toBe(3)
    expect(Object.keys(other)).toEqual(Object.keys(params))
  })

  it('treedefs compare by structure: kinds, array lengths, keys in order; not by leaf shapes', () => {
    fc.assert(
      fc.property(treeArb(), (t) => {
        const grown = map(t, (x) => zeros([...x.shape, 1]))
        expect(treedefEquals(flatten(t).treedef, flatten(grown).treedef)).toBe(true)
      }),
      { numRuns: 100 },
    )
    const def = (t: Tree) => flatten(t).treedef
    expect(treedefEquals(def({ a: scalar(1), b: scalar(2) }), def({ b: scalar(2), a: scalar(1) }))).toBe(false)
    expect(treedefEquals(def([scalar(1)]), def([scalar(1), scalar(2)]))).toBe(false)
    expect(treedefEquals(def([scalar(1)]), def({ 0: scalar(1) }))).toBe(false)
    expect(treedefEquals(def([[scalar(1)]]), def([scalar(1)]))).toBe(false)
  })

  it('paths of a treedef are the leaves\' paths', () => {
    fc.assert(
      fc.property(treeArb(), (t) => {
        expect(paths(flatten(t).treedef)).toEqual(leaves(t).map((l) => l.path))
      }),
      { numRuns: 100 },
    )
  })

  it('names the path of a node that is not a tree, and keeps __proto__ an ordinary key', () => {
    const bad = JSON.parse('{"layers": [{"w": "oops"}]}')
    expect(() => flatten(bad)).toThrow('tree.flatten: not a tree at layers[0].w: expected a tensor, an array or a plain record, got a string')
    expect(() => asTree('load', bad)).toThrow('load: not a tree at layers[0].w')
    const t: Tree = Object.fromEntries([['__proto__', vector([1, 2])]])
    const { leaves: ls, treedef } = flatten(t)
    const back = unflatten(treedef, ls)
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype)
    expect(Object.keys(back)).toEqual(['__proto__'])
  })

  it('flattens trees of another leaf kind', () => {
    const numbers: LeafKind<number> = { name: 'a number', is: (u): u is number => typeof u === 'number' }
    const { leaves: ls, treedef } = flatten({ a: [1, 2], b: 3 }, numbers)
    expect(ls).toEqual([1, 2, 3])
    expect(unflatten(treedef, ls.map((x) => x * 10))).toEqual({ a: [10, 20], b: 30 })
    expect(() => flatten(JSON.parse('{"a": "x"}'), numbers)).toThrow('tree.flatten: not a tree at a: expected a number, an array or a plain record, got a string')
  })
})

describe('size', () => {
  it('counts scalars', () => {
    expect(size(params)).toBe(6 + 3 + 3 + 1 + 1 + 2 + 1)
    expect(size([])).toBe(0)
    fc.assert(
      fc.property(treeArb(), (t: Tree) => {
        expect(size(t)).toBe(leaves(t).reduce((n, l) => n + sizeOf(l.value.shape), 0))
      }),
      { numRuns: 100 },
    )
  })
})
