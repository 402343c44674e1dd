/**
 * What `import 'dualflow'` (and `require('dualflow')`) loads under Node: everything the package
 * root exports, plus the default of issue 13 — large products split across worker threads, one per
 * core available (`installDefaultThreads`). The workers start only when the first product big
 * enough to split runs, they are unref'd (they never keep the process alive), and results are the
 * same bits for any number of threads. `useThreads({ threads: 1 })` from `dualflow/node` turns it
 * off, `useThreads({ threads: n })` sets another count.
 *
 * Why a separate entry: the root module is browser-safe and must not import `worker_threads`, and
 * the core cannot start threads without such an import. The package's `exports` map sends Node
 * (the `node` condition) here and everything else — browsers, bundlers — to ../index.ts; the two
 * export the same names (test/package checks), so the types are those of ../index.ts. Importing
 * only a subpath (`dualflow/tensor`, …) installs no threads.
 *
 * @module dualflow (Node)
 */
import { installDefaultThreads } from './threads.js'

export * from '../index.js'

installDefaultThreads()
