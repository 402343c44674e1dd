/**
 * losses — losses (predictions and targets to a differentiable scalar) and penalties on parameter
 * trees. Re-exports only.
 *
 * @module dualflow/losses
 */
export type { Loss, LossOp, LossOptions, Reduction } from './Loss.js'
export { mae, mse, sse, type SseOptions } from './regression.js'
export { binaryCrossEntropy, binaryCrossEntropyWithLogits, categoricalCrossEntropy, hinge, softmaxCrossEntropy, type ProbabilityLossOptions } from './classification.js'
export { l1, l2 } from './regularization.js'
