import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { forwardReverseLaw, gradientLaws } from '../../laws/gradient.js'
import * as ad from '../../src/ad/index.js'
import type { Value } from '../../src/ad/index.js'
import * as nn from '../../src/nn/index.js'
import type { Layer } from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import type { Tensor } from '../../src/tensor/index.js'
import { layerFunction, layerInput } from './arbitraries.js'

const k0 = random.key(0)
const inference = { training: false } as const
const run = (layer: Layer, x: Value): Value => layer.apply({}, {}, x, inference).y

const catalogue: readonly (readonly [Layer, (x: Tensor) => Tensor])[] = [
  [nn.sigmoid, (x) => ad.sigmoid(x)],
  [nn.tanh, (x) => ad.tanh(x)],
  [nn.relu, (x) => ad.relu(x)],
  [nn.leakyRelu(), (x) => ad.leakyRelu(x, 0.01)],
  [nn.leakyRelu(0.2), (x) => ad.leakyRelu(x, 0.2)],
  [nn.softplus, (x) => ad.softplus(x)],
  [nn.elu(), (x) => ad.elu(x, 1)],
  [nn.elu(0.5), (x) => ad.elu(x, 0.5)],
  [nn.gelu, (x) => ad.gelu(x)],
  [nn.softmax(), (x) => ad.softmax(x, -1)],
  [nn.step, (x) => T.step(x)],
  [nn.stepStraightThrough, (x) => T.step(x)],
]

describe('activation layers', () => {
  for (const [layer, f] of catalogue) {
    it(`${layer.name} applies its function, keeps the shape and has no parameters`, () => {
      fc.assert(
        fc.property(arb.tensorOf([3, 4], { min: -5, max: 5 }), (x) => {
          const { params, state, outputShape } = layer.init(k0, [4])
          expect(params).toEqual({})
          expect(outputShape).toEqual([4])
          const y = layer.apply(params, state, x, inference).y
          expect(ad.isDual(y)).toBe(false)
          expect(y).toEqual(f(x))
        }),
        { numRuns: 100 },
      )
    })
  }

  it('are named and described as Keras users expect', () => {
    expect([nn.relu, nn.leakyRelu(0.2), nn.elu(), nn.softmax(), nn.softmax(1), nn.step, nn.stepStraightThrough].map((l) => l.name)).toEqual([
      'relu',
      'leakyRelu(0.2)',
      'elu(1)',
      'softmax',
      'softmax(1)',
      'step',
      'stepStraightThrough',
    ])
    expect(nn.leakyRelu().spec).toEqual({ kind: 'leakyRelu', alpha: 0.01 })
    expect(nn.softmax().spec).toEqual({ kind: 'softmax', axis: -1 })
    expect(nn.gelu.spec).toEqual({ kind: 'gelu' })
  })

  it('softmax along a feature axis gives rows that sum to 1', () => {
    const y = ad.primalTensor(run(nn.softmax(), T.tensor([[0, Math.log(3)], [1000, 1000]])))
    expect(T.allClose(y, T.tensor([[0.25, 0.75], [0.5, 0.5]]), { rtol: 1e-15, atol: 0 })).toBe(true)
    const z = ad.primalTensor(run(nn.softmax(1), T.tensor([[[1, 2], [3, 4]]])))
    expect(T.allClose(T.sum(z, { axis: 1 }), T.ones([1, 2]), { rtol: 1e-15, atol: 0 })).toBe(true)
  })

  it('refuses bad parameters and a softmax over the batch axis', () => {
    expect(() => nn.leakyRelu(Number.NaN)).toThrow('leakyRelu: alpha must be a finite number, got NaN')
    expect(() => nn.elu(Infinity)).toThrow(T.ArgumentError)
    expect(() => nn.softmax(0.5)).toThrow(T.ArgumentError)
    expect(() => nn.softmax(0).init(k0, [4])).toThrow('softmax(0): axis 0 is not a feature axis of inputs [batch,4]')
    expect(() => nn.softmax(2).init(k0, [4])).toThrow(nn.LayerError)
    expect(nn.softmax(-2).init(k0, [3, 4]).outputShape).toEqual([3, 4])
  })
})

describe('activation layers obey the gradient laws with respect to the input', () => {
  const smooth = [nn.sigmoid, nn.tanh, nn.softplus, nn.gelu, nn.softmax()]
  for (const layer of smooth) it(layer.name, () => gradientLaws(layerFunction(layer, [4]), layerInput(layer, [4]), { numRuns: 40 }))

  const kinked = [nn.relu, nn.leakyRelu(0.2), nn.elu(), nn.elu(0.7), nn.step]
  for (const layer of kinked) {
    it(`${layer.name} (away from the kink at 0)`, () =>
      gradientLaws(layerFunction(layer, [4]), layerInput(layer, [4], { x: (s) => arb.awayFromZeroTensorOf(s, 0.05, { max: 3 }) }), { numRuns: 40 }))
  }

  it('step has a zero gradient everywhere (0 included)', () => {
    fc.assert(
      fc.property(arb.tensorOf([3, 4], { min: -3, max: 3 }), (x) => {
        const g = ad.grad((v: Value) => ad.sum(ad.mul(run(nn.step, v), T.reshape(T.arange(12), [3, 4]))))(x)
        expect(g).toEqual(T.zeros([3, 4]))
      }),
      { numRuns: 100 },
    )
    expect(ad.grad((v: Value) => ad.sum(run(nn.step, v)))(T.zeros([1, 2]))).toEqual(T.zeros([1, 2]))
  })

  it('stepStraightThrough passes the cotangent through unchanged, in reverse and forward mode', () => {
    fc.assert(
      fc.property(arb.tensorOf([3, 4], { min: -3, max: 3 }), arb.tensorOf([3, 4], { min: -1, max: 1 }), (x, u) => {
        const [y, pullback] = ad.vjp((v: Value) => run(nn.stepStraightThrough, v), x)
        expect(y).toEqual(T.step(x))
        expect(pullback(u)).toEqual(u)
        const [, tangent] = ad.jvp((v: Value) => run(nn.stepStraightThrough, v), x, u)
        expect(tangent).toEqual(u)
      }),
      { numRuns: 100 },
    )
    forwardReverseLaw(layerFunction(nn.stepStraightThrough, [4]), layerInput(nn.stepStraightThrough, [4]), { numRuns: 40 })
  })

  it('stepStraightThrough trains a perceptron’s weights where step cannot', () => {
    const model = (activation: Layer): Layer => nn.sequential(nn.dense(1), activation)
    const x = T.tensor([[1, 1], [-1, -1]])
    // Targets 1 for inputs of opposite signs: whatever the initial weights, one output is wrong.
    const target = T.tensor([[1], [1]])
    const gradientNorm = (activation: Layer): number => {
      const m = model(activation)
      const { params, state } = m.init(k0, [2])
      const loss = (p: ad.ValueTree): Value => ad.sum(ad.square(ad.sub(m.apply(p, state, x, inference).y, target)))
      const [, pullback] = ad.vjp(loss, params)
      return nn.countOf(params) === 0 ? 0 : flatNorm(pullback(T.scalar(1)))
    }
    expect(gradientNorm(nn.step)).toBe(0)
    expect(gradientNorm(nn.stepStraightThrough)).toBeGreaterThan(0)
  })
})

const flatNorm = (tree: ad.ValueTree): number => {
  if (ad.isDual(tree) || T.isTensor(tree)) return Math.hypot(...ad.primalTensor(tree).data)
  return Math.hypot(...(Array.isArray(tree) ? tree : Object.values(tree)).map(flatNorm))
}
