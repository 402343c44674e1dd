import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as optim from '../../src/optim/index.js'
import * as T from '../../src/tensor/index.js'
import * as tree from '../../src/tree/index.js'

describe('constant', () => {
  it('is the same at every step', () => fc.assert(fc.property(fc.nat(), (step) => optim.constant(0.1)(step) === 0.1)))
})

describe('exponentialDecay', () => {
  const smooth = optim.exponentialDecay({ initial: 1, decayRate: 0.5, decaySteps: 10 })
  const stairs = optim.exponentialDecay({ initial: 1, decayRate: 0.5, decaySteps: 10, staircase: true })
  it('decays continuously: initial · rate^(step / decaySteps)', () => {
    expect(smooth(0)).toBe(1)
    expect(smooth(5)).toBeCloseTo(Math.SQRT1_2, 15)
    expect(smooth(10)).toBe(0.5)
    expect(smooth(30)).toBe(0.125)
  })
  it('with staircase, in whole periods', () => {
    expect(stairs(9)).toBe(1)
    expect(stairs(10)).toBe(0.5)
    expect(stairs(15)).toBe(0.5)
    expect(stairs(29)).toBe(0.25)
  })
  it('rejects bad options', () => {
    expect(() => optim.exponentialDecay({ initial: 1, decayRate: 0.5, decaySteps: 0 })).toThrow('exponentialDecay: decaySteps must be a positive number, got 0')
    expect(() => optim.exponentialDecay({ initial: -1, decayRate: 0.5, decaySteps: 1 })).toThrow('exponentialDecay: initial must be a positive number, got -1')
  })
})

describe('stepDecay', () => {
  it('drops by decayRate (default 0.1) at the end of each period', () => {
    const s = optim.stepDecay({ initial: 0.1, decaySteps: 100 })
    expect(s(0)).toBe(0.1)
    expect(s(99)).toBe(0.1)
    expect(s(100)).toBeCloseTo(0.01, 17)
    expect(s(250)).toBeCloseTo(0.001, 17)
    expect(optim.stepDecay({ initial: 1, decaySteps: 2, decayRate: 0.5 })(5)).toBe(0.25)
  })
})

describe('cosineDecay', () => {
  const s = optim.cosineDecay({ initial: 1, decaySteps: 100 })
  it('follows half a cosine to alpha · initial, then stays', () => {
    expect(s(0)).toBe(1)
    expect(s(50)).toBeCloseTo(0.5, 15)
    expect(s(25)).toBeCloseTo(0.5 * (1 + Math.SQRT1_2), 15)
    expect(s(100)).toBe(0)
    expect(s(500)).toBe(0)
    const floor = optim.cosineDecay({ initial: 2, decaySteps: 10, alpha: 0.1 })
    expect(floor(10)).toBeCloseTo(0.2, 15)
    expect(floor(0)).toBeCloseTo(2, 15)
  })
  it('never increases', () => fc.assert(fc.property(fc.nat(200), (step) => s(step + 1) <= s(step))))
  it('rejects alpha outside [0, 1]', () => expect(() => optim.cosineDecay({ initial: 1, decaySteps: 10, alpha: 2 })).toThrow('cosineDecay: alpha must be in [0, 1], got 2'))
})

describe('linearWarmup', () => {
  it('ramps from initial to peak, then holds', () => {
    const s = optim.linearWarmup({ warmupSteps: 10, peak: 1 })
    expect([0, 5, 10, 50].map(s)).toEqual([0, 0.5, 1, 1])
    expect(optim.linearWarmup({ warmupSteps: 4, peak: 1, initial: 0.2 })(2)).toBeCloseTo(0.6, 15)
  })
  it('rejects bad options', () => expect(() => optim.linearWarmup({ warmupSteps: 0, peak: 1 })).toThrow('linearWarmup: warmupSteps must be a positive number, got 0'))
})

describe('join', () => {
  const warmupCosine = optim.join([optim.linearWarmup({ warmupSteps: 100, peak: 1e-3 }), optim.cosineDecay({ initial: 1e-3, decaySteps: 900 })], [100])
  it('hands over at the boundary, offsetting the step of the later schedule', () => {
    expect(warmupCosine(0)).toBe(0)
    expect(warmupCosine(50)).toBeCloseTo(5e-4, 18)
    expect(warmupCosine(99)).toBeCloseTo(9.9e-4, 18)
    expect(warmupCosine(100)).toBe(1e-3) // the cosine's own step 0
    expect(warmupCosine(550)).toBeCloseTo(5e-4, 18) // the cosine's step 450 of 900
    expect(warmupCosine(1000)).toBeCloseTo(0, 18)
  })
  it('chains three schedules', () => {
    const s = optim.join([optim.constant(1), optim.constant(2), (step) => step], [10, 20])
    expect([0, 9, 10, 19, 20, 25].map(s)).toEqual([1, 1, 2, 2, 0, 5])
  })
  it('rejects mismatched or decreasing boundaries', () => {
    expect(() => optim.join([optim.constant(1)], [10])).toThrow('join: needs one boundary fewer than schedules, got 1 schedules and 1 boundaries')
    expect(() => optim.join([optim.constant(1), optim.constant(2), optim.constant(3)], [10, 5])).toThrow('join: boundaries must be finite, >= 0 and increasing, got 5 at index 1')
  })
  it('drives scaleByLearningRate step by step', () => {
    const t = optim.scaleByLearningRate(optim.join([optim.constant(1), optim.constant(0.5)], [1]))
    const g = { w: T.vector([2]) }
    const [u0, s1] = t.update(g, t.init(g))
    const [u1, s2] = t.update(g, s1)
    const [u2] = t.update(g, s2)
    expect([u0, u1, u2].map((u) => tree.leaves(u)[0]?.value.data[0])).toEqual([-2, -1, -1])
  })
})
