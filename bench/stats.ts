/**
 * Timing, statistics and output formatting shared by the benchmark workloads.
 *
 * A measurement is a figure of one library on one workload (and case, such as a matrix size); a
 * ratio compares dualflow with another library on the same figure, always as dualflow's speed-up
 * (> 1 means dualflow is faster, whether the figure is a rate or a time).
 */

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** The libraries under comparison. */
export type Lib = 'dualflow' | 'tfjs-cpu' | 'tfjs-wasm'

/** All libraries, in table order. */
export const allLibs: readonly Lib[] = ['dualflow', 'tfjs-cpu', 'tfjs-wasm']

/** Arithmetic each library computes in. */
export const precisionOf = (lib: Lib): 'float64' | 'float32' => (lib === 'dualflow' ? 'float64' : 'float32')

/** One figure of one library. */
export interface Measurement {
  readonly workload: string
  /** Sub-case of the workload (`N=512`, `add`), or undefined. */
  readonly case?: string
  readonly lib: Lib
  /** Name of the figure as it appears in the JSON line (`samplesPerSec`, `usPerStep`, …). */
  readonly metric: string
  readonly value: number
  /** True for rates (more is better), false for times. */
  readonly higherIsBetter: boolean
  /** Further figures of the same run (accuracy, final loss, solved keys …). */
  readonly extras?: Readonly<Record<string, number | string>>
}

/** dualflow's speed-up over another library (or another figure) on one workload. */
export interface Ratio {
  readonly workload: string
  readonly case?: string
  readonly vs: string
  readonly value: number
  /** The target from the issue, when there is one. */
  readonly target?: number
}

/** What a workload returns. */
export interface WorkloadResult {
  readonly measurements: readonly Measurement[]
  /** Ratios that are not a plain dualflow-vs-tfjs comparison of one figure (W6 vs W2, memory). */
  readonly ratios?: readonly Ratio[]
  /** Other JSON records (memory figures), printed as they are. */
  readonly records?: readonly Readonly<Record<string, unknown>>[]
  /** Human-readable remarks printed under the table. */
  readonly notes?: readonly string[]
}

// ─── statistics ─────────────────────────────────────────────────────────────────────────────────

/** The median (the upper middle element for an even count); NaN for no values. */
export const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const n = sorted.length
  if (n === 0) return Number.NaN
  return n % 2 === 1 ? (sorted[n >> 1] ?? Number.NaN) : ((sorted[n / 2 - 1] ?? 0) + (sorted[n / 2] ?? 0)) / 2
}

/** Seconds since an arbitrary origin. */
export const now = (): number => performance.now() / 1000

/** Options of `timeCall`. */
export interface TimeOptions {
  /** Untimed calls first, at least this many (default 2)… */
  readonly warmup?: number
  /** …and for at least this long, so that the JIT has compiled the hot code (default 0.2 s). */
  readonly warmupSeconds?: number
  /** Timed samples, each one batch of calls; the median is returned (default 7, at least 5). */
  readonly repeats?: number
  /** Each sample repeats the call until it lasts at least this long (default 0.02 s). */
  readonly minSampleSeconds?: number
}

/**
 * Median seconds per call of `fn`: after warm-up, `repeats` samples, each calling `fn` as many times
 * as needed to last `minSampleSeconds` (calibrated from the fastest warm-up call), divided by that
 * count.
 */
export const timeCall = (fn: () => void, { warmup = 2, warmupSeconds = 0.2, repeats = 7, minSampleSeconds = 0.02 }: TimeOptions = {}): number => {
  let single = Number.POSITIVE_INFINITY
  const warmupStart = now()
  for (let w = 0; w < Math.max(1, warmup) || now() - warmupStart < warmupSeconds; w++) {
    const t0 = now()
    fn()
    single = Math.min(single, now() - t0)
  }
  const inner = Math.max(1, Math.ceil(minSampleSeconds / Math.max(single, 1e-7)))
  const samples: number[] = []
  for (let r = 0; r < Math.max(5, repeats); r++) {
    const t0 = now()
    for (let q = 0; q < inner; q++) fn()
    samples.push((now() - t0) / inner)
  }
  return median(samples)
}

/** Median seconds of `fn` when every sample is one call (a loop of known length inside fn). */
export const timeSamples = (fn: () => void, { warmup = 1, repeats = 5 }: { readonly warmup?: number; readonly repeats?: number } = {}): number => {
  for (let w = 0; w < warmup; w++) fn()
  const samples: number[] = []
  for (let r = 0; r < Math.max(5, repeats); r++) {
    const t0 = now()
    fn()
    samples.push(now() - t0)
  }
  return median(samples)
}

/** Heap in use after a full garbage collection (needs `node --expose-gc`; NaN without it). */
export const heapAfterGc = (): number => {
  const gc = globalThis.gc
  if (typeof gc !== 'function') return Number.NaN
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

// ─── ratios ─────────────────────────────────────────────────────────────────────────────────────

/** dualflow's speed-up over `other` on the same figure. */
export const speedup = (dualflow: Measurement, other: Measurement): number =>
  dualflow.higherIsBetter ? dualflow.value / other.value : other.value / dualflow.value

/** The targets of the issue, by workload, case and library: dualflow must be at least this much faster. */
const targets: ReadonlyArray<{ readonly workload: string; readonly case?: string; readonly vs: string; readonly target: number }> = [
  { workload: 'W1', case: 'N=512', vs: 'tfjs-cpu', target: 4 },
  { workload: 'W2', vs: 'tfjs-cpu', target: 5 },
  { workload: 'W2', vs: 'tfjs-wasm', target: 1.5 },
  { workload: 'W3', vs: 'tfjs-cpu', target: 20 },
  { workload: 'W4', vs: 'tfjs-cpu', target: 20 },
  { workload: 'W5', case: 'add', vs: 'tfjs-cpu', target: 10 },
  { workload: 'W7', vs: 'tfjs-cpu', target: 5 },
  { workload: 'W7', vs: 'tfjs-wasm', target: 1 },
  { workload: 'W8', case: 'LSTM(32)', vs: 'tfjs-cpu', target: 10 },
  { workload: 'W8', case: 'LSTM(32)', vs: 'tfjs-wasm', target: 3 },
]

/** The target for a ratio, if the issue sets one. */
export const targetOf = (workload: string, kase: string | undefined, vs: string): number | undefined =>
  targets.find((t) => t.workload === workload && t.vs === vs && (t.case === undefined || t.case === kase))?.target

/** dualflow against every other library, for every (workload, case) that has both. */
export const ratiosOf = (measurements: readonly Measurement[]): Ratio[] => {
  const out: Ratio[] = []
  for (const d of measurements) {
    if (d.lib !== 'dualflow') continue
    for (const o of measurements) {
      if (o.lib === 'dualflow' || o.workload !== d.workload || o.case !== d.case || o.metric !== d.metric) continue
      const target = targetOf(d.workload, d.case, o.lib)
      out.push({ workload: d.workload, ...(d.case === undefined ? {} : { case: d.case }), vs: o.lib, value: speedup(d, o), ...(target === undefined ? {} : { target }) })
    }
  }
  return out
}

// ─── formatting ─────────────────────────────────────────────────────────────────────────────────

/** A number with about four significant digits, without exponent for everyday magnitudes. */
export const formatNumber = (v: number): string => {
  if (!Number.isFinite(v)) return String(v)
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v)
  const a = Math.abs(v)
  if (a >= 1e6) return v.toExponential(3)
  if (a >= 1000) return v.toFixed(0)
  if (a >= 100) return v.toFixed(1)
  if (a >= 10) return v.toFixed(2)
  if (a >= 0.01 || a === 0) return v.toFixed(3)
  return v.toExponential(3)
}

const units: Readonly<Record<string, string>> = {
  gflops: 'GFLOP/s',
  samplesPerSec: 'samples/s',
  usPerStep: 'µs/step',
  opsPerSec: 'ops/s',
  callsPerSec: 'calls/s',
}

const pad = (rows: readonly (readonly string[])[]): string => {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n')
}

const extrasText = (extras: Measurement['extras']): string =>
  extras === undefined ? '' : Object.entries(extras).map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : v}`).join(' ')

/** The results table: one line per measurement, with dualflow's speed-up over each other library. */
export const formatTable = (measurements: readonly Measurement[], ratios: readonly Ratio[]): string => {
  const rows: string[][] = [['workload', 'case', 'lib', 'precision', 'figure', 'unit', 'dualflow speed-up', 'details']]
  const groups = [...new Set(measurements.map((m) => `${m.workload}\u0000${m.case ?? ''}`))]
  const rank = (m: Measurement): number => groups.indexOf(`${m.workload}\u0000${m.case ?? ''}`) * allLibs.length + allLibs.indexOf(m.lib)
  for (const m of [...measurements].sort((x, y) => rank(x) - rank(y))) {
    const r = m.lib === 'dualflow' ? undefined : ratios.find((x) => x.workload === m.workload && x.case === m.case && x.vs === m.lib)
    const ratioText = r === undefined ? '' : `${formatNumber(r.value)}×${r.target === undefined ? '' : ` (target ≥ ${r.target}×${r.value >= r.target ? ', met' : ', NOT met'})`}`
    rows.push([m.workload, m.case ?? '', m.lib, precisionOf(m.lib), formatNumber(m.value), units[m.metric] ?? m.metric, ratioText, extrasText(m.extras)])
  }
  return pad(rows)
}

/** The other ratios (W6 vs W2, memory) as lines. */
export const formatRatios = (ratios: readonly Ratio[]): string =>
  ratios
    .map((r) => `${r.workload}${r.case === undefined ? '' : ` ${r.case}`} vs ${r.vs}: ${formatNumber(r.value)}×${r.target === undefined ? '' : ` (target ≥ ${r.target}×${r.value >= r.target ? ', met' : ', NOT met'})`}`)
    .join('\n')

/** The JSON line of a measurement: `{"workload":"W2","lib":"dualflow","samplesPerSec":…}`. */
export const measurementJson = (m: Measurement): string =>
  JSON.stringify({ workload: m.workload, ...(m.case === undefined ? {} : { case: m.case }), lib: m.lib, [m.metric]: m.value, precision: precisionOf(m.lib), ...m.extras })

/** The JSON line of a ratio: `{"workload":"W2","ratio":{"vs":"tfjs-cpu","value":…}}`. */
export const ratioJson = (r: Ratio): string =>
  JSON.stringify({
    workload: r.workload,
    ...(r.case === undefined ? {} : { case: r.case }),
    ratio: { vs: r.vs, value: r.value, ...(r.target === undefined ? {} : { target: r.target, met: r.value >= r.target }) },
  })

/** Bytes as mebibytes with two decimals. */
export const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(2)} MiB`
