/**
 * W8 — recurrent training steps: LSTM(32)-dense(1) on sequences of 50 steps of one feature, batch
 * 32, MSE, Adam 1e-3 (the workload); also GRU(32) the same way (with
 * `resetAfter: false`, the only mode tfjs-layers supports). Figure: µs per training step, the median over the timed steps after warm-up, on one
 * fixed batch (10 warm-up steps, 21 timed; quick: 5 and 7); both libraries from the same initial
 * weights.
 */
import { losses, nn, random, data } from '../../src/index.js'
import { tf, tfLibs } from '../tfjs.js'
import type { Measurement, WorkloadResult } from '../stats.js'
import { dualflowSteps, medianStep, tfjsSteps, type StepSetup } from './train-steps.js'
import type { Context } from './context.js'

const time = 50
const units = 32

const setups: ReadonlyArray<readonly [string, StepSetup]> = [
  [
    'LSTM(32)',
    {
      model: nn.sequential(nn.lstm(units), nn.dense(1)),
      inputShape: [time, 1],
      loss: losses.mse,
      learningRate: 1e-3,
      tfLoss: 'meanSquaredError',
      tfModel: (weights) => {
        const m = tf.sequential({ layers: [tf.layers.lstm({ inputShape: [time, 1], units, recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: 1 })] })
        m.setWeights(weights.map((w) => tf.tensor(Float32Array.from(w.data), [...w.shape])))
        return m
      },
    },
  ],
  [
    'GRU(32) resetAfter false',
    {
      model: nn.sequential(nn.gru(units, { resetAfter: false }), nn.dense(1)),
      inputShape: [time, 1],
      loss: losses.mse,
      learningRate: 1e-3,
      tfLoss: 'meanSquaredError',
      tfModel: (weights) => {
        const m = tf.sequential({ layers: [tf.layers.gru({ inputShape: [time, 1], units, recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: 1 })] })
        m.setWeights(weights.map((w) => tf.tensor(Float32Array.from(w.data), [...w.shape])))
        return m
      },
    },
  ],
]

export const runW8 = async (ctx: Context): Promise<WorkloadResult> => {
  const batch = data.dataset(random.uniform(random.key(3), [32, time, 1]), random.uniform(random.key(4), [32, 1]))
  // Enough warm-up steps for V8 to optimise the loops (the first ones run interpreted).
  const warmup = ctx.quick ? 5 : 10
  const timed = ctx.quick ? 7 : 21
  const measurements: Measurement[] = []
  for (const [kase, setup] of setups) {
    const record = (lib: Measurement['lib'], seconds: readonly number[]): void => {
      const us = medianStep(seconds) * 1e6
      measurements.push({ workload: 'W8', case: kase, lib, metric: 'usPerStep', value: us, higherIsBetter: false, extras: { timedSteps: seconds.length } })
      ctx.log(`W8 ${kase} ${lib}: ${us.toFixed(0)} µs/step`)
    }
    if (ctx.libs.includes('dualflow')) record('dualflow', dualflowSteps(setup, [batch], warmup, timed).seconds)
    for (const lib of tfLibs(ctx.libs)) record(lib, await tfjsSteps(setup, lib, [batch], warmup, timed))
  }
  return { measurements }
}
