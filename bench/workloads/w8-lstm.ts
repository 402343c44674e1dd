/**
 * W8 — recurrent training steps: LSTM(32)-dense(1) on sequences of 50 steps of one feature, batch
 * 32, MSE, Adam 1e-3 (the workload); also GRU(32) the same way (with
 * `resetAfter: false`, the only mode tfjs-layers supports). Figure: µs per training step (wall; the
 * process's CPU time beside it), the median over the timed steps on one fixed batch, after 10
 * warm-up steps per library; the libraries are timed in 3 alternating rounds of 7 steps (quick: 5
 * warm-up steps, 2 rounds), so that a change of the machine's load falls on all of them; all start
 * from the same initial weights.
 */
import { losses, nn, random, data } from '../../src/index.js'
import { tf, tfLibs } from '../tfjs.js'
import type { Lib, Measurement, Ratio, WorkloadResult } from '../stats.js'
import { dualflowStepper, medianOf, tfjsStepper, type Stepper, type StepSetup } from './train-steps.js'
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
  // Enough warm-up steps for V8 to optimise the loops (the first ones run interpreted), then
  // rounds that alternate the libraries, so that a change of the machine's load falls on all.
  const warmup = ctx.quick ? 5 : 10
  const rounds = ctx.quick ? 2 : 3
  const perRound = 7
  const measurements: Measurement[] = []
  const ratios: Ratio[] = []
  for (const [kase, setup] of setups) {
    const steppers: (readonly [Lib, Stepper])[] = []
    if (ctx.libs.includes('dualflow')) steppers.push(['dualflow', dualflowStepper(setup)])
    for (const lib of tfLibs(ctx.libs)) steppers.push([lib, await tfjsStepper(setup, lib)])
    for (const [, s] of steppers) for (let i = 0; i < warmup; i++) await s.step(batch, false)
    for (let r = 0; r < rounds; r++) {
      for (const [, s] of steppers) for (let i = 0; i < perRound; i++) await s.step(batch, true)
    }
    for (const [lib, s] of steppers) {
      const us = medianOf(s.times.wall) * 1e6
      const cpuUs = medianOf(s.times.cpu) * 1e6
      measurements.push({ workload: 'W8', case: kase, lib, metric: 'usPerStep', value: us, higherIsBetter: false, extras: { cpuUsPerStep: Math.round(cpuUs), timedSteps: s.times.wall.length } })
      ctx.log(`W8 ${kase} ${lib}: ${us.toFixed(0)} µs/step (CPU ${cpuUs.toFixed(0)} µs)`)
      s.dispose()
    }
    // The same comparison on the process's CPU time (less sensitive to other processes' load).
    const ours = steppers.find(([lib]) => lib === 'dualflow')?.[1]
    for (const [lib, s] of steppers) {
      if (ours !== undefined && lib !== 'dualflow') ratios.push({ workload: 'W8', case: `${kase}, CPU time`, vs: lib, value: medianOf(s.times.cpu) / medianOf(ours.times.cpu) })
    }
  }
  return { measurements, ratios }
}
