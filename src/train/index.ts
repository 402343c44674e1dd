/**
 * train — a training step as a pure function, epochs and fit as folds, evaluate and predict.
 * Re-exports only.
 *
 * @module dualflow/train
 */
export * from './step.js'
export * from './fit.js'
export * from './epoch.js'
export * from './evaluate.js'
export * from './predictOne.js'
export * from './events.js'
export * from './errors.js'
