/**
 * What a loss is: predictions and targets in, one scalar out, written with the differentiable ops so
 * that `grad` sees through it. This module holds the shared vocabulary of the loss files: the
 * `Loss` type, the `reduction` option, and the up-front checks every loss makes before computing.
 */
import * as ad from '../ad/index.js';
import * as T from '../tensor/index.js';
// ─── internal (shared by the loss files) ────────────────────────────────────────────────────────
/** Throws a ShapeError naming the loss and both shapes unless predictions and targets agree. */
export const checkSameShape = (op, predictions, targets) => {
    const p = ad.shapeOf(predictions);
    const t = ad.shapeOf(targets);
    if (!T.shapesEqual(p, t))
        throw new T.ShapeError(op, [p, t], 'predictions and targets must have the same shape');
};
/** The reduction asked for, checked (a JavaScript caller can pass anything). */
export const reductionOf = (op, options) => {
    const reduction = options?.reduction ?? 'mean';
    if (reduction === 'mean' || reduction === 'sum')
        return reduction;
    throw new T.ArgumentError(op, `reduction must be 'mean' or 'sum', got ${JSON.stringify(reduction) ?? String(reduction)}`);
};
/** Mean or sum of every element of `losses`: a scalar. */
export const reduce = (losses, reduction) => (reduction === 'mean' ? ad.mean(losses) : ad.sum(losses));
