import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkNoMutation, gradientsLike, noMutationLaw } from '../../laws/optimizer.js'
import * as optim from '../../src/optim/index.js'
import type { GradientTransformation } from '../../src/optim/index.js'
import * as T from '../../src/tensor/index.js'
import * as tree from '../../src/tree/index.js'
import type { Tree } from '../../src/tree/index.js'
import { treeArb } from '../tree/arbitraries.js'

/** Params with two gradient trees of the same structure. */
const paramsAndGrads = treeArb({ maxAbs: 10 }).chain((p) => fc.tuple(fc.constant(p), gradientsLike(p), gradientsLike(p)))

/** Bitwise equality of two trees of the same structure (Object.is per element). */
const sameBits = (a: Tree, b: Tree): boolean => {
  const la = tree.leaves(a)
  const lb = tree.leaves(b)
  return la.length === lb.length && la.every((l, i) => l.path === lb[i]?.path && T.shapesEqual(l.value.shape, lb[i]?.value.shape ?? []) && l.value.data.every((x, k) => Object.is(x, lb[i]?.value.data[k])))
}

/** Updates of two steps of `t` from its initial state. */
const twoSteps = <S>(t: GradientTransformation<S>, params: Tree, g1: Tree, g2: Tree): readonly [Tree, Tree] => {
  const [u1, s1] = t.update(g1, t.init(params), params)
  const [u2] = t.update(g2, s1, params)
  return [u1, u2]
}

describe('identity', () => {
  it('returns the gradient as the update and keeps its empty state', () => {
    const g = { w: T.vector([1, 2]) }
    const [u, s] = optim.identity().update(g, optim.identity().init(g))
    expect(u).toBe(g)
    expect(s).toEqual({})
  })
})

describe('chain', () => {
  it('of identities is the identity', () =>
    fc.assert(
      fc.property(paramsAndGrads, ([p, g1, g2]) => {
        const [u1, u2] = twoSteps(optim.chain(optim.identity(), optim.identity(), optim.identity()), p, g1, g2)
        return sameBits(u1, g1) && sameBits(u2, g2)
      }),
    ))
  it('of nothing is the identity, with state []', () => {
    const g = { w: T.vector([3]) }
    const empty = optim.chain()
    expect(empty.init(g)).toEqual([])
    expect(empty.update(g, empty.init(g))[0]).toBe(g)
  })
  it('has identity as a unit on both sides', () =>
    fc.assert(
      fc.property(paramsAndGrads, ([p, g1, g2]) => {
        const plain = twoSteps(optim.adam({ learningRate: 0.1 }), p, g1, g2)
        const left = twoSteps(optim.chain(optim.identity(), optim.adam({ learningRate: 0.1 })), p, g1, g2)
        const right = twoSteps(optim.chain(optim.adam({ learningRate: 0.1 }), optim.identity()), p, g1, g2)
        return sameBits(left[0], plain[0]) && sameBits(left[1], plain[1]) && sameBits(right[0], plain[0]) && sameBits(right[1], plain[1])
      }),
    ))
  it('is associative', () =>
    fc.assert(
      fc.property(paramsAndGrads, ([p, g1, g2]) => {
        const [a, b, c] = [optim.clipByValue(3), optim.traceMomentum({ decay: 0.5 }), optim.scaleByLearningRate(0.1)]
        const nestedLeft = twoSteps(optim.chain(optim.chain(a, b), c), p, g1, g2)
        const nestedRight = twoSteps(optim.chain(a, optim.chain(b, c)), p, g1, g2)
        return sameBits(nestedLeft[0], nestedRight[0]) && sameBits(nestedLeft[1], nestedRight[1])
      }),
    ))
  it('feeds each transformation the updates of the one before, and keeps the tuple of their states', () => {
    const t = optim.chain(optim.scale(2), optim.scaleByLearningRate(0.5))
    const g = { w: T.vector([1, -3]) }
    const s0 = t.init(g)
    expect(s0).toEqual([{}, { step: T.scalar(0) }])
    const [u, s1] = t.update(g, s0)
    expect(Array.from(tree.leaves(u)[0]?.value.data ?? [])).toEqual([-1, 3])
    expect(s1).toEqual([{}, { step: T.scalar(1) }])
  })
  it('rejects a state of the wrong length', () => {
    const t = optim.chain(optim.identity(), optim.identity())
    const short = JSON.parse('[{}]') as readonly [optim.EmptyState, optim.EmptyState]
    expect(() => t.update({ w: T.vector([1]) }, short)).toThrow('chain: expected a state for each of the 2 transformations, got 1')
  })
})

describe('applyUpdates', () => {
  it('adds the updates leaf by leaf', () => {
    const p = optim.applyUpdates({ w: T.vector([1, 2]), layers: [T.scalar(3)] }, { w: T.vector([-0.5, 0.5]), layers: [T.scalar(-3)] })
    expect(Array.from(p.w.data)).toEqual([0.5, 2.5])
    expect(Array.from(p.layers[0]?.data ?? [])).toEqual([0])
  })
  it('with zero updates gives the parameters back, value for value', () =>
    fc.assert(fc.property(treeArb(), (p) => sameBits(optim.applyUpdates(p, tree.zerosLike(p)), tree.map(p, (x) => T.addScalar(x, 0))))))
  it('throws a TreeError naming the path where structures differ', () => {
    expect(() => optim.applyUpdates({ w: T.vector([1]) }, { v: T.vector([1]) })).toThrow(tree.TreeError)
    expect(() => optim.applyUpdates({ w: T.vector([1]) }, { w: T.vector([1, 2]) })).toThrow(/leaf shapes differ at w/)
  })
})

describe('the no-mutation law', () => {
  it('catches a transformation that writes into the gradient (the law can fail)', () => {
    const vandal: GradientTransformation<{ readonly step: number }> = {
      init: () => ({ step: 0 }),
      update: (grads, state) => {
        const first = tree.leaves(grads)[0]?.value
        if (first !== undefined && first.data.length > 0) (first.data as Float64Array)[0] = 42
        return [grads, state]
      },
    }
    const result = checkNoMutation(vandal, { w: T.vector([1, 2]) }, [{ w: T.vector([3, 4]) }])
    expect(result.holds).toBe(false)
    expect(result.detail).toMatch(/update 1 changed grads at \.w\.data\[0\]: 3 -> 42/)
  })
  it('catches a transformation that changes its state in place', () => {
    const counter: GradientTransformation<{ step: number }> = {
      init: () => ({ step: 0 }),
      update: (grads, state) => {
        state.step += 1
        return [grads, state]
      },
    }
    expect(checkNoMutation(counter, { w: T.vector([1]) }, [{ w: T.vector([1]) }]).detail).toMatch(/update 1 changed state at \.step: 0 -> 1/)
  })
  it('holds for identity and chain', () => noMutationLaw(optim.chain(optim.identity(), optim.scale(-1)), treeArb()))
})
