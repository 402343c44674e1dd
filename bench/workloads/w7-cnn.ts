/**
 * W7 — the CNN of examples/cnn-mnist.ts (conv2d(16, 3×3)-relu-maxPool-conv2d(32, 3×3)-relu-maxPool-
 * flatten-dense(128)-relu-dense(10), softmax cross-entropy, Adam 1e-3, batch 32) on the bundled
 * MNIST digits as 28×28×1 images, both libraries from the same initial weights and batches.
 * Figures: training samples/s (batch size over the median step time) and dualflow's test accuracy
 * on the 2 000 test digits after its timed steps (the full run trains one epoch: 250 steps; the
 * quick run 40). tfjs-cpu is timed on 3 steps after one warm-up (quick: 1; it takes seconds per
 * step); tfjs-wasm 4.22 cannot train a CNN (it has no Conv2DBackpropFilter kernel), and its error
 * is reported.
 */
import { data, losses, metrics, nn, T, train } from '../../src/index.js'
import { tf, tfLibs } from '../tfjs.js'
import type { Measurement, WorkloadResult } from '../stats.js'
import { dualflowStepper, medianOf, tfjsStepper, type StepSetup } from './train-steps.js'
import type { Context } from './context.js'

const batchSize = 32

const setup: StepSetup = {
  model: nn.sequential(nn.conv2d(16, 3), nn.relu, nn.maxPool2d(2), nn.conv2d(32, 3), nn.relu, nn.maxPool2d(2), nn.flatten(), nn.dense(128), nn.relu, nn.dense(10)),
  inputShape: [28, 28, 1],
  loss: losses.softmaxCrossEntropy,
  learningRate: 1e-3,
  tfLoss: 'categoricalCrossentropy',
  tfModel: (weights) => {
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
    m.setWeights(weights.map((w) => tf.tensor(Float32Array.from(w.data), [...w.shape])))
    return m
  },
}

const images = (ds: data.Dataset): data.Dataset => {
  const n = data.rowCount(ds)
  return data.dataset(T.reshape(ds.x, [n, 28, 28, 1]), ds.y)
}

export const runW7 = async (ctx: Context): Promise<WorkloadResult> => {
  const digits = await data.mnist()
  const trainSet = images(digits.train)
  const testSet = images(digits.test)
  const steps = ctx.quick ? 40 : Math.floor(data.rowCount(trainSet) / batchSize)
  const batches = data.batches(trainSet, batchSize).slice(0, steps)
  const measurements: Measurement[] = []
  const notes: string[] = []
  const warmup = 2
  if (ctx.libs.includes('dualflow')) {
    const d = dualflowStepper(setup)
    for (const [i, batch] of batches.entries()) await d.step(batch, i >= warmup)
    const { params, state } = d.trained?.() ?? { params: [], state: [] }
    const scores = train.predict(setup.model, params, state, testSet.x)
    const testAccuracy = metrics.accuracy.compute(scores, testSet.y)
    const samplesPerSec = batchSize / medianOf(d.times.wall)
    const cpuSamplesPerSec = batchSize / medianOf(d.times.cpu)
    measurements.push({ workload: 'W7', lib: 'dualflow', metric: 'samplesPerSec', value: samplesPerSec, higherIsBetter: true, extras: { cpuSamplesPerSec: Math.round(cpuSamplesPerSec), testAccuracy, trainedSteps: steps, timedSteps: d.times.wall.length } })
    ctx.log(`W7 dualflow: ${samplesPerSec.toFixed(0)} samples/s (per CPU second ${cpuSamplesPerSec.toFixed(0)}), test accuracy ${(testAccuracy * 100).toFixed(2)}% after ${steps} steps of ${batchSize}`)
  }
  for (const lib of tfLibs(ctx.libs)) {
    try {
      const s = await tfjsStepper(setup, lib)
      // tfjs-cpu takes seconds per step: one warm-up step and a few timed ones.
      for (const [i, batch] of batches.slice(0, ctx.quick ? 2 : 4).entries()) await s.step(batch, i >= 1)
      s.dispose()
      const samplesPerSec = batchSize / medianOf(s.times.wall)
      measurements.push({ workload: 'W7', lib, metric: 'samplesPerSec', value: samplesPerSec, higherIsBetter: true, extras: { cpuSamplesPerSec: Number((batchSize / medianOf(s.times.cpu)).toFixed(2)), timedSteps: s.times.wall.length } })
      ctx.log(`W7 ${lib}: ${samplesPerSec.toFixed(1)} samples/s`)
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      notes.push(`${lib} cannot train this CNN: ${message}`)
      ctx.log(`W7 ${lib}: failed: ${message}`)
    }
  }
  return { measurements, notes }
}
