/**
 * Where the WebAssembly kernels start to pay, and what the copies in and out of WebAssembly memory
 * cost — in one process, every figure a ratio against the JavaScript kernel timed beside it.
 *
 *   npx tsx bench/kernel-threshold.ts                 products, then element-wise loops, then threads
 *   npx tsx bench/kernel-threshold.ts --elementwise   the element-wise and optimizer loops only
 *   npx tsx bench/kernel-threshold.ts --threads       2 threads over 1 only (41 turns; also the median
 *                                                     over the turns when the rest of the machine was idle)
 *
 * For each shape m×k·k×n: the JavaScript kernel (matmulInto), the WebAssembly kernel as the
 * library calls it (operands copied in, result copied out: wasmMatmul), and the bare WebAssembly
 * routine on operands already in its memory (what "tensors living in WebAssembly memory" would
 * cost). Times are CPU seconds of this process (process.cpuUsage), not wall-clock: on a machine
 * shared with other processes, time spent descheduled would otherwise swamp microsecond figures.
 */
import { matmulInto, matmulTransAInto, matmulTransBInto, type MatmulKernel } from '../src/tensor/kernels/matmul.js'
import { kernelBytes, kernelExports, layoutStrides, wasmApi, wasmMatmul, type MatmulLayout } from '../src/tensor/kernels/wasm.js'
import { kernelScratchBytes, kernelsBase64 } from '../src/tensor/kernels/wasm-module.js'
import { lcg } from './workloads/w1-matmul.js'
import { threadPool } from '../src/node/threads.js'
import os from 'node:os'
import { useKernels } from '../src/tensor/kernels/backend.js'
import { addLoops, mulLoops, reluLoop } from '../src/tensor/kernels/elementwise.js'
import { adamInto } from '../src/tensor/kernels/optimizer.js'

/** CPU seconds of this process (user + system). */
const cpu = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

/** CPU seconds spent by all processes (busy time summed over the cores) since boot. */
const systemBusySeconds = (): number => os.cpus().reduce((sum, { times }) => sum + (times.user + times.nice + times.sys + times.irq) / 1000, 0)

const median = (xs: readonly number[]): number => [...xs].sort((x, y) => x - y)[xs.length >> 1] ?? Number.NaN

/** How many calls make a sample of ≥ 4 ms of CPU time (after a warm-up). */
const calibrate = (f: () => void): number => {
  for (let w = 0; w < 200; w++) f()
  let repeat = 1
  for (;;) {
    const t0 = cpu()
    for (let q = 0; q < repeat; q++) f()
    if (cpu() - t0 > 0.004) return repeat
    repeat *= 2
  }
}

/**
 * Seconds per call of each function, sampled in turns (f₀, f₁, f₂, f₀, …) so that a burst of
 * load from other processes hits all of them alike; medians of 9 samples, and the median of the
 * per-turn ratios to the first function (its time over theirs).
 */
const interleaved = (fs: ReadonlyArray<() => void>): { readonly seconds: number[]; readonly speedups: number[] } => {
  const repeats = fs.map(calibrate)
  const samples = fs.map((): number[] => [])
  for (let r = 0; r < 9; r++) {
    fs.forEach((f, i) => {
      const repeat = repeats[i] ?? 1
      const t0 = cpu()
      for (let q = 0; q < repeat; q++) f()
      samples[i]?.push((cpu() - t0) / repeat)
    })
  }
  const base = samples[0] ?? []
  return {
    seconds: samples.map(median),
    speedups: samples.map((xs) => median(xs.map((x, r) => (base[r] ?? Number.NaN) / x))),
  }
}

/** A private instance of the kernel module, for the no-copy figure. */
const bare = (() => {
  const api = wasmApi()
  if (api === undefined) throw new Error('no WebAssembly')
  const memory = new api.Memory({ initial: 2048 })
  const bytes = kernelBytes(kernelsBase64)
  const exports = kernelExports(new api.Instance(new api.Module(bytes), { env: { memory } }).exports)
  if (exports === undefined) throw new Error('kernel module has no matmul export')
  return { memory, exports }
})()

const js: Record<MatmulLayout, MatmulKernel> = { ab: matmulInto, atb: matmulTransAInto, abt: matmulTransBInto }

const row = (label: string, layout: MatmulLayout, m: number, k: number, n: number): void => {
  const a = lcg(m * k, 1)
  const b = lcg(k * n, 2)
  const c = new Float64Array(m * n)
  const kernel = wasmMatmul(layout)
  const aPtr = kernelScratchBytes
  const bPtr = aPtr + 8 * m * k
  const cPtr = bPtr + 8 * k * n
  const heap = new Float64Array(bare.memory.buffer)
  heap.set(a, aPtr / 8)
  heap.set(b, bPtr / 8)
  const s = layoutStrides(layout, m, k, n)
  const { seconds, speedups } = interleaved([
    () => js[layout](a, 0, b, 0, c, 0, m, k, n),
    () => kernel(a, 0, b, 0, c, 0, m, k, n),
    () => bare.exports.matmul(aPtr, s.aRow, s.aDepth, bPtr, s.bDepth, s.bCol, cPtr, n, m, k, n, 0),
  ])
  const [tJs = 0, tWasm = 0, tBare = 0] = seconds
  const [, wasmSpeedup = 0, bareSpeedup = 0] = speedups
  const work = m * k * n
  process.stdout.write(
    `${label.padEnd(12)} ${layout.padEnd(4)} ${String(work).padStart(10)}  js ${(tJs * 1e6).toFixed(2).padStart(9)} µs` +
      `  wasm ${wasmSpeedup.toFixed(2).padStart(5)}×  bare ${bareSpeedup.toFixed(2).padStart(5)}×` +
      `  copies ${(((tWasm - tBare) / tWasm) * 100).toFixed(1).padStart(5)}% of wasm\n`,
  )
}

// Warm both kernels on a few shapes first, so that the first row does not carry the JIT's start.
for (const [m, k, n] of [[2, 2, 2], [8, 8, 8], [33, 17, 9]] as const) {
  const a = lcg(m * k, 3)
  const b = lcg(k * n, 4)
  const c = new Float64Array(m * n)
  for (let q = 0; q < 2000; q++) {
    matmulInto(a, 0, b, 0, c, 0, m, k, n)
    wasmMatmul('ab')(a, 0, b, 0, c, 0, m, k, n)
  }
}

/**
 * An element-wise or optimizer loop over n elements under 'js' and under 'wasm' (operands copied
 * in and out, as the library runs it): WebAssembly's speed-up, in turns.
 */
const elementwiseRow = (label: string, n: number, run: (a: Float64Array, b: Float64Array, c: Float64Array, out: readonly Float64Array[]) => void): void => {
  const a = lcg(n, 1)
  const b = lcg(n, 2)
  const c = lcg(n, 3).map(Math.abs)
  const out = [new Float64Array(n), new Float64Array(n), new Float64Array(n)]
  const { seconds, speedups } = interleaved([
    () => {
      useKernels('js')
      run(a, b, c, out)
    },
    () => {
      useKernels('wasm')
      run(a, b, c, out)
    },
  ])
  useKernels('auto')
  process.stdout.write(`${label.padEnd(12)} n = ${String(n).padStart(6)}  js ${((seconds[0] ?? 0) * 1e6).toFixed(2).padStart(9)} µs  wasm ${(speedups[1] ?? 0).toFixed(2).padStart(5)}×\n`)
}
const adamConstants = { beta1: 0.9, beta2: 0.999, oneMinusBeta1: 1 - 0.9, oneMinusBeta2: 1 - 0.999, eps: 1e-8 }
const elementwise = (): void => {
  process.stdout.write(`\nelement-wise and optimizer loops, WebAssembly (with copies) over JavaScript, CPU time\n`)
  for (const n of [16, 64, 128, 256, 512, 1024, 4096, 100352]) {
    elementwiseRow('add a + b', n, (a, b, _c, [o]) => o !== undefined && addLoops.vv(o, 0, a, 0, b, 0, n))
    elementwiseRow('scale a·s', n, (a, _b, _c, [o]) => o !== undefined && mulLoops.vs(o, 0, a, 0, 0.3, n))
    elementwiseRow('relu', n, (a, _b, _c, [o]) => o !== undefined && reluLoop(a, o))
    elementwiseRow('adam', n, (a, b, c, [u, m, v]) => u !== undefined && m !== undefined && v !== undefined && adamInto(a, b, c, u, m, v, adamConstants, 1 - 0.9 ** 3, 1 - 0.999 ** 3))
  }
}
if (process.argv[2] === '--elementwise') {
  elementwise()
  process.exit(0)
}
const threadsOnly = process.argv[2] === '--threads'

/** The products' rows: speed-ups over the JavaScript kernel at many shapes. */
const productRows = (): void => {
  process.stdout.write(`speed-ups over the JavaScript kernel in the same run (node ${process.version}); work = m·k·n multiply–adds\n`)
  const only = process.argv[2] === '--small'
  for (const nn of [2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 20, 24, 32, 48, 64, 128, 256, 512]) if (!only || nn <= 12) row(`${nn}³`, 'ab', nn, nn, nn)
  // Thin and flat small shapes around the crossover.
  for (const [m, k, n] of [[4, 4, 8], [8, 4, 4], [4, 8, 8], [2, 16, 8], [16, 2, 8], [1, 16, 16], [16, 16, 1], [32, 4, 2], [2, 64, 2]] as const) row(`${m}×${k}×${n}`, 'ab', m, k, n)
  if (only) process.exit(0)
  // The products of W2 (MNIST 784-128-10, batch 128) and of W6 (inference, batch 1000 in one product).
  row('W2 x·W1', 'ab', 128, 784, 128)
  row('W2 xᵀ·g', 'atb', 784, 128, 128)
  row('W2 h·W2', 'ab', 128, 128, 10)
  row('W2 hᵀ·g', 'atb', 128, 128, 10)
  row('W2 g·W2ᵀ', 'abt', 128, 10, 128)
  row('W6 x·W1', 'ab', 1000, 784, 128)
  row('W6 h·W2', 'ab', 1000, 128, 10)
  row('thin 1×k·n', 'ab', 1, 128, 128)
  row('thin m×k·1', 'ab', 128, 128, 1)
}
if (!threadsOnly) {
  productRows()
  elementwise()
}

// Two threads against one, both WebAssembly with copies: wall-clock time (CPU time would count
// both threads), sampled in turns. On a machine shared with other processes the second core is
// not always free, which is what a user sees too.
const threads = threadPool(2)
const threadRow = (label: string, layout: MatmulLayout, m: number, k: number, n: number): void => {
  const a = lcg(m * k, 1)
  const b = lcg(k * n, 2)
  const c = new Float64Array(m * n)
  const kernel = wasmMatmul(layout)
  const wall = [() => kernel(a, 0, b, 0, c, 0, m, k, n), () => threads.matmul(layout, a, 0, b, 0, c, 0, m, k, n, undefined)]
  const repeats = wall.map((f) => {
    for (let w = 0; w < 20; w++) f()
    let repeat = 1
    for (;;) {
      const t0 = performance.now()
      for (let q = 0; q < repeat; q++) f()
      if (performance.now() - t0 > 5) return repeat
      repeat *= 2
    }
  })
  const ratios: number[] = []
  const quiet: number[] = []
  for (let r = 0; r < turns; r++) {
    const before = { busy: systemBusySeconds(), own: cpu(), at: performance.now() }
    const [one = 0, two = 0] = wall.map((f, i) => {
      const t0 = performance.now()
      for (let q = 0; q < (repeats[i] ?? 1); q++) f()
      return (performance.now() - t0) / (repeats[i] ?? 1)
    })
    ratios.push(one / two)
    // Cores' worth of CPU other processes used during this turn (all cores' busy time, less ours).
    const others = Math.max(0, systemBusySeconds() - before.busy - (cpu() - before.own)) / ((performance.now() - before.at) / 1000)
    if (others < 0.3) quiet.push(one / two)
  }
  process.stdout.write(
    `${label.padEnd(12)} ${layout.padEnd(4)} ${String(m * k * n).padStart(10)}  2 threads over 1: ${median(ratios).toFixed(2)}× (median of ${turns} turns); ` +
      `in the ${quiet.length} turns when other processes used < 0.3 cores: ${quiet.length === 0 ? '—' : `${median(quiet).toFixed(2)}×`}\n`,
  )
}
const turns = process.argv[2] === '--threads' ? 41 : 15
process.stdout.write(`\nwasm, 2 threads over 1 thread (wall clock)\n`)
for (const nn of [32, 64, 96, 128, 192, 256, 512, 1024]) threadRow(`${nn}³`, 'ab', nn, nn, nn)
threadRow('W2 x·W1', 'ab', 128, 784, 128)
threadRow('W2 xᵀ·g', 'atb', 784, 128, 128)
threadRow('W2 h·W2', 'ab', 128, 128, 10)
threadRow('W6 x·W1', 'ab', 1000, 784, 128)
