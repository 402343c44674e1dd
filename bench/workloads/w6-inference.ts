/**
 * W6 — inference: the W2 network's forward pass on the 2 000 test digits, as one batch (samples/s;
 * `batchSize: rows`, since `predict` goes 32 rows at a time by default, as tfjs's `predict` does).
 * dualflow's `train.predict` runs the plain tensor path (no Duals), so it should go at least three
 * times as fast as W2's training (one forward pass against forward + backward + update); the ratio
 * against W2 is reported when W2 ran in the same invocation. Weights: W2's initial ones (the
 * speed does not depend on the values).
 */
import * as data from '../../src/data/index.js'
import * as random from '../../src/random/index.js'
import * as train from '../../src/train/index.js'
import { tf, tfLibs, useBackend } from '../tfjs.js'
import { timeCall, type Measurement, type Ratio, type WorkloadResult } from '../stats.js'
import { denseWeights, dualflowModel, initialise, tfModel } from '../mlp.js'
import type { Context } from './context.js'
import { mnistInitSeed, mnistSpec } from './w2-mnist.js'

export const runW6 = async (ctx: Context): Promise<WorkloadResult> => {
  const { test } = await data.mnist()
  const rows = data.rowCount(test)
  const initial = initialise(mnistSpec, random.key(mnistInitSeed))
  const timing = ctx.quick ? { warmup: 1, warmupSeconds: 0.1, repeats: 5, minSampleSeconds: 0.05 } : { warmup: 2, warmupSeconds: 0.3, repeats: 9, minSampleSeconds: 0.2 }
  const measurements: Measurement[] = []
  const ratios: Ratio[] = []
  const notes: string[] = []
  if (ctx.libs.includes('dualflow')) {
    const model = dualflowModel(mnistSpec)
    const seconds = timeCall(() => void train.predict(model, initial.params, initial.state, test.x, { batchSize: rows }), timing)
    const samplesPerSec = rows / seconds
    measurements.push({ workload: 'W6', lib: 'dualflow', metric: 'samplesPerSec', value: samplesPerSec, higherIsBetter: true })
    ctx.log(`W6 dualflow: ${samplesPerSec.toFixed(0)} samples/s`)
    const training = ctx.earlier.find((m) => m.workload === 'W2' && m.lib === 'dualflow')
    if (training === undefined) notes.push('run W2 in the same invocation for the ratio against training throughput')
    else ratios.push({ workload: 'W6', vs: 'W2 training (dualflow)', value: samplesPerSec / training.value, target: 3 })
  }
  for (const lib of tfLibs(ctx.libs)) {
    await useBackend(lib)
    const model = tfModel(mnistSpec, denseWeights(mnistSpec, initial.params))
    const x = tf.tensor(Float32Array.from(test.x.data), [...test.x.shape])
    const seconds = timeCall(() => {
      const y = tf.tidy(() => model.forward(x))
      y.dataSync()
      y.dispose()
    }, timing)
    x.dispose()
    model.dispose()
    measurements.push({ workload: 'W6', lib, metric: 'samplesPerSec', value: rows / seconds, higherIsBetter: true })
    ctx.log(`W6 ${lib}: ${(rows / seconds).toFixed(0)} samples/s`)
  }
  return { measurements, ratios, notes }
}
