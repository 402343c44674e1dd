import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import type { Value } from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'
import * as arb from '../../laws/arbitraries.js'
import { forwardReverseLaw, gradientLaw, gradientLaws } from '../../laws/gradient.js'
import { checkJitEqual } from '../../laws/jit.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'

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
      fc.property(problemArb, fc.boolean(), (q, reverse) => samePullback(fused(reverse), reference(reverse), q)),
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

type SimpleProblem = readonly [Value, Value, Value]
type GruProblem = readonly [Value, Value, Value, Value]

const simpleArb: fc.Arbitrary<SimpleProblem> = fc
  .record({ steps: fc.integer({ min: 1, max: 5 }), batch: fc.integer({ min: 1, max: 3 }), units: fc.integer({ min: 1, max: 3 }) })
  .chain(({ steps, batch, units }) =>
    fc.tuple(arb.tensorOf([steps, batch, units], { min: -1.5, max: 1.5 }), arb.tensorOf([units, units], { min: -1.5, max: 1.5 }), arb.tensorOf([batch, units], { min: -1.5, max: 1.5 })),
  )

/** xs, U, recurrent bias, h0 (the bias is ignored without resetAfter). */
const gruArb: fc.Arbitrary<GruProblem> = fc
  .record({ steps: fc.integer({ min: 1, max: 5 }), batch: fc.integer({ min: 1, max: 3 }), units: fc.integer({ min: 1, max: 3 }) })
  .chain(({ steps, batch, units }) =>
    fc.tuple(
      arb.tensorOf([steps, batch, 3 * units], { min: -1.5, max: 1.5 }),
      arb.tensorOf([units, 3 * units], { min: -1.5, max: 1.5 }),
      arb.tensorOf([3 * units], { min: -1.5, max: 1.5 }),
      arb.tensorOf([batch, units], { min: -1.5, max: 1.5 }),
    ),
  )

const simpleFused = (reverse: boolean) => ([xs, u, h0]: SimpleProblem): Value => ad.simpleRnnSequence(xs, u, h0, { reverse })
const simpleReference = (reverse: boolean) => ([xs, u, h0]: SimpleProblem): Value => ad.simpleRnnSequenceReference(xs, u, h0, { reverse })
const gruFused = (reverse: boolean, resetAfter: boolean) => ([xs, u, b, h0]: GruProblem): Value =>
  resetAfter ? ad.gruSequence(xs, u, b, h0, { reverse }) : ad.add(ad.gruSequence(xs, u, undefined, h0, { reverse, resetAfter }), ad.mul(ad.sum(b), 0))
const gruReference = (reverse: boolean, resetAfter: boolean) => ([xs, u, b, h0]: GruProblem): Value =>
  resetAfter ? ad.gruSequenceReference(xs, u, b, h0, { reverse }) : ad.add(ad.gruSequenceReference(xs, u, undefined, h0, { reverse, resetAfter }), ad.mul(ad.sum(b), 0))

/**
 * The fused pullback against the reference's, to rounding rather than bits: the fused rule sums the
 * recurrent kernel's cotangent over all steps in one product (Hᵀ·DZ) where the reference adds one
 * product per step, a different order of the same additions. Relative 1e-10 (absolute 1e-12 near
 * zero) is far below the size of any wrong rule — the mutation suite's smallest distortion is 1% —
 * and far above the rounding of sums over these few steps.
 */
const samePullback = <Q extends readonly Value[]>(f: (q: Q) => Value, g: (q: Q) => Value, q: Q): void => {
  const loss = (h: (q: Q) => Value) => (r: Q) => ad.sum(ad.square(ad.sin(h(r))))
  const a = ad.grad(loss(f))(q)
  const b = ad.grad(loss(g))(q)
  a.forEach((x, i) => expect(T.allClose(ad.primalTensor(x), ad.primalTensor(b[i] ?? x), { rtol: 1e-10, atol: 1e-12 })).toBe(true))
}

describe('simpleRnnSequence', () => {
  it('equals the recurrence written with the ops, bit for bit, both directions', () =>
    fc.assert(
      fc.property(simpleArb, fc.boolean(), (q, reverse) => {
        expect(Array.from(ad.primalTensor(simpleFused(reverse)(q)).data)).toEqual(Array.from(ad.primalTensor(simpleReference(reverse)(q)).data))
      }),
      { numRuns: 40 },
    ))
  it('obeys the gradient laws, both directions', () => {
    gradientLaws(simpleFused(false), simpleArb, { numRuns: 30 })
    gradientLaws(simpleFused(true), simpleArb, { numRuns: 15 })
  })
  it('its fused pullback equals the reference pullback; grad of grad equals finite differences', () => {
    fc.assert(fc.property(simpleArb, fc.boolean(), (q, reverse) => samePullback(simpleFused(reverse), simpleReference(reverse), q)), { numRuns: 30 })
    gradientLaw((q: SimpleProblem) => ad.grad((r: SimpleProblem) => ad.sum(ad.square(simpleFused(false)(r))))(q)[1], simpleArb, { numRuns: 10 })
  })
  it('names the shapes that do not fit', () =>
    expect(() => ad.simpleRnnSequence(T.zeros([2, 1, 3]), T.zeros([3, 2]), T.zeros([1, 3]))).toThrow('simpleRnnSequence: [2,1,3] x [3,2] x [1,3]: expected'))
})

describe('gruSequence', () => {
  for (const resetAfter of [true, false]) {
    it(`resetAfter ${resetAfter}: equals the recurrence written with the ops, bit for bit, both directions`, () =>
      fc.assert(
        fc.property(gruArb, fc.boolean(), (q, reverse) => {
          expect(Array.from(ad.primalTensor(gruFused(reverse, resetAfter)(q)).data)).toEqual(Array.from(ad.primalTensor(gruReference(reverse, resetAfter)(q)).data))
        }),
        { numRuns: 40 },
      ))
    it(`resetAfter ${resetAfter}: obeys the gradient laws, both directions`, () => {
      gradientLaws(gruFused(false, resetAfter), gruArb, { numRuns: 30 })
      gradientLaws(gruFused(true, resetAfter), gruArb, { numRuns: 15 })
    })
    it(`resetAfter ${resetAfter}: its fused pullback equals the reference pullback; second order`, () => {
      fc.assert(fc.property(gruArb, fc.boolean(), (q, reverse) => samePullback(gruFused(reverse, resetAfter), gruReference(reverse, resetAfter), q)), { numRuns: 30 })
      const inner = (q: GruProblem) => ad.grad((r: GruProblem) => ad.sum(ad.square(gruFused(false, resetAfter)(r))))(q)
      gradientLaw((q: GruProblem) => inner(q)[1], gruArb, { numRuns: 8 })
      forwardReverseLaw((q: GruProblem) => inner(q)[3], gruArb, { numRuns: 8 })
    })
  }
  it('names the shapes that do not fit, and a bias that does not match resetAfter', () => {
    expect(() => ad.gruSequence(T.zeros([2, 1, 6]), T.zeros([2, 6]), undefined, T.zeros([1, 2]))).toThrow('gruSequence: [2,1,6] x [2,6] x [1,2]: expected xs [T, batch, 3·units], recurrentKernel [units, 3·units], recurrentBias [3·units]')
    expect(() => ad.gruSequence(T.zeros([2, 1, 6]), T.zeros([2, 6]), T.zeros([6]), T.zeros([1, 2]), { resetAfter: false })).toThrow('no recurrentBias (resetAfter false)')
  })
})

describe('the fused recurrences under jit', () => {
  it('replay the same bits: values, first-order gradients (the fused pullback), tangents and second order', () => {
    const xs = random.normal(random.key(1), [4, 2, 12])
    const other = random.normal(random.key(2), [4, 2, 12])
    const u3 = random.normal(random.key(3), [3, 12])
    const h0 = random.normal(random.key(4), [2, 3])
    const loss = (f: (a: Value, u: Value) => Value) => (u: Value, a: Value): Value => ad.sum(ad.square(f(a, u)))
    const lstm = (a: Value, u: Value): Value => ad.lstmSequence(a, u, h0, h0)
    const gru = (a: Value, u: Value): Value => ad.gruSequence(ad.slice(a, [0, 0, 0], [4, 2, 9]), ad.slice(u, [0, 0], [3, 9]), ad.slice(ad.reshape(u, [-1]), [0], [9]), h0, { reverse: true })
    const gruBefore = (a: Value, u: Value): Value => ad.gruSequence(ad.slice(a, [0, 0, 0], [4, 2, 9]), ad.slice(u, [0, 0], [3, 9]), undefined, h0, { resetAfter: false })
    const simple = (a: Value, u: Value): Value => ad.simpleRnnSequence(ad.slice(a, [0, 0, 0], [4, 2, 3]), ad.slice(u, [0, 0], [3, 3]), h0)
    for (const f of [lstm, gru, gruBefore, simple]) {
      expect(checkJitEqual((q: T.Tensor, a: T.Tensor) => ad.valueAndGrad((v: Value) => loss(f)(v, a))(q), [u3, xs], [u3, other])).toBeUndefined()
      expect(checkJitEqual((q: T.Tensor, t: T.Tensor) => ad.jvp((v: Value) => f(xs, v), q, t), [u3, u3], [u3, T.neg(u3)])).toBeUndefined()
    }
    expect(checkJitEqual((q: T.Tensor) => ad.grad((v: Value) => ad.sum(ad.grad((w: Value) => loss(lstm)(w, xs))(v)))(q), [u3], [T.neg(u3)])).toBeUndefined()
  })
  it('a training step of each recurrent layer, compiled and interpreted, gives the same bits', () => {
    for (const layer of [nn.lstm(3, { returnSequences: true }), nn.gru(3, { goBackwards: true }), nn.gru(3, { resetAfter: false }), nn.simpleRnn(3)]) {
      const { params } = layer.init(random.key(5), [4, 2])
      const x = random.normal(random.key(6), [2, 4, 2])
      const y = random.normal(random.key(7), [2, 4, 2])
      const step = (p: typeof params, a: T.Tensor) => ad.valueAndGrad((q: typeof params) => ad.sum(ad.square(layer.apply(q, {}, a, { training: true }).y)))(p)
      expect(checkJitEqual(step, [params, x], [params, y])).toBeUndefined()
    }
  })
})
