import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'
import * as ad from '../../src/ad/index.js'
import * as nn from '../../src/nn/index.js'
import type { ApplyContext, Layer } from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import type { Key } from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import { layerFunction, layerInput } from './arbitraries.js'

const k0 = random.key(0)
const inference: ApplyContext = { training: false }
const x34 = T.tensor([
  [0.5, -1, 2],
  [1.5, 0.25, -0.75],
  [-2, 1, 0],
  [0.1, 0.2, 0.3],
])

/** A layer that records the keys and inputs it is given (test only). */
const spy = (seen: { keys: (Key | undefined)[]; duals: boolean[] }): Layer => ({
  name: 'spy',
  spec: { kind: 'spy' },
  init: (_k, shape) => ({ params: {}, state: {}, outputShape: shape }),
  apply: (params, state, x, ctx) => {
    seen.keys.push(ctx.key)
    seen.duals.push(ad.isDual(x) || ad.isDual(params))
    return { y: x, state }
  },
})

const messageOf = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
  return 'no error'
}

describe('identity', () => {
  it('returns its input unchanged and has no parameters', () => {
    const { params, state, outputShape } = nn.identity.init(k0, [3])
    expect(params).toEqual({})
    expect(outputShape).toEqual([3])
    expect(nn.identity.apply(params, state, x34, inference).y).toBe(x34)
  })
  it('obeys the gradient laws', () => gradientLaws(layerFunction(nn.identity, [3]), layerInput(nn.identity, [3]), { numRuns: 30 }))
})

describe('input', () => {
  it('passes a matching input through', () => {
    const layer = nn.input([3])
    expect(layer.name).toBe('input([3])')
    expect(layer.spec).toEqual({ kind: 'input', shape: [3] })
    expect(layer.init(k0, [3]).outputShape).toEqual([3])
    expect(layer.apply({}, {}, x34, inference).y).toBe(x34)
  })
  it('refuses another shape at init and at apply', () => {
    expect(messageOf(() => nn.input([3]).init(k0, [4]))).toBe('input([3]): expects input [3], got [4]')
    expect(messageOf(() => nn.input([3]).apply({}, {}, T.zeros([2, 4]), inference))).toBe('input([3]): expects input [batch,3], got [2,4]')
    expect(() => nn.input([3]).apply({}, {}, T.zeros([3]), inference)).toThrow(nn.LayerError)
  })
  it('obeys the gradient laws', () => gradientLaws(layerFunction(nn.input([2, 2]), [2, 2]), layerInput(nn.input([2, 2]), [2, 2]), { numRuns: 30 }))
})

describe('sequential', () => {
  it('threads shapes at init and makes an array of the children’s params', () => {
    const model = nn.sequential(nn.dense(5), nn.relu, nn.dense(2))
    const { params, state, outputShape } = model.init(k0, [3])
    expect(outputShape).toEqual([2])
    expect(Array.isArray(params) && params.length).toBe(3)
    expect(state).toEqual([{}, {}, {}])
    expect(nn.countOf(params)).toBe(3 * 5 + 5 + 5 * 2 + 2)
  })
  it('splits the key once per child', () => {
    const [a, b] = random.split(k0, 2)
    const { params } = nn.sequential(nn.dense(4), nn.dense(2)).init(k0, [3])
    expect(params).toEqual([nn.dense(4).init(a ?? k0, [3]).params, nn.dense(2).init(b ?? k0, [4]).params])
  })
  it('computes the composition of its children', () => {
    const d1 = nn.dense(4)
    const d2 = nn.dense(2)
    const model = nn.sequential(d1, nn.tanh, d2)
    const { params, state } = model.init(k0, [3])
    const [p1, , p2] = params
    const h = ad.tanh(d1.apply(p1, {}, x34, inference).y)
    const expected = d2.apply(p2, {}, h, inference).y
    expect(model.apply(params, state, x34, inference).y).toEqual(expected)
  })
  it('gives child i the key foldIn(ctx.key, i), and no key when the context has none', () => {
    const seen = { keys: [] as (Key | undefined)[], duals: [] as boolean[] }
    const model = nn.sequential(spy(seen), spy(seen), nn.sequential(spy(seen)))
    const { params, state } = model.init(k0, [3])
    const key = random.key(42)
    model.apply(params, state, x34, { training: true, key })
    expect(seen.keys).toEqual([random.foldIn(key, 0), random.foldIn(key, 1), random.foldIn(random.foldIn(key, 2), 0)])
    seen.keys.length = 0
    model.apply(params, state, x34, inference)
    expect(seen.keys).toEqual([undefined, undefined, undefined])
  })
  it('runs the plain path on plain tensors: no Dual reaches any layer', () => {
    const seen = { keys: [] as (Key | undefined)[], duals: [] as boolean[] }
    const model = nn.sequential(nn.dense(4), spy(seen), nn.batchNorm(), nn.dropout(0.5), spy(seen), nn.dense(1))
    const { params, state } = model.init(k0, [3])
    const out = model.apply(params, state, x34, { training: true, key: k0 })
    expect(ad.isDual(out.y)).toBe(false)
    expect(seen.duals).toEqual([false, false])
  })
  it('with no layers is the identity', () => {
    const empty = nn.sequential()
    const { params, state, outputShape } = empty.init(k0, [3])
    expect(outputShape).toEqual([3])
    expect(empty.apply(params, state, x34, inference).y).toBe(x34)
  })
  it('describes itself as JSON', () => {
    const model = nn.sequential(nn.dense(12), nn.relu, nn.sequential(nn.dropout(0.25), nn.leakyRelu(0.2)))
    expect(model.spec).toEqual({
      kind: 'sequential',
      layers: [{ kind: 'dense', units: 12, useBias: true }, { kind: 'relu' }, { kind: 'sequential', layers: [{ kind: 'dropout', rate: 0.25 }, { kind: 'leakyRelu', alpha: 0.2 }] }],
    })
    expect(JSON.parse(JSON.stringify(model.spec))).toEqual(model.spec)
    expect(model.children?.map((c) => c.name)).toEqual(['dense(12)', 'relu', 'sequential'])
  })
  it('names the refusing layer, its input shape and the layer that made it', () => {
    expect(messageOf(() => nn.sequential(nn.dense(10), nn.input([12]), nn.dense(8)).init(k0, [4]))).toBe(
      'sequential: layer 2 input([12]) expects input [12], got [10] from layer 1 dense(10)',
    )
    expect(messageOf(() => nn.sequential(nn.dense(10), nn.sequential(nn.input([12]), nn.dense(8))).init(k0, [4]))).toBe(
      'sequential: layer 2 sequential › layer 1 input([12]) expects input [12], got [10] from layer 1 dense(10)',
    )
    expect(messageOf(() => nn.sequential(nn.dense(8)).init(k0, [3, 4]))).toBe(
      'sequential: layer 1 dense(8) expects input of rank 1 ([features]; put flatten() before dense), got [3,4]',
    )
    expect(messageOf(() => nn.sequential(nn.flatten(), nn.dense(8), nn.residual(nn.dense(4))).init(k0, [3, 4]))).toBe(
      'sequential: layer 3 residual needs its layer to keep the shape, but dense(4) maps [8] to [4] (input from layer 2 dense(8))',
    )
  })
  it('keeps the refusal’s structure in the error', () => {
    try {
      nn.sequential(nn.dense(10), nn.input([12])).init(k0, [4])
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(nn.LayerError)
      if (!(e instanceof nn.LayerError)) return
      expect(e._tag).toBe('LayerError')
      expect(e.layer).toBe('sequential')
      expect(e.path).toEqual(['layer 2 input([12])'])
      expect(e.detail).toBe('expects input [12], got [10]')
      expect(e.source).toBe('from layer 1 dense(10)')
      expect(e.cause).toBeInstanceOf(nn.LayerError)
    }
  })
  it('refuses params of another structure', () => {
    // A type error for typed layers; checked at run time for a general Layer (as JavaScript sees it).
    const model: nn.Layer = nn.sequential(nn.dense(2), nn.relu)
    const { state } = model.init(k0, [3])
    expect(messageOf(() => model.apply([{}], state, x34, inference))).toBe('sequential: params: expected an array of 2 (one per child layer), got an array of 1')
    expect(messageOf(() => model.apply([{}, {}], state, x34, inference))).toBe("dense(2): params: expected a tensor 'kernel', got nothing")
  })
  it('obeys the gradient laws with respect to params and input', () => {
    const model = nn.sequential(nn.dense(4), nn.tanh, nn.dense(3), nn.sigmoid, nn.dense(2))
    gradientLaws(layerFunction(model, [3]), layerInput(model, [3]), { numRuns: 30 })
  })
})

describe('parallel', () => {
  const a = nn.dense(4)
  const b = nn.sequential(nn.dense(2), nn.relu)
  it("concatenates the branches' outputs along the last axis", () => {
    const model = nn.parallel('concat', a, b)
    expect(model.name).toBe('parallel(concat)')
    const { params, state, outputShape } = model.init(k0, [3])
    expect(outputShape).toEqual([6])
    const [pa, pb] = params
    const [ka, kb] = random.split(k0, 2)
    expect(pa).toEqual(a.init(ka ?? k0, [3]).params)
    expect(pb).toEqual(b.init(kb ?? k0, [3]).params)
    const expected = T.concat([ad.primalTensor(a.apply(pa, {}, x34, inference).y), ad.primalTensor(b.apply(pb, [{}, {}], x34, inference).y)], -1)
    expect(model.apply(params, state, x34, inference).y).toEqual(expected)
  })
  it("adds the branches' outputs", () => {
    const model = nn.parallel('add', nn.dense(2), nn.identity, nn.dense(2))
    expect(() => model.init(k0, [3])).toThrow("parallel(add): 'add' needs equal branch output shapes, got [2], [3], [2]")
    const ok = nn.parallel('add', nn.dense(3), nn.identity)
    const { params, state } = ok.init(k0, [3])
    const [pd] = params
    const dense = ad.primalTensor(nn.dense(3).apply(pd, {}, x34, inference).y)
    expect(ok.apply(params, state, x34, inference).y).toEqual(T.add(dense, x34))
  })
  it('checks the merge at init and names a refusing branch', () => {
    expect(messageOf(() => nn.parallel('concat', nn.dense(2), nn.flatten()).init(k0, [3, 2]))).toBe(
      'parallel(concat): branch 1 dense(2) expects input of rank 1 ([features]; put flatten() before dense), got [3,2]',
    )
    expect(messageOf(() => nn.parallel('concat', nn.identity, nn.flatten()).init(k0, [3, 2]))).toBe(
      "parallel(concat): 'concat' needs branch outputs of rank ≥ 1 that agree on all but the last axis, got [3,2], [6]",
    )
    expect(() => nn.parallel('add')).toThrow(nn.LayerError)
  })
  it('obeys the gradient laws with respect to params and input', () => {
    const model = nn.parallel('concat', nn.dense(2), nn.sequential(nn.dense(3), nn.tanh))
    gradientLaws(layerFunction(model, [3]), layerInput(model, [3]), { numRuns: 30 })
  })
})

describe('residual', () => {
  it('computes x + f(x) with the inner layer’s params', () => {
    const inner = nn.sequential(nn.dense(3), nn.tanh)
    const model = nn.residual(inner)
    const { params, state, outputShape } = model.init(k0, [3])
    expect(outputShape).toEqual([3])
    expect(params).toEqual(inner.init(k0, [3]).params)
    const fx = ad.primalTensor(inner.apply(params, state, x34, inference).y)
    expect(model.apply(params, state, x34, inference).y).toEqual(T.add(x34, fx))
    expect(model.spec).toEqual({ kind: 'residual', layer: inner.spec })
  })
  it('refuses a layer that changes the shape', () => {
    expect(messageOf(() => nn.residual(nn.dense(2)).init(k0, [3]))).toBe('residual: needs its layer to keep the shape, but dense(2) maps [3] to [2]')
  })
  it('obeys the gradient laws with respect to params and input', () => {
    const model = nn.residual(nn.sequential(nn.dense(3), nn.tanh))
    gradientLaws(layerFunction(model, [3]), layerInput(model, [3]), { numRuns: 30 })
  })
})

describe('layers never mutate their inputs', () => {
  it('params, state and input keep their values through init and apply', () => {
    const model = nn.sequential(nn.dense(4), nn.batchNorm(), nn.dropout(0.5), nn.residual(nn.dense(4)), nn.layerNorm(), nn.dense(2), nn.softmax())
    fc.assert(
      fc.property(arb.tensorOf([3, 3], { min: -2, max: 2 }), fc.nat(), (x, seed) => {
        const { params, state } = model.init(random.key(seed), [3])
        const copies = JSON.stringify([params, state, x], (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v))
        model.apply(params, state, x, { training: true, key: random.key(seed) })
        ad.vjp((p: nn.Params<nn.ParamsOf<typeof model>>) => ad.sum(model.apply(p, state, x, { training: true, key: random.key(seed) }).y), params)[1](T.scalar(1))
        expect(JSON.stringify([params, state, x], (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v))).toBe(copies)
      }),
      { numRuns: 100 },
    )
  })
})
