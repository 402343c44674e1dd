/**
 * The types of layers, as a user meets them: `init` and `fit` give the model's own parameter type,
 * so `params[0].kernel` needs no cast and a wrong key does not compile. Checked by `tsc` (npm run
 * typecheck, and test/types/consumer.test.ts, which compiles this file in a strict program: an
 * `@ts-expect-error` whose error disappears fails it); the runtime lines check the same values.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as data from '../../src/data/index.js'
import * as E from 'fp-ts/lib/Either.js'
import * as io from '../../src/io/index.js'
import * as losses from '../../src/losses/index.js'
import * as nn from '../../src/nn/index.js'
import * as optim from '../../src/optim/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import type { Tensor } from '../../src/tensor/index.js'
import * as train from '../../src/train/index.js'

const k0 = random.key(0)

describe('typed layers', () => {
  it('dense(12) has params { kernel: Tensor; bias: Tensor }', () => {
    const { params } = nn.dense(12).init(k0, [8])
    expectTypeOf(params).toEqualTypeOf<nn.DenseParams>()
    expectTypeOf(params.kernel).toEqualTypeOf<Tensor>()
    expect(params.kernel.shape).toEqual([8, 12])
    // @ts-expect-error a dense layer has no 'weights'
    expect(params.weights).toBeUndefined()
    const noBias = nn.dense(3, { useBias: false }).init(k0, [2]).params
    expectTypeOf(noBias).toEqualTypeOf<nn.DenseKernelOnly>()
    // @ts-expect-error no bias with useBias: false
    expect(noBias.bias).toBeUndefined()
  })

  it('sequential(a, b, c) has the tuple of its children\'s params', () => {
    const model = nn.sequential(nn.dense(4), nn.relu, nn.dense(1), nn.sigmoid)
    const { params } = model.init(k0, [2])
    expectTypeOf(params).toEqualTypeOf<readonly [nn.DenseParams, nn.NoParams, nn.DenseParams, nn.NoParams]>()
    expectTypeOf(params[0].kernel).toEqualTypeOf<Tensor>()
    expect(params[2].bias.shape).toEqual([1])
    // @ts-expect-error 'kernal' is not a key of dense params
    expect(params[0].kernal).toBeUndefined()
    // @ts-expect-error the model has four layers
    expect(params[4]).toBeUndefined()
    const nested = nn.sequential(nn.sequential(nn.dense(2), nn.tanh), nn.batchNorm())
    const n = nested.init(k0, [3])
    expectTypeOf(n.params[0][0].kernel).toEqualTypeOf<Tensor>()
    expectTypeOf(n.state[1].movingMean).toEqualTypeOf<Tensor>()
  })

  it('recurrent layers have params { kernel, recurrentKernel, bias }; bidirectional { forward, backward }', () => {
    const { params } = nn.lstm(4).init(k0, [5, 2])
    expectTypeOf(params).toEqualTypeOf<nn.RecurrentParams>()
    expect(params.recurrentKernel.shape).toEqual([4, 16])
    // @ts-expect-error an LSTM's params have no 'weights'
    expect(params.weights).toBeUndefined()
    const noBias = nn.gru(3, { useBias: false }).init(k0, [5, 2]).params
    expectTypeOf(noBias).toEqualTypeOf<nn.RecurrentKernelsOnly>()
    // @ts-expect-error no bias with useBias: false
    expect(noBias.bias).toBeUndefined()
    expectTypeOf(nn.simpleRnn(2).init(k0, [3, 1]).params).toEqualTypeOf<nn.RecurrentParams>()
    const model = nn.sequential(nn.bidirectional(nn.gru(3, { returnSequences: true })), nn.lstm(2), nn.dense(1))
    const p = model.init(k0, [5, 2]).params
    expectTypeOf(p).toEqualTypeOf<readonly [nn.BidirectionalParams<nn.RecurrentParams>, nn.RecurrentParams, nn.DenseParams]>()
    expect(p[0].backward.bias.shape).toEqual([2, 9])
    expect(p[1].kernel.shape).toEqual([6, 8])
    // call takes the same typed params (Values at the leaves) and returns the final states
    const lstm = nn.lstm(4)
    const { states } = lstm.call(params, T.zeros([1, 5, 2]))
    expect(states.map((s) => ad.shapeOf(s))).toEqual([[1, 4], [1, 4]])
  })

  it('train.fit returns the model\'s params type', () => {
    const model = nn.sequential(nn.dense(2), nn.tanh, nn.dense(1), nn.sigmoid)
    const fitted = train.fit(model, data.gates.xor, { loss: losses.mse, optimizer: optim.sgd({ learningRate: 0.1 }), epochs: 2, key: k0 })
    expectTypeOf(fitted.params).toEqualTypeOf<readonly [nn.DenseParams, nn.NoParams, nn.DenseParams, nn.NoParams]>()
    expect(fitted.params[0].kernel.shape).toEqual([2, 2])
    // @ts-expect-error 'kernal' is not a key of dense params
    expect(fitted.params[0].kernal).toBeUndefined()
  })

  it('apply takes the same params with Value leaves: tensors at inference, Duals under grad', () => {
    const layer = nn.dense(1, { kernelInitializer: nn.ones })
    const { params } = layer.init(k0, [2])
    expectTypeOf<nn.Params<nn.DenseParams>>().toEqualTypeOf<{ readonly kernel: ad.Value; readonly bias: ad.Value }>()
    const x = T.tensor([[1, 2]])
    const g = ad.grad((p: nn.Params<nn.DenseParams>) => ad.sum(layer.apply(p, {}, x, { training: true }).y))(params)
    expect(Array.from(ad.primalTensor(g.kernel).data)).toEqual([1, 2])
    // @ts-expect-error the state of a dense layer is empty
    expect(() => layer.apply(params, { movingMean: T.zeros([1]) }, x, { training: false })).not.toThrow()
  })

  it('every typed layer is a Layer (methods compare both ways under --strict)', () => {
    const layers: readonly nn.Layer[] = [nn.dense(2), nn.relu, nn.batchNorm(), nn.sequential(nn.dense(1)), nn.residual(nn.dense(3))]
    expect(layers.length).toBe(5)
    expectTypeOf(nn.residual(nn.dense(3))).toEqualTypeOf<nn.Layer<nn.DenseParams, nn.NoState>>()
  })

  it('convolution, pooling, embedding and augmentation layers are typed too', () => {
    const cnn = nn.sequential(nn.randomShift(2), nn.conv2d(4, 3), nn.relu, nn.maxPool2d(), nn.conv2d(2, 3, { useBias: false }), nn.globalAvgPool2d(), nn.dense(3))
    const { params } = cnn.init(k0, [9, 9, 1])
    expectTypeOf(params).toEqualTypeOf<readonly [nn.NoParams, nn.ConvParams, nn.NoParams, nn.NoParams, nn.ConvKernelOnly, nn.NoParams, nn.DenseParams]>()
    expect(params[1].kernel.shape).toEqual([3, 3, 1, 4])
    expect(params[4].kernel.shape).toEqual([3, 3, 4, 2])
    // @ts-expect-error no bias with useBias: false
    expect(params[4].bias).toBeUndefined()
    const table = nn.embedding(10, 4).init(k0, [3]).params
    expectTypeOf(table).toEqualTypeOf<nn.EmbeddingParams>()
    expect(table.embeddings.shape).toEqual([10, 4])
    // @ts-expect-error an embedding's table is 'embeddings'
    expect(table.kernel).toBeUndefined()
    expectTypeOf(nn.conv1d(2, 3).init(k0, [5, 1]).params).toEqualTypeOf<nn.ConvParams>()
    const layers: readonly nn.Layer[] = [nn.conv1d(1, 1), nn.avgPool1d(), nn.zeroPadding2d(), nn.globalMaxPool1d(), nn.embedding(2, 2), nn.randomShift(1)]
    expect(layers.length).toBe(6)
  })

  it('loading a file into a typed model gives its own params and state types', () => {
    const model = nn.sequential(nn.dense(3), nn.batchNorm(), nn.relu, nn.dense(1))
    const { params, state } = model.init(k0, [2])
    const loaded = io.decodeModel(io.encodeModel(model, { params, state, inputShape: [2] }), model)
    if (E.isLeft(loaded)) throw loaded.left
    expectTypeOf(loaded.right.params).toEqualTypeOf<readonly [nn.DenseParams, nn.NormParams, nn.NoParams, nn.DenseParams]>()
    expectTypeOf(loaded.right.state[1].movingVariance).toEqualTypeOf<Tensor>()
    expect(Array.from(loaded.right.params[0].kernel.data)).toEqual(Array.from(params[0].kernel.data))
    expect(loaded.right.state[1].movingVariance.shape).toEqual([3])
    // @ts-expect-error the model's first layer has no 'weights'
    expect(loaded.right.params[0].weights).toBeUndefined()
    // Without the model (rebuilt from the file), the trees are general.
    const restored = io.restoreModel(io.encodeModel(model, { params, state, inputShape: [2] }))
    if (E.isLeft(restored)) throw restored.left
    expectTypeOf(restored.right.params).toEqualTypeOf<io.SavedModel['params']>()
  })

  it('plain ops give tensors back on tensors, so no primalTensor is needed', () => {
    expectTypeOf(ad.add(T.tensor([1]), 2)).toEqualTypeOf<Tensor>()
    expectTypeOf(ad.matmul(T.tensor([[1]]), T.tensor([[2]]))).toEqualTypeOf<Tensor>()
    expectTypeOf(ad.softmax(T.tensor([1, 2]))).toEqualTypeOf<Tensor>()
    expectTypeOf(ad.grad((x: ad.Value) => ad.sum(ad.mul(x, x)))(T.tensor([1, 2]))).toEqualTypeOf<Tensor>()
    expectTypeOf(train.predict(nn.dense(1), nn.dense(1).init(k0, [1]).params, {}, T.tensor([[1]]))).toEqualTypeOf<Tensor>()
  })
})
