/**
 * console.log / util.inspect print tensors with `show`, while a tensor stays the plain record
 * `{ shape, data }` for JSON, spreading, keys and structural equality.
 */
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { add, grad, mul, sum } from '../../src/index.js'
import { show, tensor, vector, zeros } from '../../src/tensor/index.js'

describe('printing a tensor in Node', () => {
  it('util.inspect (what console.log calls) prints show(t)', () => {
    const t = tensor([[1, 2], [3, 4]])
    expect(inspect(t)).toBe(show(t))
    expect(inspect(t)).toContain('shape [2,2]')
  })
  it('prints tensors inside records and arrays, and tensors made by ops and by grad', () => {
    const g = grad((x) => sum(mul(x, x)))(vector([1, 2, 3]))
    expect(inspect({ w: add(vector([1]), vector([2])), grads: [g] })).toContain('tensor([2.0000, 4.0000, 6.0000], shape [3])')
  })
  it('leaves the record plain: two own keys, JSON and spreads unchanged, structural equality holds', () => {
    const t = vector([1, 2])
    expect(Object.keys(t)).toEqual(['shape', 'data'])
    expect(Object.getOwnPropertySymbols(t)).toEqual([])
    expect(JSON.stringify(t)).toBe(JSON.stringify({ shape: [2], data: new Float64Array([1, 2]) }))
    expect({ ...t }).toEqual({ shape: [2], data: new Float64Array([1, 2]) })
    expect(t).toEqual({ shape: [2], data: new Float64Array([1, 2]) })
    expect(zeros([2])).toEqual(vector([0, 0]))
  })
})
