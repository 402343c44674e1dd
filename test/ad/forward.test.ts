import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'
import * as arb from '../../laws/arbitraries.js'
import { forwardReverseLaw, gradientLaw } from '../../laws/gradient.js'

/** A random composition of primitives, built from a list of choices (a small expression language). */
const unaries: readonly ((x: ad.Value) => ad.Value)[] = [ad.tanh, ad.sigmoid, ad.softplus, ad.sin, (x) => ad.mul(x, 1.5), ad.exp, ad.square]
const binaries: readonly ((a: ad.Value, b: ad.Value) => ad.Value)[] = [ad.add, ad.sub, ad.mul, (a, b) => ad.div(a, ad.add(ad.square(b), 1))]

const composition = fc.array(fc.tuple(fc.nat(unaries.length - 1), fc.nat(binaries.length - 1), fc.boolean()), { minLength: 1, maxLength: 6 }).map(
  (plan) =>
    (x: ad.Value): ad.Value => {
      let y: ad.Value = x
      for (const [u, b, useX] of plan) {
        const unary = unaries[u] ?? ad.tanh
        const binary = binaries[b] ?? ad.add
        // exp of an unbounded value could overflow: squash with tanh first.
        y = binary(unary(ad.tanh(y)), useX ? x : y)
      }
      return ad.sum(ad.mul(y, y), { axis: -1 })
    },
)

describe('random compositions of primitives', () => {
  it('reverse mode equals finite differences and forward mode', () =>
    fc.assert(
      fc.property(composition, arb.tensorOf([2, 3], { min: -2, max: 2 }), (f, x) => {
        gradientLaw(f, fc.constant(x), { numRuns: 2 })
        forwardReverseLaw(f, fc.constant(x), { numRuns: 2 })
      }),
      { numRuns: 60 },
    ))
})

describe('jvp', () => {
  it('gives the directional derivative', () => {
    const [y, t] = ad.jvp((x: ad.Value) => ad.mul(x, x), T.tensor([3]), T.tensor([1]))
    expect(Array.from(y.data)).toEqual([9])
    expect(Array.from(t.data)).toEqual([6])
  })
  it('gives a zero tangent for an output that does not depend on x', () => {
    const [, t] = ad.jvp(() => T.tensor([1, 2]), T.tensor([3]), T.tensor([1]))
    expect(Array.from(t.data)).toEqual([0, 0])
  })
  it('rejects a tangent of the wrong shape', () => {
    expect(() => ad.jvp((x: ad.Value) => x, T.tensor([3]), T.tensor([1, 2]))).toThrow('jvp: tangent (root) must have shape [1], got [2]')
  })
})
