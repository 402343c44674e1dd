import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as T from '../../src/tensor/elementwise.js'
import { vector, zeros, type Tensor } from '../../src/tensor/Tensor.js'
import { leaves } from '../../src/tree/leaves.js'
import { map } from '../../src/tree/map.js'
import { TreeError, type Tree } from '../../src/tree/Tree.js'
import { zipWith, zipWith3 } from '../../src/tree/zipWith.js'
import { sameStructure, treeArb } from './arbitraries.js'

const layer = (n: number): Tree => ({ weight: zeros([n, n]), bias: zeros([n]) })

const thrown = (f: () => unknown): TreeError => {
  try {
    f()
  } catch (e) {
    if (e instanceof TreeError) return e
    throw e
  }
  throw new Error('expected a TreeError')
}

describe('zipWith', () => {
  it('zipWith(t, t, (x, _) => x) equals t; with a map it agrees leaf by leaf', () => {
    fc.assert(
      fc.property(sameStructure(2), ([a = [], b = []]) => {
        expect(zipWith(a, a, (x) => x)).toEqual(a)
        expect(zipWith(a, b, (_, y) => y)).toEqual(b)
        expect(zipWith(a, b, T.add)).toEqual(zipWith(b, a, (y, x) => T.add(x, y)))
      }),
      { numRuns: 200 },
    )
  })

  it('matches records by key and keeps the left key order', () => {
    const a = { w: vector([1]), b: vector([2]) }
    const b = { b: vector([20]), w: vector([10]) }
    const out = zipWith(a, b, T.add)
    expect(Object.keys(out)).toEqual(['w', 'b'])
    expect(out).toEqual({ w: vector([11]), b: vector([22]) })
  })

  it('names the path where a key is missing', () => {
    const left = { params: { layers: [layer(2), layer(2)] } }
    const right = { params: { layers: [layer(2), { weight: zeros([2, 2]) }] } }
    expect(() => zipWith(left, right, T.add)).toThrow('tree.zipWith: structures differ at params.layers[1].bias: key missing on the right')
    expect(() => zipWith(right, left, T.add)).toThrow('tree.zipWith: structures differ at params.layers[1].bias: key missing on the left')
    expect(thrown(() => zipWith(left, right, T.add)).path).toBe('params.layers[1].bias')
  })

  it('names the path of differing array lengths and node kinds', () => {
    expect(() => zipWith({ layers: [layer(1)] }, { layers: [layer(1), layer(1)] }, T.add)).toThrow(
      'tree.zipWith: structures differ at layers: an array of length 1 on the left, an array of length 2 on the right',
    )
    expect(() => zipWith({ w: vector([1]) }, { w: [vector([1])] }, T.add)).toThrow(
      'tree.zipWith: structures differ at w: a tensor [1] on the left, an array of length 1 on the right',
    )
    expect(() => zipWith([vector([1])], { 0: vector([1]) }, T.add)).toThrow(/structures differ at <root>: an array of length 1 on the left, a record \{0\} on the right/)
  })

  it('names both shapes when leaves differ in shape (no broadcasting)', () => {
    expect(() => zipWith({ layers: [{ weight: zeros([2, 3]) }] }, { layers: [{ weight: zeros([3, 2]) }] }, T.add)).toThrow(
      'tree.zipWith: leaf shapes differ at layers[0].weight: [2,3] on the left, [3,2] on the right',
    )
    expect(() => zipWith(zeros([1]), zeros([3]), T.add)).toThrow(/leaf shapes differ at <root>: \[1\] on the left, \[3\] on the right/)
  })

  it('any structural change to one side is reported, never silently zipped', () => {
    fc.assert(
      fc.property(treeArb(), (t) => {
        const grown = map(t, (x) => zeros([...x.shape, 1]))
        if (leaves(t).length > 0) expect(() => zipWith(t, grown, T.add)).toThrow(TreeError)
      }),
      { numRuns: 100 },
    )
  })
})

describe('zipWith3', () => {
  it('combines three trees leaf by leaf', () => {
    fc.assert(
      fc.property(sameStructure(3, { integers: true }), ([a = [], b = [], c = []]) => {
        const f = (x: Tensor, y: Tensor, z: Tensor): Tensor => T.add(T.add(x, y), z)
        expect(zipWith3(a, b, c, f)).toEqual(zipWith(zipWith(a, b, T.add), c, T.add))
      }),
      { numRuns: 200 },
    )
  })

  it('names the tree that differs', () => {
    const ok: Tree = { m: { w: vector([1]) } }
    const missing: Tree = { m: {} }
    expect(() => zipWith3(ok, ok, missing, T.add)).toThrow('tree.zipWith3: structures differ at m.w: key missing in the third tree')
    expect(() => zipWith3(ok, { m: { w: zeros([2]) } }, ok, T.add)).toThrow(
      'tree.zipWith3: leaf shapes differ at m.w: [1] in the first tree, [2] in the second tree',
    )
  })
})
