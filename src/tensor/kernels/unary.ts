/**
 * Unary element-wise kernels: one loop each, out[i] = f(x[i]), behind `src/tensor/elementwise.ts`
 * and ad's unary primitives.
 *
 * Each allocates its output, or fills the `out` it is given (every element written) — which `jit`
 * uses to replay into a buffer its plan owns. The loops that are IEEE-exact arithmetic on one
 * double (x², 1/x, x·s, x + s) or a comparison (relu and its pullback) run in WebAssembly SIMD for long arrays
 * (`onWasm`, backend.ts), with the same bits; the others call JavaScript's `Math` and stay in
 * JavaScript.
 */
import type { ReadonlyFloat64Array } from '../Tensor.js'
import { allocateOverwritten } from './alloc.js'
import { onWasm } from './backend.js'
import { wasmBinarySV, wasmBinaryVS, wasmBinaryVV, wasmRelu, wasmReluVjp } from './wasm-elementwise.js'

// ─── elements ───────────────────────────────────────────────────────────────────────────────────

// The per-element functions of the loops below: each loop calls its function on every element
// (its WebAssembly path, where it has one, gives the same bits), and jit's element-wise fusion
// calls the very same function — one definition, so a fused loop computes the same bits.

/** −v */
export const negElement = (v: number): number => -v
/** eᵛ */
export const expElement = (v: number): number => Math.exp(v)
/** ln v */
export const logElement = (v: number): number => Math.log(v)
/** √v */
export const sqrtElement = (v: number): number => Math.sqrt(v)
/** v² */
export const squareElement = (v: number): number => v * v
/** 1/v */
export const reciprocalElement = (v: number): number => 1 / v
/** tanh v */
export const tanhElement = (v: number): number => Math.tanh(v)
/** 1/(1 + e⁻ᵛ), through exp(−|v|) ≤ 1 so it never overflows. */
export const sigmoidElement = (v: number): number => {
  if (v >= 0) return 1 / (1 + Math.exp(-v))
  const e = Math.exp(v)
  return e / (1 + e)
}
/** ln(1 + eᵛ) = max(v, 0) + log1p(exp(−|v|)); a NaN v fails `v > 0`, and log1p(exp(NaN)) carries it through. */
export const softplusElement = (v: number): number => (v > 0 ? v : 0) + Math.log1p(Math.exp(-Math.abs(v)))
/** max(v, 0), NaN kept as NaN. */
export const reluElement = (v: number): number => (v > 0 || v !== v ? v : 0)
/** relu's pullback at one element: g · (x > 0 ? 1 : 0). */
export const reluVjpElement = (g: number, x: number): number => g * (x > 0 ? 1 : 0)
/** v for v > 0, αv otherwise (NaN stays NaN through αv). */
export const leakyReluElement = (v: number, alpha: number): number => (v > 0 ? v : alpha * v)
/** Heaviside step: 1 for v > 0, 0 otherwise, NaN for NaN. */
export const stepElement = (v: number): number => (v > 0 ? 1 : v !== v ? v : 0)
/** v·s */
export const scaleElement = (v: number, s: number): number => v * s
/** v + s */
export const addScalarElement = (v: number, s: number): number => v + s

// ─── operations ──────────────────────────────────────────────────────────────────────────────────────

/** out[i] = f(x[i]): the generic path behind `map`. */
export const unary = (x: ReadonlyFloat64Array, f: (v: number) => number): Float64Array => {
  const n = x.length
  const out = allocateOverwritten(n)
  for (let i = 0; i < n; i++) out[i] = f(x[i] ?? 0)
  return out
}

/** −x */
export const negLoop = (x: ReadonlyFloat64Array, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  for (let i = 0; i < n; i++) out[i] = negElement(x[i] ?? 0)
  return out
}

/** |x| */
export const absLoop = (x: ReadonlyFloat64Array, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  for (let i = 0; i < n; i++) out[i] = Math.abs(x[i] ?? 0)
  return out
}

/** eˣ */
export const expLoop = (x: ReadonlyFloat64Array, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  for (let i = 0; i < n; i++) out[i] = expElement(x[i] ?? 0)
  return out
}

/** ln x */
export const logLoop = (x: ReadonlyFloat64Array, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  for (let i = 0; i < n; i++) out[i] = logElement(x[i] ?? 0)
  return out
}

/** √x */
export const sqrtLoop = (x: ReadonlyFloat64Array, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  for (let i = 0; i < n; i++) out[i] = sqrtElement(x[i] ?? 0)
  return out
}

/** x² */
export const squareLoop = (x: ReadonlyFloat64Array, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  if (onWasm(n)) {
    wasmBinaryVV('mul', out, 0, x, 0, x, 0, n)
    return out
  }
  for (let i = 0; i < n; i++) out[i] = squareElement(x[i] ?? 0)
  return out
}

/** 1/x */
export const reciprocalLoop = (x: ReadonlyFloat64Array, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  if (onWasm(n)) {
    wasmBinarySV('div', out, 0, 1, x, 0, n)
    return out
  }
  for (let i = 0; i < n; i++) out[i] = reciprocalElement(x[i] ?? 0)
  return out
}

/** tanh x */
export const tanhLoop = (x: ReadonlyFloat64Array, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  for (let i = 0; i < n; i++) out[i] = tanhElement(x[i] ?? 0)
  return out
}

/** 1/(1 + e⁻ˣ), evaluated through exp(−|x|) ≤ 1 so it never overflows. */
export const sigmoidLoop = (x: ReadonlyFloat64Array, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  for (let i = 0; i < n; i++) out[i] = sigmoidElement(x[i] ?? 0)
  return out
}

/** ln(1 + eˣ) = max(x, 0) + log1p(exp(−|x|)): no overflow, no cancellation. */
export const softplusLoop = (x: ReadonlyFloat64Array, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  for (let i = 0; i < n; i++) out[i] = softplusElement(x[i] ?? 0)
  return out
}

/** max(x, 0), NaN kept as NaN. */
export const reluLoop = (x: ReadonlyFloat64Array, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  if (onWasm(n)) {
    wasmRelu(x, out)
    return out
  }
  for (let i = 0; i < n; i++) out[i] = reluElement(x[i] ?? 0)
  return out
}

/** relu's pullback: g · (x > 0 ? 1 : 0), into `out` (g, x and out of one length). */
export const reluVjpLoop = (g: ReadonlyFloat64Array, x: ReadonlyFloat64Array, out: Float64Array): void => {
  const n = out.length
  if (onWasm(n)) return wasmReluVjp(g, x, out)
  for (let i = 0; i < n; i++) out[i] = reluVjpElement(g[i] ?? 0, x[i] ?? 0)
}

/** x for x > 0, αx otherwise (NaN stays NaN through αx). */
export const leakyReluLoop = (x: ReadonlyFloat64Array, alpha: number, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  for (let i = 0; i < n; i++) out[i] = leakyReluElement(x[i] ?? 0, alpha)
  return out
}

/** Heaviside step: 1 for x > 0, 0 otherwise, NaN for NaN. */
export const stepLoop = (x: ReadonlyFloat64Array, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  for (let i = 0; i < n; i++) out[i] = stepElement(x[i] ?? 0)
  return out
}

/** x·s */
export const scaleLoop = (x: ReadonlyFloat64Array, s: number, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  if (onWasm(n)) {
    wasmBinaryVS('mul', out, 0, x, 0, s, n)
    return out
  }
  for (let i = 0; i < n; i++) out[i] = scaleElement(x[i] ?? 0, s)
  return out
}

/** x + s */
export const addScalarLoop = (x: ReadonlyFloat64Array, s: number, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  if (onWasm(n)) {
    wasmBinaryVS('add', out, 0, x, 0, s, n)
    return out
  }
  for (let i = 0; i < n; i++) out[i] = addScalarElement(x[i] ?? 0, s)
  return out
}

/** xᵖ (Math.pow semantics) */
export const powScalarLoop = (x: ReadonlyFloat64Array, p: number): Float64Array => {
  const n = x.length
  const out = allocateOverwritten(n)
  for (let i = 0; i < n; i++) out[i] = Math.pow(x[i] ?? 0, p)
  return out
}

/** min(max(x, lo), hi), NaN kept as NaN. The caller checks lo ≤ hi. */
export const clipLoop = (x: ReadonlyFloat64Array, lo: number, hi: number, out: Float64Array = allocateOverwritten(x.length)): Float64Array => {
  const n = x.length
  for (let i = 0; i < n; i++) {
    const v = x[i] ?? 0
    out[i] = v < lo ? lo : v > hi ? hi : v
  }
  return out
}
