/**
 * Shape arithmetic shared by every op: broadcasting (NumPy's rules), strides, axis normalisation.
 * Every op words its shape errors through these helpers so that messages read alike.
 */
import { ShapeError } from './errors.js'
import type { Shape } from './Tensor.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** True when two shapes are equal dimension by dimension. */
export const shapesEqual = (a: Shape, b: Shape): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Row-major strides of a shape, in elements. */
export const stridesOf = (shape: Shape): number[] => {
  const strides = new Array<number>(shape.length)
  let s = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s
    s *= shape[i] ?? 1
  }
  return strides
}

/**
 * The broadcast shape of two shapes by NumPy's rules (align on the right; each pair of dimensions
 * equal, or one of them 1). Throws a ShapeError naming the op otherwise.
 *
 * @throws {ShapeError} when the shapes do not broadcast (naming the axis)
 */
export const broadcastShapes = (op: string, a: Shape, b: Shape): Shape => {
  if (shapesEqual(a, b)) return a
  const rank = Math.max(a.length, b.length)
  const out = new Array<number>(rank)
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1
    const db = b[b.length - rank + i] ?? 1
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(op, [a, b], `cannot broadcast: dimension ${da} against ${db} at axis ${i} of the result`)
    }
    out[i] = da === 1 ? db : da
  }
  return out
}

/** Broadcast shape of any number of shapes. */
export const broadcastAll = (op: string, shapes: readonly Shape[]): Shape =>
  shapes.reduce<Shape>((acc, s) => broadcastShapes(op, acc, s), [])

/**
 * Strides to read a tensor of `shape` as if broadcast to `target` (stride 0 on broadcast axes).
 * The caller has already checked that `shape` broadcasts to `target`.
 */
export const broadcastStrides = (shape: Shape, target: Shape): number[] => {
  const own = stridesOf(shape)
  const out = new Array<number>(target.length).fill(0)
  const offset = target.length - shape.length
  for (let i = 0; i < shape.length; i++) out[offset + i] = shape[i] === 1 ? 0 : (own[i] ?? 0)
  return out
}

/**
 * A possibly negative axis made non-negative; throws if it is not an integer in [-rank, rank).
 *
 * @throws {ShapeError} for an axis out of range for the rank
 */
export const normalizeAxis = (op: string, shape: Shape, axis: number, rank: number = shape.length): number => {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(op, [shape], `axis ${axis} is out of range for rank ${rank} (expected an integer in [${-rank}, ${rank - 1}])`)
  }
  return axis < 0 ? axis + rank : axis
}

/**
 * Axes normalised, sorted and checked for duplicates. `undefined` means every axis.
 *
 * @throws {ShapeError} for an axis out of range or repeated
 */
export const normalizeAxes = (op: string, shape: Shape, axes: number | readonly number[] | undefined): number[] => {
  if (axes === undefined) return shape.map((_, i) => i)
  const list = typeof axes === 'number' ? [axes] : axes
  const out = list.map((a) => normalizeAxis(op, shape, a)).sort((x, y) => x - y)
  for (let i = 1; i < out.length; i++) {
    if (out[i] === out[i - 1]) throw new ShapeError(op, [shape], `axis ${out[i]} is repeated in [${list.join(',')}]`)
  }
  return out
}
