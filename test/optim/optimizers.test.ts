import { describe, expect, it } from 'vitest'
import { checkZeroGradientFixedPoint, noMutationLaw, zeroGradientFixedPointLaw } from '../../laws/optimizer.js'
import * as optim from '../../src/optim/index.js'
import type { GradientTransformation } from '../../src/optim/index.js'
import * as T from '../../src/tensor/index.js'
import type { Tensor } from '../../src/tensor/index.js'
import { treeArb } from '../tree/arbitraries.js'
import * as tree from '../../src/tree/index.js'

// The test problem: f(p) = Σ (p − c)², so g = 2(p − c), on a two-leaf tree.
type Params = { readonly w: Tensor; readonly b: Tensor }
const p0: Params = { w: T.vector([1, -2]), b: T.vector([0.5]) }
const c = { w: [0.3, 0.1], b: [-0.4] }
const gradient = (p: Params): Params => ({
  w: T.vector(Array.from(p.w.data, (x, i) => 2 * (x - (c.w[i] ?? 0)))),
  b: T.vector(Array.from(p.b.data, (x, i) => 2 * (x - (c.b[i] ?? 0)))),
})

/** The parameters after each of three steps of `optimizer` on the test problem, as flat arrays. */
const threeSteps = <S>(optimizer: GradientTransformation<S>): number[][] => {
  let params = p0
  let state = optimizer.init(params)
  const out: number[][] = []
  for (let step = 0; step < 3; step++) {
    const [updates, next] = optimizer.update(gradient(params), state, params)
    params = optim.applyUpdates(params, updates)
    state = next
    out.push([...params.w.data, ...params.b.data])
  }
  return out
}

/**
 * Reference trajectories, written from the published update rules on plain numbers, one
 * coordinate at a time (the coordinates of p0 are 1, −2, 0.5 with targets 0.3, 0.1, −0.4).
 */
const START = [1, -2, 0.5]
const TARGET = [0.3, 0.1, -0.4]
const reference = (rule: (x: number, g: number, t: number, memory: number[]) => number, memory: () => number[]): number[][] => {
  const xs = [...START]
  const memories = START.map(memory)
  const out: number[][] = []
  for (let t = 1; t <= 3; t++) {
    xs.forEach((x, i) => {
      xs[i] = rule(x, 2 * (x - (TARGET[i] ?? 0)), t, memories[i] ?? [])
    })
    out.push([...xs])
  }
  return out
}

const expectTrajectory = (actual: number[][], expected: number[][]): void => {
  expect(actual.length).toBe(3)
  actual.forEach((row, step) => row.forEach((x, i) => expect(x, `step ${step + 1}, coordinate ${i}`).toBeCloseTo(expected[step]?.[i] ?? Number.NaN, 12)))
}

describe('the first three steps of each optimizer match the published rules', () => {
  it('sgd: x ← x − η·g', () => {
    const actual = threeSteps(optim.sgd({ learningRate: 0.1 }))
    // By hand for the first coordinate: g = 1.4 → 0.86; g = 1.12 → 0.748; g = 0.896 → 0.6584.
    expect(actual.map((row) => row[0])).toEqual([0.86, 0.748, 0.6584].map((v) => expect.closeTo(v, 14)))
    expectTrajectory(actual, reference((x, g) => x - 0.1 * g, () => []))
  })
  it('sgd with momentum: v ← β·v + g, x ← x − η·v (and the same as momentum())', () => {
    const rule = (x: number, g: number, _t: number, m: number[]): number => {
      m[0] = 0.9 * (m[0] ?? 0) + g
      return x - 0.1 * (m[0] ?? 0)
    }
    const expected = reference(rule, () => [0])
    // By hand for the first coordinate: v = 1.4 → 0.86; g = 1.12, v = 2.38 → 0.622.
    expect(expected[1]?.[0]).toBeCloseTo(0.622, 14)
    expectTrajectory(threeSteps(optim.sgd({ learningRate: 0.1, momentum: 0.9 })), expected)
    expectTrajectory(threeSteps(optim.momentum({ learningRate: 0.1, momentum: 0.9 })), expected)
  })
  it('nesterov: v ← β·v + g, x ← x − η·(β·v + g) (and the same as sgd({ nesterov: true }))', () => {
    const rule = (x: number, g: number, _t: number, m: number[]): number => {
      m[0] = 0.9 * (m[0] ?? 0) + g
      return x - 0.1 * (0.9 * (m[0] ?? 0) + g)
    }
    const expected = reference(rule, () => [0])
    // By hand, first coordinate, first step: v = 1.4, step 0.1·(1.26 + 1.4) = 0.266 → 0.734.
    expect(expected[0]?.[0]).toBeCloseTo(0.734, 14)
    expectTrajectory(threeSteps(optim.nesterov({ learningRate: 0.1, momentum: 0.9 })), expected)
    expectTrajectory(threeSteps(optim.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true })), expected)
  })
  it('adam: bias-corrected moments, x ← x − η·m̂ / (√v̂ + ε)', () => {
    const [b1, b2, eps, lr] = [0.9, 0.999, 1e-8, 0.1]
    const rule = (x: number, g: number, t: number, m: number[]): number => {
      m[0] = b1 * (m[0] ?? 0) + (1 - b1) * g
      m[1] = b2 * (m[1] ?? 0) + (1 - b2) * g * g
      const mHat = (m[0] ?? 0) / (1 - b1 ** t)
      const vHat = (m[1] ?? 0) / (1 - b2 ** t)
      return x - (lr * mHat) / (Math.sqrt(vHat) + eps)
    }
    const actual = threeSteps(optim.adam({ learningRate: lr }))
    // By hand, first step: m̂ = g and v̂ = g², so x1 = x0 − η·g / (|g| + ε).
    expect(actual[0]?.[0]).toBeCloseTo(1 - (0.1 * 1.4) / (1.4 + 1e-8), 15)
    expect(actual[0]?.[1]).toBeCloseTo(-2 + (0.1 * 4.2) / (4.2 + 1e-8), 15)
    expectTrajectory(actual, reference(rule, () => [0, 0]))
  })
  it('adamw: x ← x − η·(m̂ / (√v̂ + ε) + λ·x)', () => {
    const [b1, b2, eps, lr, wd] = [0.9, 0.999, 1e-8, 0.1, 0.05]
    const rule = (x: number, g: number, t: number, m: number[]): number => {
      m[0] = b1 * (m[0] ?? 0) + (1 - b1) * g
      m[1] = b2 * (m[1] ?? 0) + (1 - b2) * g * g
      const mHat = (m[0] ?? 0) / (1 - b1 ** t)
      const vHat = (m[1] ?? 0) / (1 - b2 ** t)
      return x - lr * (mHat / (Math.sqrt(vHat) + eps) + wd * x)
    }
    const actual = threeSteps(optim.adamw({ learningRate: lr, weightDecay: wd }))
    expect(actual[0]?.[0]).toBeCloseTo(1 - 0.1 * (1.4 / (1.4 + 1e-8) + 0.05), 15)
    expectTrajectory(actual, reference(rule, () => [0, 0]))
  })
  it('rmsprop: s ← ρ·s + (1 − ρ)·g², x ← x − η·g / (√s + ε)', () => {
    const rule = (x: number, g: number, _t: number, m: number[]): number => {
      m[0] = 0.9 * (m[0] ?? 0) + 0.1 * g * g
      return x - (0.01 * g) / (Math.sqrt(m[0] ?? 0) + 1e-8)
    }
    const actual = threeSteps(optim.rmsprop({ learningRate: 0.01 }))
    // By hand, first step: s = 0.1·g², so x1 = x0 − η·g / (√0.1·|g| + ε) ≈ x0 − η·√10·sign(g).
    expect(actual[0]?.[0]).toBeCloseTo(1 - (0.01 * 1.4) / (Math.sqrt(0.1) * 1.4 + 1e-8), 15)
    expectTrajectory(actual, reference(rule, () => [0]))
  })
  it('adagrad: a ← a + g² (from 0.1), x ← x − η·g / √(a + ε)', () => {
    const rule = (x: number, g: number, _t: number, m: number[]): number => {
      m[0] = (m[0] ?? 0) + g * g
      return x - (0.1 * g) / Math.sqrt((m[0] ?? 0) + 1e-7)
    }
    const actual = threeSteps(optim.adagrad({ learningRate: 0.1 }))
    expect(actual[0]?.[0]).toBeCloseTo(1 - (0.1 * 1.4) / Math.sqrt(0.1 + 1.96 + 1e-7), 15)
    expectTrajectory(actual, reference(rule, () => [0.1]))
  })
  it('a schedule sets the rate of each step: η(0) for the first', () => {
    const rates = [0.1, 0.05, 0.025]
    const actual = threeSteps(optim.sgd({ learningRate: (step) => rates[step] ?? 0 }))
    expectTrajectory(actual, reference((x, g, t) => x - (rates[t - 1] ?? 0) * g, () => []))
  })
})

describe('epsilon placement in adam and rmsprop', () => {
  const tiny = { w: T.vector([1e-10]) }
  it('adam adds ε outside the square root, after bias correction: 1e-10 / (1e-10 + 1e-8) = 1/101', () => {
    const t = optim.scaleByAdam()
    const [u] = t.update(tiny, t.init(tiny))
    const ours = T.item(T.reshape(optim.applyUpdates({ w: T.vector([0]) }, u).w, []))
    expect(ours).toBeCloseTo(1 / 101, 15)
    // With ε inside the root the first step would be 1e-10 / √(1e-20 + 1e-8) ≈ 1e-6: four orders smaller.
    const inside = 1e-10 / Math.sqrt(1e-20 + 1e-8)
    expect(inside).toBeCloseTo(1e-6, 12)
    expect(ours / inside).toBeGreaterThan(5e3)
  })
  it('rmsprop adds ε outside the square root: 1e-10 / (√0.1·1e-10 + 1e-8)', () => {
    const t = optim.scaleByRms()
    const [u] = t.update(tiny, t.init(tiny))
    const ours = T.item(T.reshape(optim.applyUpdates({ w: T.vector([0]) }, u).w, []))
    expect(ours).toBeCloseTo(1e-10 / (Math.sqrt(0.1) * 1e-10 + 1e-8), 15)
    expect(ours / (1e-10 / Math.sqrt(0.1 * 1e-20 + 1e-8))).toBeGreaterThan(5e3)
  })
})

describe('optimizer laws', () => {
  const params = treeArb({ maxAbs: 10 })
  const fixedPointOptimizers: ReadonlyArray<readonly [string, GradientTransformation<unknown>]> = [
    ['sgd', optim.sgd({ learningRate: 0.1 })],
    ['sgd with momentum', optim.sgd({ learningRate: 0.1, momentum: 0.5 })],
    ['momentum', optim.momentum()],
    ['nesterov', optim.nesterov()],
    ['adam', optim.adam()],
    ['rmsprop', optim.rmsprop()],
    ['adagrad', optim.adagrad()],
    ['adam with clipping', optim.chain(optim.clipByGlobalNorm(1), optim.clipByValue(0.5), optim.scaleByAdam(), optim.scaleByLearningRate(0.01))],
  ]
  for (const [name, optimizer] of fixedPointOptimizers) {
    it(`${name}: a zero gradient leaves every parameter fixed`, () => zeroGradientFixedPointLaw(optimizer, params))
  }
  it('adamw: weight decay moves parameters even without a gradient (the law can fail)', () => {
    const result = checkZeroGradientFixedPoint(optim.adamw({ weightDecay: 0.1 }), { w: T.vector([1, 0]) })
    expect(result.holds).toBe(false)
    expect(result.detail).toMatch(/at w\[0\]: 1 -> /)
  })
  const allOptimizers: ReadonlyArray<readonly [string, GradientTransformation<unknown>]> = [
    ...fixedPointOptimizers,
    ['adamw', optim.adamw({ weightDecay: 0.1 })],
    ['scheduled sgd', optim.sgd({ learningRate: optim.cosineDecay({ initial: 0.1, decaySteps: 2 }) })],
  ]
  for (const [name, optimizer] of allOptimizers) {
    it(`${name}: init, update and applyUpdates never mutate params, grads or state`, () => noMutationLaw(optimizer, params))
  }
})

describe('option validation', () => {
  const cases: ReadonlyArray<readonly [() => unknown, string]> = [
    [() => optim.adam({ learningRate: -1 }), 'adam: learningRate must be a positive number, got -1'],
    [() => optim.adam({ learningRate: 0 }), 'adam: learningRate must be a positive number, got 0'],
    [() => optim.sgd({ learningRate: Number.NaN }), 'sgd: learningRate must be a positive number, got NaN'],
    [() => optim.sgd({ learningRate: Number.POSITIVE_INFINITY }), 'sgd: learningRate must be finite, got Infinity'],
    [() => optim.sgd({ momentum: 1 }), 'sgd: momentum must be in [0, 1), got 1'],
    [() => optim.momentum({ momentum: -0.1 }), 'momentum: momentum must be in [0, 1), got -0.1'],
    [() => optim.nesterov({ learningRate: -0.1 }), 'nesterov: learningRate must be a positive number, got -0.1'],
    [() => optim.adam({ beta1: 1 }), 'adam: beta1 must be in [0, 1), got 1'],
    [() => optim.adam({ beta2: Number.NaN }), 'adam: beta2 must be in [0, 1), got NaN'],
    [() => optim.adam({ eps: 0 }), 'adam: eps must be a positive number, got 0'],
    [() => optim.adamw({ weightDecay: -1 }), 'adamw: weightDecay must be a finite number >= 0, got -1'],
    [() => optim.adamw({ beta1: 1.5 }), 'adamw: beta1 must be in [0, 1), got 1.5'],
    [() => optim.rmsprop({ decay: 1 }), 'rmsprop: decay must be in [0, 1), got 1'],
    [() => optim.rmsprop({ eps: -1e-8 }), 'rmsprop: eps must be a positive number, got -1e-8'],
    [() => optim.adagrad({ initialAccumulator: -0.1 }), 'adagrad: initialAccumulator must be a finite number >= 0, got -0.1'],
    [() => optim.adagrad({ learningRate: -2 }), 'adagrad: learningRate must be a positive number, got -2'],
  ]
  for (const [make, message] of cases) {
    it(`throws "${message}"`, () => {
      expect(make).toThrow(message)
      expect(make).toThrow(T.ArgumentError)
    })
  }
})

describe('adam as Keras computes it ({ keras: true })', () => {
  it('matches Keras’s update bit for bit: α = η·√(1 − β2ᵗ)/(1 − β1ᵗ), m ← m + (g − m)(1 − β1), v ← v + (g² − v)(1 − β2), x ← x − m·α/(√v + ε̂)', () => {
    const [b1, b2, eps, lr] = [0.9, 0.999, 1e-7, 0.1]
    // Keras's ResourceApplyAdam / keras.optimizers.Adam.update_step, written out in float64.
    const rule = (x: number, g: number, t: number, m: number[]): number => {
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)
      m[0] = (m[0] ?? 0) + (g - (m[0] ?? 0)) * (1 - b1)
      m[1] = (m[1] ?? 0) + (g * g - (m[1] ?? 0)) * (1 - b2)
      return x - ((m[0] ?? 0) * alpha) / (Math.sqrt(m[1] ?? 0) + eps)
    }
    const actual = threeSteps(optim.adam({ learningRate: lr, keras: true }))
    const expected = reference(rule, () => [0, 0])
    expect(actual).toEqual(expected) // digit for digit, not within a tolerance
    // By hand, first step of w[0] (g = 1.4): m = 0.14, v = 0.00196, α = 0.1·√0.001/0.1 = √0.001,
    // x = 1 − 0.14·√0.001/(0.0442718872… + 1e-7).
    expect(actual[0]?.[0]).toBeCloseTo(1 - (0.14 * Math.sqrt(0.001)) / (Math.sqrt(0.00196) + 1e-7), 15)
  })
  it('defaults to Keras’s ε = 1e-7 and differs from the optax form where ε matters', () => {
    const tiny = { w: T.vector([1e-9]) }
    const keras = optim.adam({ learningRate: 1, keras: true })
    const optax = optim.adam({ learningRate: 1 })
    const k = keras.update(tiny, keras.init(tiny))[0]
    const o = optax.update(tiny, optax.init(tiny))[0]
    // Keras: −(0.1e-9·√0.001/0.1)/(√(1e-21) + 1e-7) = −1e-9·√0.001/(3.16e-11 + 1e-7); optax: −1e-9/(1e-9 + 1e-8).
    const kw = tree.leaves(k)[0]?.value.data[0] ?? 0
    const ow = tree.leaves(o)[0]?.value.data[0] ?? 0
    expect(kw).toBeCloseTo(-(1e-10 * Math.sqrt(0.001) / 0.1) / (Math.sqrt(1e-21) + 1e-7), 18)
    expect(ow).toBeCloseTo(-1e-9 / (1e-9 + 1e-8), 15)
  })
  it('takes a schedule and keeps the state shape of the optax form', () => {
    const opt = optim.adam({ learningRate: (step) => 0.1 / (step + 1), keras: true })
    const p = { w: T.vector([1]) }
    const [, s1] = opt.update({ w: T.vector([1]) }, opt.init(p))
    // Step counts are scalar tensors (a compiled training step carries them through its plan).
    expect(s1[0].step).toEqual(T.scalar(1))
    expect(s1[1].step).toEqual(T.scalar(1))
  })
})
