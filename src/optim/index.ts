/**
 * optim — optimizers as gradient transformations (init + update, chained), the named optimizers
 * built from them, and learning-rate schedules. Re-exports only.
 *
 * @module dualflow/optim
 */
export { applyUpdates, chain, EMPTY_STATE, identity, type EmptyState, type GradientTransformation, type StatesOf } from './GradientTransformation.js'
export * from './transforms/scale.js'
export * from './transforms/scaleByLearningRate.js'
export * from './transforms/traceMomentum.js'
export * from './transforms/scaleByAdam.js'
export * from './transforms/scaleByRms.js'
export * from './transforms/scaleByAdagrad.js'
export * from './transforms/addDecayedWeights.js'
export * from './transforms/clipByGlobalNorm.js'
export * from './transforms/clipByValue.js'
export * from './optimizers.js'
export * from './schedules.js'
