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
 *
 * Two clocks. `js` and `wasm` run on one thread, so they are timed in CPU seconds of the process
 * (process.cpuUsage): on a machine shared with other processes, wall-clock time also counts the
 * time the process waited for a core. `wasm+threads` exists to cut wall-clock time, so it is timed
 * on the wall clock (its speed-up is over `wasm` timed on the wall clock in the same turns), and
 * its CPU time is reported as the efficiency of the split (CPU of one thread / CPU of all).
 * The fraction of peak divides the best W1 CPU-time figure by the peak derived in bench/peak.ts.
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

/** CPU seconds of this process, all its threads (user + system). */
const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
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
  const threaded = modes.includes('wasm+threads')
  const table: string[] = [
    `W1 GFLOP/s (js and wasm: CPU time; wasm+threads: wall clock) and speed-ups (medians of per-turn ratios):`,
    ['N'.padStart(6), ...modes.map((m) => m.padStart(14)), ...(modes.includes('wasm') ? ['wasm/js'.padStart(10)] : []), ...(threaded ? ['threads/wasm (wall)'.padStart(21), 'split CPU eff.'.padStart(16)] : []), 'wasm/wasm peak'.padStart(16), 'wasm/native'.padStart(13)].join(''),
  ]
  for (const n of sizes) {
    const a = fromArray(lcg(n * n, 1), [n, n])
    const b = fromArray(lcg(n * n, 2), [n, n])
    const fn = (): void => void matmul(a, b)
    const repeats = modes.map((mode) => {
      use(mode)
      return calibrate(fn, ctx.quick ? 0.03 : 0.1)
    })
    const cpuSamples = modes.map((): number[] => [])
    const wallSamples = modes.map((): number[] => [])
    for (let r = 0; r < rounds; r++) {
      modes.forEach((mode, i) => {
        use(mode)
        const repeat = repeats[i] ?? 1
        const t0 = now()
        const c0 = cpuSeconds()
        for (let q = 0; q < repeat; q++) fn()
        cpuSamples[i]?.push((cpuSeconds() - c0) / repeat)
        wallSamples[i]?.push((now() - t0) / repeat)
      })
    }
    const flops = 2 * n * n * n
    const at = (mode: KernelMode): number => modes.indexOf(mode)
    const perTurn = (xs: readonly number[] | undefined, ys: readonly number[] | undefined): number => median((ys ?? []).map((y, r) => (xs?.[r] ?? Number.NaN) / y))
    const gflops = modes.map((mode, i) => flops / median((mode === 'wasm+threads' ? wallSamples : cpuSamples)[i] ?? []) / 1e9)
    const wasmOverJs = perTurn(cpuSamples[at('js')], cpuSamples[at('wasm')])
    const threadsOverWasm = perTurn(wallSamples[at('wasm')], wallSamples[at('wasm+threads')])
    const efficiency = median(cpuSamples[at('wasm')] ?? []) / median(cpuSamples[at('wasm+threads')] ?? [])
    const bestWasm = flops / Math.min(...(cpuSamples[at('wasm')] ?? [])) / 1e9
    table.push(
      [
        String(n).padStart(6),
        ...gflops.map((g) => g.toFixed(2).padStart(14)),
        ...(modes.includes('wasm') ? [`${wasmOverJs.toFixed(2)}×`.padStart(10)] : []),
        ...(threaded ? [`${threadsOverWasm.toFixed(2)}×`.padStart(21), `${(efficiency * 100).toFixed(0)}%`.padStart(16)] : []),
        `${((bestWasm / peak.wasmGflops) * 100).toFixed(0)}%`.padStart(16),
        `${((bestWasm / peak.nativeGflops) * 100).toFixed(0)}%`.padStart(13),
      ].join(''),
    )
    if (modes.includes('wasm')) ratios.push({ workload: 'K', case: `W1 N=${n}`, vs: 'wasm over js (CPU time)', value: wasmOverJs, ...(n === 512 ? { target: 3 } : {}) })
    if (threaded) ratios.push({ workload: 'K', case: `W1 N=${n}`, vs: 'wasm+threads over wasm (wall)', value: threadsOverWasm })
    modes.forEach((mode, i) => records.push({ workload: 'K', case: `W1 N=${n}`, kernel: mode, gflops: gflops[i], clock: mode === 'wasm+threads' ? 'wall' : 'cpu' }))
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
  const w2Cpu: number[] = []
  const w6Cpu: number[] = []
  for (const mode of modes) {
    use(mode)
    const c0 = cpuSeconds()
    const outcome = trainDualflow({ spec: mnistSpec, loss: 'softmaxCrossEntropy', learningRate: 1e-3, batchSize: 128, epochs, train: ordered, initial })
    // CPU figure: all epochs (the warm-up one too) over the CPU seconds of the whole run.
    w2Cpu.push((rows * epochs) / (cpuSeconds() - c0))
    w2.push(median(outcome.epochSeconds.slice(1).map((s) => rows / s)))
    lossesPerMode.push([...outcome.epochLoss])
    const model = dualflowModel(mnistSpec)
    const predict = (): void => void train.predict(model, initial.params, initial.state, test.x, { batchSize: data.rowCount(test) })
    const repeat = calibrate(predict, ctx.quick ? 0.05 : 0.2)
    const samples: number[] = []
    const cpuTimes: number[] = []
    for (let r = 0; r < (ctx.quick ? 5 : 9); r++) {
      const t0 = now()
      const c0 = cpuSeconds()
      for (let q = 0; q < repeat; q++) predict()
      samples.push((now() - t0) / repeat)
      cpuTimes.push((cpuSeconds() - c0) / repeat)
    }
    w6.push(data.rowCount(test) / median(samples))
    w6Cpu.push(data.rowCount(test) / median(cpuTimes))
    ctx.log(`K W2 ${mode}: ${(w2.at(-1) ?? 0).toFixed(0)} samples/s; W6 ${(w6.at(-1) ?? 0).toFixed(0)} samples/s`)
  }
  const sameLosses = lossesPerMode.every((l) => l.length === (lossesPerMode[0] ?? []).length && l.every((x, i) => Object.is(x, lossesPerMode[0]?.[i])))
  table.push('')
  table.push(`W2 samples/s, wall clock: ${modes.map((m, i) => `${m} ${(w2[i] ?? 0).toFixed(0)}`).join(', ')}; per CPU second: ${modes.map((m, i) => `${m} ${(w2Cpu[i] ?? 0).toFixed(0)}`).join(', ')}`)
  table.push(`W6 samples/s, wall clock: ${modes.map((m, i) => `${m} ${(w6[i] ?? 0).toFixed(0)}`).join(', ')}; per CPU second: ${modes.map((m, i) => `${m} ${(w6Cpu[i] ?? 0).toFixed(0)}`).join(', ')}`)
  table.push(`W2 epoch losses identical bit for bit across kernels: ${sameLosses ? 'yes' : 'NO'}`)
  modes.forEach((mode, i) => {
    if (i === 0) return
    const single = mode !== 'wasm+threads'
    const clock = single ? 'CPU time' : 'wall'
    ratios.push({ workload: 'K', case: 'W2', vs: `${mode} over js (${clock})`, value: single ? (w2Cpu[i] ?? 0) / (w2Cpu[0] ?? 1) : (w2[i] ?? 0) / (w2[0] ?? 1), target: 3 })
    ratios.push({ workload: 'K', case: 'W6', vs: `${mode} over js (${clock})`, value: single ? (w6Cpu[i] ?? 0) / (w6Cpu[0] ?? 1) : (w6[i] ?? 0) / (w6[0] ?? 1) })
  })
  modes.forEach((mode, i) => {
    if (mode !== 'wasm+threads') ratios.push({ workload: 'K', case: `W6/W2 ${mode}`, vs: 'W2 training (CPU time)', value: (w6Cpu[i] ?? 0) / (w2Cpu[i] ?? 1), target: 3 })
    records.push({ workload: 'K', kernel: mode, w2SamplesPerSec: w2[i], w6SamplesPerSec: w6[i], w2SamplesPerCpuSec: w2Cpu[i], w6SamplesPerCpuSec: w6Cpu[i] })
  })
  use('wasm')
  return { measurements: [], ratios, records, notes: [...table, ...notes] }
}
