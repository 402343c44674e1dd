/**
 * Softmax and log-softmax along an axis (default the last).
 *
 * softmax is a primitive with the hand-derived rule  vjp(g) = y ⊙ (g − Σ g ⊙ y)  (sum along the axis),
 * jvp(t) = y ⊙ (t − Σ t ⊙ y): one pass instead of differentiating exp and a division. Its value is
 * exp(x − logSumExp x), exact for logits of any magnitude. logSoftmax = x − logSumExp x, whose
 * gradient through the stable logSumExp rule is exact too.
 */
import * as T from '../../tensor/index.js';
import { isDual, shapeOf } from '../Dual.js';
import { bind, input, unaryOverloads } from '../primitive.js';
import { mul, sub } from '../primitives/binary.js';
import { logSumExp, sum } from '../primitives/reduce.js';
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
/**
 * exp(x − max) / Σ exp(x − max): the shift makes the largest term exactly 1, so equal logits of any
 * magnitude give exactly equal shares (softmax([1000, 1000, −1000]) = [0.5, 0.5, 0]).
 */
export const softmaxKernel = (x, axis) => {
    const shifted = T.exp(T.sub(x, T.max(x, { axis, keepDims: true })));
    return T.div(shifted, T.sum(shifted, { axis, keepDims: true }));
};
/** y ⊙ (v − Σ v ⊙ y), the shared form of both rules. */
const project = (v, y, axis) => mul(y, sub(v, sum(mul(v, y), { axis, keepDims: true })));
const softmaxPrimitive = {
    name: 'softmax',
    value: (inputs, axis) => softmaxKernel(input(inputs, 0, 'softmax'), axis),
    vjp: (g, _inputs, y, axis) => [project(g, y, axis)],
    jvp: ([t], _inputs, y, axis) => (t === undefined ? T.zeros(shapeOf(y)) : project(t, y, axis)),
};
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/**
 * Softmax along an axis (default −1): exp(x) / Σ exp(x), stable for any logits.
 *
 * @example
 * softmax(tensor([0, Math.log(3)]))  // [0.25, 0.75]
 */
export const softmax = unaryOverloads((x, axis = -1) => {
    const a = T.normalizeAxis('softmax', shapeOf(x), axis);
    return isDual(x) ? bind(softmaxPrimitive, [x], a) : softmaxKernel(x, a);
});
/** log softmax along an axis (default −1): x − logSumExp(x), stable for any logits. */
export const logSoftmax = unaryOverloads((x, axis = -1) => {
    const a = T.normalizeAxis('logSoftmax', shapeOf(x), axis);
    if (!isDual(x))
        return T.sub(x, T.logSumExp(x, { axis: a, keepDims: true }));
    return sub(x, logSumExp(x, { axis: a, keepDims: true }));
});
