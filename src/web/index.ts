/**
 * dualflow/web — models and data through the Web platform: models stored in browser storage
 * (IndexedDB), models and CSV tables from a URL (`fetch`), and Web Workers for large products when
 * dualflow runs in a Worker of a cross-origin isolated page (`useWorkers`). Beside `dualflow/node`'s file helpers;
 * nothing here needs Node, and the IndexedDB and fetch functions can be passed in.
 * Re-exports only.
 *
 * @module dualflow/web
 */
export { WebError, type WebOp } from './errors.js'
export { fetchCsv, fetchModel, fetchText, type FetchLike, type FetchOptions, type FetchResponse } from './fetch.js'
export {
  loadModel,
  saveModel,
  type IdbDatabase,
  type IdbFactory,
  type IdbObjectStore,
  type IdbOpenRequest,
  type IdbRequest,
  type IdbTransaction,
  type IndexedDbOptions,
} from './indexedDb.js'
export { useWorkers, type WorkerOptions } from './threads.js'
