/**
 * One-hot encoding of class labels and its inverse.
 *
 * `oneHot` turns n integer labels in [0, classes) into an [n, classes] tensor with one 1 per row;
 * `fromOneHot` reads labels back as the index of each row's largest entry (an argmax), so it also
 * decodes a model's scores or probabilities into predicted classes.
 */
import { ArgumentError, isTensor, ShapeError, type Tensor } from '../tensor/index.js'
import { fromData } from '../tensor/internal.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * One-hot rows for integer labels: row i has a 1 in column `labels[i]` and 0 elsewhere.
 *
 * Labels come as an array or as a tensor of shape [n] or [n, 1]. Throws an ArgumentError naming
 * the position of the first label that is not an integer in [0, classes), and a ShapeError for a
 * tensor of another shape.
 *
 * @throws {ArgumentError} for classes that are not a positive integer, or a label that is not an integer in [0, classes)
 * @example
 * data.oneHot([2, 0], 3)  // [[0, 0, 1], [1, 0, 0]]
 */
export const oneHot = (labels: readonly number[] | Tensor, classes: number): Tensor => {
  if (!Number.isInteger(classes) || classes < 1) {
    throw new ArgumentError('oneHot', `classes must be a positive integer, got ${classes}`)
  }
  const values = labelValues(labels)
  for (let i = 0; i < values.length; i++) {
    const label = values[i] ?? 0
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new ArgumentError('oneHot', `label at position ${i} is ${label}: expected an integer in [0, ${classes})`)
    }
  }
  const out = new Float64Array(values.length * classes)
  for (let i = 0; i < values.length; i++) out[i * classes + (values[i] ?? 0)] = 1
  return fromData(out, [values.length, classes])
}

/**
 * The class of each row of an [n, classes] tensor: the column of its largest value (the first one
 * on a tie). The inverse of `oneHot`, and the argmax decoding of scores or probabilities. NaN
 * entries never win, so a row of NaNs decodes to 0.
 *
 * @throws {ShapeError} unless the tensor is [rows, classes] with at least one class
 * @example
 * data.fromOneHot(tensor([[0, 0, 1], [0.7, 0.2, 0.1]]))  // [2, 0]
 */
export const fromOneHot = (encoded: Tensor): readonly number[] => {
  const [n, classes] = encoded.shape
  if (encoded.shape.length !== 2 || n === undefined || classes === undefined || classes < 1) {
    throw new ShapeError('fromOneHot', [encoded.shape], 'expected a rank-2 tensor [rows, classes] with at least one class')
  }
  const labels = new Array<number>(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    let bestValue = encoded.data[i * classes] ?? 0
    for (let c = 1; c < classes; c++) {
      const v = encoded.data[i * classes + c] ?? 0
      // `v > bestValue` never picks a NaN; the second test moves past a NaN in column 0.
      if (v > bestValue || (Number.isNaN(bestValue) && !Number.isNaN(v))) {
        best = c
        bestValue = v
      }
    }
    labels[i] = best
  }
  return labels
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const labelValues = (labels: readonly number[] | Tensor): ArrayLike<number> => {
  if (!isTensor(labels)) return labels
  const { shape } = labels
  if (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) return labels.data
  throw new ShapeError('oneHot', [shape], 'labels must be a tensor of shape [n] or [n, 1]')
}
