/**
 * What a loss is: predictions and targets in, one scalar out, written with the differentiable ops so
 * that `grad` sees through it. This module holds the shared vocabulary of the loss files: the
 * `Loss` type, the `reduction` option, and the up-front checks every loss makes before computing.
 */
import * as ad from '../ad/index.js'
import type { Value } from '../ad/index.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * How per-element (or per-row) losses become one scalar: their arithmetic mean, or their sum.
 */
export type Reduction = 'mean' | 'sum'

/** Options shared by the losses. */
export interface LossOptions {
  /**
   * 'mean' (default) or 'sum' of the per-element losses (per-row for the cross-entropies over
   * classes). The mean of no elements is NaN; their sum is 0.
   */
  readonly reduction?: Reduction
}

/** A loss: predictions and targets to a scalar (shape `[]`), differentiable in the predictions. */
export type Loss = (predictions: Value, targets: Value, options?: LossOptions) => Value

/**
 * The type of the built-in losses: like the ops, tensors in give a tensor out (evaluating a loss
 * needs no `primalTensor`); Values in (Duals under `grad`) give a Value. Every `LossOp` is a
 * {@link Loss}, so user-written losses of the plain `Loss` type are accepted wherever losses are.
 */
export interface LossOp<O = LossOptions> {
  (predictions: Tensor, targets: Tensor, options?: O): Tensor
  (predictions: Value, targets: Value, options?: O): Value
}

/**
 * Types a loss written once on Values with the overloads of {@link LossOp}: the one place that
 * asserts them, as `unaryOverloads` is for the ops. Each loss keeps the promise by construction: it
 * is made of ops, and every op gives a tensor when none of its arguments is a Dual
 * (test/losses checks every built-in loss on tensors).
 */
export const lossOverloads = <O>(loss: (predictions: Value, targets: Value, options?: O) => Value): LossOp<O> => loss as LossOp<O>

// ─── internal (shared by the loss files) ────────────────────────────────────────────────────────

/** Throws a ShapeError naming the loss and both shapes unless predictions and targets agree. */
export const checkSameShape = (op: string, predictions: Value, targets: Value): void => {
  const p = ad.shapeOf(predictions)
  const t = ad.shapeOf(targets)
  if (!T.shapesEqual(p, t)) throw new T.ShapeError(op, [p, t], 'predictions and targets must have the same shape')
}

/** The reduction asked for, checked (a JavaScript caller can pass anything). */
export const reductionOf = (op: string, options: LossOptions | undefined): Reduction => {
  const reduction: unknown = options?.reduction ?? 'mean'
  if (reduction === 'mean' || reduction === 'sum') return reduction
  throw new T.ArgumentError(op, `reduction must be 'mean' or 'sum', got ${JSON.stringify(reduction) ?? String(reduction)}`)
}

/** Mean or sum of every element of `losses`: a scalar. */
export const reduce = (losses: Value, reduction: Reduction): Value => (reduction === 'mean' ? ad.mean(losses) : ad.sum(losses))
