/**
 * metrics — accuracy, binary accuracy, mse, mae, precision, recall and the confusion matrix.
 * Re-exports only.
 *
 * @module dualflow/metrics
 */
export * from './metrics.js'
