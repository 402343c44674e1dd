/**
 * dualflow against TensorFlow.js (cpu and wasm backends), in one process.
 *
 *   npm run bench                      the full suite (node --expose-gc --import tsx bench/run.ts)
 *   npm run bench -- --quick           the short version (under two minutes)
 *   npm run bench -- --json            JSON lines on stdout (the table goes to stderr)
 *   npm run bench -- --only W2,W6      some workloads
 *   npm run bench -- --lib dualflow    some libraries (dualflow, tfjs-cpu, tfjs-wasm), e.g. for profiling
 *   npm run bench -- --only K --kernel js,wasm,wasm+threads
 *                                      dualflow's kernels against each other (K: W1 at 64–1024, W2, W6;
 *                                      js is the baseline and always runs first)
 *
 * Every figure is a median of at least five timed repeats after warm-up. dualflow computes in
 * float64, tfjs in float32. Ratios are dualflow's speed-up (> 1: dualflow is faster).
 */
import os from 'node:os'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { tfVersion } from './tfjs.js'
import {
  allLibs,
  now,
  formatRatios,
  formatTable,
  measurementJson,
  ratioJson,
  ratiosOf,
  type Lib,
  type Measurement,
  type Ratio,
  type WorkloadResult,
} from './stats.js'
import type { Context } from './workloads/context.js'
import { runW1 } from './workloads/w1-matmul.js'
import { runW2 } from './workloads/w2-mnist.js'
import { runW3 } from './workloads/w3-pima.js'
import { runW4 } from './workloads/w4-xor.js'
import { runW5 } from './workloads/w5-overhead.js'
import { runW6 } from './workloads/w6-inference.js'
import { runW7 } from './workloads/w7-cnn.js'
import { runW8 } from './workloads/w8-lstm.js'
import { runWJ } from './workloads/wj-jit.js'
import { runWB } from './workloads/wb-brain.js'
import { allKernels, runKernels, type KernelMode } from './workloads/kernels.js'

// ─── command line ───────────────────────────────────────────────────────────────────────────────

interface Options {
  readonly quick: boolean
  readonly json: boolean
  readonly only: readonly string[] | undefined
  readonly libs: readonly Lib[]
  readonly kernels: readonly KernelMode[]
}

const isKernel = (s: string): s is KernelMode => allKernels.some((k) => k === s)

const isLib = (s: string): s is Lib => allLibs.some((l) => l === s)

const parseArgs = (argv: readonly string[]): Options => {
  let quick = false
  let json = false
  let only: string[] | undefined
  let libs: Lib[] = [...allLibs]
  let kernels: KernelMode[] = [...allKernels]
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    const value = (): string => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i]
      if (v === undefined) throw new Error(`${arg} needs a value`)
      return v
    }
    if (arg === '--quick') quick = true
    else if (arg === '--json') json = true
    else if (arg.startsWith('--only')) only = value().split(',').map((s) => s.trim().toUpperCase())
    else if (arg.startsWith('--lib')) {
      const names = value().split(',').map((s) => s.trim())
      const bad = names.filter((n) => !isLib(n))
      if (bad.length > 0) throw new Error(`unknown library ${bad.join(', ')}: expected ${allLibs.join(', ')}`)
      libs = names.filter(isLib)
    } else if (arg.startsWith('--kernel')) {
      const names = value().split(',').map((s) => s.trim())
      const bad = names.filter((n) => !isKernel(n))
      if (bad.length > 0) throw new Error(`unknown kernel ${bad.join(', ')}: expected ${allKernels.join(', ')}`)
      // The JavaScript kernel is the baseline every speed-up is measured against.
      kernels = ['js', ...names.filter(isKernel).filter((k) => k !== 'js')]
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: npm run bench -- [--quick] [--json] [--only W1,W2,…,K] [--lib dualflow,tfjs-cpu,tfjs-wasm] [--kernel js,wasm,wasm+threads]\n')
      process.exit(0)
    } else throw new Error(`unknown argument ${arg}`)
  }
  return { quick, json, only, libs, kernels }
}

// ─── workloads ──────────────────────────────────────────────────────────────────────────────────

const workloads = (options: Options): ReadonlyArray<readonly [string, string, (ctx: Context) => Promise<WorkloadResult>]> => [
  ['W1', 'matmul N×N', runW1],
  ['W2', 'MNIST MLP 784-128-10 training', runW2],
  ['W3', 'Pima 8-12-8-1 training', runW3],
  ['W4', 'XOR 2-3-1 training, several keys', runW4],
  ['W5', 'per-call overhead', runW5],
  ['W6', 'inference of the W2 network', runW6],
  ['W7', 'CNN (conv16-pool-conv32-pool-dense128) MNIST training', runW7],
  ['W8', 'LSTM(32) / GRU(32) training steps, 50 steps, batch 32', runW8],
  ['K', `dualflow's kernels: ${options.kernels.join(' / ')}`, (ctx) => runKernels({ ...ctx, kernels: options.kernels })],
  ['WJ', 'jit against the interpreter (W2–W6 set-ups, memory)', runWJ],
  ['WB', 'beginner XOR against brain.js', runWB],
]

// ─── competing load ─────────────────────────────────────────────────────────────────────────────

/** CPU seconds spent by all processes (busy time summed over the cores) since boot. */
const systemBusySeconds = (): number =>
  os.cpus().reduce((sum, { times }) => sum + (times.user + times.nice + times.sys + times.irq) / 1000, 0)

/** CPU seconds spent by this process. */
const ownSeconds = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

/** Cores' worth of CPU that other processes used, on average, since the snapshot. */
const otherLoad = (since: { readonly busy: number; readonly own: number; readonly at: number }): number =>
  Math.max(0, systemBusySeconds() - since.busy - (ownSeconds() - since.own)) / Math.max(1e-9, now() - since.at)

const snapshot = (): { readonly busy: number; readonly own: number; readonly at: number } => ({ busy: systemBusySeconds(), own: ownSeconds(), at: now() })

// ─── main ───────────────────────────────────────────────────────────────────────────────────────

const main = async (): Promise<void> => {
  const options = parseArgs(process.argv.slice(2))
  const log = (message: string): void => void process.stderr.write(`${message}\n`)
  const out = (line: string): void => void (options.json ? process.stdout.write(`${line}\n`) : undefined)
  const show = (text: string): void => void (options.json ? process.stderr : process.stdout).write(`${text}\n`)
  const unknown = (options.only ?? []).filter((w) => !workloads(options).some(([id]) => id === w))
  if (unknown.length > 0) throw new Error(`unknown workload ${unknown.join(', ')}: expected ${workloads(options).map(([id]) => id).join(', ')}`)

  const started = performance.now()
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const pkg: unknown = JSON.parse(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8'))
  const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : '?'
  const header = `dualflow ${version} (float64) vs @tensorflow/tfjs ${tfVersion()} (float32) — node ${process.version}, ${cpu} ×${os.cpus().length}${options.quick ? ' — QUICK run' : ''}`
  log(header)
  const before = snapshot()
  await new Promise((resolve) => setTimeout(resolve, 500))
  const load = otherLoad(before)
  if (load > 0.25) log(`warning: other processes are using ${load.toFixed(2)} cores of ${os.cpus().length}: figures will be noisy`)
  const during = snapshot()
  if (typeof globalThis.gc !== 'function') log('warning: run with node --expose-gc for the memory figures (npm run bench does)')
  out(JSON.stringify({ header: { dualflow: version, tfjs: tfVersion(), node: process.version, cpu, cores: os.cpus().length, otherProcessesCores: load, quick: options.quick } }))

  const measurements: Measurement[] = []
  const extraRatios: Ratio[] = []
  const notes: string[] = []
  for (const [id, title, run] of workloads(options)) {
    if (options.only !== undefined && !options.only.includes(id)) continue
    log(`── ${id} ${title}`)
    const t0 = performance.now()
    const result = await run({ quick: options.quick, libs: options.libs, log, earlier: measurements })
    log(`   (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
    measurements.push(...result.measurements)
    for (const m of result.measurements) out(measurementJson(m))
    for (const r of ratiosOf(result.measurements)) out(ratioJson(r))
    for (const r of result.ratios ?? []) out(ratioJson(r))
    for (const rec of result.records ?? []) out(JSON.stringify(rec))
    extraRatios.push(...(result.ratios ?? []))
    notes.push(...(result.notes ?? []).map((n) => `${id}: ${n}`))
  }

  show('')
  show(header)
  show(formatTable(measurements, ratiosOf(measurements)))
  if (extraRatios.length > 0) show(`\n${formatRatios(extraRatios)}`)
  if (notes.length > 0) show(`\n${notes.join('\n')}`)
  show(`\nspeed-up = dualflow's figure over the other library's (> 1: dualflow faster); tfjs figures are float32, dualflow's float64.`)
  const competing = otherLoad(during)
  show(`total ${((performance.now() - started) / 1000).toFixed(1)} s; other processes used ${load.toFixed(2)} cores just before and ${competing.toFixed(2)} cores on average during the run (of ${os.cpus().length})`)
  out(JSON.stringify({ footer: { seconds: (performance.now() - started) / 1000, otherProcessesCoresBefore: load, otherProcessesCoresDuring: competing } }))
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
