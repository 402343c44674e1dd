import { describe, expect, expectTypeOf, it } from 'vitest'
import { scalar, vector, zeros, type Tensor } from '../../src/tensor/Tensor.js'
import { isTree, TreeError, type Tree } from '../../src/tree/Tree.js'
import { map } from '../../src/tree/map.js'

describe('Tree', () => {
  it('accepts record types declared with `type`, arrays and tuples', () => {
    type Dense = { readonly weight: Tensor; readonly bias: Tensor }
    type Params = { readonly layers: readonly Dense[]; readonly scale: Tensor }
    const params: Params = { layers: [{ weight: zeros([2, 3]), bias: zeros([3]) }], scale: scalar(1) }
    const asTree: Tree = params
    expect(isTree(asTree)).toBe(true)
    const pair: readonly [Tensor, Tensor] = [scalar(1), scalar(2)]
    expectTypeOf(map(pair, (x) => x)).toEqualTypeOf<readonly [Tensor, Tensor]>()
    expectTypeOf(map(params, (x) => x)).toEqualTypeOf<Params>()
  })

  it('isTree accepts tensors, arrays, plain and null-prototype records, empty containers', () => {
    expect(isTree(vector([1]))).toBe(true)
    expect(isTree([])).toBe(true)
    expect(isTree({})).toBe(true)
    const bare: Record<string, unknown> = Object.create(null)
    bare.w = vector([1])
    expect(isTree(bare)).toBe(true)
    expect(isTree(JSON.parse('{"__proto__": []}'))).toBe(true)
  })

  it('isTree rejects non-trees and cycles', () => {
    expect(isTree(3)).toBe(false)
    expect(isTree({ w: 3 })).toBe(false)
    expect(isTree([vector([1]), null])).toBe(false)
    expect(isTree(new Map())).toBe(false)
    expect(isTree([vector([1]), , vector([2])])).toBe(false)
    const cyclic: { self?: unknown } = {}
    cyclic.self = cyclic
    expect(isTree(cyclic)).toBe(false)
  })

  it('TreeError carries a tag, the op and the path', () => {
    const e = new TreeError('tree.map', 'a.b', 'detail')
    expect(e._tag).toBe('TreeError')
    expect(e.path).toBe('a.b')
    expect(e.message).toBe('tree.map: detail')
    expect(e).toBeInstanceOf(Error)
  })
})
