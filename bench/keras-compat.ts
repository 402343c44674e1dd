/**
 * Keras compatibility: the same weights in TensorFlow.js's Keras-API layers (tfjs-layers, cpu
 * backend) and in ours give the same outputs. It lives in bench/ because TensorFlow.js is the
 * bench's own install, not a dependency of the library's tests; it exits with 1 on a mismatch:
 *
 *   npm run -s bench:install && rm -rf bench/dist && tsc -p bench && node bench/dist/bench/keras-compat.js
 * This checks the weight layouts, gate orders, padding
 * rules and defaults that the layers document, against an independent implementation.
 *
 * tfjs computes in float32: outputs agree to about 1e-6 relative to the values' scale, so the
 * comparisons use atol 2e-5 (values here are O(1); float32 has a 6e-8 unit roundoff, accumulated
 * over sums of up to ~50 terms and 8 recurrent steps). tfjs keeps Keras 2.2's `hardSigmoid` as its
 * default recurrent activation; Keras since 2.3 (and this library) use the sigmoid, so the
 * references ask for it.
 */
import * as ad from '../src/ad/index.js'
import * as nn from '../src/nn/index.js'
import * as random from '../src/random/index.js'
import * as T from '../src/tensor/index.js'
import { tf, useBackend } from './tfjs.js'

const ATOL = 2e-5

await useBackend('tfjs-cpu')

let failures = 0
/** A named check: runs it, prints ok or the failure, counts failures. */
const it = (name: string, check: () => void): void => {
  try {
    check()
    console.log(`ok    ${name}`)
  } catch (e) {
    failures++
    console.log(`FAIL  ${name}: ${e instanceof Error ? e.message : String(e)}`)
  }
}

const toTf = (t: T.Tensor): tf.Tensor => tf.tensor(Array.from(t.data), [...t.shape], 'float32')
const fromTf = (t: tf.Tensor): T.Tensor => T.fromArray(Array.from(t.dataSync()), t.shape)

/** Runs a tfjs layer on x with our params' tensors as its weights (in tfjs's weight order). */
const tfOutput = (layer: tf.layers.Layer, x: T.Tensor, weights: readonly T.Tensor[]): T.Tensor => {
  layer.apply(toTf(x)) // builds the layer (its weights exist from here)
  layer.setWeights(weights.map(toTf))
  const y = layer.apply(toTf(x))
  if (Array.isArray(y) || !(y instanceof tf.Tensor)) throw new Error('expected one tensor')
  return fromTf(y)
}

const ours = (layer: nn.Layer, x: T.Tensor, seed = 1): { y: T.Tensor; params: Record<string, T.Tensor> } => {
  const init = layer.init(random.key(seed), x.shape.slice(1))
  // Non-zero biases, so that their layout is checked too.
  const params = Object.fromEntries(
    Object.entries(init.params as Record<string, T.Tensor>).map(([k, v], i) => [k, k === 'bias' ? random.uniform(random.key(100 + i), v.shape, { min: -0.5, max: 0.5 }) : v]),
  )
  return { y: ad.primalTensor(layer.apply(params, init.state, x, { training: false }).y), params }
}

const param = (params: Record<string, T.Tensor>, key: string): T.Tensor => {
  const v = params[key]
  if (v === undefined) throw new Error(`no ${key}`)
  return v
}

const expectClose = (a: T.Tensor, b: T.Tensor): void => {
  if (!T.shapesEqual(a.shape, b.shape)) throw new Error(`shapes ${T.formatShape(a.shape)} and ${T.formatShape(b.shape)} differ`)
  const worst = Math.max(...Array.from(a.data, (v, i) => Math.abs(v - (b.data[i] ?? 0))))
  if (!(worst < ATOL)) throw new Error(`largest difference ${worst} ≥ ${ATOL}`)
}

const input = (shape: T.Shape): T.Tensor => random.uniform(random.key(9), shape, { min: -1, max: 1 })

it('conv2d: valid, same with stride 2 (odd padding at the end), dilation', () => {
    const x = input([2, 7, 6, 3])
    for (const [options, tfOptions] of [
      [{}, {}],
      [{ padding: 'same', strides: 2 }, { padding: 'same', strides: 2 }],
      [{ dilationRate: 2 }, { dilationRate: 2 }],
    ] as const) {
      const { y, params } = ours(nn.conv2d(4, 3, options), x)
      expectClose(y, tfOutput(tf.layers.conv2d({ filters: 4, kernelSize: 3, ...tfOptions }), x, [param(params, 'kernel'), param(params, 'bias')]))
    }
  })
it('conv1d with same padding and stride 2', () => {
    const x = input([2, 9, 2])
    const { y, params } = ours(nn.conv1d(3, 4, { padding: 'same', strides: 2 }), x)
    expectClose(y, tfOutput(tf.layers.conv1d({ filters: 3, kernelSize: 4, padding: 'same', strides: 2 }), x, [param(params, 'kernel'), param(params, 'bias')]))
  })
it('max and average pooling, valid and same (padding left out of the average)', () => {
    const x = input([2, 5, 7, 2])
    expectClose(ours(nn.maxPool2d(2), x).y, tfOutput(tf.layers.maxPooling2d({ poolSize: 2 }), x, []))
    expectClose(ours(nn.maxPool2d(3, { strides: 2, padding: 'same' }), x).y, tfOutput(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), x, []))
    expectClose(ours(nn.avgPool2d(2, { padding: 'same' }), x).y, tfOutput(tf.layers.averagePooling2d({ poolSize: 2, padding: 'same' }), x, []))
    expectClose(ours(nn.globalAvgPool2d(), x).y, tfOutput(tf.layers.globalAveragePooling2d({}), x, []))
  })
it('simpleRnn, lstm (i, f, c, o) and gru (reset before: the mode tfjs supports), last output and sequences', () => {
    const x = input([3, 6, 2])
    for (const returnSequences of [false, true]) {
      const cases: readonly [nn.Layer, tf.layers.Layer][] = [
        [nn.simpleRnn(4, { returnSequences }), tf.layers.simpleRNN({ units: 4, returnSequences })],
        [nn.lstm(4, { returnSequences }), tf.layers.lstm({ units: 4, returnSequences, recurrentActivation: 'sigmoid' })],
        [nn.gru(4, { returnSequences, resetAfter: false }), tf.layers.gru({ units: 4, returnSequences, recurrentActivation: 'sigmoid' })],
      ]
      for (const [layer, reference] of cases) {
        const { y, params } = ours(layer, x)
        expectClose(y, tfOutput(reference, x, [param(params, 'kernel'), param(params, 'recurrentKernel'), param(params, 'bias')]))
      }
    }
  })
it('goBackwards, as Keras: the sequence read from its end, outputs in that order', () => {
    const x = input([2, 5, 3])
    const { y, params } = ours(nn.lstm(3, { returnSequences: true, goBackwards: true }), x)
    expectClose(y, tfOutput(tf.layers.lstm({ units: 3, returnSequences: true, goBackwards: true, recurrentActivation: 'sigmoid' }), x, [param(params, 'kernel'), param(params, 'recurrentKernel'), param(params, 'bias')]))
  })
it('embedding', () => {
    const ids = T.tensor([[1, 0, 3], [2, 2, 1]])
    const { y, params } = ours(nn.embedding(4, 3), ids)
    expectClose(y, tfOutput(tf.layers.embedding({ inputDim: 4, outputDim: 3 }), ids, [param(params, 'embeddings')]))
  })

console.log(failures === 0 ? 'all outputs agree with TensorFlow.js' : `${failures} check(s) failed`)
process.exitCode = failures === 0 ? 0 : 1
