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
 *
 * @example
 * const model = nn.dense(1, { kernelInitializer: nn.constant(0.5) })
 * const { params, state } = model.init(random.key(0), [2])
 * train.predict(model, params, state, tensor([[1, 2], [3, 4]]))  // [[1.5], [3.5]]
 */
export const predict = <P, S>(model: Layer<P, S>, params: Params<P>, state: S, x: Tensor, { batchSize }: PredictOptions = {}): Tensor => {
  const n = x.shape[0] ?? 0
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

/** Loss and metrics of the model on a dataset, in inference mode. */
export const evaluate = <P, S>(
  model: Layer<P, S>,
  params: Params<P>,
  state: S,
  data: Dataset,
  metrics: readonly Metric[],
  options: PredictOptions & { readonly loss?: Loss } = {},
): Evaluation => {
  const predictions = predict(model, params, state, data.x, options)
  const values = Object.fromEntries(metrics.map((m) => [m.name, m.compute(predictions, data.y)]))
  if (options.loss === undefined) return { metrics: values }
  return { loss: T.item(ad.primalTensor(options.loss(predictions, data.y))), metrics: values }
}
