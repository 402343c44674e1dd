/**
 * Float64 matrix-multiplication kernels on raw row-major arrays with offsets.
 *
 * Three layouts share one scheme, so that a backward pass never materialises a transpose:
 * `matmulInto` (C = A·B), `matmulTransAInto` (C = Aᵀ·B, A stored [k×m]) and `matmulTransBInto`
 * (C = A·Bᵀ, B stored [n×k]). Each computes C in 4×4 register tiles: sixteen accumulators live in
 * local variables while the loop over the shared dimension reads four values of A and four of B
 * per step (8 loads for 16 multiply–adds). Large products are cache-blocked: the shared dimension
 * in chunks of `KC`, the columns in panels of `NC`, so the slab of B being reused stays in L2.
 * Rows and columns left over when m or n is not a multiple of 4 go through a plain strided loop.
 *
 * Determinism: every entry is summed in one fixed order, `((0 + a₀b₀) + a₁b₁) + …` with p rising
 * from 0 to k − 1, whatever the blocking or the edge path (a k-block resumes from the partial sum
 * it stored). The kernels therefore agree bit for bit with the naive triple loop.
 *
 * The caller allocates C; the kernels write every entry of `c[cOffset ..< cOffset + m·n]` and
 * nothing else, and never write into A or B.
 */
import type { ReadonlyFloat64Array } from '../Tensor.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A kernel's signature: C[m×n] from A and B, each read from its offset.
 * Layout of A and B depends on the kernel; C is always row-major [m×n].
 */
export type MatmulKernel = (
  a: ReadonlyFloat64Array,
  aOffset: number,
  b: ReadonlyFloat64Array,
  bOffset: number,
  c: Float64Array,
  cOffset: number,
  m: number,
  k: number,
  n: number,
) => void

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * C[m×n] = A[m×k] · B[k×n], all row-major.
 *
 * @example
 * const c = new Float64Array(1)
 * matmulInto(Float64Array.of(1, 2), 0, Float64Array.of(3, 4), 0, c, 0, 1, 2, 1)
 * c  // [11]
 */
export const matmulInto: MatmulKernel = (a, aOffset, b, bOffset, c, cOffset, m, k, n) => {
  if (k === 0) {
    c.fill(0, cOffset, cOffset + m * n)
    return
  }
  const m4 = m - (m % 4)
  const n4 = n - (n % 4)
  for (let jb = 0; jb < n4; jb += NC) {
    const jEnd = Math.min(jb + NC, n4)
    for (let kb = 0; kb < k; kb += KC) {
      const kEnd = Math.min(kb + KC, k)
      const resume = kb > 0
      for (let i = 0; i < m4; i += 4) {
        // A rows i..i+3 are contiguous in p.
        const r0 = aOffset + i * k
        const r1 = r0 + k
        const r2 = r1 + k
        const r3 = r2 + k
        for (let j = jb; j < jEnd; j += 4) {
          const o0 = cOffset + i * n + j
          const o1 = o0 + n
          const o2 = o1 + n
          const o3 = o2 + n
          let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0
          let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0
          if (resume) {
            c00 = c[o0] ?? 0; c01 = c[o0 + 1] ?? 0; c02 = c[o0 + 2] ?? 0; c03 = c[o0 + 3] ?? 0
            c10 = c[o1] ?? 0; c11 = c[o1 + 1] ?? 0; c12 = c[o1 + 2] ?? 0; c13 = c[o1 + 3] ?? 0
            c20 = c[o2] ?? 0; c21 = c[o2 + 1] ?? 0; c22 = c[o2 + 2] ?? 0; c23 = c[o2 + 3] ?? 0
            c30 = c[o3] ?? 0; c31 = c[o3 + 1] ?? 0; c32 = c[o3 + 2] ?? 0; c33 = c[o3 + 3] ?? 0
          }
          // B row p, columns j..j+3.
          let pb = bOffset + kb * n + j
          for (let p = kb; p < kEnd; p++) {
            const a0 = a[r0 + p] ?? 0
            const a1 = a[r1 + p] ?? 0
            const a2 = a[r2 + p] ?? 0
            const a3 = a[r3 + p] ?? 0
            const b0 = b[pb] ?? 0
            const b1 = b[pb + 1] ?? 0
            const b2 = b[pb + 2] ?? 0
            const b3 = b[pb + 3] ?? 0
            pb += n
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3
          }
          c[o0] = c00; c[o0 + 1] = c01; c[o0 + 2] = c02; c[o0 + 3] = c03
          c[o1] = c10; c[o1 + 1] = c11; c[o1 + 2] = c12; c[o1 + 3] = c13
          c[o2] = c20; c[o2 + 1] = c21; c[o2 + 2] = c22; c[o2 + 3] = c23
          c[o3] = c30; c[o3 + 1] = c31; c[o3 + 2] = c32; c[o3 + 3] = c33
        }
      }
    }
  }
  edges(a, aOffset, k, 1, b, bOffset, n, 1, c, cOffset, m, k, n, m4, n4)
}

/**
 * C[m×n] = Aᵀ · B where A is stored row-major as [k×m] and B as [k×n].
 * This is the weight gradient of a dense layer (xᵀ·g) without building xᵀ.
 *
 * @example
 * const c = new Float64Array(1)
 * matmulTransAInto(Float64Array.of(1, 2), 0, Float64Array.of(3, 4), 0, c, 0, 1, 2, 1)
 * c  // [11]
 */
export const matmulTransAInto: MatmulKernel = (a, aOffset, b, bOffset, c, cOffset, m, k, n) => {
  if (k === 0) {
    c.fill(0, cOffset, cOffset + m * n)
    return
  }
  const m4 = m - (m % 4)
  const n4 = n - (n % 4)
  for (let jb = 0; jb < n4; jb += NC) {
    const jEnd = Math.min(jb + NC, n4)
    for (let kb = 0; kb < k; kb += KC_TRANS_A) {
      const kEnd = Math.min(kb + KC_TRANS_A, k)
      const resume = kb > 0
      for (let i = 0; i < m4; i += 4) {
        for (let j = jb; j < jEnd; j += 4) {
          const o0 = cOffset + i * n + j
          const o1 = o0 + n
          const o2 = o1 + n
          const o3 = o2 + n
          let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0
          let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0
          if (resume) {
            c00 = c[o0] ?? 0; c01 = c[o0 + 1] ?? 0; c02 = c[o0 + 2] ?? 0; c03 = c[o0 + 3] ?? 0
            c10 = c[o1] ?? 0; c11 = c[o1 + 1] ?? 0; c12 = c[o1 + 2] ?? 0; c13 = c[o1 + 3] ?? 0
            c20 = c[o2] ?? 0; c21 = c[o2 + 1] ?? 0; c22 = c[o2 + 2] ?? 0; c23 = c[o2 + 3] ?? 0
            c30 = c[o3] ?? 0; c31 = c[o3 + 1] ?? 0; c32 = c[o3 + 2] ?? 0; c33 = c[o3 + 3] ?? 0
          }
          // Stored A row p, columns i..i+3, and B row p, columns j..j+3.
          let pa = aOffset + kb * m + i
          let pb = bOffset + kb * n + j
          for (let p = kb; p < kEnd; p++) {
            const a0 = a[pa] ?? 0
            const a1 = a[pa + 1] ?? 0
            const a2 = a[pa + 2] ?? 0
            const a3 = a[pa + 3] ?? 0
            const b0 = b[pb] ?? 0
            const b1 = b[pb + 1] ?? 0
            const b2 = b[pb + 2] ?? 0
            const b3 = b[pb + 3] ?? 0
            pa += m
            pb += n
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3
          }
          c[o0] = c00; c[o0 + 1] = c01; c[o0 + 2] = c02; c[o0 + 3] = c03
          c[o1] = c10; c[o1 + 1] = c11; c[o1 + 2] = c12; c[o1 + 3] = c13
          c[o2] = c20; c[o2 + 1] = c21; c[o2 + 2] = c22; c[o2 + 3] = c23
          c[o3] = c30; c[o3 + 1] = c31; c[o3 + 2] = c32; c[o3 + 3] = c33
        }
      }
    }
  }
  edges(a, aOffset, 1, m, b, bOffset, n, 1, c, cOffset, m, k, n, m4, n4)
}

/**
 * C[m×n] = A · Bᵀ where A is stored row-major as [m×k] and B as [n×k].
 * This is the input gradient of a dense layer (g·Wᵀ) without building Wᵀ.
 *
 * @example
 * const c = new Float64Array(1)
 * matmulTransBInto(Float64Array.of(1, 2), 0, Float64Array.of(3, 4), 0, c, 0, 1, 2, 1)
 * c  // [11]
 */
export const matmulTransBInto: MatmulKernel = (a, aOffset, b, bOffset, c, cOffset, m, k, n) => {
  if (k === 0) {
    c.fill(0, cOffset, cOffset + m * n)
    return
  }
  const m4 = m - (m % 4)
  const n4 = n - (n % 4)
  // Both operands are read along contiguous rows, so only the shared dimension is blocked.
  for (let kb = 0; kb < k; kb += KC) {
    const kEnd = Math.min(kb + KC, k)
    const resume = kb > 0
    for (let i = 0; i < m4; i += 4) {
      const r0 = aOffset + i * k
      const r1 = r0 + k
      const r2 = r1 + k
      const r3 = r2 + k
      for (let j = 0; j < n4; j += 4) {
        const s0 = bOffset + j * k
        const s1 = s0 + k
        const s2 = s1 + k
        const s3 = s2 + k
        const o0 = cOffset + i * n + j
        const o1 = o0 + n
        const o2 = o1 + n
        const o3 = o2 + n
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0
        if (resume) {
          c00 = c[o0] ?? 0; c01 = c[o0 + 1] ?? 0; c02 = c[o0 + 2] ?? 0; c03 = c[o0 + 3] ?? 0
          c10 = c[o1] ?? 0; c11 = c[o1 + 1] ?? 0; c12 = c[o1 + 2] ?? 0; c13 = c[o1 + 3] ?? 0
          c20 = c[o2] ?? 0; c21 = c[o2 + 1] ?? 0; c22 = c[o2 + 2] ?? 0; c23 = c[o2 + 3] ?? 0
          c30 = c[o3] ?? 0; c31 = c[o3 + 1] ?? 0; c32 = c[o3 + 2] ?? 0; c33 = c[o3 + 3] ?? 0
        }
        for (let p = kb; p < kEnd; p++) {
          const a0 = a[r0 + p] ?? 0
          const a1 = a[r1 + p] ?? 0
          const a2 = a[r2 + p] ?? 0
          const a3 = a[r3 + p] ?? 0
          const b0 = b[s0 + p] ?? 0
          const b1 = b[s1 + p] ?? 0
          const b2 = b[s2 + p] ?? 0
          const b3 = b[s3 + p] ?? 0
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3
        }
        c[o0] = c00; c[o0 + 1] = c01; c[o0 + 2] = c02; c[o0 + 3] = c03
        c[o1] = c10; c[o1 + 1] = c11; c[o1 + 2] = c12; c[o1 + 3] = c13
        c[o2] = c20; c[o2 + 1] = c21; c[o2 + 2] = c22; c[o2 + 3] = c23
        c[o3] = c30; c[o3 + 1] = c31; c[o3 + 2] = c32; c[o3 + 3] = c33
      }
    }
  }
  edges(a, aOffset, k, 1, b, bOffset, 1, k, c, cOffset, m, k, n, m4, n4)
}

/** Products up to this many multiply–adds are written out term by term in `productSource` (no loops). */
const UNROLL_WORK = 64

/**
 * The source text of C[m×n] = op(A)·op(B) (+ bias[j] on each entry, as `affineInto` adds it), for
 * jit's inline code: A(i, p) read at `i·aRow + p·aDepth`, B(p, j) at `p·bDepth + j·bCol` (the
 * layout's strides). Every entry is summed in the kernels' one order, `((0 + a₀b₀) + a₁b₁) + …`
 * with p rising from 0 — the `0 +` kept, since it turns a −0 first product into +0 as the kernels'
 * zero-initialised accumulators do — each product and sum rounded on its own (JavaScript has no
 * fused multiply–add), so it gives the kernels' bits: the tiles', the edges' and WebAssembly's.
 * Small products are written out term by term, larger ones as loops over constant bounds.
 */
export const productSource = (
  strides: { readonly aRow: number; readonly aDepth: number; readonly bDepth: number; readonly bCol: number },
  m: number,
  k: number,
  n: number,
  a: string,
  b: string,
  c: string,
  bias?: string,
): string => {
  const { aRow, aDepth, bDepth, bCol } = strides
  if (m * k * n <= UNROLL_WORK) {
    const lines: string[] = []
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = '0'
        for (let p = 0; p < k; p++) sum += ` + ${a}[${i * aRow + p * aDepth}] * ${b}[${p * bDepth + j * bCol}]`
        lines.push(`${c}[${i * n + j}] = ${bias === undefined ? sum : `(${sum}) + ${bias}[${j}]`}`)
      }
    }
    return lines.join('\n')
  }
  return [
    `for (let i = 0; i < ${m}; i++) {`,
    `  for (let j = 0; j < ${n}; j++) {`,
    `    let s = 0`,
    `    for (let p = 0; p < ${k}; p++) s += ${a}[i * ${aRow} + p * ${aDepth}] * ${b}[p * ${bDepth} + j * ${bCol}]`,
    `    ${c}[i * ${n} + j] = ${bias === undefined ? 's' : `s + ${bias}[j]`}`,
    '  }',
    '}',
  ].join('\n')
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/**
 * Depth of a block of the shared dimension. 64 rows of a 4-column strip of B plus four rows of A
 * stay in L1 across a j-tile, and the KC×NC slab of B (128 KiB) stays in L2 across the i-tiles.
 * Measured with bench/matmul-kernel.ts: 64 beats 128 and 256 at n = 512, ties below.
 */
const KC = 64

/**
 * Depth of a k-block for Aᵀ·B, where both operands are read down columns (stride m and n). A
 * shallower block keeps both strips in L1: 32 measured ≈ 8% faster than 64 at n = 512.
 */
const KC_TRANS_A = 32

/** Width of a column panel of B (see KC). */
const NC = 256

/**
 * The entries the 4×4 tiles leave out: rows [m4, m) for every column, and columns [n4, n) for rows
 * [0, m4). A(i, p) is read at `aOffset + i·aRow + p·aDepth`, B(p, j) at `bOffset + p·bDepth + j·bCol`.
 * Each entry is one dot product summed with p rising, the same order as the tiles.
 */
const edges = (
  a: ReadonlyFloat64Array,
  aOffset: number,
  aRow: number,
  aDepth: number,
  b: ReadonlyFloat64Array,
  bOffset: number,
  bDepth: number,
  bCol: number,
  c: Float64Array,
  cOffset: number,
  m: number,
  k: number,
  n: number,
  m4: number,
  n4: number,
): void => {
  for (let i = 0; i < m; i++) {
    const jStart = i < m4 ? n4 : 0
    const rowA = aOffset + i * aRow
    for (let j = jStart; j < n; j++) {
      let s = 0
      let pa = rowA
      let pb = bOffset + j * bCol
      for (let p = 0; p < k; p++) {
        s += (a[pa] ?? 0) * (b[pb] ?? 0)
        pa += aDepth
        pb += bDepth
      }
      c[cOffset + i * n + j] = s
    }
  }
}
