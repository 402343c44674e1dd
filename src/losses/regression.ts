/**
 * Regression losses: mean squared error, mean absolute error and the sum of squared errors.
 * Predictions and targets have the same shape (no broadcasting: a [n,1] output against [n] targets
 * is an error, not an [n,n] table of differences). All are differentiable in both arguments.
 */
import * as ad from '../ad/index.js'
import type { Value } from '../ad/index.js'
import * as T from '../tensor/index.js'
import { checkSameShape, lossOverloads, reduce, reductionOf, type LossOptions } from './Loss.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of `sse`: it always sums; `reduction: 'sum'` is accepted for uniformity. */
export interface SseOptions {
  /** Only 'sum' (the default): the mean of the squared errors is `mse`. */
  readonly reduction?: 'sum'
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Mean squared error: mean of (p − t)² over every element ('sum' gives Σ (p − t)²).
 *
 * @example
 * losses.mse(tensor([1, 2, 3]), tensor([1, 2, 5]))  // 1.3333333333333333 = 4/3
 */
export const mse = lossOverloads((predictions: Value, targets: Value, options?: LossOptions): Value => {
  checkSameShape('mse', predictions, targets)
  return reduce(ad.square(ad.sub(predictions, targets)), reductionOf('mse', options))
})

/**
 * Mean absolute error (L1 loss): mean of |p − t| over every element ('sum' gives Σ |p − t|). The
 * subgradient where p = t is 0.
 *
 * @example
 * losses.mae(tensor([1, 2, 3]), tensor([1, 0, 5]))  // 1.3333333333333333 = 4/3
 */
export const mae = lossOverloads((predictions: Value, targets: Value, options?: LossOptions): Value => {
  checkSameShape('mae', predictions, targets)
  return reduce(ad.abs(ad.sub(predictions, targets)), reductionOf('mae', options))
})

/**
 * Sum of squared errors, Σ (p − t)² over every element: `mse` with reduction 'sum'. It always
 * sums; asking it for reduction 'mean' is an error that points to `mse`.
 *
 * @example
 * losses.sse(tensor([1, 2, 3]), tensor([1, 2, 5]))  // 4
 */
export const sse = lossOverloads((predictions: Value, targets: Value, options?: SseOptions): Value => {
  const reduction: unknown = options?.reduction ?? 'sum'
  if (reduction !== 'sum') {
    throw new T.ArgumentError('sse', `sse always sums (reduction 'sum'); for the mean of squared errors use mse, got reduction ${JSON.stringify(reduction) ?? String(reduction)}`)
  }
  checkSameShape('sse', predictions, targets)
  return ad.sum(ad.square(ad.sub(predictions, targets)))
})
