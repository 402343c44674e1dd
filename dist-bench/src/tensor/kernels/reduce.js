/**
 * Reduction kernels: the one loop behind every reduction in `src/tensor/reduce.ts`.
 *
 * A reduction reads its input once, in row-major order, and folds each element into the
 * accumulator of its output position. The accumulator is read through strides that are 0 on the
 * reduced axes, so after coalescing (`strided.ts`) the walk is a series of contiguous runs, each
 * either folded into one accumulator (innermost axis reduced) or zipped into a row of them
 * (innermost axis kept). Each accumulator therefore sees its inputs in increasing index order:
 * the same input gives the same bits, always. A `Reducer` supplies the two inner loops.
 */
import { broadcastStrides, stridesOf } from '../shape.js';
import { coalesce } from './strided.js';
import { allocate } from './alloc.js';
/** The `aux` of reducers that take none. */
export const NO_AUX = new Float64Array(0);
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/**
 * Reduces `x` (of `shape`) over the given sorted, distinct axes. Returns the accumulators in the
 * row-major order of the kept axes (the layout of the keepDims result). An empty reduction gives
 * `reducer.empty` everywhere.
 */
export const reduceKernel = (x, shape, axes, reducer, aux = NO_AUX) => {
    const kept = shape.map((d, axis) => (axes.includes(axis) ? 1 : d));
    let m = 1;
    for (const d of kept)
        m *= d;
    const n = x.length;
    const acc = allocate(m).fill(n === 0 ? reducer.empty : reducer.init);
    if (n === 0)
        return acc;
    const { dims, strides } = coalesce(shape, [stridesOf(shape), broadcastStrides(kept, shape)]);
    const so = strides[1] ?? [];
    if (dims.length === 0) {
        reducer.fold(acc, aux, 0, x, 0, 1);
        return acc;
    }
    // The input is contiguous, so its innermost stride is 1 and its offset is the run counter.
    const run = dims[0] ?? 1;
    const reducedInside = (so[0] ?? 0) === 0;
    const counter = new Array(dims.length).fill(0);
    let o = 0;
    for (let i = 0; i < n; i += run) {
        if (reducedInside)
            reducer.fold(acc, aux, o, x, i, run);
        else
            reducer.zip(acc, aux, o, x, i, run);
        for (let g = 1; g < dims.length; g++) {
            const size = dims[g] ?? 1;
            const step = so[g] ?? 0;
            const next = (counter[g] ?? 0) + 1;
            if (next < size) {
                counter[g] = next;
                o += step;
                break;
            }
            counter[g] = 0;
            o -= step * (size - 1);
        }
    }
    return acc;
};
// ─── instances ──────────────────────────────────────────────────────────────────────────────────
/**
 * Σ v. It starts from −0, the exact identity of IEEE addition (−0 + v = v for every v, −0
 * included), so summing a single element gives that element bit for bit, as NumPy does.
 */
export const sumReducer = {
    init: -0,
    empty: 0,
    fold: (acc, _aux, o, x, i, n) => {
        let s = acc[o] ?? 0;
        for (let j = 0; j < n; j++)
            s += x[i + j] ?? 0;
        acc[o] = s;
    },
    zip: (acc, _aux, o, x, i, n) => {
        for (let j = 0; j < n; j++)
            acc[o + j] = (acc[o + j] ?? 0) + (x[i + j] ?? 0);
    },
};
/** Π v */
export const prodReducer = {
    init: 1,
    empty: 1,
    fold: (acc, _aux, o, x, i, n) => {
        let p = acc[o] ?? 1;
        for (let j = 0; j < n; j++)
            p *= x[i + j] ?? 1;
        acc[o] = p;
    },
    zip: (acc, _aux, o, x, i, n) => {
        for (let j = 0; j < n; j++)
            acc[o + j] = (acc[o + j] ?? 1) * (x[i + j] ?? 1);
    },
};
/** max v; a NaN wins and stays. */
export const maxReducer = {
    init: -Infinity,
    empty: -Infinity,
    fold: (acc, _aux, o, x, i, n) => {
        let m = acc[o] ?? 0;
        for (let j = 0; j < n; j++) {
            const v = x[i + j] ?? 0;
            if (v > m || v !== v)
                m = v;
        }
        acc[o] = m;
    },
    zip: (acc, _aux, o, x, i, n) => {
        for (let j = 0; j < n; j++) {
            const v = x[i + j] ?? 0;
            if (v > (acc[o + j] ?? 0) || v !== v)
                acc[o + j] = v;
        }
    },
};
/** min v; a NaN wins and stays. */
export const minReducer = {
    init: Infinity,
    empty: Infinity,
    fold: (acc, _aux, o, x, i, n) => {
        let m = acc[o] ?? 0;
        for (let j = 0; j < n; j++) {
            const v = x[i + j] ?? 0;
            if (v < m || v !== v)
                m = v;
        }
        acc[o] = m;
    },
    zip: (acc, _aux, o, x, i, n) => {
        for (let j = 0; j < n; j++) {
            const v = x[i + j] ?? 0;
            if (v < (acc[o + j] ?? 0) || v !== v)
                acc[o + j] = v;
        }
    },
};
/** Σ (v − μ)², with μ = aux at the output position (the second pass of a two-pass variance). */
export const squaredDeviationReducer = {
    init: 0,
    empty: 0,
    fold: (acc, aux, o, x, i, n) => {
        const mu = aux[o] ?? 0;
        let s = acc[o] ?? 0;
        for (let j = 0; j < n; j++) {
            const d = (x[i + j] ?? 0) - mu;
            s += d * d;
        }
        acc[o] = s;
    },
    zip: (acc, aux, o, x, i, n) => {
        for (let j = 0; j < n; j++) {
            const d = (x[i + j] ?? 0) - (aux[o + j] ?? 0);
            acc[o + j] = (acc[o + j] ?? 0) + d * d;
        }
    },
};
/** Σ exp(v − c), with the shift c = aux at the output position (log-sum-exp's second pass). */
export const shiftedExpReducer = {
    init: 0,
    empty: 0,
    fold: (acc, aux, o, x, i, n) => {
        const c = aux[o] ?? 0;
        let s = acc[o] ?? 0;
        for (let j = 0; j < n; j++)
            s += Math.exp((x[i + j] ?? 0) - c);
        acc[o] = s;
    },
    zip: (acc, aux, o, x, i, n) => {
        for (let j = 0; j < n; j++)
            acc[o + j] = (acc[o + j] ?? 0) + Math.exp((x[i + j] ?? 0) - (aux[o + j] ?? 0));
    },
};
