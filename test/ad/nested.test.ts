import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'

const scalarGrad = (f: (x: ad.Value) => ad.Value) => (x: ad.Value): ad.Value => ad.grad((y: ad.Value) => ad.sum(f(y)))(x)
const at = (v: number): T.Tensor => T.tensor([v])
const value = (v: ad.Value): number => T.item(ad.primalTensor(v))

describe('nested differentiation', () => {
  it('d²/dx² x³ = 6x', () => {
    const d2 = scalarGrad(scalarGrad((x) => ad.mul(x, ad.mul(x, x))))
    fc.assert(fc.property(fc.double({ min: -5, max: 5, noNaN: true }), (x) => Math.abs(value(d2(at(x))) - 6 * x) <= 1e-12 * (1 + Math.abs(x))))
  })
  it('third derivative of a polynomial 2x⁴ − 3x² + x is 48x', () => {
    const p = (x: ad.Value) => ad.add(ad.sub(ad.mul(ad.powScalar(x, 4), 2), ad.mul(ad.square(x), 3)), x)
    const d3 = scalarGrad(scalarGrad(scalarGrad(p)))
    expect(value(d3(at(1.5)))).toBeCloseTo(72, 10)
  })
  it("tanh'' = −2 tanh (1 − tanh²)", () => {
    const d2 = scalarGrad(scalarGrad(ad.tanh))
    for (const x of [-2, -0.3, 0, 0.7, 3]) {
      const t = Math.tanh(x)
      expect(value(d2(at(x)))).toBeCloseTo(-2 * t * (1 - t * t), 12)
    }
  })
  it("sigmoid'' = σ(1 − σ)(1 − 2σ)", () => {
    const d2 = scalarGrad(scalarGrad(ad.sigmoid))
    for (const x of [-4, -1, 0, 0.5, 2]) {
      const s = 1 / (1 + Math.exp(-x))
      expect(value(d2(at(x)))).toBeCloseTo(s * (1 - s) * (1 - 2 * s), 12)
    }
  })
  it('a Hessian–vector product via jvp of grad', () => {
    // f(x) = Σ x_i² x_j-ish: f = (x·x)², H = 4(x·x)I + 8 x xᵀ.
    const f = (x: ad.Value) => ad.square(ad.sum(ad.mul(x, x)))
    const x = T.tensor([1, 2, -1])
    const v = T.tensor([0.5, -1, 2])
    const [, hv] = ad.jvp((y: ad.Value) => ad.grad(f)(y), x, v)
    const xx = 6
    const xv = 0.5 - 2 - 2
    const expected = [0, 1, 2].map((i) => 4 * xx * (v.data[i] ?? 0) + 8 * (x.data[i] ?? 0) * xv)
    expect(T.allClose(ad.primalTensor(hv), T.tensor(expected), { rtol: 1e-12 })).toBe(true)
  })
  it('outer values reach an inner grad through its extra arguments', () => {
    // d/dx [ d/dy (x·y²) at y = 3 ] = d/dx 6x = 6
    const g = ad.grad((x: ad.Value) => ad.sum(ad.grad((y: ad.Value, outer: ad.Value) => ad.sum(ad.mul(outer, ad.square(y))))(at(3), x)))(at(2))
    expect(Array.from(g.data)).toEqual([6])
  })
  it('an outer value captured by a closure is a clear error, not a silent wrong answer', () => {
    expect(() => ad.grad((x: ad.Value) => ad.sum(ad.grad((y: ad.Value) => ad.sum(ad.mul(x, y)))(at(3))))(at(2))).toThrow(/two different differentiations/)
  })
})

describe('independent gradient computations interleave', () => {
  it('two vjps recorded and pulled back in alternation give their own answers', () => {
    const [, pa] = ad.vjp((x: ad.Value) => ad.mul(x, 3), T.tensor([1]))
    const [, pb] = ad.vjp((x: ad.Value) => ad.square(x), T.tensor([5]))
    expect(Array.from(pb(T.tensor([1])).data)).toEqual([10])
    expect(Array.from(pa(T.tensor([1])).data)).toEqual([3])
    expect(Array.from(pb(T.tensor([2])).data)).toEqual([20])
  })
})
