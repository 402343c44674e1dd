/**
 * The protocol of a thread pool for large products, shared by Node's worker threads
 * (`dualflow/node`) and browsers' Web Workers (`dualflow/web`): one shared WebAssembly memory
 * holding a control block, each thread's packing scratch and the operands; the calling thread
 * writes each worker's parameters into its slot of the control block, wakes it (`Atomics.notify`),
 * computes the first block of rows of C itself and waits for the others (`Atomics.wait`). Row
 * blocks do not change any entry's summation order, so the bits are the same for every number of
 * threads.
 *
 * Browser-safe: nothing here starts a thread. The host creates the workers, runs
 * `poolWorkerSource` in each with `{ module, memory, base }`, and waits for them to be ready
 * before it installs `poolExecutor` (see backend.ts `installParallelMatmul`). The executor blocks
 * in `Atomics.wait`, so it may only run on a thread that is allowed to block: any Node thread, a
 * browser Worker — never a browser's main thread.
 */
import { ArgumentError } from '../errors.js'
import type { ReadonlyFloat64Array } from '../Tensor.js'
import type { ParallelMatmul } from './backend.js'
import { kernelBytes, kernelExports, layoutStrides, wasmApi, type KernelExports, type WasmMemory } from './wasm.js'
import { kernelScratchBytes, sharedKernelsBase64 } from './wasm-module.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Int32 slots per worker in the control block: generation, done, status, ready, then 14 parameters. */
const SLOT = 32
const GEN = 0
const DONE = 1
const STATUS = 2
const READY = 3
const PARAMS = 4
const CONTROL_BYTES = 64 * SLOT * 4
const PAGE = 65536
/** Maximum pages of the shared memory (2 GiB, as the module declares). */
const MAX_PAGES = 32768


/** The shared memory, the compiled shared module and the calling thread's instance of it. */
export interface SharedKernels {
  readonly threads: number
  readonly memory: WasmMemory
  /** The compiled module, sent to each worker (`{ module, memory, base }`). */
  readonly module: object
  readonly main: KernelExports
  /** The control block (the first bytes of the memory). */
  readonly control: Int32Array
}

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * The shared memory and module for a pool of `threads` threads (the calling one included).
 *
 * @throws {ArgumentError} (op `op`) when the engine has no WebAssembly or cannot make a shared memory.
 */
export const sharedKernels = (op: string, threads: number): SharedKernels => {
  const api = wasmApi()
  if (api === undefined) throw new ArgumentError(op, 'this engine has no WebAssembly')
  const scratchEnd = CONTROL_BYTES + threads * kernelScratchBytes
  const memory = new api.Memory({ initial: Math.ceil(scratchEnd / PAGE) + 16, maximum: MAX_PAGES, shared: true })
  const module = new api.Module(kernelBytes(sharedKernelsBase64))
  const main = kernelExports(new api.Instance(module, { env: { memory } }).exports)
  if (main === undefined) throw new ArgumentError(op, 'the shared kernel module lacks its exports')
  return { threads, memory, module, main, control: new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4) }
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** The control-block index a worker sets to 1 (and notifies) once it has instantiated the module. */
export const readyIndex = (worker: number): number => worker * SLOT + READY

/** The data worker `w` (1, 2, …) needs: post or pass it as the argument of `poolWorkerMain`. */
export const workerData = (shared: SharedKernels, worker: number): { readonly module: object; readonly memory: WasmMemory; readonly base: number } => ({
  module: shared.module,
  memory: shared.memory,
  base: worker * SLOT,
})

/**
 * The worker's program: plain JavaScript defining `poolWorkerMain({ module, memory, base })`, which
 * instantiates the module on the shared memory, reports ready, then runs the products it is woken
 * for until the generation goes negative. A host appends the call that feeds it its data.
 */
export const poolWorkerSource = `
function poolWorkerMain({ module, memory, base }) {
  const { matmul, addRow } = new WebAssembly.Instance(module, { env: { memory } }).exports
  const ctl = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4})
  let seen = 0
  Atomics.store(ctl, base + ${READY}, 1)
  Atomics.notify(ctl, base + ${READY})
  for (;;) {
    Atomics.wait(ctl, base + ${GEN}, seen)
    const gen = Atomics.load(ctl, base + ${GEN})
    if (gen === seen) continue
    seen = gen
    if (gen < 0) break
    const p = (i) => ctl[base + ${PARAMS} + i]
    let status = 0
    try {
      matmul(p(0), p(1), p(2), p(3), p(4), p(5), p(6), p(7), p(8), p(9), p(10), p(11))
      if (p(12) !== 0) addRow(p(6), p(7), p(12), p(8), p(10))
    } catch (error) {
      status = 1
    }
    Atomics.store(ctl, base + ${STATUS}, status)
    Atomics.store(ctl, base + ${DONE}, gen)
    Atomics.notify(ctl, base + ${DONE})
  }
}
`

/**
 * The parallel executor over ready workers 1 … threads − 1 (see the module comment). Call it only
 * on a thread that may block in `Atomics.wait`.
 *
 * @throws {ArgumentError} (from its `matmul`) when a worker failed on its rows, or when a product
 * does not fit the 2 GiB shared memory.
 */
export const poolExecutor = (shared: SharedKernels): ParallelMatmul => {
  const { threads, memory, main, control } = shared
  const scratchEnd = CONTROL_BYTES + threads * kernelScratchBytes
  let generation = 0
  return {
    threads,
    matmul: (layout, a, aOffset, b, bOffset, c, cOffset, m, k, n, bias) => {
      const aPtr = align(scratchEnd)
      const bPtr = align(aPtr + 8 * m * k)
      const biasPtr = align(bPtr + 8 * k * n)
      const cPtr = align(biasPtr + 8 * n)
      const heap = grown(memory, cPtr + 8 * m * n)
      copyIn(heap, aPtr, a, aOffset, m * k)
      copyIn(heap, bPtr, b, bOffset, k * n)
      if (bias !== undefined) copyIn(heap, biasPtr, bias, 0, n)
      const s = layoutStrides(layout, m, k, n)
      // Blocks of rows, multiples of 4 (whole register tiles); the calling thread takes the first.
      const rowsPer = Math.ceil(m / threads / 4) * 4
      generation = generation >= 0x3fffffff ? 1 : generation + 1
      const busy: number[] = []
      for (let t = 1; t < threads; t++) {
        const i0 = t * rowsPer
        const rows = Math.min(rowsPer, m - i0)
        if (rows <= 0) break
        const base = t * SLOT
        const params = [aPtr + 8 * i0 * s.aRow, s.aRow, s.aDepth, bPtr, s.bDepth, s.bCol, cPtr + 8 * i0 * n, n, rows, k, n, CONTROL_BYTES + t * kernelScratchBytes, bias === undefined ? 0 : biasPtr]
        params.forEach((value, i) => Atomics.store(control, base + PARAMS + i, value))
        Atomics.store(control, base + GEN, generation)
        Atomics.notify(control, base + GEN)
        busy.push(base)
      }
      run(main, aPtr, s, bPtr, cPtr, n, Math.min(rowsPer, m), k, CONTROL_BYTES, bias === undefined ? 0 : biasPtr)
      let failed = false
      for (const base of busy) {
        for (;;) {
          const done = Atomics.load(control, base + DONE)
          if (done === generation) break
          Atomics.wait(control, base + DONE, done, 1000)
        }
        if (Atomics.load(control, base + STATUS) !== 0) failed = true
      }
      if (failed) throw new ArgumentError('matmul', `a worker thread failed on a ${m}×${k} by ${k}×${n} product`)
      c.set(new Float64Array(memory.buffer, cPtr, m * n), cOffset)
    },
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const run = (
  w: KernelExports,
  aPtr: number,
  s: { readonly aRow: number; readonly aDepth: number; readonly bDepth: number; readonly bCol: number },
  bPtr: number,
  cPtr: number,
  n: number,
  rows: number,
  k: number,
  scratch: number,
  biasPtr: number,
): void => {
  if (rows <= 0) return
  w.matmul(aPtr, s.aRow, s.aDepth, bPtr, s.bDepth, s.bCol, cPtr, n, rows, k, n, scratch)
  if (biasPtr !== 0) w.addRow(cPtr, n, biasPtr, rows, n)
}

const align = (bytes: number): number => Math.ceil(bytes / 16) * 16

const grown = (memory: WasmMemory, bytes: number): Float64Array => {
  const have = memory.buffer.byteLength
  if (bytes > have) {
    const pages = Math.ceil((bytes - have) / PAGE)
    if (have / PAGE + pages > MAX_PAGES) throw new ArgumentError('matmul', `a product of ${bytes} bytes exceeds the 2 GiB shared memory of the worker threads`)
    memory.grow(pages)
  }
  return new Float64Array(memory.buffer)
}

const copyIn = (heap: Float64Array, ptr: number, src: ReadonlyFloat64Array, offset: number, count: number): void => {
  if (count === 0) return
  heap.set(offset === 0 && src.length === count ? src : src.subarray(offset, offset + count), ptr / 8)
}
