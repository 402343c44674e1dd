/**
 * Copy kernels behind the layout ops: the blocked 2-D transpose and the strided copy that every
 * transpose, slice, pad and broadcast reduces to. They write only into the buffer they are given,
 * which the caller has just allocated.
 */
import { sizeOf } from '../Tensor.js';
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/** Block edge of the 2-D transpose: a 32×32 block of doubles (8 KiB) is read and written in L1. */
const BLOCK = 32;
/** out[c×r] = xᵀ for x[r×c], in square blocks so both sides stay in cache. */
export const transpose2d = (x, out, rows, cols) => {
    for (let ib = 0; ib < rows; ib += BLOCK) {
        const iEnd = Math.min(ib + BLOCK, rows);
        for (let jb = 0; jb < cols; jb += BLOCK) {
            const jEnd = Math.min(jb + BLOCK, cols);
            for (let i = ib; i < iEnd; i++) {
                const row = i * cols;
                for (let j = jb; j < jEnd; j++)
                    out[j * rows + i] = x[row + j] ?? 0;
            }
        }
    }
};
/** Copies `length` contiguous values; large runs go through `set` (a memcpy). */
export const copyRun = (src, from, dst, to, length) => {
    if (length >= 32) {
        dst.set(src.subarray(from, from + length), to);
        return;
    }
    for (let q = 0; q < length; q++)
        dst[to + q] = src[from + q] ?? 0;
};
/**
 * Walks `shape` in row-major order, copying the element at `src[srcOffset + Σ iᵈ·srcStrides[d]]`
 * to `dst[dstOffset + Σ iᵈ·dstStrides[d]]`. An odometer turns once per run of the last axis.
 * Every transpose, slice, pad and broadcast is this one loop with different strides.
 */
export const stridedCopy = (src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape) => {
    const rank = shape.length;
    if (sizeOf(shape) === 0)
        return;
    if (rank === 0) {
        dst[dstOffset] = src[srcOffset] ?? 0;
        return;
    }
    const last = rank - 1;
    const n = shape[last] ?? 0;
    const ss = srcStrides[last] ?? 0;
    const ds = dstStrides[last] ?? 0;
    const index = new Array(last).fill(0);
    let si = srcOffset;
    let di = dstOffset;
    for (;;) {
        if (ss === 1 && ds === 1) {
            copyRun(src, si, dst, di, n);
        }
        else {
            for (let q = 0; q < n; q++)
                dst[di + q * ds] = src[si + q * ss] ?? 0;
        }
        let d = last - 1;
        for (; d >= 0; d--) {
            const size = shape[d] ?? 1;
            const i = (index[d] ?? 0) + 1;
            si += srcStrides[d] ?? 0;
            di += dstStrides[d] ?? 0;
            if (i < size) {
                index[d] = i;
                break;
            }
            index[d] = 0;
            si -= (srcStrides[d] ?? 0) * size;
            di -= (dstStrides[d] ?? 0) * size;
        }
        if (d < 0)
            return;
    }
};
