/**
 * Which kernels run a product: the JavaScript ones (`matmul.ts`) or the WebAssembly SIMD ones
 * (`wasm.ts`), and, for big products, an optional parallel executor over several threads.
 *
 * Every backend gives the same bits (each entry is summed in the same order; a property test
 * checks it), so the choice is a speed setting, never a semantic one. That is why it may be
 * module state, like the allocator's cursor: no result can observe it. `useKernels` changes it
 * (tests and benchmarks force `'js'` or `'wasm'`); the default `'auto'` takes WebAssembly SIMD
 * where the engine has it, except for products too small to pay for copying the operands in and
 * out (threshold measured, see `WASM_MIN_WORK`).
 *
 * Threads are a seam: the browser-safe core never imports `worker_threads`. A parallel executor
 * (`ParallelMatmul`) is installed from outside — by default the Node entry of the package root
 * (src/node/main.ts, one thread per core, workers started on the first big product), or
 * `useThreads` in `dualflow/node` — and the core hands it the products big enough to split.
 */
import { ArgumentError } from '../errors.js'
import type { ReadonlyFloat64Array } from '../Tensor.js'
import { matmulInto, matmulTransAInto, matmulTransBInto, productSource, type MatmulKernel } from './matmul.js'
import { layoutStrides, wasmAffine, wasmAvailable, wasmMatmul, type MatmulLayout } from './wasm.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * `'auto'` (the default): WebAssembly SIMD where available and the product or array is big
 * enough, JavaScript otherwise. `'js'`: always the JavaScript kernels. `'wasm'`: always
 * WebAssembly (throws if the engine lacks SIMD), at every size — for tests and benchmarks — up to
 * the memory caps (`ELEMENTWISE_MAX_LENGTH`, `WASM_MAX_BYTES`), past which every choice runs
 * JavaScript.
 */
export type KernelChoice = 'auto' | 'js' | 'wasm'

/**
 * A parallel executor for large products: computes the same C as the WebAssembly kernel, with
 * the rows of C split across threads. Installed by `dualflow/node`'s `useThreads`.
 */
export interface ParallelMatmul {
  /** Threads it uses, the calling one included. */
  readonly threads: number
  /** C = op(A)·op(B) + bias (bias added when given), C written at `cOffset`, same contract as `MatmulKernel`. */
  readonly matmul: (
    layout: MatmulLayout,
    a: ReadonlyFloat64Array,
    aOffset: number,
    b: ReadonlyFloat64Array,
    bOffset: number,
    c: Float64Array,
    cOffset: number,
    m: number,
    k: number,
    n: number,
    bias: ReadonlyFloat64Array | undefined,
  ) => void
}

/** What `kernelsInUse` reports. */
export interface KernelStatus {
  readonly choice: KernelChoice
  readonly wasm: boolean
  readonly threads: number
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Chooses the kernels for every later product (see `KernelChoice`). Results do not depend on it.
 *
 * @throws {ArgumentError} for a choice other than 'auto', 'js' or 'wasm', and for 'wasm' on an
 * engine without WebAssembly SIMD.
 *
 * @example
 * const before = T.kernelsInUse().choice
 * T.useKernels('js')
 * T.matmul(T.tensor([[1, 2]]), T.tensor([[3], [4]]))  // [[11]]
 * T.useKernels(before)
 */
export const useKernels = (choice: KernelChoice): void => {
  if (choice !== 'auto' && choice !== 'js' && choice !== 'wasm') {
    throw new ArgumentError('useKernels', `expected 'auto', 'js' or 'wasm', got ${JSON.stringify(choice)}`)
  }
  if (choice === 'wasm' && !wasmAvailable()) {
    throw new ArgumentError('useKernels', 'this engine has no WebAssembly SIMD: only the JavaScript kernels can run')
  }
  current = choice
}

/**
 * The kernel choice, whether WebAssembly SIMD is available, and the threads a large product uses.
 *
 * @example
 * ['auto', 'js', 'wasm'].includes(T.kernelsInUse().choice)  // true
 */
export const kernelsInUse = (): KernelStatus => ({ choice: current, wasm: wasmAvailable(), threads: parallel?.threads ?? 1 })

/**
 * Installs (or, with undefined, removes) the parallel executor for large products. Called by
 * `dualflow/node`'s `useThreads`; users do not call it directly.
 */
export const installParallelMatmul = (executor: ParallelMatmul | undefined): void => {
  parallel = executor
}

/**
 * The kernel for one m×k by k×n product of the given layout, by the current choice and size.
 * Returns the same MatmulKernel contract whichever backend it picks.
 */
export const matmulKernel = (layout: MatmulLayout, m: number, k: number, n: number): MatmulKernel => {
  const backend = pick(m, k, n)
  if (backend === 'js') return layout === 'ab' ? matmulInto : layout === 'atb' ? matmulTransAInto : matmulTransBInto
  if (backend === 'threads' && parallel !== undefined) return threadsKernel(parallel, layout)
  return wasmKernels[layout]
}

/**
 * Whether an element-wise or optimizer loop over `length` elements runs in WebAssembly: always
 * under 'wasm', never under 'js', and under 'auto' where the engine has SIMD and the array is at
 * least `ELEMENTWISE_MIN_LENGTH` long — in every case only up to `ELEMENTWISE_MAX_LENGTH`.
 */
export const onWasm = (length: number): boolean =>
  length <= ELEMENTWISE_MAX_LENGTH && (current === 'wasm' || (current === 'auto' && length >= ELEMENTWISE_MIN_LENGTH && wasmAvailable()))

/**
 * out = x·W + bias for x [m×k], W [k×n], bias [n], into `out` (m·n entries, zero-filled): the
 * product, then the bias added to each entry, on the backend the choice and size pick.
 */
export const affineInto = (
  x: ReadonlyFloat64Array,
  weights: ReadonlyFloat64Array,
  bias: ReadonlyFloat64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
): void => {
  const backend = pick(m, k, n)
  if (backend === 'threads' && parallel !== undefined) return parallel.matmul('ab', x, 0, weights, 0, out, 0, m, k, n, bias)
  if (backend !== 'js') return wasmAffine(x, weights, bias, out, m, k, n)
  matmulInto(x, 0, weights, 0, out, 0, m, k, n)
  for (let i = 0; i < m; i++) {
    const row = i * n
    for (let j = 0; j < n; j++) out[row + j] = (out[row + j] ?? 0) + (bias[j] ?? 0)
  }
}

/**
 * For jit's inline code: the source of one m×k by k×n product of the given layout (with `bias`
 * added to each entry as `affineInto` adds it, when `withBias`), as `productSource` writes it —
 * `(ins, out)` names A, B (and the bias) and C — or undefined for products of `WASM_MIN_WORK`
 * multiply–adds or more, which stay kernel calls (WebAssembly SIMD is faster there). Exactness does
 * not rest on that bound: every backend sums each entry in the one order the source does.
 */
export const productInline = (layout: MatmulLayout, m: number, k: number, n: number, withBias: boolean): ((ins: readonly string[], out: string) => string) | undefined => {
  if (m * n === 0 || m * k * n >= WASM_MIN_WORK) return undefined
  const strides = layoutStrides(layout, m, k, n)
  return (ins, out) => productSource(strides, m, k, n, ins[0] ?? '', ins[1] ?? '', out, withBias ? ins[2] : undefined)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

let current: KernelChoice = 'auto'
let parallel: ParallelMatmul | undefined

/**
 * The parallel executor's product as a kernel. A function of its own: were this closure made inside
 * `matmulKernel`, that function would capture its arguments in a context allocated at every call,
 * on the single-threaded paths too (a compiled step picks its kernel at every product).
 */
const threadsKernel = (executor: ParallelMatmul, layout: MatmulLayout): MatmulKernel => (a, aOffset, b, bOffset, c, cOffset, m, k, n) =>
  executor.matmul(layout, a, aOffset, b, bOffset, c, cOffset, m, k, n, undefined)

const wasmKernels: Readonly<Record<MatmulLayout, MatmulKernel>> = {
  ab: wasmMatmul('ab'),
  atb: wasmMatmul('atb'),
  abt: wasmMatmul('abt'),
}

/**
 * Under 'auto', products with fewer multiply–adds than this stay in JavaScript: below it the
 * copies in and out of WebAssembly memory and the call (≈ 0.1 µs) cost more than SIMD saves.
 * Measured with bench/kernel-threshold.ts (see bench/README.md): at 4³ WebAssembly runs at 0.55×
 * the JavaScript kernel, at 256 multiply–adds 0.8–1.8× depending on the shape, from 8³ = 512 on
 * 1.3× and more (2.3× at 10³, 4.5× at 64³).
 */
export const WASM_MIN_WORK = 512

/**
 * Element-wise and optimizer loops over at least this many elements run in WebAssembly under
 * 'auto'. Below it the copies in and out and the call cost more than two lanes save. Measured with
 * `npx tsx bench/kernel-threshold.ts --elementwise` (CPU time, WebAssembly with copies over
 * JavaScript): a + b 0.63× at 64 elements, 1.09× at 128, 1.72× at 256, 3.4× at 1024; x·s 0.64×,
 * 1.00×, 1.53×, 2.4×; Adam 0.97×, 1.24×, 1.52×, 1.65× (÷ and √ bound: 1.5× at 10⁵).
 */
export const ELEMENTWISE_MIN_LENGTH = 256

/**
 * Loops over more elements than this stay in JavaScript under every choice: each call copies its
 * arrays into the module's memory (Adam: four of them), which never shrinks, so a 10⁸-element leaf
 * would keep 3 GiB reserved — or fail to grow past WebAssembly's 4 GiB. 2²³ elements (64 MiB an
 * array) is far past the sizes where WebAssembly pays (bench/README.md).
 */
export const ELEMENTWISE_MAX_LENGTH = 1 << 23

/**
 * Products whose operands and result need more bytes than this stay in JavaScript under every
 * choice, for the same reason (the module's memory never shrinks and cannot pass 4 GiB).
 */
export const WASM_MAX_BYTES = 1 << 30

/**
 * Products with at least this many multiply–adds go to the parallel executor when one is
 * installed: below it, waking the workers and splitting costs more than the second core saves.
 * Bench K measured the split's CPU efficiency (CPU of one thread over CPU of all threads) at 83%
 * for 128³ = 2²¹ and 95–100% from 256³ up; wall-clock gains need an idle second core, which the
 * shared benchmark machine rarely had (see bench/README.md).
 */
export const THREADS_MIN_WORK = 1 << 21

const pick = (m: number, k: number, n: number): 'js' | 'wasm' | 'threads' => {
  // Too big for the memory a WebAssembly module can grow to (and keep): JavaScript, whatever the choice.
  if (current === 'js' || 8 * (m * k + k * n + m * n + n) > WASM_MAX_BYTES) return 'js'
  const work = m * k * n
  if (current === 'auto' && (work < WASM_MIN_WORK || !wasmAvailable())) return 'js'
  return parallel !== undefined && work >= THREADS_MIN_WORK && m >= 8 ? 'threads' : 'wasm'
}
