/**
 * The gradient laws themselves: they catch wrong rules (the README's ×2 square for every seed),
 * their comparator fails on non-finite mismatches, and every runner honours the caller's
 * tolerances.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { checkForwardReverse, checkGradient, forwardReverseLaw, gradientLaw, gradientLaws, linearityLaw } from '../../laws/gradient.js'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'

/** An identity op whose pullback multiplies by `vjpFactor` and whose forward rule by `jvpFactor` (element-wise). */
const identityWith = (name: string, vjpFactor: T.Tensor, jvpFactor: T.Tensor) =>
  ad.customVjp({
    name,
    value: (x) => x,
    vjp: (g) => [ad.mul(g, vjpFactor)],
    jvp: ([t]) => ad.mul(t ?? T.zeros(vjpFactor.shape), jvpFactor),
  })

const throws = (f: () => void): boolean => {
  try {
    f()
    return false
  } catch {
    return true
  }
}

describe('the gradient laws catch a wrong pullback for every seed', () => {
  // README's own check: a custom square whose pullback is 4x instead of 2x (forward rule equally wrong).
  const wrongSquare = ad.customVjp({
    name: 'wrongSquare',
    value: (x) => T.square(x),
    vjp: (g, [x]) => [ad.mul(g, ad.mul(x ?? 0, 4))],
    jvp: ([t], [x]) => ad.mul(t ?? 0, ad.mul(x ?? 0, 4)),
  })
  it('README: square with pullback 4x is caught by gradientLaw on seeds 1..60 (bit-pattern draws missed a quarter of them)', () => {
    const missed: number[] = []
    for (let seed = 1; seed <= 60; seed++) {
      if (!throws(() => gradientLaw((x: ad.Value) => ad.sum(wrongSquare(x)), arb.tensorOf([3, 2]), { seed }))) missed.push(seed)
    }
    expect(missed).toEqual([])
  })
})

describe('the comparator fails where it should', () => {
  const x = T.tensor([1, 2, 3])
  const v = T.tensor([1, 1, 1])
  const u = T.tensor([1, 1, 1])
  it('a pullback returning [Inf, 1, 1] where the truth is [1, 1, 1] fails checkGradient', () => {
    const op = identityWith('infinitePullback', T.tensor([Infinity, 1, 1]), T.tensor([1, 1, 1]))
    const result = checkGradient((y: ad.Value) => op(y), x, v, u)
    expect(result.actual).toBe(Infinity)
    expect(result.holds).toBe(false)
    expect(Number.isFinite(result.tolerance)).toBe(true)
  })
  it('+Inf (forward) against −Inf (reverse) fails checkForwardReverse', () => {
    const op = identityWith('opposite', T.tensor([-Infinity, 1, 1]), T.tensor([Infinity, 1, 1]))
    const result = checkForwardReverse((y: ad.Value) => op(y), x, v, u)
    expect([result.expected, result.actual]).toEqual([-Infinity, Infinity])
    expect(result.holds).toBe(false)
  })
  it('0 against +Inf fails', () => {
    const op = identityWith('zeroVsInf', T.tensor([Infinity, 1, 1]), T.tensor([0, -1, -1]))
    const result = checkForwardReverse((y: ad.Value) => op(y), x, v, u)
    expect(result.actual).toBe(-2)
    expect(result.holds).toBe(false)
    const flat = identityWith('zeroVsInf2', T.tensor([Infinity, 0, 0]), T.tensor([0, 0, 0]))
    expect(checkForwardReverse((y: ad.Value) => flat(y), x, v, u).holds).toBe(false)
  })
  it('NaN against NaN and +Inf against +Inf agree (Object.is)', () => {
    const nan = identityWith('nan', T.tensor([Number.NaN, 1, 1]), T.tensor([Number.NaN, 1, 1]))
    expect(checkForwardReverse((y: ad.Value) => nan(y), x, v, u).holds).toBe(true)
    const inf = identityWith('inf', T.tensor([Infinity, 1, 1]), T.tensor([Infinity, 1, 1]))
    expect(checkForwardReverse((y: ad.Value) => inf(y), x, v, u).holds).toBe(true)
  })
  it('a non-finite or negative tolerance is a RangeError, never a tolerance that accepts everything', () => {
    const f = (y: ad.Value): ad.Value => ad.sum(ad.square(y))
    expect(() => gradientLaw(f, arb.tensorOf([2]), { atol: Infinity, numRuns: 1 })).toThrow(RangeError)
    expect(() => forwardReverseLaw(f, arb.tensorOf([2]), { rtol: Number.NaN, numRuns: 1 })).toThrow(RangeError)
    expect(() => linearityLaw(f, f, arb.tensorOf([2]), { atol: -1, numRuns: 1 })).toThrow(RangeError)
    expect(() => checkGradient(f, x, v, u, { eps: 0 })).toThrow(RangeError)
    expect(() => gradientLaws(f, arb.tensorOf([2]), { exact: { rtol: Infinity }, numRuns: 1 })).toThrow(RangeError)
  })
})

describe('every runner passes the caller’s tolerances through', () => {
  // Forward and reverse differ by a relative 1e-7: outside the default 1e-9, inside 1e-6.
  const slightly = identityWith('slightly', T.scalar(1), T.scalar(1 + 1e-7))
  const f = (y: ad.Value): ad.Value => ad.sum(slightly(y))
  it('forwardReverseLaw', () => {
    expect(throws(() => forwardReverseLaw(f, arb.tensorOf([3], { min: 1, max: 2 }), { numRuns: 5 }))).toBe(true)
    expect(throws(() => forwardReverseLaw(f, arb.tensorOf([3], { min: 1, max: 2 }), { rtol: 1e-6, numRuns: 5 }))).toBe(false)
  })
  it('gradientLaws (through its exact tolerances)', () => {
    expect(throws(() => gradientLaws(f, arb.tensorOf([3], { min: 1, max: 2 }), { numRuns: 5 }))).toBe(true)
    expect(throws(() => gradientLaws(f, arb.tensorOf([3], { min: 1, max: 2 }), { numRuns: 5, exact: { rtol: 1e-6 } }))).toBe(false)
  })
  it('linearityLaw', () => {
    // A pullback that is not linear in its cotangent by a relative ~1e-7: g + 1e-7·g².
    const bent = ad.customVjp({ name: 'bent', value: (x) => x, vjp: (g) => [ad.add(g, ad.mul(ad.mul(g, g), 1e-7))] })
    const h = (y: ad.Value): ad.Value => bent(y)
    const input = arb.tensorOf([3], { min: 1, max: 2 })
    expect(throws(() => linearityLaw(h, (y) => ad.mul(y, 2), input, { numRuns: 20 }))).toBe(true)
    expect(throws(() => linearityLaw(h, (y) => ad.mul(y, 2), input, { numRuns: 20, rtol: 1e-5, atol: 1e-5 }))).toBe(false)
  })
})

describe('directions and cotangents are of order 1', () => {
  it('every component has magnitude in [0.1, 1], both signs occur', () => {
    const all = fc.sample(arb.directionOf([50]), 20).flatMap((t) => Array.from(t.data))
    for (const c of all) expect(Math.abs(c) >= 0.1 && Math.abs(c) <= 1).toBe(true)
    expect(all.some((c) => c < 0) && all.some((c) => c > 0)).toBe(true)
  })
})
