/**
 * Linear algebra on tensors: matrix products (batched, NumPy-style), dot and outer products.
 *
 * `matmul` follows NumPy's rules: the last two axes are the matrices, leading axes are a batch that
 * broadcasts, and a 1-D operand is promoted to a row (left) or a column (right) whose axis is
 * dropped from the result. `matmulTransA` and `matmulTransB` contract against the transpose of one
 * operand without building it — the two products a backward pass needs. The loops live in
 * `kernels/` (JavaScript in `matmul.ts`, WebAssembly SIMD in `wasm.ts`, chosen by
 * `kernels/backend.ts`; all give the same bits); this module checks shapes, walks the batch and
 * allocates the one output.
 */
import { ShapeError, formatShape } from './errors.js'
import { affineInto, matmulKernel } from './kernels/backend.js'
import type { MatmulLayout } from './kernels/wasm.js'
import { broadcastStrides } from './shape.js'
import { sizeOf, unsafeTensor, type Shape, type Tensor } from './Tensor.js'
import { allocate } from './kernels/alloc.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Matrix product over the last two axes, batched over the leading axes with NumPy broadcasting.
 * A 1-D operand is promoted as in NumPy: `[k]·[k,n] → [n]`, `[m,k]·[k] → [m]`, `[k]·[k] → []`.
 * Each entry is summed in a fixed order (see `kernels/matmul.ts`), so results are deterministic.
 *
 * @example
 * T.matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]]))  // [[17], [39]]
 * T.matmul(zeros([2, 3]), zeros([4, 5]))  // throws ShapeError "matmul: [2,3] x [4,5]: inner dimensions 3 and 4 differ"
 */
export const matmul = (a: Tensor, b: Tensor): Tensor => product('matmul', a, b, 'ab')

/**
 * `transpose(a) · b` over the last two axes, without materialising the transpose: for a of shape
 * [..., k, m] and b of shape [..., k, n] the result is [..., m, n]. `a` needs rank ≥ 2; a 1-D `b`
 * is promoted to a column as in `matmul`. Batched like `matmul`.
 *
 * @example
 * T.matmulTransA(tensor([[1, 2], [3, 4]]), eye(2))  // [[1, 3], [2, 4]]
 */
export const matmulTransA = (a: Tensor, b: Tensor): Tensor =>
  product('matmulTransA', a, b, 'atb')

/**
 * `a · transpose(b)` over the last two axes, without materialising the transpose: for a of shape
 * [..., m, k] and b of shape [..., n, k] the result is [..., m, n]. `b` needs rank ≥ 2; a 1-D `a`
 * is promoted to a row as in `matmul`. Batched like `matmul`.
 *
 * @example
 * T.matmulTransB(eye(2), tensor([[1, 2], [3, 4]]))  // [[1, 3], [2, 4]]
 */
export const matmulTransB = (a: Tensor, b: Tensor): Tensor =>
  product('matmulTransB', a, b, 'abt')

/**
 * Inner product of two 1-D tensors of equal length, as a scalar tensor (summed left to right).
 *
 * @throws {ShapeError} unless both are vectors of one length
 * @example
 * T.dot(vector([1, 2, 3]), vector([4, 5, 6]))  // 32 (a scalar tensor)
 */
export const dot = (a: Tensor, b: Tensor): Tensor => {
  if (a.shape.length !== 1 || b.shape.length !== 1) {
    throw new ShapeError('dot', [a.shape, b.shape], `expected two 1-D tensors, got ranks ${a.shape.length} and ${b.shape.length}`)
  }
  const n = a.data.length
  if (b.data.length !== n) {
    throw new ShapeError('dot', [a.shape, b.shape], `lengths ${n} and ${b.data.length} differ`)
  }
  const x = a.data
  const y = b.data
  let s = 0
  for (let i = 0; i < n; i++) s += (x[i] ?? 0) * (y[i] ?? 0)
  return unsafeTensor(Float64Array.of(s), [])
}

/**
 * Outer product of two 1-D tensors: `outer(a, b)[i, j] = a[i] · b[j]`, shape [m, n].
 *
 * @throws {ShapeError} unless both are vectors
 * @example
 * T.outer(vector([1, 2]), vector([3, 4, 5]))  // [[3, 4, 5], [6, 8, 10]]
 */
export const outer = (a: Tensor, b: Tensor): Tensor => {
  if (a.shape.length !== 1 || b.shape.length !== 1) {
    throw new ShapeError('outer', [a.shape, b.shape], `expected two 1-D tensors, got ranks ${a.shape.length} and ${b.shape.length}`)
  }
  const m = a.data.length
  const n = b.data.length
  const x = a.data
  const y = b.data
  const out = allocate(m * n)
  for (let i = 0; i < m; i++) {
    const xi = x[i] ?? 0
    const row = i * n
    for (let j = 0; j < n; j++) out[row + j] = xi * (y[j] ?? 0)
  }
  return unsafeTensor(out, [m, n])
}

/**
 * The affine map of a dense layer, x·W + b, in one pass: the product is computed into the output
 * and the bias row added in place. x is [m, k], W is [k, n], b is [n].
 *
 * @throws {ShapeError} unless x is [m, k], W [k, n] and b [n]
 * @example
 * T.affine(tensor([[1, 2]]), tensor([[1], [1]]), vector([10]))  // [[13]]
 */
export const affine = (x: Tensor, w: Tensor, b: Tensor): Tensor => {
  const [m = 0, k = 0] = x.shape
  const [kw = 0, n = 0] = w.shape
  if (x.shape.length !== 2 || w.shape.length !== 2 || b.shape.length !== 1) {
    throw new ShapeError('affine', [x.shape, w.shape, b.shape], 'expected x [m,k], W [k,n] and b [n]')
  }
  if (k !== kw) throw new ShapeError('affine', [x.shape, w.shape, b.shape], `inner dimensions ${k} and ${kw} differ`)
  if (b.shape[0] !== n) throw new ShapeError('affine', [x.shape, w.shape, b.shape], `the bias has ${b.shape[0]} entries, W has ${n} columns`)
  const out = allocate(m * n)
  affineInto(x.data, w.data, b.data, out, m, k, n)
  return unsafeTensor(out, [m, n])
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/**
 * The shared driver of the three products: checks ranks, the contracted dimension and the batch,
 * then calls the kernel once per batch entry (or once in all when the batch folds into the rows).
 * `layout` says which operand is stored transposed; a transposed operand needs rank ≥ 2. The
 * kernel (JavaScript or WebAssembly, see `kernels/backend.ts`) is chosen by the size of one call.
 */
const product = (op: string, a: Tensor, b: Tensor, layout: MatmulLayout): Tensor => {
  const transA = layout === 'atb'
  const transB = layout === 'abt'
  const aShape = a.shape
  const bShape = b.shape
  const ra = aShape.length
  const rb = bShape.length
  if (ra === 0 || rb === 0) {
    throw new ShapeError(op, [aShape, bShape], 'operands must have rank at least 1, got a scalar')
  }
  if (transA && ra < 2) {
    throw new ShapeError(op, [aShape, bShape], `the transposed left operand must have rank at least 2, got rank ${ra}`)
  }
  if (transB && rb < 2) {
    throw new ShapeError(op, [aShape, bShape], `the transposed right operand must have rank at least 2, got rank ${rb}`)
  }
  const aVector = ra === 1
  const bVector = rb === 1
  const aRows = aVector ? 1 : (aShape[ra - 2] ?? 0)
  const aCols = aShape[ra - 1] ?? 0
  const bRows = bVector ? (bShape[0] ?? 0) : (bShape[rb - 2] ?? 0)
  const bCols = bVector ? 1 : (bShape[rb - 1] ?? 0)
  const m = transA ? aCols : aRows
  const k = transA ? aRows : aCols
  const kb = transB ? bCols : bRows
  const n = transB ? bRows : bCols
  if (k !== kb) throw new ShapeError(op, [aShape, bShape], `inner dimensions ${k} and ${kb} differ`)

  const batchA = aVector ? [] : aShape.slice(0, ra - 2)
  const batchB = bVector ? [] : bShape.slice(0, rb - 2)
  const batch = broadcastBatch(op, aShape, bShape, batchA, batchB)
  const outShape: number[] = [...batch]
  if (!aVector) outShape.push(m)
  if (!bVector) outShape.push(n)

  const count = sizeOf(batch)
  const out = allocate(count * m * n)
  if (count === 0 || m * n === 0) return unsafeTensor(out, outShape)
  const aStep = m * k
  const bStep = k * n
  const cStep = m * n

  // One b for the whole batch and a stored untransposed: the batch is just more rows of A.
  if (!transA && sizeOf(batchB) === 1 && sizeOf(batchA) === count) {
    matmulKernel(layout, count * m, k, n)(a.data, 0, b.data, 0, out, 0, count * m, k, n)
    return unsafeTensor(out, outShape)
  }

  const kernel = matmulKernel(layout, m, k, n)
  const rank = batch.length
  const stridesA = broadcastStrides(batchA, batch)
  const stridesB = broadcastStrides(batchB, batch)
  const index = new Array<number>(rank).fill(0)
  let ia = 0
  let ib = 0
  for (let t = 0; t < count; t++) {
    kernel(a.data, ia * aStep, b.data, ib * bStep, out, t * cStep, m, k, n)
    // Odometer over the batch, innermost axis fastest.
    for (let d = rank - 1; d >= 0; d--) {
      const size = batch[d] ?? 1
      const i = (index[d] ?? 0) + 1
      ia += stridesA[d] ?? 0
      ib += stridesB[d] ?? 0
      if (i < size) {
        index[d] = i
        break
      }
      index[d] = 0
      ia -= (stridesA[d] ?? 0) * size
      ib -= (stridesB[d] ?? 0) * size
    }
  }
  return unsafeTensor(out, outShape)
}

/** The broadcast batch shape, with an error that names the full operand shapes. */
const broadcastBatch = (op: string, aShape: Shape, bShape: Shape, batchA: Shape, batchB: Shape): Shape => {
  const rank = Math.max(batchA.length, batchB.length)
  const out = new Array<number>(rank)
  for (let i = 0; i < rank; i++) {
    const da = batchA[batchA.length - rank + i] ?? 1
    const db = batchB[batchB.length - rank + i] ?? 1
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(op, [aShape, bShape], `batch dimensions ${formatShape(batchA)} and ${formatShape(batchB)} do not broadcast`)
    }
    out[i] = da === 1 ? db : da
  }
  return out
}
