import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as T from '../../src/tensor/elementwise.js'
import { scalar, sizeOf, vector, zeros } from '../../src/tensor/Tensor.js'
import { flatten, leaves, size, unflatten } from '../../src/tree/leaves.js'
import { map } from '../../src/tree/map.js'
import type { Tree } from '../../src/tree/Tree.js'
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

  it('rejects a leaf of the wrong shape, naming its path and both shapes', () => {
    const { leaves: ls, treedef } = flatten(params)
    const swapped = ls.map((x, i) => (i === 3 ? zeros([1, 3]) : x))
    expect(() => unflatten(treedef, swapped)).toThrow('tree.unflatten: leaf 3 (at layers[1].weight) has shape [1,3], the structure expects [3,1]')
  })

  it('rejects a non-tensor leaf', () => {
    const { treedef } = flatten({ w: vector([1]) })
    const notTensor = JSON.parse('[[1]]')
    expect(() => unflatten(treedef, notTensor)).toThrow('tree.unflatten: leaf 0 (at w) is an array of length 1, expected a tensor')
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
