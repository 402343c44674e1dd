/**
 * Inference: `predict` and `evaluate` run the model on plain tensors, in inference mode. No Dual
 * is created: the ops take the plain-kernel path, so prediction pays nothing for differentiation.
 */
import * as ad from '../ad/index.js'
import type { Dataset } from '../data/index.js'
import type { Loss } from '../losses/index.js'
import type { Metric } from '../metrics/index.js'
import type { Layer, Params } from '../nn/index.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of `predict`. */
export interface PredictOptions {
  /** Rows per forward pass (default: all rows at once). */
  readonly batchSize?: number
}

/** Loss (when a loss was given) and metric values. */
export interface Evaluation {
  readonly loss?: number
  readonly metrics: Readonly<Record<string, number>>
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The model's output for x, in inference mode (dropout off, batch norm on running statistics).
 * The first axis of x is the batch; for one sample without it, use `predictOne`.
 *
 * @example
 * const model = nn.dense(1, { kernelInitializer: nn.constant(0.5) })
 * const { params, state } = model.init(random.key(0), [2])
 * train.predict(model, params, state, tensor([[1, 2], [3, 4]]))  // [[1.5], [3.5]]
 */
export const predict = <P, S>(model: Layer<P, S>, params: Params<P>, state: S, x: Tensor, { batchSize }: PredictOptions = {}): Tensor => {
  const n = x.shape[0] ?? 0
  if (x.shape.length === 0) throw new T.ShapeError('predict', [x.shape], 'expected a batch of rows (rank at least 1), got a scalar')
  if (n === 0) throw new T.ArgumentError('predict', `the input x ${T.formatShape(x.shape)} is empty (0 rows)`)
  const size = batchSize ?? n
  if (!Number.isInteger(size) || size <= 0) throw new T.ArgumentError('predict', `batchSize must be a positive integer, got ${size}`)
  const run = (rows: Tensor): Tensor => {
    const { y } = model.apply(params, state, rows, { training: false })
    if (ad.isDual(y)) throw new T.ArgumentError('predict', 'the model returned a Dual for plain inputs: a layer differentiates where it should not')
    return y
  }
  if (size >= n) return run(x)
  const parts: Tensor[] = []
  for (let start = 0; start < n; start += size) {
    parts.push(run(T.slice(x, [start, ...x.shape.slice(1).map(() => 0)], [Math.min(size, n - start), ...x.shape.slice(1)])))
  }
  return T.concat(parts, 0)
}

/**
 * Integer labels (one target column) for a model with k > 1 outputs must lie in [0, k); the first
 * one that does not is an error naming its row.
 */
export const checkLabels = (op: string, y: Tensor, outputShape: readonly number[]): void => {
  const k = outputShape[outputShape.length - 1] ?? 1
  const rows = y.shape[0] ?? 0
  const columns = rows === 0 ? 1 : T.sizeOf(y.shape) / rows
  if (k <= 1 || columns !== 1) return
  const bad = y.data.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= k)
  if (bad >= 0) throw new T.ArgumentError(op, `label ${y.data[bad]} in row ${bad} is not a class of the model's ${k} outputs (expected an integer in [0, ${k}))`)
}

/** Loss and metrics of the model on a dataset, in inference mode; labels are checked against the model's outputs. */
export const evaluate = <P, S>(
  model: Layer<P, S>,
  params: Params<P>,
  state: S,
  data: Dataset,
  metrics: readonly Metric[],
  options: PredictOptions & { readonly loss?: Loss } = {},
): Evaluation => {
  const rows = data.x.shape[0] ?? 0
  if (rows === 0) throw new T.ArgumentError('evaluate', `the data is empty (x ${T.formatShape(data.x.shape)}, y ${T.formatShape(data.y.shape)})`)
  const predictions = predict(model, params, state, data.x, options)
  checkLabels('evaluate', data.y, predictions.shape.slice(1))
  const values = Object.fromEntries(metrics.map((m) => [m.name, m.compute(predictions, data.y)]))
  if (options.loss === undefined) return { metrics: values }
  return { loss: T.item(ad.primalTensor(options.loss(predictions, data.y))), metrics: values }
}
