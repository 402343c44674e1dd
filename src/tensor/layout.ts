/**
 * Shape ops: how the elements of a tensor are arranged, never what they are.
 *
 * Ops that keep the row-major order (`reshape`, `expandDims`, `squeeze`, `flatten2d`) copy the data
 * into a buffer of the result's own (or return the input itself when the shape is unchanged): two
 * tensors never share memory, so nothing done to one tensor's buffer can reach another (see
 * kernels/alloc.ts). Everything else copies into one new buffer:
 * permutations (`transpose`), joins and splits (`concat`, `stack`, `unstack`), windows (`slice`,
 * `pad`), selections (`gather`, `scatterAdd`) and `broadcastTo`. Several come in adjoint pairs that
 * reverse-mode AD uses as each other's pullback: slice/pad, gather/scatterAdd, concat/slice,
 * stack/unstack, broadcastTo/sum.
 */
import { ArgumentError, ShapeError, formatShape } from './errors.js'
import { broadcastShapes, broadcastStrides, normalizeAxes, normalizeAxis, shapesEqual, stridesOf } from './shape.js'
import {
  checkShape,
  sizeOf,
  unsafeTensor,
  type Shape,
  type Tensor,
} from './Tensor.js'
import { allocate, copyOf } from './kernels/alloc.js'
import { copyRun, stridedCopy, transpose2d } from './kernels/copy.js'

// ─── operations: same order ──────────────────────────────────────────────────────────────────────────

/**
 * The same elements in row-major order under a new shape. One dimension may be -1 and is
 * inferred. Copies the data (every tensor owns its memory); the same shape gives x itself.
 *
 * @throws {ShapeError} when the new shape does not hold the same number of elements (or has more than one −1)
 * @example
 * T.reshape(arange(6), [2, -1]).shape  // [2, 3]
 */
export const reshape = (x: Tensor, shape: Shape): Tensor => {
  const size = x.data.length
  let inferred = -1
  let known = 1
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i] ?? 0
    if (d === -1) {
      if (inferred >= 0) {
        throw new ShapeError('reshape', [x.shape, shape], `only one dimension may be -1, got -1 at axes ${inferred} and ${i}`)
      }
      inferred = i
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError('reshape', [x.shape, shape], `dimension ${i} must be a non-negative integer or -1, got ${d}`)
    } else {
      known *= d
    }
  }
  if (inferred >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError('reshape', [x.shape, shape], `cannot infer the -1 dimension: ${size} elements do not divide into parts of ${known}`)
    }
    const out = [...shape]
    out[inferred] = size / known
    return withShape(x, out)
  }
  if (known !== size) {
    throw new ShapeError('reshape', [x.shape, shape], `size mismatch: ${size} elements cannot take a shape of ${known}`)
  }
  return withShape(x, shape)
}

/**
 * Inserts an axis of size 1 at `axis`, an integer in [-rank-1, rank]. Copies the data (every tensor owns its memory); the same shape gives x itself.
 *
 * @example
 * T.expandDims(vector([1, 2]), 0).shape  // [1, 2]
 */
export const expandDims = (x: Tensor, axis: number): Tensor => {
  const rank = x.shape.length
  const at = normalizeAxis('expandDims', x.shape, axis, rank + 1)
  return withShape(x, [...x.shape.slice(0, at), 1, ...x.shape.slice(at)])
}

/**
 * Removes axes of size 1: the given axis or axes (each must have size 1), or every size-1 axis when
 * `axis` is undefined. Copies the data (every tensor owns its memory); the same shape gives x itself.
 *
 * @throws {ShapeError} when the axis does not have size 1
 * @example
 * T.squeeze(zeros([1, 3, 1])).shape  // [3]
 */
export const squeeze = (x: Tensor, axis?: number | readonly number[]): Tensor => {
  if (axis === undefined) return withShape(x, x.shape.filter((d) => d !== 1))
  const axes = normalizeAxes('squeeze', x.shape, axis)
  for (const a of axes) {
    if (x.shape[a] !== 1) {
      throw new ShapeError('squeeze', [x.shape], `axis ${a} has size ${x.shape[a] ?? 0}, not 1`)
    }
  }
  return withShape(x, x.shape.filter((_, i) => !axes.includes(i)))
}

/**
 * A batch as a matrix: [n, ...rest] → [n, prod(rest)] (a 1-D [n] becomes [n, 1]). Copies the data (every tensor owns its memory); the same shape gives x itself.
 *
 * @throws {ShapeError} for a scalar
 * @example
 * T.flatten2d(zeros([2, 3, 4])).shape  // [2, 12]
 */
export const flatten2d = (x: Tensor): Tensor => {
  const n = x.shape[0]
  if (n === undefined) throw new ShapeError('flatten2d', [x.shape], 'expected rank at least 1, got a scalar')
  return withShape(x, [n, sizeOf(x.shape.slice(1))])
}

// ─── operations: copies ─────────────────────────────────────────────────────────────────────────

/**
 * Permutes the axes: `out.shape[i] = x.shape[permutation[i]]`. The default reverses the axes
 * (the matrix transpose in 2-D). Negative entries count from the end.
 *
 * @example
 * T.transpose(tensor([[1, 2, 3], [4, 5, 6]]))  // [[1, 4], [2, 5], [3, 6]]
 * T.transpose(zeros([2, 3, 4]), [1, 2, 0]).shape  // [3, 4, 2]
 */
export const transpose = (x: Tensor, permutation?: readonly number[]): Tensor => {
  const rank = x.shape.length
  const perm = permutation === undefined ? x.shape.map((_, i) => rank - 1 - i) : checkPermutation(x.shape, permutation)
  const outShape = perm.map((p) => x.shape[p] ?? 0)
  if (perm.every((p, i) => p === i)) return x
  const out = allocate(x.data.length)
  if (rank === 2) {
    transpose2d(x.data, out, x.shape[0] ?? 0, x.shape[1] ?? 0)
  } else {
    const strides = stridesOf(x.shape)
    stridedCopy(x.data, 0, perm.map((p) => strides[p] ?? 0), out, 0, stridesOf(outShape), outShape)
  }
  return unsafeTensor(out, outShape)
}

/**
 * Joins tensors along an existing axis. All must have the same rank (≥ 1) and agree on every
 * other axis.
 *
 * @throws {ArgumentError} for an empty list
 * @throws {ShapeError} for scalars, or tensors whose ranks or other dimensions differ
 * @example
 * T.concat([tensor([[1, 2]]), tensor([[3, 4]])])  // [[1, 2], [3, 4]]
 * T.concat([tensor([[1], [2]]), tensor([[3], [4]])], 1)  // [[1, 3], [2, 4]]
 */
export const concat = (xs: readonly Tensor[], axis = 0): Tensor => {
  const first = xs[0]
  if (first === undefined) throw new ArgumentError('concat', 'expected at least one tensor, got none')
  const shapes = xs.map((t) => t.shape)
  if (first.shape.length === 0) throw new ShapeError('concat', shapes, 'cannot concatenate scalars (rank 0); use stack')
  const ax = normalizeAxis('concat', first.shape, axis)
  let total = 0
  for (let t = 0; t < xs.length; t++) {
    const s = shapes[t] ?? []
    if (s.length !== first.shape.length) {
      throw new ShapeError('concat', shapes, `tensor ${t} has rank ${s.length}, expected ${first.shape.length}`)
    }
    for (let d = 0; d < s.length; d++) {
      if (d !== ax && s[d] !== first.shape[d]) {
        throw new ShapeError('concat', shapes, `tensor ${t} has size ${s[d] ?? 0} on axis ${d}, expected ${first.shape[d] ?? 0}`)
      }
    }
    total += s[ax] ?? 0
  }
  const outShape = first.shape.map((d, i) => (i === ax ? total : d))
  const outer = sizeOf(first.shape.slice(0, ax))
  const inner = sizeOf(first.shape.slice(ax + 1))
  const out = allocate(sizeOf(outShape))
  const rowLength = total * inner
  let column = 0
  for (const t of xs) {
    const chunk = (t.shape[ax] ?? 0) * inner
    for (let o = 0; o < outer; o++) copyRun(t.data, o * chunk, out, o * rowLength + column, chunk)
    column += chunk
  }
  return unsafeTensor(out, outShape)
}

/**
 * Joins tensors of one shape along a new axis at `axis` (in [-rank-1, rank]).
 *
 * @throws {ArgumentError} for an empty list
 * @throws {ShapeError} for tensors of different shapes
 * @example
 * T.stack([vector([1, 2]), vector([3, 4])])  // [[1, 2], [3, 4]]
 * T.stack([vector([1, 2]), vector([3, 4])], 1)  // [[1, 3], [2, 4]]
 */
export const stack = (xs: readonly Tensor[], axis = 0): Tensor => {
  const first = xs[0]
  if (first === undefined) throw new ArgumentError('stack', 'expected at least one tensor, got none')
  const ax = normalizeAxis('stack', first.shape, axis, first.shape.length + 1)
  for (let t = 1; t < xs.length; t++) {
    const s = xs[t]?.shape ?? []
    if (!shapesEqual(s, first.shape)) {
      throw new ShapeError('stack', xs.map((x) => x.shape), `tensor ${t} has shape ${formatShape(s)}, expected ${formatShape(first.shape)}`)
    }
  }
  return concat(xs.map((x) => expandDims(x, ax)), ax)
}

/**
 * Splits a tensor along `axis` into `shape[axis]` tensors with that axis removed; the inverse
 * of `stack`.
 *
 * @throws {ShapeError} for a scalar
 * @example
 * T.unstack(tensor([[1, 2], [3, 4]]), 1)  // [[1, 3], [2, 4]] (two vectors)
 */
export const unstack = (x: Tensor, axis = 0): Tensor[] => {
  if (x.shape.length === 0) throw new ShapeError('unstack', [x.shape], 'cannot unstack a scalar (rank 0)')
  const ax = normalizeAxis('unstack', x.shape, axis)
  const size = x.shape[ax] ?? 0
  const outShape = x.shape.filter((_, i) => i !== ax)
  const outer = sizeOf(x.shape.slice(0, ax))
  const inner = sizeOf(x.shape.slice(ax + 1))
  const parts: Tensor[] = []
  for (let t = 0; t < size; t++) {
    const out = allocate(outer * inner)
    for (let o = 0; o < outer; o++) copyRun(x.data, (o * size + t) * inner, out, o * inner, inner)
    parts.push(unsafeTensor(out, [...outShape]))
  }
  return parts
}

/**
 * The box of `size` elements starting at `begin` on every axis. A size of -1 runs to the end of
 * its axis. Begin and size must stay inside the tensor.
 *
 * @throws {ShapeError} when begin and size do not have one entry per axis, or reach outside the tensor
 * @example
 * T.slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, -1])  // [[2, 3], [5, 6]]
 */
export const slice = (x: Tensor, begin: readonly number[], size: readonly number[]): Tensor => {
  const rank = x.shape.length
  if (begin.length !== rank || size.length !== rank) {
    throw new ShapeError('slice', [x.shape], `begin and size need ${rank} entries (one per axis), got ${begin.length} and ${size.length}`)
  }
  const outShape = new Array<number>(rank)
  let offset = 0
  const strides = stridesOf(x.shape)
  for (let i = 0; i < rank; i++) {
    const dim = x.shape[i] ?? 0
    const b = begin[i] ?? 0
    const s = size[i] ?? 0
    if (!Number.isInteger(b) || b < 0 || b > dim) {
      throw new ShapeError('slice', [x.shape], `begin ${b} is out of range for axis ${i} of size ${dim} (expected an integer in [0, ${dim}])`)
    }
    const length = s === -1 ? dim - b : s
    if (!Number.isInteger(length) || length < 0) {
      throw new ShapeError('slice', [x.shape], `size ${s} on axis ${i} must be a non-negative integer or -1`)
    }
    if (b + length > dim) {
      throw new ShapeError('slice', [x.shape], `begin ${b} + size ${length} exceeds dimension ${dim} at axis ${i}`)
    }
    outShape[i] = length
    offset += b * (strides[i] ?? 0)
  }
  const out = allocate(sizeOf(outShape))
  stridedCopy(x.data, offset, strides, out, 0, stridesOf(outShape), outShape)
  return unsafeTensor(out, outShape)
}

/**
 * Surrounds the tensor with `value`: `paddings[i] = [before, after]` elements on axis i.
 * The adjoint of `slice`: ⟨slice(x, b, s), y⟩ = ⟨x, pad(y, [[bᵢ, dᵢ − bᵢ − sᵢ], …])⟩.
 *
 * @throws {ShapeError} when the paddings do not have one pair of non-negative integers per axis
 * @example
 * T.pad(vector([1, 2]), [[1, 2]])  // [0, 1, 2, 0, 0]
 */
export const pad = (x: Tensor, paddings: readonly (readonly [number, number])[], value = 0): Tensor => {
  const rank = x.shape.length
  if (paddings.length !== rank) {
    throw new ShapeError('pad', [x.shape], `paddings need ${rank} entries (one per axis), got ${paddings.length}`)
  }
  const outShape = new Array<number>(rank)
  for (let i = 0; i < rank; i++) {
    const [before, after] = paddings[i] ?? [0, 0]
    if (!Number.isInteger(before) || before < 0 || !Number.isInteger(after) || after < 0) {
      throw new ShapeError('pad', [x.shape], `paddings on axis ${i} must be non-negative integers, got [${before}, ${after}]`)
    }
    outShape[i] = before + (x.shape[i] ?? 0) + after
  }
  const out = allocate(sizeOf(outShape))
  if (!Object.is(value, 0)) out.fill(value)
  const outStrides = stridesOf(outShape)
  let offset = 0
  for (let i = 0; i < rank; i++) offset += (paddings[i]?.[0] ?? 0) * (outStrides[i] ?? 0)
  stridedCopy(x.data, 0, stridesOf(x.shape), out, offset, outStrides, x.shape)
  return unsafeTensor(out, outShape)
}

/**
 * Selects entries along `axis` at the given integer indices (repeats allowed); the result has
 * `indices.length` on that axis.
 *
 * @throws {ShapeError} for a scalar, or indices out of range
 * @example
 * T.gather(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0])  // [[5, 6], [1, 2]]
 */
export const gather = (x: Tensor, indices: readonly number[], axis = 0): Tensor => {
  if (x.shape.length === 0) throw new ShapeError('gather', [x.shape], 'cannot gather from a scalar (rank 0)')
  const ax = normalizeAxis('gather', x.shape, axis)
  const dim = x.shape[ax] ?? 0
  checkIndices('gather', x.shape, indices, ax, dim)
  const count = indices.length
  const outShape = x.shape.map((d, i) => (i === ax ? count : d))
  const outer = sizeOf(x.shape.slice(0, ax))
  const inner = sizeOf(x.shape.slice(ax + 1))
  const out = allocate(outer * count * inner)
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < count; t++) {
      copyRun(x.data, (o * dim + (indices[t] ?? 0)) * inner, out, (o * count + t) * inner, inner)
    }
  }
  return unsafeTensor(out, outShape)
}

/**
 * Zeros of `shape` with the slices of `updates` added at `indices` along `axis`; repeated indices
 * accumulate, in index order. The adjoint of `gather`:
 * ⟨gather(x, idx, axis), y⟩ = ⟨x, scatterAdd(x.shape, idx, y, axis)⟩.
 * `updates` has `shape` with `indices.length` on `axis`.
 *
 * @throws {ShapeError} for a scalar, or updates whose shape does not fit the indices
 * @example
 * T.scatterAdd([3], [0, 2, 0], vector([1, 2, 3]))  // [4, 0, 2]
 */
export const scatterAdd = (shape: Shape, indices: readonly number[], updates: Tensor, axis = 0): Tensor => {
  checkShape('scatterAdd', shape)
  if (shape.length === 0) throw new ShapeError('scatterAdd', [shape, updates.shape], 'cannot scatter into a scalar (rank 0)')
  const ax = normalizeAxis('scatterAdd', shape, axis)
  const dim = shape[ax] ?? 0
  checkIndices('scatterAdd', shape, indices, ax, dim)
  const count = indices.length
  const expected = shape.map((d, i) => (i === ax ? count : d))
  if (!shapesEqual(updates.shape, expected)) {
    throw new ShapeError('scatterAdd', [shape, updates.shape], `updates must have shape ${formatShape(expected)} (${count} indices on axis ${ax})`)
  }
  const outer = sizeOf(shape.slice(0, ax))
  const inner = sizeOf(shape.slice(ax + 1))
  const out = allocate(sizeOf(shape))
  const u = updates.data
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < count; t++) {
      const to = (o * dim + (indices[t] ?? 0)) * inner
      const from = (o * count + t) * inner
      for (let q = 0; q < inner; q++) out[to + q] = (out[to + q] ?? 0) + (u[from + q] ?? 0)
    }
  }
  return unsafeTensor(out, [...shape])
}

/**
 * The tensor repeated along broadcast axes to `shape`, by NumPy's rules (x's shape aligned on the
 * right; each dimension equal or 1).
 *
 * @throws {ShapeError} when the tensor does not broadcast to the shape
 * @example
 * T.broadcastTo(vector([1, 2]), [2, 2])  // [[1, 2], [1, 2]]
 */
export const broadcastTo = (x: Tensor, shape: Shape): Tensor => {
  checkShape('broadcastTo', shape)
  const target = broadcastShapes('broadcastTo', x.shape, shape)
  if (!shapesEqual(target, shape)) {
    throw new ShapeError('broadcastTo', [x.shape, shape], `cannot broadcast to ${formatShape(shape)}: the result would be ${formatShape(target)}`)
  }
  if (shapesEqual(x.shape, shape)) return x
  const out = allocate(sizeOf(shape))
  stridedCopy(x.data, 0, broadcastStrides(x.shape, shape), out, 0, stridesOf(shape), shape)
  return unsafeTensor(out, [...shape])
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** x under a new shape of the same size: x itself for an equal shape, else a copy (no shared memory). */
const withShape = (x: Tensor, shape: Shape): Tensor =>
  shapesEqual(x.shape, shape) ? x : unsafeTensor(copyOf(x.data), Object.freeze([...shape]))

/** A permutation with negative entries resolved; throws unless it permutes 0..rank-1. */
const checkPermutation = (shape: Shape, permutation: readonly number[]): number[] => {
  const rank = shape.length
  if (permutation.length !== rank) {
    throw new ShapeError('transpose', [shape], `permutation [${permutation.join(',')}] has ${permutation.length} entries, expected ${rank}`)
  }
  const perm = permutation.map((p) => normalizeAxis('transpose', shape, p))
  const seen = new Array<boolean>(rank).fill(false)
  for (const p of perm) {
    if (seen[p] === true) {
      throw new ShapeError('transpose', [shape], `permutation [${permutation.join(',')}] repeats axis ${p}`)
    }
    seen[p] = true
  }
  return perm
}

/** Throws unless every index is an integer in [0, dim), naming the bad index and its position. */
const checkIndices = (op: string, shape: Shape, indices: readonly number[], axis: number, dim: number): void => {
  for (let t = 0; t < indices.length; t++) {
    const i = indices[t] ?? 0
    if (!Number.isInteger(i)) {
      throw new ArgumentError(op, `index ${i} at position ${t} is not an integer (axis ${axis} of ${formatShape(shape)})`)
    }
    if (i < 0 || i >= dim) {
      throw new ArgumentError(op, `index ${i} at position ${t} is out of range for axis ${axis} of size ${dim} in ${formatShape(shape)}`)
    }
  }
}
