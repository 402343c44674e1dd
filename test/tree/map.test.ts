import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as T from '../../src/tensor/elementwise.js'
import { fromArray, scalar, vector, zeros, type Tensor } from '../../src/tensor/Tensor.js'
import { leaves } from '../../src/tree/leaves.js'
import { map } from '../../src/tree/map.js'
import type { Tree } from '../../src/tree/Tree.js'
import { treeArb } from './arbitraries.js'

const snapshot = (t: Tree): number[][] => leaves(t).map((l) => Array.from(l.value.data))

describe('map', () => {
  it('identity law: map(t, x => x) equals t', () => {
    fc.assert(
      fc.property(treeArb(), (t) => {
        expect(map(t, (x) => x)).toEqual(t)
      }),
      { numRuns: 200 },
    )
  })

  it('composition law: map(map(t, f), g) equals map(t, g ∘ f)', () => {
    const f = (x: Tensor): Tensor => T.scale(x, 2)
    const g = (x: Tensor): Tensor => T.addScalar(x, 1)
    fc.assert(
      fc.property(treeArb(), (t) => {
        expect(map(map(t, f), g)).toEqual(map(t, (x) => g(f(x))))
      }),
      { numRuns: 200 },
    )
  })

  it('visits leaves in tree order with their paths, and never writes into the input', () => {
    fc.assert(
      fc.property(treeArb(), (t) => {
        const before = snapshot(t)
        const seen: string[] = []
        map(t, (x, path) => {
          seen.push(path)
          return T.scale(x, -1)
        })
        expect(seen).toEqual(leaves(t).map((l) => l.path))
        expect(snapshot(t)).toEqual(before)
      }),
      { numRuns: 100 },
    )
  })

  it('passes paths and keeps keys, order and array lengths', () => {
    const t = { layers: [{ weight: zeros([2]), bias: zeros([1]) }], 'conv 1': scalar(1) }
    const paths: string[] = []
    const out = map(t, (x, p) => {
      paths.push(p)
      return x
    })
    expect(paths).toEqual(['layers[0].weight', 'layers[0].bias', '["conv 1"]'])
    expect(Object.keys(out)).toEqual(['layers', 'conv 1'])
    expect(Object.isFrozen(out)).toBe(true)
  })

  it('treats an own __proto__ key as data and does not touch any prototype', () => {
    const t: Tree = JSON.parse('{"__proto__": 1}')
    const tree: Tree = Object.fromEntries([['__proto__', vector([1, 2])]])
    const out = map(tree, (x) => T.scale(x, 3))
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.keys(out)).toEqual(['__proto__'])
    const inner: unknown = Object.getOwnPropertyDescriptor(out, '__proto__')?.value
    expect(inner).toEqual(fromArray([3, 6], [2]))
    expect(() => map(t, (x) => x)).toThrow(/tree.map: not a tree at __proto__: expected a tensor, an array or a plain record, got a number/)
  })

  it('names the path of a non-tree node and of a non-tensor result', () => {
    const bad = JSON.parse('{"layers": [{"w": "oops"}]}')
    expect(() => map(bad, (x) => x)).toThrow('tree.map: not a tree at layers[0].w: expected a tensor, an array or a plain record, got a string')
    const f = JSON.parse('null')
    expect(() => map({ a: vector([1]) }, () => f)).toThrow('tree.map: f returned null at a, expected a tensor')
  })

  it('maps a bare tensor and empty containers', () => {
    expect(map(vector([1, 2]), (x) => T.scale(x, 2))).toEqual(vector([2, 4]))
    expect(map([], (x) => x)).toEqual([])
    expect(map({}, (x) => x)).toEqual({})
  })
})
