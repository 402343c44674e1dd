import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'
import * as ad from '../../src/ad/index.js'
import { l1, l2 } from '../../src/losses/index.js'
import * as T from '../../src/tensor/index.js'
import { penalty } from '../../src/train/index.js'
import type { Tensor } from '../../src/tensor/index.js'

type Params = { readonly w: Tensor; readonly layers: readonly [Tensor, { readonly b: Tensor }] }

const value = (v: ad.Value): number => T.item(ad.primalTensor(v))

/** A small nested parameter tree; `leaf` draws each tensor of the given shape. */
const paramsOf = (leaf: (shape: readonly number[]) => fc.Arbitrary<Tensor>): fc.Arbitrary<Params> =>
  fc.tuple(leaf([2, 3]), leaf([3]), leaf([])).map(([w, a, b]) => ({ w, layers: [a, { b }] as const }))

describe('l2', () => {
  it('is weight · Σ w² over the kernels (rank ≥ 2), without a ½ (as Keras)', () => {
    expect(value(l2({ w: T.tensor([[1, -2]]), b: T.vector([3]) }, 0.1))).toBeCloseTo(0.5, 15)
    expect(value(l2([T.tensor([[1, 2], [3, 4]])], 1))).toBe(30)
    expect(value(l2([T.full([1, 2, 2], 2)], 1))).toBe(16)
  })
  it('has the gradient 2 · weight · w on the kernels and 0 on biases and scalars', () => {
    const p: Params = { w: T.tensor([[1, 2, 3], [4, 5, 6]]), layers: [T.vector([-1, 0, 1]), { b: T.scalar(2) }] }
    const g = ad.grad((x: Params) => l2(x, 0.5))(p)
    expect(Array.from(g.w.data)).toEqual([1, 2, 3, 4, 5, 6])
    expect(Array.from(g.layers[0].data)).toEqual([0, 0, 0])
    expect(Array.from(g.layers[1].b.data)).toEqual([0])
  })
  it('is what fit adds for regularization: { l2 } (one meaning)', () => {
    const p = { kernel: T.tensor([[1, -2]]), bias: T.vector([3]) }
    const fitPenalty = penalty(p, { l2: 0.1 })
    expect(fitPenalty === undefined ? Number.NaN : value(fitPenalty)).toBe(value(l2(p, 0.1)))
  })
  it('obeys the gradient laws on a nested tree', () => gradientLaws((x: Params) => l2(x, 0.3), paramsOf((s) => arb.tensorOf(s, { min: -3, max: 3 }))))
  it('is 0 for an empty tree and for weight 0', () => {
    expect(value(l2([], 1))).toBe(0)
    expect(value(l2({}, 1))).toBe(0)
    expect(value(l2({ w: T.vector([5]) }, 0))).toBe(0)
  })
  it('is linear in the weight', () =>
    fc.assert(
      fc.property(paramsOf((s) => arb.tensorOf(s, { min: -3, max: 3 })), fc.double({ min: 0, max: 10, noNaN: true }), (p, weight) => {
        expect(value(l2(p, weight))).toBeCloseTo(weight * value(l2(p, 1)), 9)
      }),
    ))
  it('rejects a negative or non-finite weight, and a non-tree', () => {
    expect(() => l2({ w: T.vector([1]) }, -1)).toThrow('l2: weight must be a finite number >= 0, got -1')
    expect(() => l2({ w: T.vector([1]) }, Number.NaN)).toThrow('l2: weight must be a finite number >= 0, got NaN')
    const notATree = JSON.parse('{"w":3}') as { w: Tensor }
    expect(() => l2(notATree, 1)).toThrow(/l2: .*at w/)
  })
})

describe('l1', () => {
  it('is weight · Σ |w| over the kernels (rank ≥ 2)', () => {
    expect(value(l1({ w: T.tensor([[1, -2]]), b: T.vector([3]) }, 0.1))).toBeCloseTo(0.3, 15)
  })
  it('has the gradient weight · sign(w), 0 at w = 0', () => {
    const g = ad.grad((x: ad.Value) => l1([x], 2))(T.tensor([[-3, 0, 4]]))
    expect(Array.from(g.data, (v) => v + 0)).toEqual([-2, 0, 2])
  })
  it('is what fit adds for regularization: { l1, l2 } together', () => {
    const p = { kernel: T.tensor([[1, -2]]), bias: T.vector([3]) }
    const both = penalty(p, { l1: 0.2, l2: 0.1 })
    expect(both === undefined ? Number.NaN : value(both)).toBeCloseTo(value(l1(p, 0.2)) + value(l2(p, 0.1)), 15)
    expect(penalty(p, {})).toBeUndefined()
  })
  it('obeys the gradient laws on a nested tree, away from 0', () =>
    gradientLaws((x: Params) => l1(x, 0.7), paramsOf((s) => arb.awayFromZeroTensorOf(s, 0.1, { max: 3 }))))
  it('rejects a bad weight', () => expect(() => l1([], Number.POSITIVE_INFINITY)).toThrow('l1: weight must be a finite number >= 0, got Infinity'))
})
