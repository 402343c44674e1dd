/**
 * WJ — `jit` against the interpreter, in one process (issue 14). Each case is measured in
 * alternating rounds — interpreted, then compiled, then again — and each side's figure is the
 * median over its rounds, so that load from other processes falls on both sides alike; the ratio
 * (interpreted time / compiled time) is what counts on a shared machine. Times are this process's
 * CPU time (user + system, all its threads, garbage collection included), not wall-clock time:
 * on a machine shared with other work, time spent waiting for a core is not the library's.
 *
 *   W3  Pima 8-12-8-1 training step through `train.fit` (batch 10, Adam): µs per step as W3
 *       counts it (the median over epochs 2… of the epoch's CPU time over its 77 steps), and over the
 *       whole fit run ("whole fit": tracing, the first epoch and the engine's warm-up of a fresh
 *       plan included — a short run, 15 epochs, so that fixed cost weighs on the compiled side)
 *   W4  XOR 2-3-1 full-batch training step through `train.fit` (Adam): µs per step over the whole
 *       fit run (an epoch is one step of a few µs, too short for a per-epoch CPU clock; fit gets
 *       the cheap wall clock, not the CPU clock, whose three readings per epoch cost ≈ 1.7 µs)
 *   W5  valueAndGrad of Σ tanh(x)·x at a length-16 vector: calls/s (jit(valueAndGrad(f)))
 *   W2  MNIST 784-128-10 training through `train.fit` (batch 128) on a subset: samples/s
 *   W6  inference of the W2 network on the test set through `train.predict`: samples/s
 *
 * and memory: bytes allocated per call of a compiled Pima training gradient and of a whole
 * compiled training step (called per batch, and folded as `fit` runs it), in steady state over 10 000 calls (heap and array buffers, between
 * forced collections; needs --expose-gc, as `npm run bench` runs).
 *
 * `fit` compiles the whole step into one plan (forward and backward pass, Adam's update, the new
 * parameters) and folds it over the batches with `jitFold` (the state between steps stays in the
 * fold's buffers); the step key's derivation and fit's bookkeeping stay interpreted, so W3/W4
 * include them on both sides; each compiled run's tracing (a new `fit` traces anew) is in the
 * "whole fit" figures only.
 */
import * as data from '../../src/data/index.js'
import * as random from '../../src/random/index.js'
import * as train from '../../src/train/index.js'
import * as losses from '../../src/losses/index.js'
import * as optim from '../../src/optim/index.js'
import { jit, mul, sum, tanh, valueAndGrad, vector, type Value } from '../../src/index.js'
import type { Tensor } from '../../src/tensor/index.js'
import * as tree from '../../src/tree/index.js'
import type { Tree } from '../../src/tree/index.js'
import { median, type Measurement, type Ratio, type WorkloadResult } from '../stats.js'
import { dualflowModel, initialise, permuted, trainOn, type MlpSpec, type TrainSetup } from '../mlp.js'
import type { Context } from './context.js'
import { lcg } from './w1-matmul.js'
import { mnistInitSeed, mnistSpec } from './w2-mnist.js'

const pimaSpec: MlpSpec = {
  inputs: 8,
  layers: [
    { units: 12, activation: 'relu' },
    { units: 8, activation: 'relu' },
    { units: 1, activation: 'sigmoid' },
  ],
}
const xorSpec: MlpSpec = { inputs: 2, layers: [{ units: 3, activation: 'relu' }, { units: 1, activation: 'sigmoid' }] }

interface Side {
  readonly interpreted: number[]
  readonly compiled: number[]
}

/** Alternating rounds of the two sides; `measure(jit)` returns one figure (seconds per unit). */
const alternate = (rounds: number, measure: (jit: boolean) => number): { readonly interpreted: number; readonly compiled: number } => {
  const side: Side = { interpreted: [], compiled: [] }
  for (let r = 0; r < rounds; r++) {
    side.interpreted.push(measure(false))
    side.compiled.push(measure(true))
  }
  return { interpreted: median(side.interpreted), compiled: median(side.compiled) }
}

/** CPU seconds of this process (user + system). */
const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

/** CPU seconds per unit of `fn` (which does `units` units of work). */
const cpuPer = (units: number, fn: () => void): number => {
  const t0 = cpuSeconds()
  fn()
  return (cpuSeconds() - t0) / units
}

/**
 * Both figures of one fit run: CPU seconds per step of the whole run (tracing, the first epoch and
 * the engine's warm-up of a fresh plan included), and W3's own figure — the median over epochs 2…
 * of the epoch's CPU seconds over its steps (bench/workloads/w3-pima.ts).
 */
const stepFigures = (setup: TrainSetup, stepsPerEpoch: number): { readonly whole: number; readonly steady: number } => {
  let epochs: readonly number[] = []
  const whole = cpuPer(setup.epochs * stepsPerEpoch, () => {
    epochs = trainOn('dualflow', { ...setup, clock: cpuSeconds }).epochSeconds
  })
  return { whole, steady: median(epochs.slice(1)) / stepsPerEpoch }
}

/**
 * CPU seconds per step of a whole fit run, with fit's clock left at the bench's default wall clock:
 * for W4, whose epochs are single steps of a few µs and which reads no epoch's time, so that the
 * three CPU-clock readings fit would take per epoch (`process.cpuUsage`, ≈ 0.55 µs each, a third of
 * a compiled XOR step) are not counted as the library's time on either side.
 */
const wholeFitFigure = (setup: TrainSetup, stepsPerEpoch: number): number =>
  cpuPer(setup.epochs * stepsPerEpoch, () => void trainOn('dualflow', setup))

/** `alternate` for both figures of `stepFigures`, from the same runs. */
const alternateFits = (rounds: number, fit: (jit: boolean) => { readonly whole: number; readonly steady: number }) => {
  const runs = { whole: { interpreted: [] as number[], compiled: [] as number[] }, steady: { interpreted: [] as number[], compiled: [] as number[] } }
  for (let r = 0; r < rounds; r++) {
    for (const jit of [false, true]) {
      const f = fit(jit)
      const side = jit ? 'compiled' : 'interpreted'
      runs.whole[side].push(f.whole)
      runs.steady[side].push(f.steady)
    }
  }
  const medians = (x: { readonly interpreted: number[]; readonly compiled: number[] }) => ({ interpreted: median(x.interpreted), compiled: median(x.compiled) })
  return { whole: medians(runs.whole), steady: medians(runs.steady) }
}

/** Bytes allocated per call (V8 heap plus array buffers), median over batches between forced collections. */
const bytesPerCall = (fn: () => void, calls: number, batch = 100): number => {
  const gc = globalThis.gc
  if (typeof gc !== 'function') return Number.NaN
  for (let i = 0; i < 200; i++) fn()
  const samples: number[] = []
  for (let done = 0; done < calls; done += batch) {
    gc()
    const m0 = process.memoryUsage()
    for (let i = 0; i < batch; i++) fn()
    const m1 = process.memoryUsage()
    samples.push((m1.heapUsed - m0.heapUsed + m1.arrayBuffers - m0.arrayBuffers) / batch)
  }
  return median(samples)
}

export const runWJ = async (ctx: Context): Promise<WorkloadResult> => {
  const measurements: Measurement[] = []
  const ratios: Ratio[] = []
  const notes: string[] = []
  const records: Record<string, unknown>[] = []
  const rounds = ctx.quick ? 3 : 5
  const record = (name: string, metric: string, higherIsBetter: boolean, unitsPer: (seconds: number) => number, r: { readonly interpreted: number; readonly compiled: number }, target?: number): void => {
    const interpreted = unitsPer(r.interpreted)
    const compiled = unitsPer(r.compiled)
    measurements.push({ workload: 'WJ', case: `${name} interpreted`, lib: 'dualflow', metric, value: interpreted, higherIsBetter })
    measurements.push({ workload: 'WJ', case: `${name} jit`, lib: 'dualflow', metric, value: compiled, higherIsBetter })
    const ratio = r.interpreted / r.compiled
    ratios.push({ workload: 'WJ', case: name, vs: 'interpreted', value: ratio, ...(target === undefined ? {} : { target }) })
    ctx.log(`WJ ${name}: interpreted ${interpreted.toFixed(2)} ${metric}, jit ${compiled.toFixed(2)} ${metric}: ×${ratio.toFixed(2)}`)
  }

  // W3: Pima through fit.
  const pima = permuted(data.pima(), 2)
  const pimaSteps = Math.ceil(data.rowCount(pima) / 10)
  const pimaSetup = (jit: boolean): TrainSetup => ({
    spec: pimaSpec,
    loss: 'binaryCrossEntropy',
    learningRate: 1e-3,
    batchSize: 10,
    epochs: ctx.quick ? 6 : 15,
    train: pima,
    initial: initialise(pimaSpec, random.key(7)),
    jit,
  })
  const pimaFits = alternateFits(rounds, (jit) => stepFigures(pimaSetup(jit), pimaSteps))
  record('W3 Pima step', 'usPerStep', false, (s) => s * 1e6, pimaFits.steady, 7)
  record('W3 Pima step, whole fit', 'usPerStep', false, (s) => s * 1e6, pimaFits.whole)

  // W4: XOR through fit, full batch.
  const xorSetup = (jit: boolean): TrainSetup => ({
    spec: xorSpec,
    loss: 'mse',
    learningRate: 0.01,
    batchSize: 4,
    epochs: ctx.quick ? 300 : 1000,
    train: data.gates.xor,
    initial: initialise(xorSpec, random.key(0)),
    jit,
  })
  record('W4 XOR step', 'usPerStep', false, (s) => s * 1e6, alternate(rounds, (jit) => wholeFitFigure(xorSetup(jit), 1)), 7)

  // W5: valueAndGrad calls.
  const x = vector(lcg(16, 3))
  const f = (v: Value): Value => sum(mul(tanh(v), v))
  const interpretedGrad = valueAndGrad(f)
  const compiledGrad = jit(valueAndGrad(f))
  const calls = ctx.quick ? 20_000 : 100_000
  for (let i = 0; i < 2000; i++) {
    interpretedGrad(x)
    compiledGrad(x)
  }
  record('W5 valueAndGrad', 'callsPerSec', true, (s) => 1 / s, alternate(rounds, (useJit) => cpuPer(calls, () => {
    const g = useJit ? compiledGrad : interpretedGrad
    for (let i = 0; i < calls; i++) g(x)
  })), 5)

  // W2 and W6: MNIST.
  const { train: mnistTrain, test } = await data.mnist()
  const subset = data.take(permuted(mnistTrain, 1), Array.from({ length: ctx.quick ? 1024 : 4096 }, (_, i) => i))
  const mnistSetup = (jit: boolean): TrainSetup => ({
    spec: mnistSpec,
    loss: 'softmaxCrossEntropy',
    learningRate: 1e-3,
    batchSize: 128,
    epochs: 3,
    train: subset,
    initial: initialise(mnistSpec, random.key(mnistInitSeed)),
    jit,
  })
  const rowsOf = data.rowCount(subset)
  record('W2 MNIST training', 'samplesPerSec', true, (s) => 1 / s, alternate(ctx.quick ? 2 : 3, (jit) => cpuPer(3 * rowsOf, () => void trainOn('dualflow', mnistSetup(jit)))))
  const model = dualflowModel(mnistSpec)
  const initial = initialise(mnistSpec, random.key(mnistInitSeed))
  const testRows = data.rowCount(test)
  const predictions = ctx.quick ? 3 : 10
  record('W6 MNIST inference', 'samplesPerSec', true, (s) => 1 / s, alternate(rounds, (jit) => cpuPer(predictions * testRows, () => {
    for (let i = 0; i < predictions; i++) train.predict(model, initial.params, initial.state, test.x, { jit, batchSize: testRows })
  })))

  // Memory: a compiled Pima gradient, and a whole compiled training step.
  const pimaModel = dualflowModel(pimaSpec)
  const start = initialise(pimaSpec, random.key(7))
  const batch = data.take(pima, Array.from({ length: 10 }, (_, i) => i))
  const gradient = jit((params: Tree, state: Tree, xb: Tensor, yb: Tensor) =>
    valueAndGrad((p: Tree) => losses.binaryCrossEntropy(pimaModel.apply(p, state, xb, { training: true }).y, yb))(params),
  )
  const returned = (1 + 8 * 12 + 12 + 12 * 8 + 8 + 8 + 1) * 8
  const gradientBytes = bytesPerCall(() => void gradient(start.params, start.state, batch.x, batch.y), 10_000)
  const optimizer = optim.adam({ learningRate: 1e-3 })
  const steps = { jit: train.trainStep(pimaModel, { loss: losses.binaryCrossEntropy, optimizer }), interpreted: train.trainStep(pimaModel, { loss: losses.binaryCrossEntropy, optimizer, jit: false }) }
  const stepBytes = (step: typeof steps.jit): number => {
    let ts = train.initialTrainState(start.params, start.state, optimizer, random.key(0))
    return bytesPerCall(() => {
      ts = step(ts, batch)
    }, 10_000)
  }
  const jitStepBytes = stepBytes(steps.jit)
  const interpretedStepBytes = stepBytes(steps.interpreted)
  // The step as fit folds it: one runner (jitFold), the state kept in its buffers between steps.
  const flat = tree.flatten(start.params)
  const flatStep = train.flatStep(pimaModel, flat.treedef, { loss: losses.binaryCrossEntropy, optimizer })
  const runner = train.stepRunner(flatStep, train.initialTrainState(flat.leaves, start.state, optimizer, random.key(0)))
  const foldStepBytes = bytesPerCall(() => void runner.step(batch), 10_000)
  records.push({ workload: 'WJ', memory: { gradientBytesPerCall: gradientBytes, returnedTensorBytes: returned, jitStepBytesPerStep: jitStepBytes, foldStepBytesPerStep: foldStepBytes, interpretedStepBytesPerStep: interpretedStepBytes, planBytes: gradient.stats().bytes } })
  ctx.log(
    `WJ memory: compiled Pima gradient ${gradientBytes.toFixed(0)} B/call (its returned tensors hold ${returned} B of data), ` +
      `plan buffers ${gradient.stats().bytes} B held once; whole step ${jitStepBytes.toFixed(0)} B/step compiled vs ${interpretedStepBytes.toFixed(0)} B/step interpreted, ` +
      `${foldStepBytes.toFixed(0)} B/step folded as fit runs it`,
  )
  notes.push('WJ ratios are interpreted time / jit time in the same process, alternating rounds; fit compiles the whole step (gradient, Adam update, new parameters), tracing included in each compiled run')
  return { measurements, ratios, notes, records }
}
