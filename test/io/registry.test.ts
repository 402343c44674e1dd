/** A model file that loads alone: the layer registry rebuilds the architecture from the file's spec. */
import { readdirSync, readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { mul, primalTensor } from '../../src/ad/index.js'
import { encodeModel, layerFromSpec, layerKind, layers, ModelDecodeError, restoreModel } from '../../src/io/index.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import { bitsOf } from './fakes.js'

const x = random.normal(random.key(11), [5, 6])

/** Saves the model, restores it from the text alone, and checks values, structure and outputs. */
const roundTrip = (model: nn.Layer, inputShape: readonly number[], batch = x): void => {
  const { params, state } = model.init(random.key(3), inputShape)
  const text = encodeModel(model, { params, state, inputShape })
  const restored = restoreModel(text)
  if (E.isLeft(restored)) throw restored.left
  expect(restored.right.model.spec).toEqual(model.spec)
  expect(restored.right.model.name).toBe(model.name)
  expect(bitsOf(restored.right.params)).toEqual(bitsOf(params))
  expect(bitsOf(restored.right.state)).toEqual(bitsOf(state))
  expect(nn.summary(restored.right.model, inputShape).text).toBe(nn.summary(model, inputShape).text)
  const before = primalTensor(model.apply(params, state, batch, { training: false }).y)
  const after = primalTensor(restored.right.model.apply(restored.right.params, restored.right.state, batch, { training: false }).y)
  expect([...after.data]).toEqual([...before.data])
}

const leftOf = <A>(r: E.Either<ModelDecodeError, A>): ModelDecodeError => {
  if (E.isRight(r)) throw new Error('expected a Left')
  return r.left
}

/** A saved file whose spec is replaced by `spec` (the tensors stay the model's). */
const withSpec = (model: nn.Layer, inputShape: readonly number[], spec: unknown): string => {
  const { params, state } = model.init(random.key(3), inputShape)
  const file: Record<string, unknown> = JSON.parse(encodeModel(model, { params, state, inputShape }))
  return JSON.stringify({ ...file, spec })
}

describe('the library registry', () => {
  it('has an entry for every layer kind that src/nn writes in a spec', () => {
    const dir = new URL('../../src/nn/', import.meta.url)
    const kinds = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(new URL(f, dir), 'utf8').matchAll(/\{ kind: '(\w+)'/g)].map((m) => m[1] ?? ''))
    expect(kinds.length).toBeGreaterThan(15)
    expect(Object.keys(layers).sort()).toEqual([...new Set(kinds)].sort())
  })

  it('rebuilds the convolutional, pooling, embedding and recurrent layers from the file alone', () => {
    const images = random.normal(random.key(12), [2, 6, 6, 2])
    roundTrip(
      nn.sequential(
        nn.randomShift(1),
        nn.zeroPadding2d([[1, 0], [0, 1]]),
        nn.conv2d(3, [2, 3], { padding: 'same', strides: [1, 2], dilationRate: 1, useBias: false }),
        nn.maxPool2d(2, { strides: 1, padding: 'same' }),
        nn.avgPool2d([2, 1]),
        nn.globalMaxPool2d(),
      ),
      [6, 6, 2],
      images,
    )
    roundTrip(nn.sequential(nn.conv2d(2, 3), nn.globalAvgPool2d()), [6, 6, 2], images)
    const sequences = random.normal(random.key(13), [2, 5, 3])
    roundTrip(nn.sequential(nn.conv1d(4, 2, { dilationRate: 2 }), nn.maxPool1d(), nn.avgPool1d(1), nn.globalAvgPool1d()), [5, 3], sequences)
    roundTrip(nn.sequential(nn.simpleRnn(3, { returnSequences: true, goBackwards: true }), nn.globalMaxPool1d()), [5, 3], sequences)
    roundTrip(nn.sequential(nn.bidirectional(nn.gru(2, { resetAfter: false, returnSequences: true }), 'ave'), nn.lstm(2, { unitForgetBias: false })), [5, 3], sequences)
    roundTrip(nn.sequential(nn.embedding(6, 3), nn.gru(2)), [4], random.randint(random.key(14), [2, 4], 0, 6))
  })

  it('rebuilds every kind of layer, with the same bits and the same outputs', () => {
    roundTrip(
      nn.sequential(
        nn.input([6]),
        nn.identity,
        nn.dense(5),
        nn.sigmoid,
        nn.dense(5, { useBias: false }),
        nn.tanh,
        nn.parallel('concat', nn.relu, nn.softplus, nn.gelu),
        nn.parallel('add', nn.step, nn.stepStraightThrough),
        nn.residual(nn.sequential(nn.dense(15), nn.leakyRelu(0.2))),
        nn.elu(0.5),
        nn.dropout(0.3),
        nn.batchNorm({ momentum: 0.9, epsilon: 1e-4 }),
        nn.layerNorm({ epsilon: 1e-6 }),
        nn.dense(3),
        nn.softmax(1),
      ),
      [6],
    )
    roundTrip(nn.sequential(nn.flatten(), nn.dense(2)), [2, 3], random.normal(random.key(1), [4, 2, 3]))
  })

  it('rebuilds a lone layer and an empty sequential', () => {
    roundTrip(nn.dense(2), [6])
    roundTrip(nn.sequential(), [6])
  })
})

describe('files the registry refuses, with the JSON path', () => {
  const model = nn.sequential(nn.dense(4), nn.relu, nn.dense(1))

  it('an unknown layer kind is a Left naming the kind and its path', () => {
    const error = leftOf(restoreModel(withSpec(model, [6], { kind: 'sequential', layers: [{ kind: 'dense', units: 4, useBias: true }, { kind: 'conv9d' }] })))
    expect(error).toBeInstanceOf(ModelDecodeError)
    expect(error.reason).toBe('architecture')
    expect(error.path).toBe('$.spec.layers[1].kind')
    expect(error.message).toContain('unknown layer kind "conv9d"')
  })

  it('a kind inherited from Object.prototype is unknown too', () => {
    expect(leftOf(restoreModel(withSpec(model, [6], { kind: 'toString' }))).path).toBe('$.spec.kind')
  })

  it('a spec without a kind, or not an object', () => {
    expect(leftOf(restoreModel(withSpec(model, [6], { layers: [] }))).path).toBe('$.spec.kind')
    expect(leftOf(layerFromSpec(3)).message).toContain('expected a layer description with a string "kind", got 3')
  })

  it('an option of the wrong type, at its path', () => {
    const error = leftOf(restoreModel(withSpec(model, [6], { kind: 'sequential', layers: [{ kind: 'dense', units: '4', useBias: true }] })))
    expect(error.path).toBe('$.spec.layers[0].units')
    expect(error.detail).toContain('got "4"')
  })

  it('an option the constructor refuses, at the layer', () => {
    const error = leftOf(restoreModel(withSpec(model, [6], { kind: 'residual', layer: { kind: 'dropout', rate: 2 } })))
    expect(error.path).toBe('$.spec.layer')
    expect(error.detail).toContain('"dropout" layer cannot be built')
    expect(error.detail).toContain('2')
  })

  it('a key the layer would not write back is reported, not ignored', () => {
    const spec = { kind: 'sequential', layers: [{ kind: 'dense', units: 4, useBias: true, activation: 'relu' }, { kind: 'relu' }, { kind: 'dense', units: 1, useBias: true }] }
    const error = leftOf(restoreModel(withSpec(model, [6], spec)))
    expect(error.path).toBe('$.spec.layers[0].activation')
  })

  it('tensors that do not fit the rebuilt model are a Left as in decodeModel', () => {
    const spec = { kind: 'sequential', layers: [{ kind: 'dense', units: 5, useBias: true }, { kind: 'relu' }, { kind: 'dense', units: 1, useBias: true }] }
    const error = leftOf(restoreModel(withSpec(model, [6], spec)))
    expect(error.reason).toBe('tensors')
  })
})

describe('user-defined layers', () => {
  const scale = (factor: number): nn.Layer => ({
    name: `scale(${factor})`,
    spec: { kind: 'scale', factor },
    init: (_key, inputShape) => ({ params: {}, state: {}, outputShape: inputShape }),
    apply: (_params, state, input) => ({ y: mul(input, factor), state }),
  })
  const model = nn.sequential(nn.dense(2), scale(3))
  const { params, state } = model.init(random.key(0), [6])
  const text = encodeModel(model, { params, state, inputShape: [6] })

  it('load when registered in the registry passed in', () => {
    const registry = { ...layers, scale: layerKind(t.type({ factor: t.number }), (spec) => scale(spec.factor)) }
    const restored = restoreModel(text, { layers: registry })
    if (E.isLeft(restored)) throw restored.left
    const y = primalTensor(restored.right.model.apply(restored.right.params, restored.right.state, x, { training: false }).y)
    expect([...y.data]).toEqual([...primalTensor(model.apply(params, state, x, { training: false }).y).data])
  })

  it('are unknown to the library registry (nothing global was registered)', () => {
    expect(leftOf(restoreModel(text)).path).toBe('$.spec.layers[1].kind')
  })
})
