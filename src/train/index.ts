/**
 * train — a training step as a pure function, epochs and fit as folds, evaluate and predict.
 * Re-exports only.
 */
export * from './step.js'
export * from './fit.js'
export * from './epoch.js'
export * from './evaluate.js'
export * from './events.js'
export * from './errors.js'
