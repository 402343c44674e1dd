import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { associativityLaw, categoryLaws, checkAssociativity, checkLeftIdentity, checkRightIdentity, denseStack, identityLaws } from '../../laws/category.js'
import * as nn from '../../src/nn/index.js'
import type { Layer } from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'

describe('category laws of sequential', () => {
  it('hold for generated dense stacks (identity on either side, associativity)', () => categoryLaws(denseStack(), [3]))

  it('hold for mixed layers, stateful ones included, in training mode without a key', () => {
    const mixed = fc.constantFrom<Layer>(nn.batchNorm(), nn.layerNorm(), nn.dense(3), nn.residual(nn.dense(3)), nn.tanh, nn.parallel('add', nn.dense(3), nn.identity))
    identityLaws(mixed, [3], { ctx: { training: true }, maxBatch: 4 })
    associativityLaw(fc.tuple(mixed, mixed, mixed), [3], { ctx: { training: true }, maxBatch: 4 })
  })

  it('report bit-identical outputs and equal parameter counts', () => {
    const x = T.tensor([[1, 2, 3]])
    const stack = nn.sequential(nn.dense(4), nn.relu, nn.dense(2))
    for (const result of [
      checkLeftIdentity(stack, [3], x, random.key(1)),
      checkRightIdentity(stack, [3], x, random.key(1)),
      checkAssociativity(nn.dense(4), nn.tanh, nn.dense(2), [3], x, random.key(1)),
    ]) {
      expect(result.holds).toBe(true)
      expect(result.actual).toBe(0)
    }
  })

  it('can fail: a layer whose output changes between calls breaks them', () => {
    let calls = 0
    const impure: Layer = {
      name: 'impure',
      spec: { kind: 'impure' },
      init: (_k, shape) => ({ params: {}, state: {}, outputShape: shape }),
      apply: (_p, state, x) => ({ y: T.addScalar(T.zeros([1, 3]), calls++), state }),
    }
    const x = T.tensor([[1, 2, 3]])
    const left = checkLeftIdentity(impure, [3], x, random.key(0))
    expect(left.holds).toBe(false)
    expect(left.detail).toMatch(/outputs differ at tensor 0, element 0/)
    expect(checkAssociativity(nn.identity, impure, nn.identity, [3], x, random.key(0)).holds).toBe(false)
  })

  it('can fail: a parameter count that depends on the nesting is caught', () => {
    // A layer whose params depend on the key: the composite gives it a different key than init alone.
    const keyed: Layer = {
      name: 'keyed',
      spec: { kind: 'keyed' },
      init: (k, shape) => ({ params: { w: T.zeros([1 + (k.words[0] % 3)]) }, state: {}, outputShape: shape }),
      apply: (_p, state, x) => ({ y: x, state }),
    }
    const results = fc.sample(
      fc.nat().map((seed) => checkLeftIdentity(keyed, [3], T.zeros([1, 3]), random.key(seed))),
      { numRuns: 30, seed: 1 },
    )
    expect(results.some((r) => !r.holds && /parameter counts/.test(r.detail))).toBe(true)
  })

  it('denseStack draws sequentials of dense layers and activations that take any rank-1 input', () => {
    fc.assert(
      fc.property(denseStack({ maxDepth: 4, maxUnits: 5 }), arb.shape({ minRank: 1, maxRank: 1, maxDim: 5 }), (layer, shape) => {
        expect(layer.spec.kind).toBe('sequential')
        expect(layer.children?.[0]?.spec.kind).toBe('dense')
        expect(layer.init(random.key(0), shape).outputShape).toHaveLength(1)
      }),
      { numRuns: 100 },
    )
  })
})
