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
import { ArgumentError } from '../tensor/index.js'
import { affineInto, installParallelMatmul, matmulKernel, type ParallelMatmul } from '../tensor/internal.js'
import { poolExecutor, poolWorkerSource, readyIndex, sharedKernels, wasmApi, workerData } from '../tensor/internal.js'

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

/**
 * An executor that starts its pool on its first product (`startPool`, by default `threadPool`) and
 * then hands over to it (installing the started pool's executor in its place). If the workers
 * cannot start, it takes itself out of the core and runs the product on the calling thread: the
 * default never makes a product fail. Exported for tests; not part of dualflow/node.
 */
export const lazyPool = (threads: number, startPool: (threads: number) => ParallelMatmul = threadPool): ParallelMatmul => ({
  threads,
  matmul: (layout, a, aOffset, b, bOffset, c, cOffset, m, k, n, bias) => {
    let started: ParallelMatmul | undefined
    try {
      started = startPool(threads)
    } catch {
      started = undefined
    }
    installParallelMatmul(started)
    if (started !== undefined) return started.matmul(layout, a, aOffset, b, bOffset, c, cOffset, m, k, n, bias)
    if (bias === undefined) return matmulKernel(layout, m, k, n)(a, aOffset, b, bOffset, c, cOffset, m, k, n)
    return affineInto(a, b, bias, c, m, k, n)
  },
})

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

interface Pool {
  readonly workers: readonly Worker[]
  readonly executor: ParallelMatmul
}

let pool: Pool | undefined

/** The worker's program: the pool's, fed its data by Node's `workerData` (run with `eval`, no file needed). */
const workerSource = `${poolWorkerSource}
poolWorkerMain(require('node:worker_threads').workerData)
`

const start = (threads: number): Pool => {
  const shared = sharedKernels('useThreads', threads)
  const workers = Array.from({ length: threads - 1 }, (_, w) => {
    const worker = new Worker(workerSource, { eval: true, workerData: workerData(shared, w + 1) })
    worker.unref()
    return worker
  })
  // Wait until every worker has instantiated the module (a worker that cannot start would
  // otherwise leave the first product waiting forever).
  for (let w = 1; w < threads; w++) {
    if (Atomics.wait(shared.control, readyIndex(w), 0, 10_000) === 'timed-out' && Atomics.load(shared.control, readyIndex(w)) === 0) {
      for (const worker of workers) void worker.terminate()
      throw new ArgumentError('useThreads', `worker ${w} did not start within 10 s`)
    }
  }
  return { workers, executor: poolExecutor(shared) }
}
