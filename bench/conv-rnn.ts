/**
 * W7 and W8, standalone (not yet in `run.ts`): training-step time of the CNN of
 * examples/cnn-mnist.ts and of LSTM(32) on sequences of 50 steps, dualflow against TensorFlow.js
 * (cpu and wasm) in the same process, from the same initial weights, on the same batches.
 *
 *   npm run -s bench:install && rm -rf bench/dist && tsc -p bench && node bench/dist/bench/conv-rnn.js [--steps N]
 *
 * - W7: conv2d(16, 3×3)-relu-maxPool-conv2d(32, 3×3)-relu-maxPool-dense(128)-relu-dense(10),
 *   softmax cross-entropy, Adam 1e-3, batch 32 of 28×28×1 images: training samples/s.
 * - W8: lstm(32)-dense(1) on [32, 50, 1], MSE, Adam 1e-3: µs per training step.
 *
 * Each figure is the median over N timed steps (default 10) after 3 warm-up steps. dualflow
 * computes in float64, tfjs in float32.
 */
import { ad, losses, nn, optim, random, train, T, data } from '../src/index.js'
import type { Tree } from '../src/tree/index.js'
import { median } from './stats.js'
import { tf, useBackend, type TfLib } from './tfjs.js'

const stepsArg = process.argv.indexOf('--steps')
const timed = stepsArg >= 0 ? Number(process.argv[stepsArg + 1]) : 10
const warmup = 3

const seconds = (): number => performance.now() / 1000

interface Workload {
  readonly name: string
  readonly model: nn.Layer
  readonly inputShape: readonly number[]
  readonly x: T.Tensor
  readonly y: T.Tensor
  readonly loss: train.Loss
  /** The tfjs model, given dualflow's initial parameters (in tfjs's weight order). */
  readonly tfModel: (params: ad.ValueTree) => tf.LayersModel
  readonly tfLoss: string
}

const leaves = (tree: ad.ValueTree): T.Tensor[] => {
  if (T.isTensor(tree)) return [tree]
  if (ad.isDual(tree)) return [ad.primalTensor(tree)]
  if (Array.isArray(tree)) return tree.flatMap((t: ad.ValueTree) => leaves(t))
  return Object.values(tree).flatMap((t) => leaves(t))
}
const toTf = (t: T.Tensor): tf.Tensor => tf.tensor(Array.from(t.data), [...t.shape], 'float32')

const cnn = (): Workload => {
  const model = nn.sequential(
    nn.conv2d(16, 3), nn.relu, nn.maxPool2d(2), nn.conv2d(32, 3), nn.relu, nn.maxPool2d(2), nn.flatten(), nn.dense(128), nn.relu, nn.dense(10),
  )
  const x = random.uniform(random.key(1), [32, 28, 28, 1])
  const labels = Array.from(random.randint(random.key(2), [32], 0, 10).data)
  return {
    name: 'W7 CNN (batch 32)',
    model,
    inputShape: [28, 28, 1],
    x,
    y: data.oneHot(labels, 10),
    loss: losses.softmaxCrossEntropy,
    tfLoss: 'categoricalCrossentropy',
    tfModel: (params) => {
      const m = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 128, activation: 'relu' }),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      })
      m.setWeights(leaves(params).map(toTf))
      return m
    },
  }
}

const lstm = (): Workload => {
  const model = nn.sequential(nn.lstm(32), nn.dense(1))
  return {
    name: 'W8 LSTM(32), 50 steps (batch 32)',
    model,
    inputShape: [50, 1],
    x: random.uniform(random.key(3), [32, 50, 1]),
    y: random.uniform(random.key(4), [32, 1]),
    loss: losses.mse,
    tfLoss: 'meanSquaredError',
    tfModel: (params) => {
      const m = tf.sequential({ layers: [tf.layers.lstm({ inputShape: [50, 1], units: 32, recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: 1 })] })
      m.setWeights(leaves(params).map(toTf))
      return m
    },
  }
}

const timeDualflow = (w: Workload): number => {
  const { params, state } = w.model.init(random.key(0), w.inputShape)
  const optimizer = optim.adam({ learningRate: 1e-3 })
  const step = train.trainStep(w.model, { loss: w.loss, optimizer })
  // init gives plain tensors: the trees are Trees of tensors.
  let ts = train.initialTrainState(params as Tree, state as Tree, optimizer, random.key(0))
  const batch = data.dataset(w.x, w.y)
  const times: number[] = []
  for (let i = 0; i < warmup + timed; i++) {
    const start = seconds()
    ts = step(ts, batch)
    if (i >= warmup) times.push(seconds() - start)
  }
  return median(times)
}

const timeTf = async (w: Workload, lib: TfLib): Promise<number> => {
  await useBackend(lib)
  const { params } = w.model.init(random.key(0), w.inputShape)
  const m = w.tfModel(params)
  m.compile({ optimizer: tf.train.adam(1e-3, 0.9, 0.999, 1e-8), loss: w.tfLoss })
  const xs = toTf(w.x)
  const ys = toTf(w.y)
  const times: number[] = []
  for (let i = 0; i < warmup + timed; i++) {
    const start = seconds()
    await m.trainOnBatch(xs, ys)
    if (i >= warmup) times.push(seconds() - start)
  }
  return median(times)
}

for (const w of [cnn(), lstm()]) {
  const ours = timeDualflow(w)
  const cpu = await timeTf(w, 'tfjs-cpu')
  // tfjs-wasm 4.22 has no Conv2DBackpropFilter kernel: it cannot train a CNN (NaN, reported as such).
  const wasm = await timeTf(w, 'tfjs-wasm').catch((e: unknown) => {
    console.log(`${w.name}: tfjs-wasm failed: ${e instanceof Error ? e.message : String(e)}`)
    return Number.NaN
  })
  const us = (s: number): string => `${(s * 1e6).toFixed(0)} µs`
  console.log(`${w.name}: dualflow ${us(ours)} per step (${(32 / ours).toFixed(0)} samples/s), tfjs-cpu ${us(cpu)}, tfjs-wasm ${us(wasm)}; speed-up ×${(cpu / ours).toFixed(2)} vs cpu, ×${(wasm / ours).toFixed(2)} vs wasm`)
  console.log(JSON.stringify({ workload: w.name, dualflowSeconds: ours, tfjsCpuSeconds: cpu, tfjsWasmSeconds: wasm, speedUpVsCpu: cpu / ours, speedUpVsWasm: wasm / ours, timedSteps: timed }))
}
