/** Saving and loading the library's own layers. */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { primalTensor } from '../../src/ad/index.js'
import { decodeModel, encodeModel } from '../../src/io/index.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import { bitsOf } from './fakes.js'

const x = random.normal(random.key(11), [5, 8])

describe('io with nn layers', () => {
  it('round-trips sequential(dense(12), relu, dense(1)): same bits, same predictions', () => {
    const model = nn.sequential(nn.dense(12), nn.relu, nn.dense(1))
    const { params, state } = model.init(random.key(5), [8])
    const text = encodeModel(model, { params, state, inputShape: [8] })
    const loaded = decodeModel(text, model)
    if (E.isLeft(loaded)) throw loaded.left
    expect(bitsOf(loaded.right.params)).toEqual(bitsOf(params))
    const before = primalTensor(model.apply(params, state, x, { training: false }).y)
    const general: nn.Layer = model
    const after = primalTensor(general.apply(loaded.right.params, loaded.right.state, x, { training: false }).y)
    expect([...after.data]).toEqual([...before.data])
  })

  it('round-trips convolutional and recurrent models: same bits, same predictions', () => {
    const cases: readonly [nn.Layer, readonly number[]][] = [
      [nn.sequential(nn.conv2d(3, 2, { padding: 'same', strides: 2 }), nn.relu, nn.maxPool2d(2), nn.globalAvgPool2d(), nn.dense(2)), [6, 6, 2]],
      [nn.sequential(nn.embedding(7, 3), nn.bidirectional(nn.lstm(2, { returnSequences: true })), nn.gru(2)), [4]],
    ]
    for (const [model, inputShape] of cases) {
      const { params, state } = model.init(random.key(5), inputShape)
      const input = inputShape.length === 1 ? random.randint(random.key(1), [2, ...inputShape], 0, 7) : random.normal(random.key(1), [2, ...inputShape])
      const loaded = decodeModel(encodeModel(model, { params, state, inputShape }), model)
      if (E.isLeft(loaded)) throw loaded.left
      expect(bitsOf(loaded.right.params)).toEqual(bitsOf(params))
      const before = primalTensor(model.apply(params, state, input, { training: false }).y)
      const after = primalTensor(model.apply(loaded.right.params, loaded.right.state, input, { training: false }).y)
      expect([...after.data]).toEqual([...before.data])
    }
  })

  it('round-trips batch-norm state (the running statistics after a training step)', () => {
    const model = nn.sequential(nn.dense(4), nn.batchNorm({ momentum: 0.9 }), nn.relu)
    const init = model.init(random.key(2), [8])
    const trained = model.apply(init.params, init.state, x, { training: true }).state
    const text = encodeModel(model, { params: init.params, state: trained, inputShape: [8] })
    expect(text).toContain('"path":"state[1].movingMean"')
    const loaded = decodeModel(text, model)
    if (E.isLeft(loaded)) throw loaded.left
    expect(bitsOf(loaded.right.state)).toEqual(bitsOf(trained))
    expect(bitsOf(loaded.right.state)).not.toEqual(bitsOf(init.state))
    const before = primalTensor(model.apply(init.params, trained, x, { training: false }).y)
    const general: nn.Layer = model
    const after = primalTensor(general.apply(loaded.right.params, loaded.right.state, x, { training: false }).y)
    expect([...after.data]).toEqual([...before.data])
  })

  it('round-trips a lone batchNorm layer', () => {
    const model = nn.batchNorm()
    const { params, state } = model.init(random.key(0), [3])
    const loaded = decodeModel(encodeModel(model, { params, state, inputShape: [3] }), model)
    if (E.isLeft(loaded)) throw loaded.left
    expect(bitsOf(loaded.right.state)).toEqual(bitsOf(state))
  })

  it('refuses a file saved for another architecture, naming the first difference', () => {
    const saved = nn.sequential(nn.dense(12), nn.relu, nn.dense(1))
    const { params, state } = saved.init(random.key(5), [8])
    const text = encodeModel(saved, { params, state, inputShape: [8] })
    const narrower = decodeModel(text, nn.sequential(nn.dense(8), nn.relu, nn.dense(1)))
    expect(E.isLeft(narrower) && narrower.left.path).toBe('$.spec.layers[0].units')
    const noBias = decodeModel(text, nn.sequential(nn.dense(12, { useBias: false }), nn.relu, nn.dense(1)))
    expect(E.isLeft(noBias) && noBias.left.path).toBe('$.spec.layers[0].useBias')
    const otherActivation = decodeModel(text, nn.sequential(nn.dense(12), nn.tanh, nn.dense(1)))
    expect(E.isLeft(otherActivation) && otherActivation.left.message).toContain('at $.spec.layers[1].kind')
  })

  it('names a transposed kernel with both shapes', () => {
    const model = nn.sequential(nn.dense(8), nn.relu)
    const { params, state } = model.init(random.key(0), [12])
    const text = encodeModel(model, { params, state, inputShape: [12] })
    const result = decodeModel(text.replace('"shape":[12,8]', '"shape":[8,12]'), model)
    expect(E.isLeft(result) && result.left.message).toBe(
      'decodeModel: at $.tensors[0].shape: expected [12, 8], got [8, 12] (tensor "params[0].kernel")',
    )
  })
})
