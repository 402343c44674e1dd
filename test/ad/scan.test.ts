import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import type { Value } from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'
import * as arb from '../../laws/arbitraries.js'
import { forwardReverseLaw, gradientLaw, gradientLaws } from '../../laws/gradient.js'

// An Elman step: h' = tanh(h·W + x·U + b), y = h'·V. The parameters are scan's consts.
// Type aliases, not interfaces: an alias of a record is a ValueTree (it has an implicit index signature).
type Params = {
  readonly W: Value
  readonly U: Value
  readonly b: Value
  readonly V: Value
}
const step = (h: Value, x: Value, p: Params): readonly [Value, Value] => {
  const next = ad.tanh(ad.add(ad.add(ad.matmul(h, p.W), ad.matmul(x, p.U)), p.b))
  return [next, ad.matmul(next, p.V)]
}

/** The same recurrence as a JavaScript loop over the differentiable ops (the reference). */
const unrolled = (h0: Value, xs: Value, p: Params, reverse = false): readonly [Value, Value] => {
  const steps = ad.unstack(xs)
  const order = reverse ? [...steps.keys()].reverse() : [...steps.keys()]
  let h = h0
  const ys = new Array<Value>(steps.length)
  for (const t of order) {
    const [next, y] = step(h, steps[t] ?? xs, p)
    h = next
    ys[t] = y
  }
  return [h, ad.stack(ys.map((y) => y ?? h))]
}

type Problem = {
  readonly h0: Value
  readonly xs: Value
  readonly p: Params
}

/** Sequence length 1–6, batch 1–3, hidden 1–3, input 1–3, output 1–2. */
const problemArb: fc.Arbitrary<Problem> = fc
  .record({ steps: fc.integer({ min: 1, max: 6 }), batch: fc.integer({ min: 1, max: 3 }), hidden: fc.integer({ min: 1, max: 3 }), features: fc.integer({ min: 1, max: 3 }), out: fc.integer({ min: 1, max: 2 }) })
  .chain(({ steps, batch, hidden, features, out }) =>
    fc.record({
      h0: arb.tensorOf([batch, hidden], { min: -1, max: 1 }),
      xs: arb.tensorOf([steps, batch, features], { min: -1, max: 1 }),
      p: fc.record({
        W: arb.tensorOf([hidden, hidden], { min: -1, max: 1 }),
        U: arb.tensorOf([features, hidden], { min: -1, max: 1 }),
        b: arb.tensorOf([hidden], { min: -1, max: 1 }),
        V: arb.tensorOf([hidden, out], { min: -1, max: 1 }),
      }),
    }),
  )
  // Plain records (fast-check may draw null-prototype objects, which are not parameter trees).
  .map(({ h0, xs, p }) => ({ h0, xs, p: { ...p } }))

/** Final carry and outputs joined into one value, so that one law covers both. */
const both = ([h, ys]: readonly [Value, Value]): Value => ad.concat([ad.reshape(h, [-1]), ad.reshape(ys, [-1])])

const viaScan = (reverse = false) => (q: Problem): Value =>
  both(ad.scan((h: Value, x: Value, p: Params) => step(h, x, p), q.h0, q.xs, q.p, { reverse }))

describe('scan values', () => {
  it('equals the JavaScript loop, forward and reverse, bit for bit', () =>
    fc.assert(
      fc.property(problemArb, fc.boolean(), (q, reverse) => {
        const a = viaScan(reverse)(q)
        const b = both(unrolled(q.h0, q.xs, q.p, reverse))
        expect(Array.from(ad.primalTensor(a).data)).toEqual(Array.from(ad.primalTensor(b).data))
      }),
      { numRuns: 50 },
    ))
  it('a running sum, with trees for the carry and the outputs', () => {
    const [carry, ys] = ad.scan(
      (c: { readonly total: Value; readonly count: Value }, x: Value) => [{ total: ad.add(c.total, x), count: ad.add(c.count, 1) }, { running: ad.add(c.total, x) }],
      { total: T.scalar(0), count: T.scalar(0) },
      T.tensor([1, 2, 3]),
      [],
    )
    expect(T.item(ad.primalTensor(carry.total))).toBe(6)
    expect(T.item(ad.primalTensor(carry.count))).toBe(3)
    expect(T.toArray(ad.primalTensor(ys.running))).toEqual([1, 3, 6])
  })
  it('length without xs', () => {
    const [c, ys] = ad.scan((c: Value) => [ad.mul(c, 2), c], T.scalar(1), [], [], { length: 4 })
    expect(T.item(ad.primalTensor(c))).toBe(16)
    expect(T.toArray(ad.primalTensor(ys))).toEqual([1, 2, 4, 8])
  })
})

describe('scan obeys the gradient laws', () => {
  it('in the initial carry, the sequence and the consts (forward)', () => gradientLaws(viaScan(false), problemArb, { numRuns: 30 }))
  it('in the initial carry, the sequence and the consts (reverse)', () => gradientLaws(viaScan(true), problemArb, { numRuns: 15 }))
  it('gives the gradient of the unrolled loop', () =>
    fc.assert(
      fc.property(problemArb, (q) => {
        const loss = (f: (q: Problem) => Value) => (r: Problem) => ad.sum(ad.square(f(r)))
        const a = ad.grad(loss(viaScan()))(q)
        const b = ad.grad(loss((r) => both(unrolled(r.h0, r.xs, r.p))))(q)
        for (const k of ['W', 'U', 'b', 'V'] as const) expect(T.allClose(ad.primalTensor(a.p[k]), ad.primalTensor(b.p[k]), { rtol: 1e-10, atol: 1e-12 })).toBe(true)
        expect(T.allClose(ad.primalTensor(a.xs), ad.primalTensor(b.xs), { rtol: 1e-10, atol: 1e-12 })).toBe(true)
      }),
      { numRuns: 30 },
    ))
  it('second order: grad of grad through scan equals finite differences', () =>
    gradientLaw((q: Problem) => ad.grad((r: Problem) => ad.sum(ad.square(viaScan()(r))))(q).p.W, problemArb, { numRuns: 15 }))
  it('forward over reverse (jvp of grad) equals reverse over reverse', () =>
    forwardReverseLaw((q: Problem) => ad.grad((r: Problem) => ad.sum(ad.square(viaScan()(r))))(q).h0, problemArb, { numRuns: 10 }))
})

describe('scan runs one backward loop', () => {
  it('the outer backward pass records a number of steps that does not grow with the sequence', () => {
    const stepsFor = (length: number): number => {
      const xs = T.fromArray(Array.from({ length: length * 2 }, (_, i) => Math.sin(i)), [length, 1, 2])
      const p = { W: T.tensor([[0.5]]), U: T.tensor([[0.1], [-0.2]]), b: T.tensor([0.1]), V: T.tensor([[1]]) }
      return ad.traceBackward((q: Problem) => ad.sum(viaScan()(q)), { h0: T.tensor([[0]]), xs, p }).steps.length
    }
    expect(stepsFor(200)).toBe(stepsFor(3))
  })
  it('a long sequence (5 000 steps) differentiates without deep recursion', () => {
    const xs = T.fromArray(Array.from({ length: 5000 }, (_, i) => Math.cos(i)), [5000, 1, 1])
    const p = { W: T.tensor([[0.9]]), U: T.tensor([[0.5]]), b: T.tensor([0]), V: T.tensor([[1]]) }
    const g = ad.grad((q: Problem) => ad.sum(viaScan()(q)))({ h0: T.tensor([[0]]), xs, p })
    expect(Number.isFinite(T.item(T.sum(ad.primalTensor(g.p.W))))).toBe(true)
  })
})

describe('scan errors', () => {
  it('a carry whose shape changes', () => {
    expect(() => ad.scan((c: Value, x: Value) => [ad.concat([c, x]), x], T.zeros([1]), T.zeros([3, 1]), [])).toThrow(
      'scan: the body must return a carry like its initial one: got [2], the initial carry has [1]',
    )
  })
  it('xs leaves of different lengths, and no steps', () => {
    expect(() => ad.scan((c: Value) => [c, c], T.zeros([1]), [T.zeros([3, 1]), T.zeros([2, 1])], [])).toThrow('scan: the leaves of xs must share their leading dimension, got 3, 2')
    expect(() => ad.scan((c: Value) => [c, c], T.zeros([1]), [], [])).toThrow('scan: xs has no leaves: give the number of steps as options.length')
    expect(() => ad.scan((c: Value) => [c, c], T.zeros([1]), T.zeros([0, 1]), [])).toThrow('scan: needs at least one step, got 0')
  })
  it('a body that closes over a value under differentiation, instead of taking it through consts', () => {
    expect(() => ad.grad((w: Value) => ad.sum(ad.scan((c: Value, x: Value) => [ad.add(c, ad.mul(x, w)), c], T.zeros([1]), T.ones([3, 1]), [])[0]))(T.ones([1]))).toThrow(
      'scan: the body returned a Dual from plain inputs',
    )
  })
})
