import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'
import { gradientLaws } from '../../laws/gradient.js'
import { anyTensor, awayFromZeroTensor, positiveTensor } from './arbitraries.js'

describe('unary primitives obey the gradient laws', () => {
  const smooth = [
    ['neg', ad.neg],
    ['exp', ad.exp],
    ['expm1', ad.expm1],
    ['square', ad.square],
    ['tanh', ad.tanh],
    ['sigmoid', ad.sigmoid],
    ['softplus', ad.softplus],
    ['erf', ad.erf],
    ['gelu', ad.gelu],
    ['sin', ad.sin],
    ['cos', ad.cos],
  ] as const
  for (const [name, op] of smooth) it(name, () => gradientLaws((x) => op(x), anyTensor()))

  const positive = [
    ['log', ad.log],
    ['sqrt', ad.sqrt],
    ['reciprocal', ad.reciprocal],
  ] as const
  for (const [name, op] of positive) it(`${name} (positive inputs)`, () => gradientLaws((x) => op(x), positiveTensor()))

  it('log1p (inputs > −0.9)', () => gradientLaws((x) => ad.log1p(x), anyTensor(-0.9, 3)))

  const kinked = [
    ['abs', (x: ad.Value) => ad.abs(x)],
    ['relu', (x: ad.Value) => ad.relu(x)],
    ['leakyRelu(0.2)', (x: ad.Value) => ad.leakyRelu(x, 0.2)],
    ['elu(1.5)', (x: ad.Value) => ad.elu(x, 1.5)],
    ['sign', (x: ad.Value) => ad.sign(x)],
    ['step', (x: ad.Value) => ad.step(x)],
  ] as const
  for (const [name, op] of kinked) it(`${name} (away from the kink at 0)`, () => gradientLaws(op, awayFromZeroTensor()))

  it('scale, addScalar, powScalar', () => {
    gradientLaws((x) => ad.scale(x, -2.5), anyTensor())
    gradientLaws((x) => ad.addScalar(x, 4), anyTensor())
    gradientLaws((x) => ad.powScalar(x, 2.5), positiveTensor())
    gradientLaws((x) => ad.powScalar(x, -1.5), positiveTensor())
  })
})

describe('subgradients at kinks', () => {
  const at0 = T.tensor([0])
  const gradAt = (f: (x: ad.Value) => ad.Value, x: T.Tensor): number[] => Array.from(ad.grad((y: ad.Value) => ad.sum(f(y)))(x).data)
  it("relu'(0) = 0 and abs'(0) = 0", () => {
    expect(gradAt(ad.relu, at0)).toEqual([0])
    expect(gradAt(ad.abs, at0)).toEqual([0])
  })
  it("leakyRelu'(0) = α and elu'(0) = α", () => {
    expect(gradAt((x) => ad.leakyRelu(x, 0.1), at0)).toEqual([0.1])
    expect(gradAt((x) => ad.elu(x, 0.7), at0)).toEqual([0.7])
  })
  it('step and sign have zero gradient everywhere', () => {
    expect(gradAt(ad.step, T.tensor([-1, 0, 2]))).toEqual([0, 0, 0])
    expect(gradAt(ad.sign, T.tensor([-1, 0, 2]))).toEqual([0, 0, 0])
  })
})

describe('saturation stays finite', () => {
  it("sigmoid'(−800) = 0 and sigmoid'(800) = 0, not NaN", () => {
    const g = ad.grad((x: ad.Value) => ad.sum(ad.sigmoid(x)))(T.tensor([-800, 800]))
    expect(Array.from(g.data)).toEqual([0, 0])
  })
  it("softplus'(3000) = 1 and softplus'(−3000) = 0", () => {
    const g = ad.grad((x: ad.Value) => ad.sum(ad.softplus(x)))(T.tensor([3000, -3000]))
    expect(Array.from(g.data)).toEqual([1, 0])
  })
  it("tanh'(±400) = 0", () => {
    const g = ad.grad((x: ad.Value) => ad.sum(ad.tanh(x)))(T.tensor([400, -400]))
    expect(Array.from(g.data)).toEqual([0, 0])
  })
})

describe('stopGradient', () => {
  it('cuts the derivative', () => {
    const g = ad.grad((x: ad.Value) => ad.sum(ad.mul(ad.stopGradient(x), x)))(T.tensor([3]))
    expect(Array.from(g.data)).toEqual([3])
  })
})
