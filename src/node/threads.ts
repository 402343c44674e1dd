/**
 * Both cores for large products: the WebAssembly SIMD kernel run by worker threads over one shared
 * WebAssembly memory, each thread on its own block of rows of C, behind the same synchronous API.
 *
 * `useThreads()` starts the workers and installs a parallel executor into the tensor core (which
 * never imports `worker_threads`: the executor is handed to it through
 * `installParallelMatmul`, see tensor/kernels/backend.ts). A product then copies its operands into
 * the shared memory, wakes the workers through `Atomics.notify`, computes the first block of rows
 * itself and waits for the others with `Atomics.wait` — the caller never sees a promise. Row
 * blocks do not change any entry's summation order, so the bits are the same for every number of
 * threads. The workers are unref'd: they never keep the process alive.
 *
 * Default (issue 13): the Node entry of the package root (`import 'dualflow'` under Node, see
 * ./main.ts) calls `installDefaultThreads`, which installs a lazy executor for the cores available:
 * no worker starts until the first product big enough to split (THREADS_MIN_WORK), which then
 * waits for the workers once (tens of milliseconds). Where workers cannot start, that product and
 * every later one run on the calling thread. `useThreads` overrides the default either way.
 *
 * Memory: the shared memory grows to hold the largest product seen (operands, result, and each
 * thread's packing scratch) and is kept for later products. `useThreads({ threads: 1 })` takes
 * the executor out of the core; its workers stay parked (blocked in `Atomics.wait`, unref'd) so
 * that switching back is immediate. Another thread count starts a new pool and ends the old one.
 */
import os from 'node:os'
import { Worker } from 'node:worker_threads'
import { ArgumentError, type ReadonlyFloat64Array } from '../tensor/index.js'
import { affineInto, installParallelMatmul, matmulKernel, type ParallelMatmul } from '../tensor/internal.js'
import { kernelBytes, kernelExports, layoutStrides, wasmApi, type KernelExports, type WasmMemory } from '../tensor/internal.js'
import { kernelScratchBytes, sharedKernelsBase64 } from '../tensor/internal.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of `useThreads`. */
export interface ThreadOptions {
  /**
   * Threads a large product uses, the calling one included (default: the cores available,
   * `os.availableParallelism()`). 1 stops the workers: products run on the calling thread only.
   */
  readonly threads?: number | undefined
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Splits large matrix products (and the dense layer's affine map) across worker threads; see the
 * module comment. Returns the number of threads now in use. Results are bit-identical to one
 * thread. Blocks until the workers are ready (tens of milliseconds).
 *
 * @throws {ArgumentError} when `threads` is not an integer from 1 to 64, when the engine has no
 * WebAssembly, or when a worker does not start within 10 s.
 *
 * @example
 * useThreads()              // e.g. 2 on a two-core machine
 * useThreads({ threads: 1 })  // back to the calling thread only
 */
export const useThreads = ({ threads = os.availableParallelism() }: ThreadOptions = {}): number => {
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new ArgumentError('useThreads', `threads must be an integer from 1 to 64, got ${threads}`)
  }
  if (threads === 1) {
    installParallelMatmul(undefined)
    return 1
  }
  installParallelMatmul(threadPool(threads))
  return threads
}

/**
 * Installs the default: a lazy executor for `os.availableParallelism()` threads (at most 64) that
 * starts the workers on the first product big enough to split; nothing where there is one core or
 * no WebAssembly. Returns the number of threads large products will use. Called once by the Node
 * entry of the package root (./main.ts); `useThreads` replaces what it installs.
 *
 * @example
 * installDefaultThreads() >= 1  // true
 * useThreads({ threads: 1 })    // 1: back to the calling thread only
 */
export const installDefaultThreads = (): number => {
  const threads = Math.min(os.availableParallelism(), 64)
  if (threads < 2 || wasmApi() === undefined) return 1
  installParallelMatmul(lazyPool(threads))
  return threads
}

/**
 * The executor of a pool of `threads` threads (started on first use, kept for the next call with
 * the same count), without installing it — for benchmarks that time it beside one thread.
 * Not part of dualflow/node's public surface.
 */
export const threadPool = (threads: number): ParallelMatmul => {
  if (pool === undefined || pool.workers.length + 1 !== threads) {
    if (pool !== undefined) for (const worker of pool.workers) void worker.terminate()
    pool = start(threads)
  }
  return pool.executor
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/**
 * An executor that starts its pool on its first product and then hands over to it (installing the
 * started pool's executor in its place). If the workers cannot start, it takes itself out of the
 * core and runs the product on the calling thread: the default never makes a product fail.
 */
const lazyPool = (threads: number): ParallelMatmul => ({
  threads,
  matmul: (layout, a, aOffset, b, bOffset, c, cOffset, m, k, n, bias) => {
    let started: ParallelMatmul | undefined
    try {
      started = threadPool(threads)
    } catch {
      started = undefined
    }
    installParallelMatmul(started)
    if (started !== undefined) return started.matmul(layout, a, aOffset, b, bOffset, c, cOffset, m, k, n, bias)
    if (bias === undefined) return matmulKernel(layout, m, k, n)(a, aOffset, b, bOffset, c, cOffset, m, k, n)
    return affineInto(a, b, bias, c, m, k, n)
  },
})

interface Pool {
  readonly workers: readonly Worker[]
  readonly executor: ParallelMatmul
}

let pool: Pool | undefined

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

/** The worker's program (plain JavaScript, run with `eval` so it needs no file beside the sources). */
const workerSource = `
const { workerData } = require('node:worker_threads')
const { module, memory, base } = workerData
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
`

const start = (threads: number): Pool => {
  const scratchEnd = CONTROL_BYTES + threads * kernelScratchBytes
  const api = wasmApi()
  if (api === undefined) throw new ArgumentError('useThreads', 'this engine has no WebAssembly')
  const memory = new api.Memory({ initial: Math.ceil(scratchEnd / PAGE) + 16, maximum: MAX_PAGES, shared: true })
  const module = new api.Module(kernelBytes(sharedKernelsBase64))
  const main = kernelExports(new api.Instance(module, { env: { memory } }).exports)
  if (main === undefined) throw new ArgumentError('useThreads', 'the shared kernel module lacks its exports')
  const control = new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4)
  const workers = Array.from({ length: threads - 1 }, (_, w) => {
    const worker = new Worker(workerSource, { eval: true, workerData: { module, memory, base: (w + 1) * SLOT } })
    worker.unref()
    return worker
  })
  // Wait until every worker has instantiated the module (a worker that cannot start would
  // otherwise leave the first product waiting forever).
  for (let w = 1; w < threads; w++) {
    if (Atomics.wait(control, w * SLOT + READY, 0, 10_000) === 'timed-out' && Atomics.load(control, w * SLOT + READY) === 0) {
      for (const worker of workers) void worker.terminate()
      throw new ArgumentError('useThreads', `worker ${w} did not start within 10 s`)
    }
  }
  let generation = 0
  const executor: ParallelMatmul = {
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
  return { workers, executor }
}

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
