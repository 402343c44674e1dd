/**
 * WB — the beginner's benchmark against brain.js (issue 14): brain.js's own XOR recipe — its
 * default `NeuralNetwork` (2-3-1, sigmoid), its default learning rate 0.3 and momentum 0.1,
 * per-sample updates, 20 000 iterations (an iteration is one pass over the four rows; the error
 * threshold is set to 1e−12, which brain.js accepts and never reaches, so that all 20 000 run) — and the same network and updates written with
 * dualflow: a function per sample that runs the forward pass, `valueAndGrad` of ½(t − y)² and
 * brain.js's update (weights: change = −η·∂ + μ·change, w += change; biases: b −= η·∂), in
 * float64, folded over the samples with `jitFold` (the way a dualflow user writes brain.js's
 * training loop: the state threaded through 80 000 updates, only the last one looked at). Beside
 * it, once per run: the same function `jit`-compiled and called per sample (each call returns
 * fresh tensors), and interpreted. Figures: µs per iteration, in alternating rounds in one process, and
 * whether each learned XOR (all four outputs on the right side of 0.5). Initial weights differ
 * (brain.js draws its own, uniform in [−0.2, 0.2]; dualflow draws the same distribution from a key).
 */
import { createRequire } from 'node:module'
import * as random from '../../src/random/index.js'
import { add, jit, jitFold, matmul, scale, sigmoid, square, sub, sum, tensor, valueAndGrad, type Value } from '../../src/index.js'
import type { Tensor } from '../../src/tensor/index.js'
import { median, now, type Measurement, type Ratio, type WorkloadResult } from '../stats.js'
import type { Context } from './context.js'

interface BrainNet {
  train(data: readonly { input: readonly number[]; output: readonly number[] }[], options: Record<string, unknown>): { error: number; iterations: number }
  run(input: readonly number[]): ArrayLike<number>
}

const require = createRequire(import.meta.url)

const rows = [
  { input: [0, 0], output: [0] },
  { input: [0, 1], output: [1] },
  { input: [1, 0], output: [1] },
  { input: [1, 1], output: [0] },
] as const

const learnedXor = (run: (x: readonly number[]) => number): boolean => rows.every((r) => (run(r.input) > 0.5) === (r.output[0] === 1))

// Type aliases, not interfaces: records of Values are ValueTrees only without declared interfaces.
type Params = { readonly w1: Value; readonly b1: Value; readonly w2: Value; readonly b2: Value }
type Velocity = { readonly w1: Value; readonly w2: Value }
type TrainingState = { readonly params: Params; readonly velocity: Velocity }
type Sample = { readonly x: Tensor; readonly t: Tensor }

const forward = (p: Params, x: Value): Value => sigmoid(add(matmul(sigmoid(add(matmul(x, p.w1), p.b1)), p.w2), p.b2))

/** One per-sample step of brain.js's rule, as a pure function. */
const sampleStep = (learningRate: number, momentum: number) => (p: Params, v: Velocity, x: Tensor, t: Tensor) => {
  const [, g] = valueAndGrad((q: Params) => scale(sum(square(sub(t, forward(q, x)))), 0.5))(p)
  const v1 = add(scale(g.w1, -learningRate), scale(v.w1, momentum))
  const v2 = add(scale(g.w2, -learningRate), scale(v.w2, momentum))
  return {
    params: { w1: add(p.w1, v1), b1: sub(p.b1, scale(g.b1, learningRate)), w2: add(p.w2, v2), b2: sub(p.b2, scale(g.b2, learningRate)) },
    velocity: { w1: v1, w2: v2 },
  }
}

export const runWB = async (ctx: Context): Promise<WorkloadResult> => {
  const iterations = ctx.quick ? 5_000 : 20_000
  const rounds = ctx.quick ? 2 : 3
  const measurements: Measurement[] = []
  const ratios: Ratio[] = []
  const notes: string[] = []
  let brainLoaded: { NeuralNetwork: new () => BrainNet } | undefined
  try {
    brainLoaded = require('brain.js')
  } catch {
    notes.push('WB: brain.js is not installed (npm install); only dualflow ran')
  }

  const brainRun = (): { readonly seconds: number; readonly learned: boolean } => {
    if (brainLoaded === undefined) return { seconds: Number.NaN, learned: false }
    const net = new brainLoaded.NeuralNetwork()
    const t0 = now()
    const result = net.train(rows, { iterations, errorThresh: 1e-12, learningRate: 0.3, momentum: 0.1 })
    const seconds = now() - t0
    if (result.iterations !== iterations) throw new Error(`brain.js stopped after ${result.iterations} of ${iterations} iterations`)
    return { seconds, learned: learnedXor((x) => net.run(x)[0] ?? Number.NaN) }
  }

  const inputs = rows.map((r) => tensor([[...r.input]]))
  const targets = rows.map((r) => tensor([[...r.output]]))
  const plain = sampleStep(0.3, 0.1)
  const start = (seed: number): TrainingState => {
    const [k1, k2, k3, k4] = random.split(random.key(seed), 4)
    const init = (k: random.Key | undefined, shape: readonly number[]): Tensor => random.uniform(k ?? random.key(0), shape, { min: -0.2, max: 0.2 })
    return { params: { w1: init(k1, [2, 3]), b1: init(k2, [3]), w2: init(k3, [3, 1]), b2: init(k4, [1]) }, velocity: { w1: tensor([[0, 0, 0], [0, 0, 0]]), w2: tensor([[0], [0], [0]]) } }
  }
  const learned = (p: Params): boolean => learnedXor((x) => firstOf(forward(p, tensor([[...x]]))))
  const dualflowRun = (useJit: boolean, seed: number): { readonly seconds: number; readonly learned: boolean } => {
    let { params: p, velocity: v } = start(seed)
    const step = useJit ? jit(plain) : plain
    const t0 = now()
    for (let i = 0; i < iterations; i++) {
      for (let r = 0; r < 4; r++) {
        const next = step(p, v, inputs[r] ?? inputs[0] ?? tensor([[0, 0]]), targets[r] ?? tensor([[0]]))
        p = next.params
        v = next.velocity
      }
    }
    const seconds = now() - t0
    return { seconds, learned: learned(p) }
  }
  // The fold: one sample per item, the state as the carry, nothing emitted.
  const samples: readonly Sample[] = inputs.map((x, r) => ({ x, t: targets[r] ?? tensor([[0]]) }))
  const items = Array.from({ length: 4 * iterations }, (_, i) => samples[i % 4] ?? { x: tensor([[0, 0]]), t: tensor([[0]]) })
  const foldRun = (seed: number): { readonly seconds: number; readonly learned: boolean } => {
    const train = jitFold((s: TrainingState, sample: Sample) => [plain(s.params, s.velocity, sample.x, sample.t), []] as const)
    const initial = start(seed)
    const t0 = now()
    const out = train(initial, items, { emitted: 'none' })
    const seconds = now() - t0
    return { seconds, learned: learned(out.carry.params) }
  }

  const brain: number[] = []
  const folded: number[] = []
  const compiled: number[] = []
  const interpreted: number[] = []
  let brainLearned = 0
  let dualflowLearned = 0
  for (let r = 0; r < rounds; r++) {
    const b = brainRun()
    brain.push(b.seconds)
    if (b.learned) brainLearned++
    const d = foldRun(r)
    folded.push(d.seconds)
    if (d.learned) dualflowLearned++
    if (r === 0) {
      compiled.push(dualflowRun(true, r).seconds)
      interpreted.push(dualflowRun(false, r).seconds)
    }
  }
  const us = (xs: readonly number[]): number => (median(xs) / iterations) * 1e6
  const brainUs = us(brain)
  const foldUs = us(folded)
  const jitUs = us(compiled)
  const interpretedUs = us(interpreted)
  measurements.push({ workload: 'WB', case: 'brain.js XOR recipe', lib: 'dualflow', metric: 'usPerIteration', value: brainUs, higherIsBetter: false, extras: { learned: `${brainLearned}/${rounds}`, engine: 'brain.js 1.6.1 (float32)' } })
  measurements.push({ workload: 'WB', case: 'dualflow jitFold', lib: 'dualflow', metric: 'usPerIteration', value: foldUs, higherIsBetter: false, extras: { learned: `${dualflowLearned}/${rounds}` } })
  measurements.push({ workload: 'WB', case: 'dualflow jit per call', lib: 'dualflow', metric: 'usPerIteration', value: jitUs, higherIsBetter: false })
  measurements.push({ workload: 'WB', case: 'dualflow interpreted', lib: 'dualflow', metric: 'usPerIteration', value: interpretedUs, higherIsBetter: false })
  ratios.push({ workload: 'WB', case: 'dualflow jitFold', vs: 'brain.js', value: brainUs / foldUs, target: 1 })
  ctx.log(
    `WB XOR (${iterations} iterations of 4 per-sample updates): brain.js ${brainUs.toFixed(2)} µs/iteration (learned ${brainLearned}/${rounds}), ` +
      `dualflow jitFold ${foldUs.toFixed(2)} (learned ${dualflowLearned}/${rounds}), dualflow jit per call ${jitUs.toFixed(2)}, dualflow interpreted ${interpretedUs.toFixed(2)}`,
  )
  return { measurements, ratios, notes }
}

const firstOf = (v: Value): number => {
  if ('data' in v) return v.data[0] ?? Number.NaN
  return Number.NaN
}
