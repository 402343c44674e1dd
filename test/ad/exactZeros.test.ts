/**
 * NaN-free selection: the branch that where / clip / maximum / relu does not select gets exactly
 * zero gradient, in reverse and forward mode, even where that branch's own derivative is infinite.
 * The rule (src/ad/primitives/binary.ts, `mulStrongZero`): wherever a rule multiplies a cotangent
 * or tangent by a local derivative, a zero on either side gives exactly 0 (0·∞ = 0·NaN = 0).
 */
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'

type F = (x: ad.Value) => ad.Value
const gradOf = (f: F, x: number[]): number[] => Array.from(ad.grad((y: ad.Value) => ad.sum(f(y)))(T.tensor(x)).data)
const tangentOf = (f: F, x: number[], t: number[]): number[] => Array.from(ad.primalTensor(ad.jvp(f, T.tensor(x), T.tensor(t))[1]).data)

describe('where: the unselected branch gets exactly 0', () => {
  const safeLog: F = (x) => ad.where(ad.greater(x, 0), ad.log(x), 0)
  const safeExp: F = (x) => ad.where(ad.less(x, 0), ad.exp(x), 1)
  it('grad of where(x > 0, log x, 0) at [−1, 100, 0] is [−0, 0.01, 0], not [−0, 0.01, NaN]', () => {
    // −0 at −1 is IEEE's 0·(1/−1); the NaN at 0 was 0·(1/0).
    expect(gradOf(safeLog, [-1, 100, 0])).toEqual([-0, 0.01, 0])
  })
  it('grad of where(x < 0, exp x, 1) at 1000 is [0], not [NaN]', () => {
    expect(gradOf(safeExp, [1000])).toEqual([0])
  })
  it('forward mode agrees: the tangents are [0, 0.01, 0] and [0]', () => {
    expect(tangentOf(safeLog, [-1, 100, 0], [1, 1, 1])).toEqual([0, 0.01, 0])
    expect(tangentOf(safeExp, [1000], [1])).toEqual([0])
  })
  it('also through a binary branch: where(x ≠ 0, 1/x, 0) at 0', () => {
    const f: F = (x) => ad.where(ad.notEqual(x, 0), ad.div(1, x), 0)
    expect(gradOf(f, [0, 2])).toEqual([0, -0.25])
    expect(tangentOf(f, [0, 2], [1, 1])).toEqual([0, -0.25])
  })
})

describe('clip, maximum and relu at the same kind of point', () => {
  const cases: ReadonlyArray<readonly [string, F, number[]]> = [
    ['sqrt(clip(x, 0, 1)) at −1', (x) => ad.sqrt(ad.clip(x, 0, 1)), [-1]],
    ['sqrt(maximum(x, 0)) at −1', (x) => ad.sqrt(ad.maximum(x, 0)), [-1]],
    ['sqrt(relu(x)) at −1', (x) => ad.sqrt(ad.relu(x)), [-1]],
    ['maximum(log x, 0) at 0', (x) => ad.maximum(ad.log(x), 0), [0]],
    ['relu(log x) at 0', (x) => ad.relu(ad.log(x)), [0]],
    ['clip(exp x, 0, 1) at 1000', (x) => ad.clip(ad.exp(x), 0, 1), [1000]],
    ['max over [sqrt x, 5] at 0 (a reduction)', (x) => ad.max(ad.stack([ad.sqrt(x), T.tensor([5])])), [0]],
  ]
  for (const [name, f, x] of cases) {
    it(`${name}: gradient 0 in reverse mode`, () => expect(gradOf(f, x)).toEqual(x.map(() => 0)))
  }
  for (const [name, f, x] of cases) {
    it(`${name}: tangent 0 in forward mode`, () => expect(tangentOf(f, x, x.map(() => 1))).toEqual(x.map(() => 0)))
  }
  it('a zero tangent gives a zero tangent through an infinite derivative', () => {
    expect(tangentOf((x) => ad.log(x), [0, 1], [0, 1])).toEqual([0, 1])
  })
})

describe('the rule changes nothing else', () => {
  it('finite derivatives keep IEEE products, signed zeros included', () => {
    expect(Object.is(gradOf((x) => ad.mul(x, -2), [1])[0], -2)).toBe(true)
    const g = ad.vjp((x: ad.Value) => ad.mul(x, -2), T.tensor([1]))[1](T.tensor([0]))
    expect(Object.is(ad.primalTensor(g).data[0], -0)).toBe(true)
  })
  it('a NaN cotangent still propagates through a nonzero derivative', () => {
    const g = ad.vjp((x: ad.Value) => ad.exp(x), T.tensor([1]))[1](T.tensor([Number.NaN]))
    expect(Number.isNaN(ad.primalTensor(g).data[0])).toBe(true)
  })
  it('mulStrongZero: 0·∞ = 0·NaN = 0 on either side, else the IEEE product', () => {
    expect(Array.from(T.mulStrongZero(T.tensor([0, Infinity, Number.NaN, -0, 2]), T.tensor([Infinity, 0, 0, 3, -1.5])).data)).toEqual([0, 0, 0, -0, -3])
    expect(Number.isNaN(T.mulStrongZero(T.scalar(Number.NaN), T.scalar(1)).data[0])).toBe(true)
  })
})
