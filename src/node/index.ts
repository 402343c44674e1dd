/**
 * dualflow/node — what needs Node: saving and loading model files on disk (atomic writes), and
 * writing training charts to disk, and worker threads for large products (`useThreads`).
 * Re-exports only; the browser-safe encoding and decoding are in the `io` namespace.
 *
 * @module dualflow/node
 */
export { loadModel, ModelFileError, saveModel } from './files.js'
export { saveCurvesChart, saveHistoryCharts } from './charts.js'
export { useThreads, type ThreadOptions } from './threads.js'
