/**
 * metrics — accuracy, binary accuracy, mse, mae, precision, recall and the confusion matrix.
 * Re-exports only.
 */
export * from './metrics.js';
