/**
 * Metrics: plain functions of predictions and targets that return a number. They run on plain
 * tensors (after training, or on the predictions a training step already computed), never on Duals.
 *
 * Classification metrics accept the two encodings a model produces: one output column (a sigmoid
 * probability, thresholded at 0.5 by default) or several (class scores, decoded with argmax); and
 * targets as one 0/1 column, as integer labels, or one-hot rows.
 */
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A named metric. */
export interface Metric {
  readonly name: string
  /** The metric's value for a batch of predictions against their targets. */
  readonly compute: (predictions: Tensor, targets: Tensor) => number
}

/** Options of the thresholded binary metrics. */
export interface ThresholdOptions {
  /** A probability above this counts as the positive class (default 0.5). */
  readonly threshold?: number
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const rows = (t: Tensor): number => (t.shape.length === 0 ? 1 : (t.shape[0] ?? 0))
const columns = (t: Tensor): number => (t.shape.length < 2 ? 1 : T.sizeOf(t.shape) / rows(t))

const checkRows = (name: string, predictions: Tensor, targets: Tensor): void => {
  if (rows(predictions) !== rows(targets)) {
    throw new T.ShapeError(name, [predictions.shape, targets.shape], `predictions have ${rows(predictions)} rows, targets ${rows(targets)}`)
  }
}

/** Class indices of each row: argmax over several columns, the threshold for one column. */
const classesOf = (t: Tensor, threshold: number): number[] => {
  const n = rows(t)
  const c = columns(t)
  const out = new Array<number>(n)
  for (let i = 0; i < n; i++) {
    if (c === 1) {
      out[i] = (t.data[i] ?? 0) > threshold ? 1 : 0
      continue
    }
    let best = 0
    for (let j = 1; j < c; j++) if ((t.data[i * c + j] ?? 0) > (t.data[i * c + best] ?? 0)) best = j
    out[i] = best
  }
  return out
}

/**
 * Target classes, checked against the predictions: one-hot rows (as many columns as the
 * predictions) decode with argmax; a single column holds labels — 0 or 1 for a one-output model,
 * an integer in [0, k) for k outputs. Anything else is an error naming the row: a label outside
 * the model's classes is never counted as a miss or coerced to a class.
 */
const targetClassesOf = (name: string, predictions: Tensor, targets: Tensor): number[] => {
  const k = columns(predictions)
  const c = columns(targets)
  if (c > 1) {
    if (c !== k) throw new T.ShapeError(name, [predictions.shape, targets.shape], `targets have ${c} columns, the predictions ${k}`)
    return classesOf(targets, 0.5)
  }
  const labels = Array.from(targets.data)
  labels.forEach((v, row) => {
    if (k === 1 && v !== 0 && v !== 1) throw new T.ArgumentError(name, `target ${v} in row ${row} is not a label of a one-output model (expected 0 or 1)`)
    if (k > 1 && !(Number.isInteger(v) && v >= 0 && v < k)) throw new T.ArgumentError(name, `target ${v} in row ${row} is not a class of the ${k} outputs (expected an integer in [0, ${k}))`)
  })
  return labels
}

const fraction = (hits: number, total: number): number => (total === 0 ? Number.NaN : hits / total)

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Fraction of rows whose predicted class equals the target class (argmax for several outputs,
 * threshold 0.5 for one).
 *
 * @example
 * metrics.accuracy.compute(tensor([[0.9], [0.2]]), tensor([[1], [1]]))  // 0.5
 */
export const accuracy: Metric = {
  name: 'accuracy',
  compute: (predictions, targets) => {
    checkRows('accuracy', predictions, targets)
    const p = classesOf(predictions, 0.5)
    const t = targetClassesOf('accuracy', predictions, targets)
    return fraction(p.filter((c, i) => c === t[i]).length, p.length)
  },
}

/** Accuracy of one probability column against 0/1 targets, at a threshold (default 0.5). */
export const binaryAccuracy = ({ threshold = 0.5 }: ThresholdOptions = {}): Metric => ({
  name: 'binaryAccuracy',
  compute: (predictions, targets) => {
    checkRows('binaryAccuracy', predictions, targets)
    targets.data.forEach((v, i) => {
      if (v !== 0 && v !== 1) {
        const row = Math.floor(i / Math.max(1, columns(targets)))
        throw new T.ArgumentError('binaryAccuracy', `target ${v} in row ${row} is not a label of a one-output model (expected 0 or 1)`)
      }
    })
    let hits = 0
    predictions.data.forEach((v, i) => {
      if ((v > threshold ? 1 : 0) === ((targets.data[i] ?? 0) > 0.5 ? 1 : 0)) hits++
    })
    return fraction(hits, predictions.data.length)
  },
})

const elementMean = (name: string, f: (d: number) => number): Metric => ({
  name,
  compute: (predictions, targets) => {
    if (!T.shapesEqual(predictions.shape, targets.shape)) {
      throw new T.ShapeError(name, [predictions.shape, targets.shape], 'predictions and targets must have the same shape')
    }
    let s = 0
    predictions.data.forEach((v, i) => (s += f(v - (targets.data[i] ?? 0))))
    return s / predictions.data.length
  },
})

/** Mean squared error. */
export const mse: Metric = elementMean('mse', (d) => d * d)

/** Mean absolute error. */
export const mae: Metric = elementMean('mae', Math.abs)

const counts = (name: string, predictions: Tensor, targets: Tensor, threshold: number) => {
  const p = classesOf(predictions, threshold)
  const t = targetClassesOf(name, predictions, targets)
  let tp = 0
  let fp = 0
  let fn = 0
  p.forEach((c, i) => {
    if (c === 1 && t[i] === 1) tp++
    else if (c === 1) fp++
    else if (t[i] === 1) fn++
  })
  return { tp, fp, fn }
}

/** Precision of the positive class (1): TP / (TP + FP); NaN when nothing is predicted positive. */
export const precision = ({ threshold = 0.5 }: ThresholdOptions = {}): Metric => ({
  name: 'precision',
  compute: (predictions, targets) => {
    checkRows('precision', predictions, targets)
    const { tp, fp } = counts('precision', predictions, targets, threshold)
    return fraction(tp, tp + fp)
  },
})

/** Recall of the positive class (1): TP / (TP + FN); NaN when there are no positives. */
export const recall = ({ threshold = 0.5 }: ThresholdOptions = {}): Metric => ({
  name: 'recall',
  compute: (predictions, targets) => {
    checkRows('recall', predictions, targets)
    const { tp, fn } = counts('recall', predictions, targets, threshold)
    return fraction(tp, tp + fn)
  },
})

/**
 * The confusion matrix: entry [t][p] counts rows of target class t predicted as p. The number of
 * classes defaults to the model's: its number of outputs (2 for one output). Targets outside the
 * model's classes are an error naming the row.
 *
 * @example
 * metrics.confusionMatrix(tensor([[0.9], [0.2]]), tensor([[1], [1]]))  // [[0, 0], [1, 1]]
 */
export const confusionMatrix = (predictions: Tensor, targets: Tensor, classes?: number): number[][] => {
  checkRows('confusionMatrix', predictions, targets)
  const p = classesOf(predictions, 0.5)
  const t = targetClassesOf('confusionMatrix', predictions, targets)
  const k = classes ?? Math.max(2, columns(predictions))
  t.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new T.ArgumentError('confusionMatrix', `target class ${c} of row ${i} is outside [0, ${k})`)
  })
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0))
  p.forEach((c, i) => {
    const row = m[t[i] ?? 0]
    if (row !== undefined) row[c] = (row[c] ?? 0) + 1
  })
  return m
}
