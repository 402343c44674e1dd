/**
 * K — dualflow's kernels against each other, in one run: the scalar JavaScript kernel (`js`, the
 * baseline), WebAssembly SIMD (`wasm`: `useKernels('auto')`, the default, which runs WebAssembly
 * above the measured threshold), and WebAssembly SIMD split over worker threads (`wasm+threads`:
 * the default plus `useThreads()` from dualflow/node).
 *
 * Figures: W1 (N×N matmul, N = 64 … 1024) GFLOP/s per kernel and the speed-up over `js`; W2 (MNIST
 * 784-128-10 training, as in the W2 workload) and W6 (inference of that network) samples/s and
 * speed-ups. Each W1 size samples the kernels in turns (js, wasm, threads, js, …) so that load
 * from other processes hits them alike, and the speed-up is the median of the per-turn ratios.
 * The fraction of peak divides the best W1 figure by the peak derived in bench/peak.ts.
 */
import { fromArray, matmul } from '../../src/index.js'
import * as data from '../../src/data/index.js'
import * as random from '../../src/random/index.js'
import * as train from '../../src/train/index.js'
import { useKernels } from '../../src/tensor/index.js'
import { useThreads } from '../../src/node/index.js'
import { median, now, type Ratio, type WorkloadResult } from '../stats.js'
import { dualflowModel, initialise, permuted, trainDualflow } from '../mlp.js'
import { measurePeak } from '../peak.js'
import type { Context } from './context.js'
import { lcg } from './w1-matmul.js'
import { mnistInitSeed, mnistSpec } from './w2-mnist.js'

/** The kernels the workload can compare. */
export const allKernels = ['js', 'wasm', 'wasm+threads'] as const
export type KernelMode = (typeof allKernels)[number]

/** Switches dualflow to a kernel mode. */
const use = (mode: KernelMode): void => {
  useKernels(mode === 'js' ? 'js' : 'auto')
  useThreads({ threads: mode === 'wasm+threads' ? undefined : 1 })
}

/** Calls of `fn` that make a sample of at least `seconds`. */
const calibrate = (fn: () => void, seconds: number): number => {
  fn()
  fn()
  const t0 = now()
  fn()
  return Math.max(1, Math.ceil(seconds / Math.max(now() - t0, 1e-7)))
}

export const runKernels = async (ctx: Context & { readonly kernels: readonly KernelMode[] }): Promise<WorkloadResult> => {
  const modes = ctx.kernels
  const notes: string[] = []
  const ratios: Ratio[] = []
  const records: Record<string, unknown>[] = []
  const peak = await measurePeak()
  notes.push(
    `peak: ${peak.cpu}, clock measured ${peak.ghz.toFixed(2)} GHz (nominal ${peak.nominalGhz.toFixed(2)}); WebAssembly SIMD without FMA ${peak.wasmFlopsPerCycle} flop/cycle = ${peak.wasmGflops.toFixed(1)} GFLOP/s ` +
      `(independent f64x2 mul/add chains measured ${peak.measuredWasmGflops.toFixed(1)}); native ${peak.nativeIsa} ${peak.nativeFlopsPerCycle} flop/cycle = ${peak.nativeGflops.toFixed(1)} GFLOP/s per core`,
  )
  records.push({ workload: 'K', peak })

  // W1 at 64 … 1024, the kernels in turns.
  const sizes = ctx.quick ? [64, 256, 512, 1024] : [64, 128, 256, 512, 1024]
  const rounds = ctx.quick ? 5 : 9
  const table: string[] = [`W1 GFLOP/s (median) and speed-up over js (median of per-turn ratios):`]
  table.push(['N'.padStart(6), ...modes.map((m) => m.padStart(14)), ...modes.slice(1).map((m) => `${m}/js`.padStart(16)), 'best/wasm peak'.padStart(16), 'best/native'.padStart(13)].join(''))
  for (const n of sizes) {
    const a = fromArray(lcg(n * n, 1), [n, n])
    const b = fromArray(lcg(n * n, 2), [n, n])
    const fn = (): void => void matmul(a, b)
    const repeats = modes.map((mode) => {
      use(mode)
      return calibrate(fn, ctx.quick ? 0.03 : 0.1)
    })
    const samples = modes.map((): number[] => [])
    for (let r = 0; r < rounds; r++) {
      modes.forEach((mode, i) => {
        use(mode)
        const repeat = repeats[i] ?? 1
        const t0 = now()
        for (let q = 0; q < repeat; q++) fn()
        samples[i]?.push((now() - t0) / repeat)
      })
    }
    const flops = 2 * n * n * n
    const gflops = samples.map((s) => flops / median(s) / 1e9)
    const base = samples[0] ?? []
    const speedups = samples.map((s) => median(s.map((x, r) => (base[r] ?? Number.NaN) / x)))
    const best = Math.max(...samples.map((s) => flops / Math.min(...s) / 1e9))
    table.push(
      [
        String(n).padStart(6),
        ...gflops.map((g) => g.toFixed(2).padStart(14)),
        ...speedups.slice(1).map((s) => `${s.toFixed(2)}×`.padStart(16)),
        `${((best / peak.wasmGflops) * 100).toFixed(0)}%`.padStart(16),
        `${((best / peak.nativeGflops) * 100).toFixed(0)}%`.padStart(13),
      ].join(''),
    )
    modes.forEach((mode, i) => {
      if (i > 0) ratios.push({ workload: 'K', case: `W1 N=${n}`, vs: `${mode} over js`, value: speedups[i] ?? Number.NaN, ...(n === 512 ? { target: 3 } : {}) })
      records.push({ workload: 'K', case: `W1 N=${n}`, kernel: mode, gflops: gflops[i], speedupOverJs: speedups[i] })
    })
    ctx.log(`K W1 N=${n}: ${modes.map((m, i) => `${m} ${(gflops[i] ?? 0).toFixed(2)}`).join(', ')} GFLOP/s`)
  }

  // W2 training and W6 inference, per kernel.
  const { train: trainSet, test } = await data.mnist()
  const rows = data.rowCount(trainSet)
  const initial = initialise(mnistSpec, random.key(mnistInitSeed))
  const ordered = permuted(trainSet, 1)
  const epochs = ctx.quick ? 2 : 4
  const w2: number[] = []
  const w6: number[] = []
  const lossesPerMode: number[][] = []
  for (const mode of modes) {
    use(mode)
    const outcome = trainDualflow({ spec: mnistSpec, loss: 'softmaxCrossEntropy', learningRate: 1e-3, batchSize: 128, epochs, train: ordered, initial })
    w2.push(median(outcome.epochSeconds.slice(1).map((s) => rows / s)))
    lossesPerMode.push([...outcome.epochLoss])
    const model = dualflowModel(mnistSpec)
    const predict = (): void => void train.predict(model, initial.params, initial.state, test.x)
    const repeat = calibrate(predict, ctx.quick ? 0.05 : 0.2)
    const samples: number[] = []
    for (let r = 0; r < (ctx.quick ? 5 : 9); r++) {
      const t0 = now()
      for (let q = 0; q < repeat; q++) predict()
      samples.push((now() - t0) / repeat)
    }
    w6.push(data.rowCount(test) / median(samples))
    ctx.log(`K W2 ${mode}: ${(w2.at(-1) ?? 0).toFixed(0)} samples/s; W6 ${(w6.at(-1) ?? 0).toFixed(0)} samples/s`)
  }
  const sameLosses = lossesPerMode.every((l) => l.length === (lossesPerMode[0] ?? []).length && l.every((x, i) => Object.is(x, lossesPerMode[0]?.[i])))
  table.push('')
  table.push(`W2 samples/s: ${modes.map((m, i) => `${m} ${(w2[i] ?? 0).toFixed(0)}`).join(', ')}; W6 samples/s: ${modes.map((m, i) => `${m} ${(w6[i] ?? 0).toFixed(0)}`).join(', ')}`)
  table.push(`W2 epoch losses identical bit for bit across kernels: ${sameLosses ? 'yes' : 'NO'}`)
  modes.forEach((mode, i) => {
    if (i === 0) return
    ratios.push({ workload: 'K', case: 'W2', vs: `${mode} over js`, value: (w2[i] ?? 0) / (w2[0] ?? 1), target: 3 })
    ratios.push({ workload: 'K', case: 'W6', vs: `${mode} over js`, value: (w6[i] ?? 0) / (w6[0] ?? 1) })
  })
  modes.forEach((mode, i) => {
    ratios.push({ workload: 'K', case: `W6/W2 ${mode}`, vs: 'W2 training', value: (w6[i] ?? 0) / (w2[i] ?? 1), target: 3 })
    records.push({ workload: 'K', kernel: mode, w2SamplesPerSec: w2[i], w6SamplesPerSec: w6[i] })
  })
  use('wasm')
  return { measurements: [], ratios, records, notes: [...table, ...notes] }
}
