/**
 * What `fit` checks before any work: its options, the data (shapes agree, values finite, labels
 * within the model's classes) and, with one forward pass on two rows, that the model's output fits
 * the loss. Every problem is a `TrainError` naming the option.
 */
import { rowCount, take, type Dataset } from '../data/index.js'
import type { Loss } from '../losses/index.js'
import * as T from '../tensor/index.js'
import type { Shape, Tensor } from '../tensor/index.js'
import { TrainError } from './errors.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * A positive integer, or a TrainError naming the option.
 *
 * @throws {TrainError} for anything else
 */
export const positiveInteger = (option: string, v: number): void => {
  if (!Number.isInteger(v) || v < 1) throw new TrainError(option, `must be a positive integer, got ${v}`)
}

/**
 * x and y have rows, the same number of them, and only finite values.
 *
 * @throws {TrainError} naming the dataset and the first problem (shapes, empty data, the row and column of a non-finite value)
 */
export const checkDataset = (name: string, ds: Dataset): void => {
  if (ds.x.shape.length === 0 || ds.y.shape.length === 0 || rowsOf(ds.x) !== rowsOf(ds.y)) {
    throw new TrainError(name, `x ${T.formatShape(ds.x.shape)} and y ${T.formatShape(ds.y.shape)} must have the same number of rows`)
  }
  if (rowsOf(ds.x) === 0) throw new TrainError(name, `the data is empty (x ${T.formatShape(ds.x.shape)}, y ${T.formatShape(ds.y.shape)}): there is nothing to train on`)
  checkFinite(`${name}.x`, ds.x)
  checkFinite(`${name}.y`, ds.y)
}

/**
 * The training and validation sets: `data` and `validationData`, or `data` split as Keras's
 * `validationSplit` (the last rows held out).
 *
 * @throws {TrainError} for a bad dataset, a split out of (0, 1) or leaving a set empty, or both options given
 */
export const trainAndValidation = (
  data: Dataset,
  options: { readonly validationSplit?: number; readonly validationData?: Dataset },
): readonly [Dataset, Dataset | undefined] => {
  checkDataset('data', data)
  const fraction = options.validationSplit
  if (fraction !== undefined && !(fraction > 0 && fraction < 1)) throw new TrainError('validationSplit', `must be in (0, 1), got ${fraction}`)
  if (fraction !== undefined && options.validationData !== undefined) throw new TrainError('validationSplit', 'give validationData or validationSplit, not both')
  const [train, validation] = fraction === undefined ? [data, options.validationData] : split(data, fraction)
  if (validation !== undefined) checkDataset('validationData', validation)
  return [train, validation]
}

/**
 * The probe: `predict` on the first two rows must give outputs whose classes the labels fit and
 * that the loss accepts with the targets.
 *
 * @throws {TrainError} naming the labels out of the model's classes, or the output the loss refuses
 */
export const checkModelFits = (predict: (x: Tensor) => Tensor, loss: Loss, train: Dataset, validation: Dataset | undefined): void => {
  const probe = take(train, Array.from({ length: Math.min(2, rowCount(train)) }, (_, i) => i))
  const out = predict(probe.x)
  checkLabels('data.y', train.y, out.shape.slice(1))
  if (validation !== undefined) checkLabels('validationData.y', validation.y, out.shape.slice(1))
  try {
    loss(out, probe.y)
  } catch (e) {
    throw new TrainError('loss', `the model's output ${T.formatShape(out.shape)} does not fit the targets ${T.formatShape(probe.y.shape)}: ${e instanceof Error ? e.message : String(e)}`)
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const rowsOf = (t: Tensor): number => t.shape[0] ?? 0

const checkFinite = (name: string, t: Tensor): void => {
  const columns = rowsOf(t) === 0 ? 1 : T.sizeOf(t.shape) / rowsOf(t)
  const bad = t.data.findIndex((v) => !Number.isFinite(v))
  if (bad >= 0) {
    throw new TrainError(name, `row ${Math.floor(bad / columns)}, column ${bad % columns} holds ${t.data[bad]}; the data must be finite`)
  }
}

/** Integer labels (one target column) for a model with k > 1 outputs must lie in [0, k). */
const checkLabels = (name: string, y: Tensor, outputShape: Shape): void => {
  const k = outputShape[outputShape.length - 1] ?? 1
  const columns = rowsOf(y) === 0 ? 1 : T.sizeOf(y.shape) / rowsOf(y)
  if (k <= 1 || columns !== 1) return
  const bad = y.data.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= k)
  if (bad >= 0) throw new TrainError(name, `label ${y.data[bad]} in row ${bad} is not a class of the model's ${k} outputs (expected an integer in [0, ${k}))`)
}

const split = (ds: Dataset, fraction: number): readonly [Dataset, Dataset] => {
  const n = rowsOf(ds.x)
  const held = Math.floor(n * fraction)
  if (held < 1 || held >= n) throw new TrainError('validationSplit', `${fraction} of ${n} rows leaves an empty training or validation set`)
  const rows = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i)
  return [take(ds, rows(0, n - held)), take(ds, rows(n - held, n))]
}
