import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'
import * as ad from '../../src/ad/index.js'
import { mae, mse, sse } from '../../src/losses/index.js'
import * as T from '../../src/tensor/index.js'
import type { Tensor } from '../../src/tensor/index.js'

type Pair = { readonly p: Tensor; readonly t: Tensor }

const shapes = arb.shape({ maxRank: 3, maxDim: 4 })

/** Predictions and targets of one random shape, values in [−5, 5]. */
const pair: fc.Arbitrary<Pair> = shapes.chain((s) =>
  fc.tuple(arb.tensorOf(s, { min: -5, max: 5 }), arb.tensorOf(s, { min: -5, max: 5 })).map(([p, t]) => ({ p, t })),
)

/** As `pair`, but |p − t| ≥ 0.1 everywhere: keeps finite differences off the kink of |·| (mae). */
const separatedPair: fc.Arbitrary<Pair> = shapes.chain((s) =>
  fc.tuple(arb.tensorOf(s, { min: -5, max: 5 }), arb.awayFromZeroTensorOf(s, 0.1, { max: 5 })).map(([p, d]) => ({ p, t: T.add(p, d) })),
)

const value = (v: ad.Value): number => T.item(ad.primalTensor(v))

describe('mse', () => {
  it('has known values', () => {
    expect(value(mse(T.vector([1, 2, 3]), T.vector([1, 2, 5])))).toBeCloseTo(4 / 3, 15)
    expect(value(mse(T.vector([1, 2, 3]), T.vector([1, 2, 5]), { reduction: 'sum' }))).toBe(4)
    expect(value(mse(T.scalar(3), T.scalar(1)))).toBe(4)
  })
  it('has the gradient 2(p − t)/n in the predictions', () => {
    const g = ad.grad((p: ad.Value) => mse(p, T.tensor([[1, 2], [3, 4]])))(T.tensor([[2, 2], [1, 8]]))
    expect(Array.from(g.data)).toEqual([0.5, 0, -1, 2])
  })
  it('obeys the gradient laws in predictions and targets', () => gradientLaws((x: Pair) => mse(x.p, x.t), pair))
  it('obeys the gradient laws with reduction sum', () => gradientLaws((x: Pair) => mse(x.p, x.t, { reduction: 'sum' }), pair, { numRuns: 100 }))
  it("'sum' is the element count times 'mean'", () =>
    fc.assert(
      fc.property(pair, ({ p, t }) => {
        const n = T.sizeOf(p.shape)
        expect(value(mse(p, t, { reduction: 'sum' }))).toBeCloseTo(n * value(mse(p, t)), 8)
      }),
    ))
  it('is zero exactly when predictions equal targets', () => fc.assert(fc.property(pair, ({ p }) => value(mse(p, p)) === 0)))
  it('throws on a shape mismatch, naming both shapes', () => {
    expect(() => mse(T.zeros([10, 1]), T.zeros([10]))).toThrow('mse: [10,1] x [10]: predictions and targets must have the same shape')
    expect(() => mse(T.zeros([10, 1]), T.zeros([10]))).toThrow(T.ShapeError)
  })
  it('rejects an unknown reduction', () => {
    const bad = JSON.parse('{"reduction":"none"}') as { reduction: 'mean' }
    expect(() => mse(T.zeros([2]), T.zeros([2]), bad)).toThrow(`mse: reduction must be 'mean' or 'sum', got "none"`)
  })
})

describe('mae', () => {
  it('has known values', () => {
    expect(value(mae(T.vector([1, 2, 3]), T.vector([1, 0, 5])))).toBeCloseTo(4 / 3, 15)
    expect(value(mae(T.vector([1, 2, 3]), T.vector([1, 0, 5]), { reduction: 'sum' }))).toBe(4)
  })
  it('has the gradient sign(p − t)/n, with subgradient 0 where p = t', () => {
    const g = ad.grad((p: ad.Value) => mae(p, T.vector([1, 2, 3, 4])))(T.vector([0, 2, 5, 4]))
    expect(Array.from(g.data)).toEqual([-0.25, 0, 0.25, 0])
  })
  it('obeys the gradient laws away from p = t', () => gradientLaws((x: Pair) => mae(x.p, x.t), separatedPair))
  it('throws on a shape mismatch', () => expect(() => mae(T.zeros([3]), T.zeros([1, 3]))).toThrow('mae: [3] x [1,3]: predictions and targets must have the same shape'))
})

describe('sse', () => {
  it('is the sum of squared errors', () => {
    expect(value(sse(T.vector([1, 2, 3]), T.vector([1, 2, 5])))).toBe(4)
    expect(value(sse(T.vector([1, 2, 3]), T.vector([1, 2, 5]), { reduction: 'sum' }))).toBe(4)
  })
  it("equals mse with reduction 'sum'", () =>
    fc.assert(fc.property(pair, ({ p, t }) => value(sse(p, t)) === value(mse(p, t, { reduction: 'sum' })))))
  it('obeys the gradient laws', () => gradientLaws((x: Pair) => sse(x.p, x.t), pair))
  it("refuses reduction 'mean', pointing to mse", () => {
    const mean = JSON.parse('{"reduction":"mean"}') as { reduction: 'sum' }
    expect(() => sse(T.zeros([2]), T.zeros([2]), mean)).toThrow(/sse: sse always sums .*use mse/)
  })
  it('throws on a shape mismatch', () => expect(() => sse(T.zeros([2]), T.zeros([3]))).toThrow('sse: [2] x [3]: predictions and targets must have the same shape'))
})

describe('finiteness of the regression losses', () => {
  const extreme = T.vector([1e4, -1e4, 0, 1e4])
  const targets = T.vector([-1e4, 1e4, 1, 1e4])
  for (const [name, loss] of [['mse', mse], ['mae', mae], ['sse', sse]] as const) {
    it(`${name}: finite value and gradients for predictions and targets of ±1e4`, () => {
      const [v, g] = ad.valueAndGrad((x: Pair) => loss(x.p, x.t))({ p: extreme, t: targets })
      expect(Number.isFinite(value(v))).toBe(true)
      expect([...g.p.data, ...g.t.data].every(Number.isFinite)).toBe(true)
    })
  }
})
