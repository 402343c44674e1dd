/**
 * The WebAssembly SIMD element-wise and optimizer loops: the same expressions as the JavaScript
 * loops in `elementwise.ts` and `optimizer.ts`, two elements per instruction.
 *
 * As for the products (`wasm.ts`), tensors never live in WebAssembly memory: each call copies its
 * operands to the start of the module's memory, runs, and copies the results out into the
 * caller's buffers. Only IEEE-exact operations (+ − × ÷ √) run here, so each result is the double
 * the JavaScript loop computes (see scripts/kernels/elementwise-wat.ts); callers pick this path
 * for arrays long enough to pay for the copies (`onWasm` in backend.ts).
 */
import type { ReadonlyFloat64Array } from '../Tensor.js'
import { wasmHeap, type WasmBinaryOp } from './wasm.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * The constants of an Adam optimizer (see optim.scaleByAdam): decays, their complements, ε — fixed
 * when the optimizer is made. The bias corrections 1 − β1ᵗ and 1 − β2ᵗ change with the step and
 * are passed next to them.
 */
export interface AdamConstants {
  readonly beta1: number
  readonly beta2: number
  /** 1 − β1 */
  readonly oneMinusBeta1: number
  /** 1 − β2 */
  readonly oneMinusBeta2: number
  readonly eps: number
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** out[o + i] = a[ao + i] ∘ b[bo + i] for i < n, in WebAssembly. */
export const wasmBinaryVV = (
  op: WasmBinaryOp,
  out: Float64Array,
  o: number,
  a: ReadonlyFloat64Array,
  ao: number,
  b: ReadonlyFloat64Array,
  bo: number,
  n: number,
): void => {
  const region = aligned(8 * n)
  const { heap, kernels } = wasmHeap(2 * region)
  heap.set(a.subarray(ao, ao + n), 0)
  heap.set(b.subarray(bo, bo + n), region / 8)
  kernels.binary[`${op}_vv`](0, 0, region, n)
  out.set(heap.subarray(0, n), o)
}

/** out[o + i] = a[ao + i] ∘ s for i < n, in WebAssembly. */
export const wasmBinaryVS = (op: WasmBinaryOp, out: Float64Array, o: number, a: ReadonlyFloat64Array, ao: number, s: number, n: number): void => {
  const { heap, kernels } = wasmHeap(8 * n)
  heap.set(a.subarray(ao, ao + n), 0)
  kernels.binary[`${op}_vs`](0, 0, s, n)
  out.set(heap.subarray(0, n), o)
}

/** out[o + i] = s ∘ b[bo + i] for i < n, in WebAssembly. */
export const wasmBinarySV = (op: WasmBinaryOp, out: Float64Array, o: number, s: number, b: ReadonlyFloat64Array, bo: number, n: number): void => {
  const { heap, kernels } = wasmHeap(8 * n)
  heap.set(b.subarray(bo, bo + n), 0)
  kernels.binary[`${op}_sv`](0, s, 0, n)
  out.set(heap.subarray(0, n), o)
}

/** out[i] = max(x[i], 0) with NaN kept and −0 → +0 (`reluLoop`), in WebAssembly. */
export const wasmRelu = (x: ReadonlyFloat64Array, out: Float64Array): void => {
  const n = x.length
  const { heap, kernels } = wasmHeap(8 * n)
  heap.set(x, 0)
  kernels.relu(0, 0, n)
  out.set(heap.subarray(0, n))
}

/** out[i] = g[i] · (x[i] > 0 ? 1 : 0), relu's pullback (`reluVjpLoop`), in WebAssembly. */
export const wasmReluVjp = (g: ReadonlyFloat64Array, x: ReadonlyFloat64Array, out: Float64Array): void => {
  const n = g.length
  const region = aligned(8 * n)
  const { heap, kernels } = wasmHeap(2 * region)
  heap.set(g, 0)
  heap.set(x, region / 8)
  kernels.reluVjp(0, 0, region, n)
  out.set(heap.subarray(0, n))
}

/**
 * One Adam step over a leaf in WebAssembly: reads g, m0, v0 (equal lengths), writes the update u
 * and the new moments m1, v1 (see `adamInto` in optimizer.ts for the expressions).
 */
export const wasmAdam = (
  g: ReadonlyFloat64Array,
  m0: ReadonlyFloat64Array,
  v0: ReadonlyFloat64Array,
  u: Float64Array,
  m1: Float64Array,
  v1: Float64Array,
  c: AdamConstants,
  correction1: number,
  correction2: number,
): void => {
  const n = g.length
  const region = aligned(8 * n)
  const { heap, kernels } = wasmHeap(4 * region)
  const [gp, mp, vp, up] = [0, region, 2 * region, 3 * region]
  heap.set(g, gp / 8)
  heap.set(m0, mp / 8)
  heap.set(v0, vp / 8)
  kernels.adam(gp, mp, vp, up, n, c.beta1, c.oneMinusBeta1, c.beta2, c.oneMinusBeta2, correction1, correction2, c.eps)
  u.set(heap.subarray(up / 8, up / 8 + n))
  m1.set(heap.subarray(mp / 8, mp / 8 + n))
  v1.set(heap.subarray(vp / 8, vp / 8 + n))
}

/**
 * One momentum step over a leaf in WebAssembly: v1 = β·v0 + g, and with `u` (Nesterov) also
 * u = β·v1 + g.
 */
export const wasmMomentum = (
  g: ReadonlyFloat64Array,
  v0: ReadonlyFloat64Array,
  v1: Float64Array,
  u: Float64Array | undefined,
  decay: number,
): void => {
  const n = g.length
  const region = aligned(8 * n)
  const { heap, kernels } = wasmHeap(3 * region)
  heap.set(g, 0)
  heap.set(v0, region / 8)
  kernels.momentum(0, region, 2 * region, n, decay, u === undefined ? 0 : 1)
  v1.set(heap.subarray(region / 8, region / 8 + n))
  if (u !== undefined) u.set(heap.subarray((2 * region) / 8, (2 * region) / 8 + n))
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** Rounds a byte count up to 16 (the width of a vector). */
const aligned = (bytes: number): number => Math.ceil(bytes / 16) * 16
