import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { gradientsLike } from '../../laws/optimizer.js'
import * as optim from '../../src/optim/index.js'
import * as T from '../../src/tensor/index.js'
import type { Tensor } from '../../src/tensor/index.js'
import * as tree from '../../src/tree/index.js'
import type { Tree } from '../../src/tree/index.js'
import { treeArb } from '../tree/arbitraries.js'
import { fusedScalars } from '../../src/optim/fused.js'

const data = (t: Tree): number[] => tree.leaves(t).flatMap((l) => Array.from(l.value.data))
const g = { w: T.vector([1, -2]), b: T.vector([0.5]) }

describe('scale', () => {
  it('multiplies every leaf', () => expect(data(optim.scale(-0.5).update(g, {})[0])).toEqual([-0.5, 1, -0.25]))
  it('rejects a non-finite factor', () => expect(() => optim.scale(Number.NaN)).toThrow('scale: factor must be a finite number, got NaN'))
})

describe('scaleByLearningRate', () => {
  it('multiplies by −η and counts steps', () => {
    const t = optim.scaleByLearningRate(0.1)
    const s0 = t.init(g)
    expect(s0).toEqual({ step: T.scalar(0) })
    const [u, s1] = t.update(g, s0)
    expect(data(u)).toEqual([-0.1, 0.2, -0.05])
    expect(t.update(g, s1)[1]).toEqual({ step: T.scalar(2) })
  })
  it('asks a schedule for the rate of the current step, starting at 0', () => {
    const t = optim.scaleByLearningRate((step) => step + 1)
    const [u0, s1] = t.update(g, t.init(g))
    const [u1] = t.update(g, s1)
    expect(data(u0)).toEqual([-1, 2, -0.5])
    expect(data(u1)).toEqual([-2, 4, -1])
  })
  it('accepts a schedule value of 0 and rejects a negative one, naming the step', () => {
    const t = optim.scaleByLearningRate((step) => (step === 0 ? 0 : -1))
    const [u, s1] = t.update(g, t.init(g))
    expect(data(u).map((x) => x + 0)).toEqual([0, 0, 0])
    expect(() => t.update(g, s1)).toThrow('scaleByLearningRate: the schedule gave the learning rate -1 at step 1; it must be a finite number >= 0')
  })
  it('rejects a bad constant rate', () => {
    expect(() => optim.scaleByLearningRate(0)).toThrow('scaleByLearningRate: learningRate must be a positive number, got 0')
  })
})

describe('traceMomentum', () => {
  it('accumulates v ← β·v + g and returns v', () => {
    const t = optim.traceMomentum({ decay: 0.5 })
    const [u1, s1] = t.update(g, t.init(g))
    const [u2, s2] = t.update(g, s1)
    expect(data(u1)).toEqual([1, -2, 0.5])
    expect(data(u2)).toEqual([1.5, -3, 0.75])
    expect(data(s2.velocity)).toEqual([1.5, -3, 0.75])
  })
  it('with nesterov returns β·v + g for the new v', () => {
    const t = optim.traceMomentum({ decay: 0.5, nesterov: true })
    const [u1, s1] = t.update(g, t.init(g))
    expect(data(u1)).toEqual([1.5, -3, 0.75]) // v = g, u = 0.5·g + g
    const [u2] = t.update(g, s1)
    expect(data(u2)).toEqual([1.75, -3.5, 0.875]) // v = 1.5·g, u = 0.75·g + g
  })
  it('with β = 0 passes the gradient through', () => {
    const t = optim.traceMomentum({ decay: 0 })
    expect(t.update(g, t.init(g))[0]).toBe(g)
  })
  it('rejects β outside [0, 1)', () => expect(() => optim.traceMomentum({ decay: 1 })).toThrow('traceMomentum: decay must be in [0, 1), got 1'))
})

describe('scaleByAdam', () => {
  it('keeps the step count and both moments in its state', () => {
    const t = optim.scaleByAdam({ beta1: 0.5, beta2: 0.75 })
    const [, s1] = t.update(g, t.init(g))
    expect(s1.step).toEqual(T.scalar(1))
    expect(data(s1.mu)).toEqual([0.5, -1, 0.25])
    expect(data(s1.nu)).toEqual([0.25, 1, 0.0625])
  })
  it('gives g / (|g| + ε) on the first step, for any β', () =>
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.99, noNaN: true }), fc.double({ min: 0, max: 0.999, noNaN: true }), (beta1, beta2) => {
        const t = optim.scaleByAdam({ beta1, beta2 })
        const u = data(t.update(g, t.init(g))[0])
        return [1, -2, 0.5].every((gi, i) => Math.abs((u[i] ?? Number.NaN) - gi / (Math.abs(gi) + 1e-8)) < 1e-12)
      }),
    ))
  it('rejects bad options', () => {
    expect(() => optim.scaleByAdam({ beta1: -0.1 })).toThrow('scaleByAdam: beta1 must be in [0, 1), got -0.1')
    expect(() => optim.scaleByAdam({ eps: 0 })).toThrow('scaleByAdam: eps must be a positive number, got 0')
  })
})

describe('scaleByRms', () => {
  it('is g / (√v + ε) with v ← ρ·v + (1 − ρ)·g²', () => {
    const t = optim.scaleByRms({ decay: 0.5 })
    const [u1, s1] = t.update({ w: T.vector([2]) }, t.init({ w: T.vector([0]) }))
    expect(data(s1.nu)).toEqual([2])
    expect(data(u1)[0]).toBeCloseTo(2 / (Math.sqrt(2) + 1e-8), 15)
  })
})

describe('scaleByAdagrad', () => {
  it('starts its accumulator at 0.1 (or as asked) and divides by √(a + ε)', () => {
    const t = optim.scaleByAdagrad()
    expect(data(t.init(g).accumulator)).toEqual([0.1, 0.1, 0.1])
    const [u, s1] = t.update({ w: T.vector([1]) }, t.init({ w: T.vector([0]) }))
    expect(data(s1.accumulator)).toEqual([1.1])
    expect(data(u)[0]).toBeCloseTo(1 / Math.sqrt(1.1 + 1e-7), 15)
    const zero = optim.scaleByAdagrad({ initialAccumulator: 0 })
    expect(data(zero.init(g).accumulator)).toEqual([0, 0, 0])
  })
})

describe('addDecayedWeights', () => {
  it('adds λ·params', () => expect(data(optim.addDecayedWeights(0.1).update({ w: T.vector([1]) }, {}, { w: T.vector([5]) })[0])).toEqual([1.5]))
  it('needs the parameters', () =>
    expect(() => optim.addDecayedWeights(0.1).update(g, {})).toThrow('addDecayedWeights: update needs the parameters: pass them as the third argument'))
})

describe('clipByGlobalNorm', () => {
  it('rescales to the bound when the norm exceeds it', () => {
    const [u] = optim.clipByGlobalNorm(1).update({ a: T.vector([3]), b: T.vector([4]) }, {})
    expect(data(u)[0]).toBeCloseTo(0.6, 15)
    expect(data(u)[1]).toBeCloseTo(0.8, 15)
  })
  it('returns a gradient within the bound as it is', () => {
    expect(optim.clipByGlobalNorm(10).update(g, {})[0]).toBe(g)
  })
  it('leaves a norm ≤ maxNorm and keeps the direction', () =>
    fc.assert(
      fc.property(
        treeArb({ maxAbs: 100 }).chain((p) => gradientsLike(p, { maxAbs: 100 })),
        fc.double({ min: 0.01, max: 50, noNaN: true }),
        (grads, maxNorm) => {
          const [u] = optim.clipByGlobalNorm(maxNorm).update(grads, {})
          const before = tree.globalNorm(grads)
          const after = tree.globalNorm(u)
          expect(after).toBeLessThanOrEqual(maxNorm * (1 + 1e-12))
          const factor = before > maxNorm ? maxNorm / before : 1
          data(u).forEach((x, i) => expect(x).toBeCloseTo((data(grads)[i] ?? Number.NaN) * factor, 9))
        },
      ),
    ))
  it('rejects a bound ≤ 0', () => expect(() => optim.clipByGlobalNorm(0)).toThrow('clipByGlobalNorm: maxNorm must be a positive number, got 0'))
})

describe('clipByValue', () => {
  it('clamps every coordinate to [−δ, δ]', () => expect(data(optim.clipByValue(1).update({ w: T.vector([-3, 0.5, 2]) }, {})[0])).toEqual([-1, 0.5, 1]))
  it('rejects δ ≤ 0', () => expect(() => optim.clipByValue(-1)).toThrow('clipByValue: maxDelta must be a positive number, got -1'))
})

describe('state is plain data', () => {
  it("adam's state is a tuple of records: step counts and moment trees", () => {
    const t = optim.adam()
    const p: { readonly w: Tensor } = { w: T.vector([1, 2]) }
    const [, s] = t.update(p, t.init(p), p)
    const [adamState, lrState] = s
    expect(adamState.step).toEqual(T.scalar(1))
    expect(lrState.step).toEqual(T.scalar(1))
    expect(tree.isTree(adamState.mu) && tree.isTree(adamState.nu)).toBe(true)
  })
})

describe('fusedScalars (the per-step constants of an optimizer)', () => {
  it('computes its outputs from scalars, and names the op when an input is not one number', () => {
    const [t, c] = fusedScalars('test.count', [T.scalar(2)], 2, ([s], [t1, c1]) => {
      if (s === undefined || t1 === undefined || c1 === undefined) throw new Error('arity')
      t1[0] = (s[0] ?? 0) + 1
      c1[0] = 1 - 0.9 ** (t1[0] ?? 0)
    })
    expect(t).toEqual(T.scalar(3))
    expect(c?.data[0]).toBe(1 - 0.9 ** 3)
    expect(() => fusedScalars('test.count', [T.vector([1, 2])], 1, () => undefined)).toThrow(/test\.count: a scalar input must hold one number, got shape \[2\]/)
  })
})
