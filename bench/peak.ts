/**
 * This core's float64 peak, derived from its clock (measured) and its vector units (from
 * /proc/cpuinfo), for the "fraction of peak" figure of the kernel benchmark.
 *
 * The clock is measured, not read: under a hypervisor /proc/cpuinfo shows the nominal frequency,
 * while the core runs at its boost clock. A WebAssembly loop of dependent integer operations (an
 * add then a xor, 1 cycle each on every x86 core of the last decade, so 2 cycles a step) runs for
 * a known number of steps; steps·2 / seconds is cycles per second.
 *
 * Peaks per cycle, float64:
 * - WebAssembly SIMD (128-bit f64x2, separate mul and add, no FMA): AMD Zen 2–5 and Intel cores
 *   since Skylake issue two 128-bit multiplies and two 128-bit adds per cycle (Zen: FP0/FP1 mul,
 *   FP2/FP3 add; Intel: two FMA ports that each also add or multiply, so 2 ops in all there) —
 *   counted as 2 ports × 2 lanes × (mul + add) = 8 flop/cycle on AMD, 4 on Intel.
 * - native AVX2 + FMA: 2 FMA ports × 4 lanes × 2 = 16 flop/cycle; AVX-512 with two full-width FMA
 *   units (Zen 5 server, Intel server parts): 32.
 * The measured throughput of six independent f64x2 multiply chains beside six add chains (one op
 * each a step; 3–4 cycles of latency, so six keep two ports of each kind busy) is printed beside
 * it as a check.
 */
import { readFileSync } from 'node:fs'
import wabtFactory from 'wabt'
import { wasmApi } from '../src/tensor/kernels/wasm.js'

/** What the peak derivation found. */
export interface Peak {
  readonly cpu: string
  readonly ghz: number
  readonly nominalGhz: number
  readonly wasmFlopsPerCycle: number
  readonly nativeFlopsPerCycle: number
  readonly nativeIsa: string
  readonly measuredWasmGflops: number
  /** WebAssembly SIMD peak in GFLOP/s. */
  readonly wasmGflops: number
  /** Native (AVX2/AVX-512 with FMA) peak in GFLOP/s. */
  readonly nativeGflops: number
}

const wat = `(module
  (func (export "chain") (param $steps i32) (param $y i64) (param $z i64) (result i64)
    (local $x i64)
    (loop $l
      ${Array.from({ length: 32 }, () => '(local.set $x (i64.xor (i64.add (local.get $x) (local.get $y)) (local.get $z)))').join('\n      ')}
      (local.set $steps (i32.sub (local.get $steps) (i32.const 1)))
      (br_if $l (local.get $steps)))
    (local.get $x))
  (func (export "flops") (param $steps i32) (param $b f64) (result f64)
    ${Array.from({ length: 6 }, (_, i) => `(local $m${i} v128) (local $s${i} v128)`).join(' ')} (local $v v128)
    (local.set $v (f64x2.splat (local.get $b)))
    ${Array.from({ length: 6 }, (_, i) => `(local.set $m${i} (local.get $v))`).join(' ')}
    (loop $l
      ${Array.from({ length: 6 }, (_, i) => `(local.set $m${i} (f64x2.mul (local.get $m${i}) (local.get $v)))
      (local.set $s${i} (f64x2.add (local.get $s${i}) (local.get $v)))`).join('\n      ')}
      (local.set $steps (i32.sub (local.get $steps) (i32.const 1)))
      (br_if $l (local.get $steps)))
    (f64x2.extract_lane 0 (f64x2.add
      (f64x2.add (f64x2.add (local.get $m0) (local.get $m1)) (f64x2.add (f64x2.add (local.get $m2) (local.get $m3)) (f64x2.add (local.get $m4) (local.get $m5))))
      (f64x2.add (f64x2.add (local.get $s0) (local.get $s1)) (f64x2.add (f64x2.add (local.get $s2) (local.get $s3)) (f64x2.add (local.get $s4) (local.get $s5))))))))`

const cpuinfo = (): string => {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8')
  } catch {
    return ''
  }
}

/** CPU seconds of this process (user + system): unlike the wall clock, time spent descheduled by other processes does not count. */
const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

/** The fewest CPU seconds of `runs` calls. */
const best = (f: () => void, runs = 7): number => {
  let min = Number.POSITIVE_INFINITY
  for (let r = 0; r < runs; r++) {
    const t0 = cpuSeconds()
    f()
    min = Math.min(min, cpuSeconds() - t0)
  }
  return min
}

/**
 * Derives the peak (about a second of measuring). Timed in CPU seconds of this process, the
 * fewest of 7 runs, so that other processes sharing the core do not lower the figures.
 */
export const measurePeak = async (): Promise<Peak> => {
  const wabt = await wabtFactory()
  const parsed = wabt.parseWat('peak.wat', wat, { simd: true })
  const bytes = new Uint8Array(parsed.toBinary({}).buffer)
  parsed.destroy()
  const api = wasmApi()
  if (api === undefined) throw new Error('no WebAssembly')
  const exports = new api.Instance(new api.Module(bytes), {}).exports
  const chain: unknown = Reflect.get(exports, 'chain')
  const flops: unknown = Reflect.get(exports, 'flops')
  if (typeof chain !== 'function' || typeof flops !== 'function') throw new Error('peak module lacks its exports')
  const steps = 4_000_000
  chain(1000, 3n, 5n)
  const chainSeconds = best(() => void chain(steps, 3n, 5n))
  const ghz = (steps * 32 * 2) / chainSeconds / 1e9
  flops(1000, 1.0000001)
  const flopSeconds = best(() => void flops(steps, 1.0000001))
  const measuredWasmGflops = (steps * 6 * 4) / flopSeconds / 1e9
  const info = cpuinfo()
  const flags = new Set((/^flags\s*:(.*)$/m.exec(info)?.[1] ?? '').trim().split(/\s+/))
  const cpu = /^model name\s*:(.*)$/m.exec(info)?.[1]?.trim() ?? 'unknown'
  const nominalGhz = Number(/^cpu MHz\s*:(.*)$/m.exec(info)?.[1] ?? Number.NaN) / 1000
  const amd = /AMD/i.test(cpu)
  const wasmFlopsPerCycle = amd ? 8 : 4
  const avx512 = flags.has('avx512f')
  const fma = flags.has('fma') && flags.has('avx2')
  const nativeFlopsPerCycle = avx512 ? 32 : fma ? 16 : 8
  return {
    cpu,
    ghz,
    nominalGhz,
    wasmFlopsPerCycle,
    nativeFlopsPerCycle,
    nativeIsa: avx512 ? 'AVX-512 + FMA' : fma ? 'AVX2 + FMA' : 'SSE2',
    measuredWasmGflops,
    wasmGflops: ghz * wasmFlopsPerCycle,
    nativeGflops: ghz * nativeFlopsPerCycle,
  }
}
