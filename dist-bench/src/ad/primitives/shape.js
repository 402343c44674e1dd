/**
 * Shape primitives: they move values around without arithmetic, so each pullback is the inverse
 * movement (reshape back, inverse permutation, pad for slice, scatter-add for gather, sum for
 * broadcast).
 */
import * as T from '../../tensor/index.js';
import { isDual, primalTensor, shapeOf } from '../Dual.js';
import { arg, bind, input, unaryOverloads } from '../primitive.js';
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
const unaryShapePrimitive = (name, kernel, vjp, jvp) => ({
    name,
    value: (inputs, params) => kernel(input(inputs, 0, name), params),
    vjp: (g, inputs, y, params) => [vjp(g, arg(inputs, 0, name), y, params)],
    jvp: ([t], inputs, y, params) => (t === undefined ? T.zeros(shapeOf(y)) : jvp(t, arg(inputs, 0, name), y, params)),
});
const lift = (primitive, kernel, paramsOf) => {
    return unaryOverloads((x, ...rest) => (isDual(x) ? bind(primitive, [x], paramsOf(x, ...rest)) : kernel(x, ...rest)));
};
// ─── primitives ─────────────────────────────────────────────────────────────────────────────────
const reshapePrimitive = unaryShapePrimitive('reshape', (x, shape) => T.reshape(x, shape), (g, x) => reshape(g, shapeOf(x)), (t, _x, y) => reshape(t, shapeOf(y)));
const inversePermutation = (permutation) => {
    const inverse = new Array(permutation.length);
    permutation.forEach((p, i) => (inverse[p] = i));
    return inverse;
};
const transposePrimitive = unaryShapePrimitive('transpose', (x, permutation) => T.transpose(x, permutation), (g, _x, _y, permutation) => transpose(g, inversePermutation(permutation)), (t, _x, _y, permutation) => transpose(t, permutation));
const broadcastToPrimitive = unaryShapePrimitive('broadcastTo', (x, shape) => T.broadcastTo(x, shape), (g, x) => sumTo(g, shapeOf(x)), (t, _x, _y, shape) => broadcastTo(t, shape));
const sumToPrimitive = unaryShapePrimitive('sumTo', (x, shape) => T.sumTo(x, shape), (g, x) => broadcastTo(g, shapeOf(x)), (t, _x, _y, shape) => sumTo(t, shape));
const slicePrimitive = unaryShapePrimitive('slice', (x, { begin, size }) => T.slice(x, begin, size), (g, x, y, { begin }) => {
    const inShape = shapeOf(x);
    const outShape = shapeOf(y);
    return pad(g, inShape.map((d, i) => [begin[i] ?? 0, d - (begin[i] ?? 0) - (outShape[i] ?? 0)]));
}, (t, _x, _y, { begin, size }) => slice(t, begin, size));
const padPrimitive = unaryShapePrimitive('pad', (x, { paddings, value }) => T.pad(x, paddings, value), (g, x, _y, { paddings }) => slice(g, paddings.map(([before]) => before), shapeOf(x)), (t, _x, _y, { paddings }) => pad(t, paddings, 0));
const gatherPrimitive = unaryShapePrimitive('gather', (x, { indices, axis }) => T.gather(x, indices, axis), (g, x, _y, { indices, axis }) => scatterAdd(shapeOf(x), indices, g, axis), (t, _x, _y, { indices, axis }) => gather(t, indices, axis));
const scatterAddPrimitive = unaryShapePrimitive('scatterAdd', (updates, { shape, indices, axis }) => T.scatterAdd(shape, indices, updates, axis), (g, _x, _y, { indices, axis }) => gather(g, indices, axis), (t, _x, _y, { shape, indices, axis }) => scatterAdd(shape, indices, t, axis));
/** concat along an axis: n inputs; each pullback slices its part back out. */
const concatPrimitive = {
    name: 'concat',
    value: (inputs, axis) => T.concat(inputs, axis),
    vjp: (g, inputs, _y, axis, wanted) => {
        let offset = 0;
        return inputs.map((x, i) => {
            const shape = shapeOf(x);
            const begin = shape.map((_, d) => (d === axis ? offset : 0));
            offset += shape[axis] ?? 0;
            return wanted[i] === true ? slice(g, begin, shape) : undefined;
        });
    },
    jvp: (tangents, inputs, _y, axis) => concat(inputs.map((x, i) => tangents[i] ?? T.zeros(shapeOf(x))), axis),
};
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/** The same values under a new shape (one −1 is inferred). */
export const reshape = lift(reshapePrimitive, T.reshape, (_x, shape) => shape);
/** Permutes the axes (default: reversed). */
export const transpose = lift(transposePrimitive, T.transpose, (x, permutation) => permutation ?? shapeOf(x).map((_, i, s) => s.length - 1 - i));
/** Broadcasts to a shape by NumPy's rules; the pullback sums over the broadcast axes. */
export const broadcastTo = lift(broadcastToPrimitive, T.broadcastTo, (_x, shape) => shape);
/** Sums a broadcast value back to `shape`: the pullback of broadcasting. */
export const sumTo = lift(sumToPrimitive, T.sumTo, (_x, shape) => shape);
/** A box of x from `begin` with `size` (−1: to the end). */
export const slice = lift(slicePrimitive, T.slice, (x, begin, size) => {
    const shape = T.slice(primalTensor(x), begin, size).shape;
    return { begin, size: shape };
});
/** Pads with a constant value (default 0); `paddings[i]` = [before, after] for axis i. */
export const pad = lift(padPrimitive, T.pad, (_x, paddings, value) => ({ paddings, value: value ?? 0 }));
/** Rows (or slices along `axis`, default 0) picked by integer indices; repeated indices accumulate in the pullback. */
export const gather = lift(gatherPrimitive, T.gather, (x, indices, axis) => ({
    indices,
    axis: T.normalizeAxis('gather', shapeOf(x), axis ?? 0),
}));
export function scatterAdd(shape, indices, updates, axis = 0) {
    return isDual(updates)
        ? bind(scatterAddPrimitive, [updates], { shape, indices, axis: T.normalizeAxis('scatterAdd', shape, axis) })
        : T.scatterAdd(shape, indices, updates, axis);
}
export function concat(xs, axis = 0) {
    if (!xs.some(isDual))
        return T.concat(xs.filter(T.isTensor), axis);
    const first = xs[0];
    const normalized = first === undefined ? axis : T.normalizeAxis('concat', shapeOf(first), axis);
    return bind(concatPrimitive, xs, normalized);
}
/** Inserts an axis of size 1. */
export const expandDims = lift(reshapePrimitive, T.expandDims, (x, axis) => T.expandDims(primalTensor(x), axis).shape);
/** Removes size-1 axes (all of them, or the one given). */
export const squeeze = lift(reshapePrimitive, T.squeeze, (x, axis) => T.squeeze(primalTensor(x), axis).shape);
/** [n, …] → [n, product of the rest]. */
export const flatten2d = lift(reshapePrimitive, T.flatten2d, (x) => T.flatten2d(primalTensor(x)).shape);
export function stack(xs, axis = 0) {
    if (!xs.some(isDual))
        return T.stack(xs.filter(T.isTensor), axis);
    return concat(xs.map((x) => expandDims(x, axis)), axis);
}
export function unstack(x, axis = 0) {
    if (!isDual(x))
        return T.unstack(x, axis);
    const shape = shapeOf(x);
    const a = T.normalizeAxis('unstack', shape, axis);
    const n = shape[a] ?? 0;
    const size = shape.map((d, i) => (i === a ? 1 : d));
    return Array.from({ length: n }, (_, k) => squeeze(slice(x, shape.map((_, i) => (i === a ? k : 0)), size), a));
}
