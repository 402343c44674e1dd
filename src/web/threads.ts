/**
 * Both cores in a browser: the pool of tensor/kernels/pool.ts run by Web Workers, for dualflow
 * running inside a Worker of a cross-origin isolated page.
 *
 * Two rules of the Web platform decide where this works. A WebAssembly memory can be shared with
 * workers only when the page is cross-origin isolated (served with `Cross-Origin-Opener-Policy:
 * same-origin` and `Cross-Origin-Embedder-Policy: require-corp`, so `crossOriginIsolated` is true
 * and `SharedArrayBuffer` exists). And `Atomics.wait` — how the synchronous API waits for the
 * workers' rows — throws on a page's main thread, which must never block. So `useWorkers` starts
 * threads only when dualflow runs in a (dedicated) Worker of an isolated page; elsewhere it
 * resolves to 1 and products stay on the calling thread, as they do in every browser without it.
 * Run a model in a Worker to get both: a free main thread and all the cores.
 *
 * `useWorkers` is asynchronous (the workers start while the caller yields to its event loop: a
 * blocked thread would keep them from starting); the products after it are synchronous, with the
 * same bits as one thread.
 */
import { ArgumentError } from '../tensor/index.js'
import { installParallelMatmul, poolExecutor, poolWorkerSource, readyIndex, sharedKernels, wasmApi, workerData } from '../tensor/internal.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of `useWorkers`. */
export interface WorkerOptions {
  /** Threads a large product uses, the calling one included (default: `navigator.hardwareConcurrency`, at most 64). */
  readonly threads?: number | undefined
  /** How long to wait for the workers to start, in milliseconds (default 10 000). */
  readonly timeoutMs?: number | undefined
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Starts Web Workers for large products when dualflow runs in a Worker of a cross-origin isolated
 * page (see the module comment) and resolves to the threads large products now use: 1 anywhere
 * else (nothing started), or when `threads` is 1 (which also stops a pool started before).
 *
 * @throws {ArgumentError} (rejects) when `threads` is not an integer from 1 to 64, or when a worker does
 * not start in time.
 */
export const useWorkers = async ({ threads, timeoutMs = 10_000 }: WorkerOptions = {}): Promise<number> => {
  const wanted = threads ?? Math.min(64, hardwareConcurrency())
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > 64) {
    throw new ArgumentError('useWorkers', `threads must be an integer from 1 to 64, got ${wanted}`)
  }
  const spawn = workerConstructor()
  if (wanted === 1 || spawn === undefined || !canBlock() || wasmApi() === undefined) {
    installParallelMatmul(undefined)
    return 1
  }
  if (pool !== undefined && pool.workers.length + 1 === wanted) {
    installParallelMatmul(pool.executor)
    return wanted
  }
  if (pool !== undefined) for (const worker of pool.workers) worker.terminate()
  pool = undefined
  const shared = sharedKernels('useWorkers', wanted)
  const url = URL.createObjectURL(new Blob([`${poolWorkerSource}\nonmessage = (event) => poolWorkerMain(event.data)\n`], { type: 'text/javascript' }))
  const workers = Array.from({ length: wanted - 1 }, (_, w) => {
    const worker = new spawn(url)
    worker.postMessage(workerData(shared, w + 1))
    return worker
  })
  try {
    // Polled every 2 ms (timers may run late, so the wait can only be longer than timeoutMs).
    let polls = Math.ceil(timeoutMs / 2)
    for (let w = 1; w < wanted; w++) {
      while (Atomics.load(shared.control, readyIndex(w)) === 0) {
        if (polls-- <= 0) throw new ArgumentError('useWorkers', `worker ${w} did not start within ${timeoutMs} ms`)
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
    }
  } catch (e) {
    for (const worker of workers) worker.terminate()
    throw e
  } finally {
    URL.revokeObjectURL(url)
  }
  pool = { workers, executor: poolExecutor(shared) }
  installParallelMatmul(pool.executor)
  return wanted
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** The part of a Web Worker this module uses (typed here: the project loads no DOM library). */
interface WebWorker {
  readonly postMessage: (message: unknown) => void
  readonly terminate: () => void
}

let pool: { readonly workers: readonly WebWorker[]; readonly executor: ReturnType<typeof poolExecutor> } | undefined

const hardwareConcurrency = (): number => {
  const navigator: unknown = Reflect.get(globalThis, 'navigator')
  const cores: unknown = typeof navigator === 'object' && navigator !== null ? Reflect.get(navigator, 'hardwareConcurrency') : undefined
  return typeof cores === 'number' && Number.isInteger(cores) && cores >= 1 ? cores : 1
}

/** The global `Worker` constructor, where there is one. */
const workerConstructor = (): (new (url: string) => WebWorker) | undefined => {
  const worker: unknown = Reflect.get(globalThis, 'Worker')
  return isWorkerConstructor(worker) ? worker : undefined
}

const isWorkerConstructor = (f: unknown): f is new (url: string) => WebWorker => typeof f === 'function'

/**
 * Whether this thread may share memory and block: a cross-origin isolated global with
 * SharedArrayBuffer, inside a Worker (`WorkerGlobalScope` exists only there; a page's main thread,
 * where `Atomics.wait` throws, has `document` instead).
 */
const canBlock = (): boolean =>
  Reflect.get(globalThis, 'crossOriginIsolated') === true &&
  typeof Reflect.get(globalThis, 'SharedArrayBuffer') === 'function' &&
  typeof Reflect.get(globalThis, 'WorkerGlobalScope') === 'function' &&
  Reflect.get(globalThis, 'document') === undefined
