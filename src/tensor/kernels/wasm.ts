/**
 * The WebAssembly SIMD kernels: the same products as `matmul.ts`, on f64x2 vectors.
 *
 * The module (built from scripts/kernels/matmul-wat.ts, embedded in `wasm-module.ts`) is compiled
 * synchronously on first use — it is 1–2 KiB, well under the size browsers allow to compile on
 * their main thread — and only if the engine validates it, which is the feature test for SIMD.
 *
 * Where tensors live: never in WebAssembly memory. Each call copies its operands into the module's
 * memory, runs, and copies the result out into the caller's fresh output array. A tensor whose
 * data were a view on that memory would share one buffer with every other tensor there (breaking
 * the rule that no tensor reaches another's bytes) and would be detached whenever the memory
 * grows. The copies cost a few percent of a large product (see bench/README.md).
 *
 * Same bits as the JavaScript kernels: every entry is summed with p rising from 0, each product
 * and each sum rounded separately (see the WAT source for the argument).
 *
 * The module's memory and instance are cached here after the first use. Which memory holds an
 * operand for the length of one call never changes a result, so the cache is invisible to values.
 */
import { ArgumentError } from '../errors.js'
import type { ReadonlyFloat64Array } from '../Tensor.js'
import type { MatmulKernel } from './matmul.js'
import { kernelScratchBytes, kernelsBase64 } from './wasm-module.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Which operand is stored transposed: A·B, Aᵀ·B (A stored [k×m]) or A·Bᵀ (B stored [n×k]). */
export type MatmulLayout = 'ab' | 'atb' | 'abt'

/** The strides, in elements, at which a layout reads A(i, p) and B(p, j). */
export interface LayoutStrides {
  readonly aRow: number
  readonly aDepth: number
  readonly bDepth: number
  readonly bCol: number
}

/** A WebAssembly memory: its bytes (an ArrayBuffer, or a SharedArrayBuffer when shared) and growth. */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike
  grow(pages: number): number
}

/**
 * The part of the engine's `WebAssembly` object the kernels use, typed here rather than taken from
 * TypeScript's DOM library (which this browser-and-Node project does not load).
 */
export interface WasmApi {
  readonly Memory: new (descriptor: { readonly initial: number; readonly maximum?: number; readonly shared?: boolean }) => WasmMemory
  readonly Module: new (bytes: Uint8Array<ArrayBuffer>) => object
  readonly Instance: new (module: object, imports: Readonly<Record<string, Readonly<Record<string, unknown>>>>) => { readonly exports: object }
  readonly validate: (bytes: Uint8Array<ArrayBuffer>) => boolean
}

/** The raw exports of an instance of the kernel module (pointers and strides as numbers). */
export interface KernelExports {
  /** C = A·B through strides; see scripts/kernels/matmul-wat.ts. */
  readonly matmul: (
    a: number, aRow: number, aDepth: number,
    b: number, bDepth: number, bCol: number,
    c: number, ldc: number, m: number, k: number, n: number, scratch: number,
  ) => void
  /** C(i, j) += bias(j) for C[m×n] with row stride ldc. */
  readonly addRow: (c: number, ldc: number, bias: number, m: number, n: number) => void
  /**
   * The element-wise loops of scripts/kernels/elementwise-wat.ts by export name (`add_vv`,
   * `mul_vs`, …): (out, a, b, n) for `_vv`, (out, a, s, n) for `_vs`, (out, s, b, n) for `_sv`.
   */
  readonly binary: Readonly<Record<WasmBinaryName, (out: number, x: number, y: number, n: number) => void>>
  /** out[i] = max(x[i], 0), NaN kept (see elementwise-wat.ts). */
  readonly relu: (out: number, x: number, n: number) => void
  /** out[i] = g[i] · (x[i] > 0 ? 1 : 0), relu's pullback (see elementwise-wat.ts). */
  readonly reluVjp: (out: number, g: number, x: number, n: number) => void
  /** Adam over one leaf, in place on the moments (see elementwise-wat.ts). */
  readonly adam: (
    g: number, m: number, v: number, u: number, n: number,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
    correction1: number, correction2: number, eps: number,
  ) => void
  /** Momentum over one leaf, in place on the velocity; the Nesterov update at `u` when `nesterov` is 1. */
  readonly momentum: (g: number, v: number, u: number, n: number, decay: number, nesterov: number) => void
}

/** The four IEEE-exact binary operations the module has loops for. */
export type WasmBinaryOp = 'add' | 'sub' | 'mul' | 'div'

/** The export name of a binary loop: the op and how its operands come (array–array, array–scalar, scalar–array). */
export type WasmBinaryName = `${WasmBinaryOp}_${'vv' | 'vs' | 'sv'}`

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** The strides of a layout for an m×k by k×n product. */
export const layoutStrides = (layout: MatmulLayout, m: number, k: number, n: number): LayoutStrides => ({
  aRow: aRowStride(layout, k),
  aDepth: aDepthStride(layout, m),
  bDepth: bDepthStride(layout, n),
  bCol: bColStride(layout, k),
})

// Each stride on its own, so that a product passes them without building a record per call.
// A is m×k (stored k×m when transposed: 'atb'); B is k×n (stored n×k when transposed: 'abt').
const aRowStride = (layout: MatmulLayout, k: number): number => (layout === 'atb' ? 1 : k)
const aDepthStride = (layout: MatmulLayout, m: number): number => (layout === 'atb' ? m : 1)
const bDepthStride = (layout: MatmulLayout, n: number): number => (layout === 'abt' ? 1 : n)
const bColStride = (layout: MatmulLayout, k: number): number => (layout === 'abt' ? k : 1)

/** The engine's WebAssembly API, or undefined where there is none. */
export const wasmApi = (): WasmApi | undefined => {
  const api: unknown = Reflect.get(globalThis, 'WebAssembly')
  return isWasmApi(api) ? api : undefined
}

/** Whether this engine runs the WebAssembly SIMD kernels (checked once). */
export const wasmAvailable = (): boolean => loaded() !== undefined

/** The kernel module's bytes, decoded from the embedded base64. */
export const kernelBytes = (base64: string): Uint8Array<ArrayBuffer> => {
  const text = atob(base64)
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
  return bytes
}

/** The binding of `exports` to the two kernel functions, or undefined if they are missing. */
export const kernelExports = (exports: object): KernelExports | undefined => {
  const matmul: unknown = Reflect.get(exports, 'matmul')
  const addRow: unknown = Reflect.get(exports, 'addRow')
  const adam: unknown = Reflect.get(exports, 'adam')
  const momentum: unknown = Reflect.get(exports, 'momentum')
  const relu: unknown = Reflect.get(exports, 'relu')
  const reluVjp: unknown = Reflect.get(exports, 'reluVjp')
  if (
    typeof matmul !== 'function' ||
    typeof addRow !== 'function' ||
    typeof adam !== 'function' ||
    typeof momentum !== 'function' ||
    typeof relu !== 'function' ||
    typeof reluVjp !== 'function'
  ) {
    return undefined
  }
  const binary = binaryExports(exports)
  if (binary === undefined) return undefined
  return {
    matmul: (a, aRow, aDepth, b, bDepth, bCol, c, ldc, m, k, n, scratch) => void matmul(a, aRow, aDepth, b, bDepth, bCol, c, ldc, m, k, n, scratch),
    addRow: (c, ldc, bias, m, n) => void addRow(c, ldc, bias, m, n),
    binary,
    relu: (out, x, n) => void relu(out, x, n),
    reluVjp: (out, g, x, n) => void reluVjp(out, g, x, n),
    adam: (g, m, v, u, n, beta1, oneMinusBeta1, beta2, oneMinusBeta2, correction1, correction2, eps) =>
      void adam(g, m, v, u, n, beta1, oneMinusBeta1, beta2, oneMinusBeta2, correction1, correction2, eps),
    momentum: (g, v, u, n, decay, nesterov) => void momentum(g, v, u, n, decay, nesterov),
  }
}

/**
 * The module's memory as float64 elements, grown first to hold `bytes`, and its kernels — for the
 * element-wise and optimizer loops (wasm-elementwise.ts). Throws where there is no WebAssembly
 * SIMD. The view is valid until the next call that may grow the memory.
 */
export const wasmHeap = (bytes: number): { readonly heap: Float64Array; readonly kernels: KernelExports } => {
  const w = required()
  return { heap: ensure(w, bytes), kernels: w.kernels }
}

/**
 * The WebAssembly kernel of a layout, with the signature of the JavaScript ones. Throws if the
 * engine has no WebAssembly SIMD (callers check `wasmAvailable` first).
 *
 * @example
 * const c = new Float64Array(1)
 * if (wasmAvailable()) wasmMatmul('ab')(Float64Array.of(1, 2), 0, Float64Array.of(3, 4), 0, c, 0, 1, 2, 1)
 * wasmAvailable() ? c[0] : 11  // 11
 */
export const wasmMatmul = (layout: MatmulLayout): MatmulKernel => (a, aOffset, b, bOffset, c, cOffset, m, k, n) => {
  const w = required()
  const aPtr = kernelScratchBytes
  const bPtr = aligned(aPtr + 8 * m * k)
  const cPtr = aligned(bPtr + 8 * k * n)
  const heap = ensure(w, cPtr + 8 * m * n)
  copyIn(heap, aPtr, a, aOffset, m * k)
  copyIn(heap, bPtr, b, bOffset, k * n)
  w.kernels.matmul(aPtr, aRowStride(layout, k), aDepthStride(layout, m), bPtr, bDepthStride(layout, n), bColStride(layout, k), cPtr, n, m, k, n, 0)
  copyOut(heap, cPtr, c, cOffset, m * n)
}

/**
 * The fused affine map out = x·W + bias (x [m×k], W [k×n], bias [n]) in WebAssembly: the product,
 * then the bias row added to each row — the same two roundings per entry as the JavaScript path.
 *
 * @example
 * const out = new Float64Array(1)
 * if (wasmAvailable()) wasmAffine(Float64Array.of(1, 2), Float64Array.of(1, 1), Float64Array.of(10), out, 1, 2, 1)
 * wasmAvailable() ? out[0] : 13  // 13
 */
export const wasmAffine = (
  x: ReadonlyFloat64Array,
  weights: ReadonlyFloat64Array,
  bias: ReadonlyFloat64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
): void => {
  const w = required()
  const xPtr = kernelScratchBytes
  const wPtr = aligned(xPtr + 8 * m * k)
  const biasPtr = aligned(wPtr + 8 * k * n)
  const outPtr = aligned(biasPtr + 8 * n)
  const heap = ensure(w, outPtr + 8 * m * n)
  copyIn(heap, xPtr, x, 0, m * k)
  copyIn(heap, wPtr, weights, 0, k * n)
  copyIn(heap, biasPtr, bias, 0, n)
  w.kernels.matmul(xPtr, k, 1, wPtr, n, 1, outPtr, n, m, k, n, 0)
  w.kernels.addRow(outPtr, n, biasPtr, m, n)
  copyOut(heap, outPtr, out, 0, m * n)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

interface Loaded {
  readonly memory: WasmMemory
  readonly kernels: KernelExports
  /** The view on the memory's current buffer (made again only when growth replaces the buffer). */
  view: Float64Array
}

/** undefined: not tried yet; null: this engine has no WebAssembly SIMD. */
let instance: Loaded | null | undefined

const PAGE = 65536

const load = (): Loaded | null => {
  const api = wasmApi()
  if (api === undefined) return null
  const bytes = kernelBytes(kernelsBase64)
  if (!api.validate(bytes)) return null
  const memory = new api.Memory({ initial: Math.ceil(kernelScratchBytes / PAGE) + 16 })
  const kernels = kernelExports(new api.Instance(new api.Module(bytes), { env: { memory } }).exports)
  return kernels === undefined ? null : { memory, kernels, view: new Float64Array(memory.buffer) }
}

const binaryNames: readonly WasmBinaryName[] = (['add', 'sub', 'mul', 'div'] as const).flatMap((op) => [`${op}_vv`, `${op}_vs`, `${op}_sv`] as const)

const binaryExports = (exports: object): KernelExports['binary'] | undefined => {
  const bound: Partial<Record<WasmBinaryName, (out: number, x: number, y: number, n: number) => void>> = {}
  for (const name of binaryNames) {
    const f: unknown = Reflect.get(exports, name)
    if (typeof f !== 'function') return undefined
    bound[name] = (out, x, y, n) => void f(out, x, y, n)
  }
  return isComplete(bound) ? bound : undefined
}

const isComplete = (
  bound: Partial<Record<WasmBinaryName, (out: number, x: number, y: number, n: number) => void>>,
): bound is Record<WasmBinaryName, (out: number, x: number, y: number, n: number) => void> => binaryNames.every((name) => bound[name] !== undefined)

const isWasmApi = (api: unknown): api is WasmApi =>
  typeof api === 'object' &&
  api !== null &&
  typeof Reflect.get(api, 'Memory') === 'function' &&
  typeof Reflect.get(api, 'Module') === 'function' &&
  typeof Reflect.get(api, 'Instance') === 'function' &&
  typeof Reflect.get(api, 'validate') === 'function'

const loaded = (): Loaded | undefined => {
  if (instance === undefined) instance = load()
  return instance ?? undefined
}

const required = (): Loaded => {
  const w = loaded()
  if (w === undefined) throw new ArgumentError('kernels', 'the WebAssembly SIMD kernels are not available on this engine')
  return w
}

/** Rounds a byte offset up to 16 (the width of a vector). */
const aligned = (bytes: number): number => Math.ceil(bytes / 16) * 16

/**
 * A view on the memory, grown first to hold `bytes`. The view is kept until growth replaces the
 * buffer (which detaches it): a call allocates no view of its own.
 */
const ensure = (w: Loaded, bytes: number): Float64Array => {
  const have = w.memory.buffer.byteLength
  if (bytes > have) w.memory.grow(Math.ceil((bytes - have) / PAGE))
  const buffer = w.memory.buffer
  if (w.view.buffer !== buffer) w.view = new Float64Array(buffer)
  return w.view
}

/** Copies of at most this many elements are plain loops: no subarray view per call (small products). */
const LOOP_COPY = 256

const copyIn = (heap: Float64Array, ptr: number, src: ReadonlyFloat64Array, offset: number, count: number): void => {
  if (count === 0) return
  if (offset === 0 && src.length === count) heap.set(src, ptr / 8)
  else if (count <= LOOP_COPY) for (let i = 0, at = ptr / 8; i < count; i++) heap[at + i] = src[offset + i] ?? 0
  else heap.set(src.subarray(offset, offset + count), ptr / 8)
}

/** dst[offset …] = the `count` elements at `ptr` (bytes) of the memory. */
const copyOut = (heap: Float64Array, ptr: number, dst: Float64Array, offset: number, count: number): void => {
  if (count <= LOOP_COPY) for (let i = 0, at = ptr / 8; i < count; i++) dst[offset + i] = heap[at + i] ?? 0
  else dst.set(heap.subarray(ptr / 8, ptr / 8 + count), offset)
}
