import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'
import * as ad from '../../src/ad/index.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import { layerFunction, layerInput } from './arbitraries.js'

const k0 = random.key(0)
const inference = { training: false } as const

// ─── plain references, written from Keras's equations ──────────────────────────────────────────

type Matrix = number[][]
const rows = (t: T.Tensor): Matrix => T.toArray(t) as Matrix
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v))
/** x·W (+ b) for one row x. */
const affineRow = (x: readonly number[], w: Matrix, b?: readonly number[]): number[] =>
  (w[0] ?? []).map((_, j) => x.reduce((s, xi, i) => s + xi * (w[i]?.[j] ?? 0), b?.[j] ?? 0))

// A type alias (not an interface) so that it is a ValueTree.
type Weights = {
  readonly kernel: T.Tensor
  readonly recurrentKernel: T.Tensor
  readonly bias: T.Tensor
}

/** One sequence [time][features] through a cell; returns the outputs of every step and the final states. */
const reference = (
  kind: 'simpleRnn' | 'lstm' | 'gruAfter' | 'gruBefore',
  w: Weights,
  seq: Matrix,
  units: number,
  backwards = false,
): { outputs: Matrix; h: number[]; c: number[] } => {
  const W = rows(w.kernel)
  const U = rows(w.recurrentKernel)
  const b2 = kind === 'gruAfter' ? rows(w.bias) : [Array.from(w.bias.data)]
  let h = new Array<number>(units).fill(0)
  let c = new Array<number>(units).fill(0)
  const outputs: Matrix = []
  const order = backwards ? [...seq].reverse() : seq
  for (const x of order) {
    const part = (v: readonly number[], k: number): number[] => v.slice(k * units, (k + 1) * units)
    if (kind === 'simpleRnn') {
      const a = affineRow(x, W, b2[0])
      const r = affineRow(h, U)
      h = a.map((v, j) => Math.tanh(v + (r[j] ?? 0)))
    } else if (kind === 'lstm') {
      const z = affineRow(x, W, b2[0]).map((v, j) => v + (affineRow(h, U)[j] ?? 0))
      const [i, f, g, o] = [0, 1, 2, 3].map((k) => part(z, k))
      c = c.map((cj, j) => sigmoid(f?.[j] ?? 0) * cj + sigmoid(i?.[j] ?? 0) * Math.tanh(g?.[j] ?? 0))
      h = c.map((cj, j) => sigmoid(o?.[j] ?? 0) * Math.tanh(cj))
    } else if (kind === 'gruAfter') {
      const xz = affineRow(x, W, b2[0])
      const hz = affineRow(h, U, b2[1])
      const z = part(xz, 0).map((v, j) => sigmoid(v + (part(hz, 0)[j] ?? 0)))
      const r = part(xz, 1).map((v, j) => sigmoid(v + (part(hz, 1)[j] ?? 0)))
      const cand = part(xz, 2).map((v, j) => Math.tanh(v + (r[j] ?? 0) * (part(hz, 2)[j] ?? 0)))
      h = h.map((hj, j) => (z[j] ?? 0) * hj + (1 - (z[j] ?? 0)) * (cand[j] ?? 0))
    } else {
      const xz = affineRow(x, W, b2[0])
      const Uzr = U.map((row) => row.slice(0, 2 * units))
      const Uh = U.map((row) => row.slice(2 * units))
      const hz = affineRow(h, Uzr)
      const z = part(xz, 0).map((v, j) => sigmoid(v + (part(hz, 0)[j] ?? 0)))
      const r = part(xz, 1).map((v, j) => sigmoid(v + (part(hz, 1)[j] ?? 0)))
      const rh = h.map((hj, j) => (r[j] ?? 0) * hj)
      const cand = part(xz, 2).map((v, j) => Math.tanh(v + (affineRow(rh, Uh)[j] ?? 0)))
      h = h.map((hj, j) => (z[j] ?? 0) * hj + (1 - (z[j] ?? 0)) * (cand[j] ?? 0))
    }
    outputs.push(h)
  }
  return { outputs, h, c }
}

const layerOf = (kind: 'simpleRnn' | 'lstm' | 'gruAfter' | 'gruBefore', units: number, options: nn.RecurrentOptions = {}): nn.RecurrentLayer =>
  kind === 'simpleRnn' ? nn.simpleRnn(units, options) : kind === 'lstm' ? nn.lstm(units, options) : nn.gru(units, { ...options, resetAfter: kind === 'gruAfter' })

const kinds = ['simpleRnn', 'lstm', 'gruAfter', 'gruBefore'] as const

/** Random weights (uniform ±1) shaped as the layer's init, a batch of sequences, and the layer. */
const problemArb = fc
  .record({ kind: fc.constantFrom(...kinds), units: fc.integer({ min: 1, max: 3 }), time: fc.integer({ min: 1, max: 4 }), features: fc.integer({ min: 1, max: 3 }), seed: fc.nat() })
  .chain((p) => fc.tuple(fc.constant(p), arb.tensorOf([2, p.time, p.features], { min: -1, max: 1 })))

const weightsFor = (layer: nn.Layer, inputShape: T.Shape, seed: number): Weights => {
  const template = layer.init(k0, inputShape).params as { kernel: T.Tensor; recurrentKernel: T.Tensor; bias: T.Tensor }
  const draw = (t: T.Tensor, i: number): T.Tensor => random.uniform(random.foldIn(random.key(seed), i), t.shape, { min: -1, max: 1 })
  return { kernel: draw(template.kernel, 0), recurrentKernel: draw(template.recurrentKernel, 1), bias: draw(template.bias, 2) }
}

// ─── tests ──────────────────────────────────────────────────────────────────────────────────────

describe('recurrent layers compute Keras equations', () => {
  it('simpleRnn, lstm, gru (reset after and before): last output, all outputs, final states, backwards', () =>
    fc.assert(
      fc.property(problemArb, fc.boolean(), ([{ kind, units, time, features, seed }, x], backwards) => {
        const layer = layerOf(kind, units, { returnSequences: true, goBackwards: backwards })
        const w = weightsFor(layer, [time, features], seed)
        const { output, states } = layer.call(w, x)
        const last = layerOf(kind, units, { goBackwards: backwards }).apply(w, {}, x, inference).y
        rows(T.reshape(x, [2, time * features])).forEach((flat, b) => {
          const seq = Array.from({ length: time }, (_, t) => flat.slice(t * features, (t + 1) * features))
          const ref = reference(kind, w, seq, units, backwards)
          const close = (actual: T.Tensor, expected: readonly number[]): void => expect(T.allClose(actual, T.vector(expected), { rtol: 1e-12, atol: 1e-12 })).toBe(true)
          close(T.reshape(T.slice(ad.primalTensor(output), [b, 0, 0], [1, time, units]), [-1]), ref.outputs.flat())
          close(T.reshape(T.slice(ad.primalTensor(last), [b, 0], [1, units]), [-1]), ref.h)
          close(T.reshape(T.slice(ad.primalTensor(states[0] ?? output), [b, 0], [1, units]), [-1]), ref.h)
          if (kind === 'lstm') close(T.reshape(T.slice(ad.primalTensor(states[1] ?? output), [b, 0], [1, units]), [-1]), ref.c)
        })
      }),
      { numRuns: 60 },
    ))
  it('an initial state is where the loop starts (one step from h0 equals tanh(xW + h0U + b))', () => {
    const layer = nn.simpleRnn(2)
    const w = { kernel: T.tensor([[1, -1]]), recurrentKernel: T.tensor([[0.5, 0], [0, 0.5]]), bias: T.tensor([0.1, 0.2]) }
    const { output, states } = layer.call(w, T.tensor([[[1]]]), [T.tensor([[2, 4]])])
    expect(T.allClose(ad.primalTensor(output), T.tensor([[Math.tanh(1 + 1 + 0.1), Math.tanh(-1 + 2 + 0.2)]]))).toBe(true)
    expect(states).toHaveLength(1)
  })
  it('lstm starts its forget bias at 1 (unitForgetBias) and takes [h, c] as state', () => {
    const { params } = nn.lstm(3).init(k0, [4, 2])
    expect(T.toArray(ad.primalTensor((params as { bias: T.Tensor }).bias))).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    expect(T.toArray(ad.primalTensor((nn.lstm(2, { unitForgetBias: false }).init(k0, [4, 2]).params as { bias: T.Tensor }).bias))).toEqual(new Array(8).fill(0))
    expect(nn.lstm(3).stateCount).toBe(2)
    expect(() => nn.lstm(3).call(params, T.zeros([1, 4, 2]), [T.zeros([1, 3])])).toThrow('lstm(3): initialState must be 2 tensors [1,3], got [1,3]')
  })
})

describe('parameter counts and shapes (Keras summaries, counted by hand)', () => {
  it('LSTM(32) on 1 feature = 4·32·(1 + 32 + 1) = 4352; GRU(32) = 3·32·(1 + 32 + 2) = 3360; SimpleRNN(32) = 32·(1 + 32 + 1) = 1088', () => {
    expect(nn.summary(nn.lstm(32), [50, 1]).totalParams).toBe(4352)
    expect(nn.summary(nn.gru(32), [50, 1]).totalParams).toBe(3360)
    expect(nn.summary(nn.gru(32, { resetAfter: false }), [50, 1]).totalParams).toBe(3264)
    expect(nn.summary(nn.simpleRnn(32), [50, 1]).totalParams).toBe(1088)
    expect(nn.summary(nn.bidirectional(nn.lstm(32)), [50, 1]).totalParams).toBe(8704)
  })
  it('layouts: kernel [features, g·units], recurrentKernel [units, g·units], bias by cell', () => {
    const shapes = (layer: nn.Layer): unknown => {
      const p = layer.init(k0, [7, 5]).params as Record<string, T.Tensor>
      return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.shape]))
    }
    expect(shapes(nn.lstm(4))).toEqual({ kernel: [5, 16], recurrentKernel: [4, 16], bias: [16] })
    expect(shapes(nn.gru(4))).toEqual({ kernel: [5, 12], recurrentKernel: [4, 12], bias: [2, 12] })
    expect(shapes(nn.simpleRnn(4, { useBias: false }))).toEqual({ kernel: [5, 4], recurrentKernel: [4, 4] })
  })
  it('summary rows of a sequence model', () => {
    const model = nn.sequential(nn.embedding(100, 8), nn.lstm(16, { returnSequences: true }), nn.gru(8), nn.dense(1))
    expect(nn.summary(model, [20]).rows.map((r) => [r.layer, r.outputShape, r.params])).toEqual([
      ['embedding(100, 8)', [20, 8], 800],
      ['lstm(16)', [20, 16], 4 * 16 * (8 + 16 + 1)],
      ['gru(8)', [8], 3 * 8 * (16 + 8 + 2)],
      ['dense(1)', [1], 9],
    ])
  })
})

describe('bidirectional', () => {
  it('merges the forward layer with a backwards copy; sequences put back in time order', () => {
    const layer = nn.simpleRnn(2, { returnSequences: true })
    const bi = nn.bidirectional(layer)
    const x = T.tensor([[[1], [-1], [0.5]]])
    const { params, outputShape } = bi.init(k0, [3, 1])
    expect(outputShape).toEqual([3, 4])
    // Typed: the params of bidirectional(simpleRnn) are { forward, backward } of the layer's.
    const p: nn.BidirectionalParams<nn.RecurrentParams> = params
    const y = ad.primalTensor(bi.apply(params, {}, x, inference).y)
    const forward = ad.primalTensor(layer.apply(p.forward, {}, x, inference).y)
    // The backward copy run on the time-reversed input, its outputs reversed back.
    const reversedX = T.gather(x, [2, 1, 0], 1)
    const backward = T.gather(ad.primalTensor(layer.apply(p.backward, {}, reversedX, inference).y), [2, 1, 0], 1)
    expect(T.allClose(y, T.concat([forward, backward], -1), { rtol: 1e-12 })).toBe(true)
    const sum = ad.primalTensor(nn.bidirectional(layer, 'sum').apply(params, {}, x, inference).y)
    expect(T.allClose(sum, T.add(forward, backward), { rtol: 1e-12 })).toBe(true)
    const ave = ad.primalTensor(nn.bidirectional(layer, 'ave').apply(params, {}, x, inference).y)
    expect(T.allClose(ave, T.scale(T.add(forward, backward), 0.5), { rtol: 1e-12 })).toBe(true)
  })
})

describe('recurrent layers obey the gradient laws', () => {
  it('in params and input, every cell, last output and sequences', () =>
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.boolean(), (kind, units, time, returnSequences, goBackwards) => {
        const layer = layerOf(kind, units, { returnSequences, goBackwards })
        gradientLaws(layerFunction(layer, [time, 2]), layerInput(layer, [time, 2], { maxBatch: 2 }), { numRuns: 3 })
      }),
      { numRuns: 16 },
    ))
  it('bidirectional lstm', () => {
    const layer = nn.bidirectional(nn.lstm(2, { returnSequences: true }), 'mul')
    gradientLaws(layerFunction(layer, [3, 2]), layerInput(layer, [3, 2], { maxBatch: 2 }), { numRuns: 5 })
  })
})

describe('orthogonal initializer', () => {
  it('gives orthonormal columns (tall) or rows (wide), scaled by the gain; same key, same bits', () =>
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.nat(), (r, c, seed) => {
        const q = nn.orthogonal({ gain: 2 })(random.key(seed), [r, c])
        const gram = r >= c ? T.matmulTransA(q, q) : T.matmulTransB(q, q)
        expect(T.allClose(gram, T.scale(T.eye(Math.min(r, c)), 4), { atol: 1e-12 })).toBe(true)
        expect(nn.orthogonal({ gain: 2 })(random.key(seed), [r, c])).toEqual(q)
      }),
      { numRuns: 50 },
    ))
  it('is the recurrent kernel default; refuses a vector', () => {
    const p = nn.simpleRnn(4).init(k0, [3, 2]).params as { recurrentKernel: T.Tensor }
    expect(T.allClose(T.matmulTransA(p.recurrentKernel, p.recurrentKernel), T.eye(4), { atol: 1e-12 })).toBe(true)
    expect(() => nn.orthogonal()(k0, [3])).toThrow('orthogonal: needs a shape of rank ≥ 2, got [3]')
  })
})

describe('recurrent layers refuse bad input', () => {
  it('a rank-2 input (no time axis) at init and at apply', () => {
    expect(() => nn.lstm(4).init(k0, [8])).toThrow('lstm(4): expects input [time, features] (a batch of sequences [batch, time, features]), got [8]')
    const { params } = nn.gru(4).init(k0, [5, 3])
    expect(() => nn.gru(4).apply(params, {}, T.zeros([2, 3]), inference)).toThrow('gru(4): expects input [batch, time, 3], got [2,3]')
    expect(() => nn.sequential(nn.dense(4), nn.simpleRnn(2)).init(k0, [3])).toThrow('sequential: layer 2 simpleRnn(2) expects input [time, features] (a batch of sequences [batch, time, features]), got [4] from layer 1 dense(4)')
  })
  it('bad units', () => expect(() => nn.gru(0)).toThrow('gru: units must be a positive integer, got 0'))
})
