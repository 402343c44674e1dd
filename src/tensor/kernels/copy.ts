/**
 * Copy kernels behind the layout ops: the blocked 2-D transpose and the strided copy that every
 * transpose, slice, pad and broadcast reduces to. They write only into the buffer they are given,
 * which the caller has just allocated.
 */
import { sizeOf, type ReadonlyFloat64Array, type Shape } from '../Tensor.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** Block edge of the 2-D transpose: a 32×32 block of doubles (8 KiB) is read and written in L1. */
const BLOCK = 32

/** out[c×r] = xᵀ for x[r×c], in square blocks so both sides stay in cache. */
export const transpose2d = (x: ReadonlyFloat64Array, out: Float64Array, rows: number, cols: number): void => {
  for (let ib = 0; ib < rows; ib += BLOCK) {
    const iEnd = Math.min(ib + BLOCK, rows)
    for (let jb = 0; jb < cols; jb += BLOCK) {
      const jEnd = Math.min(jb + BLOCK, cols)
      for (let i = ib; i < iEnd; i++) {
        const row = i * cols
        for (let j = jb; j < jEnd; j++) out[j * rows + i] = x[row + j] ?? 0
      }
    }
  }
}

/** Copies `length` contiguous values; large runs go through `set` (a memcpy). */
export const copyRun = (src: ReadonlyFloat64Array, from: number, dst: Float64Array, to: number, length: number): void => {
  if (length >= 32) {
    dst.set(src.subarray(from, from + length), to)
    return
  }
  for (let q = 0; q < length; q++) dst[to + q] = src[from + q] ?? 0
}

/**
 * Walks `shape` in row-major order, copying the element at `src[srcOffset + Σ iᵈ·srcStrides[d]]`
 * to `dst[dstOffset + Σ iᵈ·dstStrides[d]]`. An odometer turns once per run of the last axis.
 * Every transpose, slice, pad and broadcast is this one loop with different strides.
 */
export const stridedCopy = (
  src: ReadonlyFloat64Array,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: Float64Array,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: Shape,
): void => {
  const rank = shape.length
  if (sizeOf(shape) === 0) return
  if (rank === 0) {
    dst[dstOffset] = src[srcOffset] ?? 0
    return
  }
  const last = rank - 1
  const n = shape[last] ?? 0
  const ss = srcStrides[last] ?? 0
  const ds = dstStrides[last] ?? 0
  const index = new Array<number>(last).fill(0)
  let si = srcOffset
  let di = dstOffset
  for (;;) {
    if (ss === 1 && ds === 1) {
      copyRun(src, si, dst, di, n)
    } else {
      for (let q = 0; q < n; q++) dst[di + q * ds] = src[si + q * ss] ?? 0
    }
    let d = last - 1
    for (; d >= 0; d--) {
      const size = shape[d] ?? 1
      const i = (index[d] ?? 0) + 1
      si += srcStrides[d] ?? 0
      di += dstStrides[d] ?? 0
      if (i < size) {
        index[d] = i
        break
      }
      index[d] = 0
      si -= (srcStrides[d] ?? 0) * size
      di -= (dstStrides[d] ?? 0) * size
    }
    if (d < 0) return
  }
}

/** Copies and permutations up to this many elements are written out element by element by the sources below. */
const UNROLL_ELEMENTS = 64

/**
 * For jit's inline code: the source of a copy of n values from `x` to `out` (a reshape, a sum over
 * axes of size 1): no arithmetic, the values' bits moved.
 */
export const copySource = (n: number, x: string, out: string): string =>
  n <= UNROLL_ELEMENTS ? Array.from({ length: n }, (_, i) => `${out}[${i}] = ${x}[${i}]`).join('\n') : `for (let i = 0; i < ${n}; i++) ${out}[i] = ${x}[i]`

/**
 * For jit's inline code: the source of a transpose of x (of `shape`) by `permutation` (output axis d
 * is input axis permutation[d]), element by element, or undefined past `UNROLL_ELEMENTS` elements or
 * for a permutation that is not one. No arithmetic: the values' bits moved, as the kernels move them.
 */
export const transposeSource = (shape: Shape, permutation: readonly number[], x: string, out: string): string | undefined => {
  const rank = shape.length
  const n = sizeOf(shape)
  if (n > UNROLL_ELEMENTS || permutation.length !== rank || new Set(permutation).size !== rank || permutation.some((a) => !Number.isInteger(a) || a < 0 || a >= rank)) return undefined
  // Row-major strides of the input; the output's dimensions are the input's, permuted.
  const strides = new Array<number>(rank).fill(1)
  for (let d = rank - 2; d >= 0; d--) strides[d] = (strides[d + 1] ?? 1) * (shape[d + 1] ?? 1)
  const dims = permutation.map((a) => shape[a] ?? 1)
  const lines: string[] = []
  const index = new Array<number>(rank).fill(0)
  for (let o = 0; o < n; o++) {
    let from = 0
    for (let d = 0; d < rank; d++) from += (index[d] ?? 0) * (strides[permutation[d] ?? 0] ?? 0)
    lines.push(`${out}[${o}] = ${x}[${from}]`)
    for (let d = rank - 1; d >= 0; d--) {
      index[d] = (index[d] ?? 0) + 1
      if ((index[d] ?? 0) < (dims[d] ?? 1)) break
      index[d] = 0
    }
  }
  return lines.join('\n')
}
