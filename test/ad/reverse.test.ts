import { describe, expect, it } from 'vitest'
import { grad, mul, sum, tensor } from '../../src/index.js'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'

describe('first contact', () => {
  it('grad of Σ x² is 2x', () => {
    const g = grad((x) => sum(mul(x, x)))(tensor([1, 2, 3]))
    expect(Array.from(g.data)).toEqual([2, 4, 6])
  })
})

describe('grad, valueAndGrad, vjp', () => {
  it('requires a scalar output and says so', () => {
    expect(() => ad.grad((x: ad.Value) => ad.mul(x, 2))(T.tensor([1, 2]))).toThrow(
      'grad: the function must return a scalar (shape []), got shape [2]; reduce it first, e.g. with sum or mean',
    )
  })
  it('differentiates parameter trees and passes extra arguments through', () => {
    const params = { w: T.tensor([[1, 2]]), layers: [{ b: T.tensor([3]) }] }
    const loss = (p: typeof params, x: T.Tensor): ad.Value => ad.sum(ad.add(ad.matmul(x, ad.transpose(p.w)), p.layers[0]?.b ?? 0))
    const g = ad.grad(loss)(params, T.tensor([[5, 7]]))
    expect(T.toArray(g.w)).toEqual([[5, 7]])
    expect(T.toArray(g.layers[0]?.b ?? T.scalar(0))).toEqual([1])
  })
  it('gives zeros for inputs the output does not depend on', () => {
    const g = ad.grad(([a]: readonly [ad.Value, ad.Value]) => ad.sum(a))([T.tensor([1]), T.tensor([2, 3])])
    expect(Array.from(ad.primalTensor(g[1]).data)).toEqual([0, 0])
  })
  it('valueAndGrad returns both', () => {
    const [v, g] = ad.valueAndGrad((x: ad.Value) => ad.sum(ad.square(x)))(T.tensor([3]))
    expect(T.item(v)).toBe(9)
    expect(Array.from(g.data)).toEqual([6])
  })
  it('vjp pulls back a cotangent and can be called again', () => {
    const [y, pullback] = ad.vjp((x: ad.Value) => ad.mul(x, x), T.tensor([1, 2]))
    expect(Array.from(y.data)).toEqual([1, 4])
    expect(Array.from(pullback(T.tensor([1, 10])).data)).toEqual([2, 40])
    expect(Array.from(pullback(T.tensor([1, 0])).data)).toEqual([2, 0])
    expect(() => pullback(T.tensor([1]))).toThrow(/cotangent .* has shape \[1\], the output \[2\]/)
  })
  it('rejects a non-tensor argument with its path', () => {
    expect(() => ad.grad((x: { a: ad.Value }) => ad.sum(x.a))({ a: T.tensor([1]), b: 'oops' } as never)).toThrow(/at b/)
  })
})

describe('the backward pass is linear in the size of the computation', () => {
  // A chain in which every value is used twice: y ← y·y·c − y. Evaluating the graph by recursion
  // without memoisation would cost 2^n; the pullbacks must run once per node.
  const chain = (n: number) => (x: ad.Value) => {
    let y: ad.Value = x
    for (let i = 0; i < n; i++) y = ad.sub(ad.mul(y, y), y)
    return ad.sum(y)
  }
  it('runs each node exactly once: 10 000 and 20 000 steps give 2× the steps', () => {
    const small = ad.traceBackward(chain(5000), T.tensor([0.5]))
    const large = ad.traceBackward(chain(10000), T.tensor([0.5]))
    // Per link: one mul and one sub (2 nodes), plus the final sum.
    expect(small.steps.length).toBe(2 * 5000 + 1)
    expect(large.steps.length).toBe(2 * 10000 + 1)
  })
  it('does not overflow the stack on a chain of 100 000 ops', () => {
    const g = ad.grad((x: ad.Value) => {
      let y: ad.Value = x
      for (let i = 0; i < 100_000; i++) y = ad.addScalar(y, 1e-6)
      return ad.sum(y)
    })(T.tensor([1]))
    expect(Array.from(g.data)).toEqual([1])
  })
})

describe('traceBackward', () => {
  it('lists each step with its shapes and cotangents, matching grad', () => {
    const f = (x: ad.Value) => ad.sum(ad.sigmoid(ad.mul(x, 2)))
    const x = T.tensor([0, 1])
    const { steps, gradient } = ad.traceBackward(f, x)
    expect(steps.map((s) => s.op)).toEqual(['sum', 'sigmoid', 'mul'])
    expect(steps[0]?.outputShape).toEqual([])
    expect(steps[1]?.inputShapes).toEqual([[2]])
    expect(Array.from(gradient.data)).toEqual(Array.from(ad.grad(f)(x).data))
  })
})

describe('customVjp', () => {
  const cube = ad.customVjp({
    name: 'cube',
    value: (x) => T.powScalar(x, 3),
    vjp: (g, [x]) => [ad.mul(g, ad.mul(3, ad.mul(x ?? 0, x ?? 0)))],
  })
  it('uses the given pullback', () => {
    expect(Array.from(ad.grad((x: ad.Value) => ad.sum(cube(x)))(T.tensor([2])).data)).toEqual([12])
  })
  it('is plain on plain tensors', () => {
    expect(Array.from(cube(T.tensor([2])).data)).toEqual([8])
  })
  it('without a forward rule, jvp says so', () => {
    expect(() => ad.jvp((x: ad.Value) => cube(x), T.tensor([1]), T.tensor([1]))).toThrow(/no forward rule/)
  })
})
