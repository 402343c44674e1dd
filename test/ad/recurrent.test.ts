import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import type { Value } from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'
import * as arb from '../../laws/arbitraries.js'
import { forwardReverseLaw, gradientLaw, gradientLaws } from '../../laws/gradient.js'

type Problem = readonly [Value, Value, Value, Value]

/** T 1–5, batch 1–3, units 1–3; values in [−1.5, 1.5]. */
const problemArb: fc.Arbitrary<Problem> = fc
  .record({ steps: fc.integer({ min: 1, max: 5 }), batch: fc.integer({ min: 1, max: 3 }), units: fc.integer({ min: 1, max: 3 }) })
  .chain(({ steps, batch, units }) =>
    fc.tuple(
      arb.tensorOf([steps, batch, 4 * units], { min: -1.5, max: 1.5 }),
      arb.tensorOf([units, 4 * units], { min: -1.5, max: 1.5 }),
      arb.tensorOf([batch, units], { min: -1.5, max: 1.5 }),
      arb.tensorOf([batch, units], { min: -1.5, max: 1.5 }),
    ),
  )

const fused = (reverse: boolean) => ([xs, u, h0, c0]: Problem): Value => ad.lstmSequence(xs, u, h0, c0, { reverse })
const reference = (reverse: boolean) => ([xs, u, h0, c0]: Problem): Value => ad.lstmSequenceReference(xs, u, h0, c0, { reverse })

describe('lstmSequence', () => {
  it('equals the recurrence written with the ops (a scan), bit for bit, both directions', () =>
    fc.assert(
      fc.property(problemArb, fc.boolean(), (q, reverse) => {
        expect(Array.from(ad.primalTensor(fused(reverse)(q)).data)).toEqual(Array.from(ad.primalTensor(reference(reverse)(q)).data))
      }),
      { numRuns: 60 },
    ))
  it('obeys the gradient laws (forward in time)', () => gradientLaws(fused(false), problemArb, { numRuns: 40 }))
  it('obeys the gradient laws (reverse in time)', () => gradientLaws(fused(true), problemArb, { numRuns: 20 }))
  it('its fused pullback equals the reference pullback', () =>
    fc.assert(
      fc.property(problemArb, fc.boolean(), (q, reverse) => {
        const loss = (f: (q: Problem) => Value) => (r: Problem) => ad.sum(ad.square(ad.sin(f(r))))
        const a = ad.grad(loss(fused(reverse)))(q)
        const b = ad.grad(loss(reference(reverse)))(q)
        a.forEach((g, i) => expect(T.allClose(ad.primalTensor(g), ad.primalTensor(b[i] ?? g), { rtol: 1e-10, atol: 1e-12 })).toBe(true))
      }),
      { numRuns: 40 },
    ))
  it('second order: grad of grad equals finite differences; jvp of grad equals reverse over reverse', () => {
    const inner = (q: Problem) => ad.grad((r: Problem) => ad.sum(ad.square(fused(false)(r))))(q)
    gradientLaw((q: Problem) => inner(q)[1], problemArb, { numRuns: 10 })
    forwardReverseLaw((q: Problem) => inner(q)[0], problemArb, { numRuns: 10 })
  })
  it('names the shapes that do not fit', () => {
    expect(() => ad.lstmSequence(T.zeros([2, 1, 8]), T.zeros([2, 8]), T.zeros([1, 3]), T.zeros([1, 3]))).toThrow(
      'lstmSequence: [2,1,8] x [2,8] x [1,3] x [1,3]: expected xs [T, batch, 4·units], recurrentKernel [units, 4·units], h0 and c0 [batch, units] with T, batch, units ≥ 1',
    )
  })
})
