/**
 * Inference: `predict` and `evaluate` run the model on plain tensors, in inference mode. No Dual
 * of a differentiation is created. By default the forward pass is compiled with `jit` (one plan
 * per model and batch shape, kept in a per-model cache); `jit: false` runs the plain kernels.
 */
import * as ad from '../ad/index.js'
import type { Value, ValueTree } from '../ad/index.js'
import type { Dataset } from '../data/index.js'
import { jit, JitError } from '../jit/index.js'
import type { Loss } from '../losses/index.js'
import type { Metric } from '../metrics/index.js'
import type { Layer, Params } from '../nn/index.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'
import type { Tree } from '../tree/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of `predict`. */
export interface PredictOptions {
  /**
   * Rows per forward pass (default 32, as Keras and TensorFlow.js). Memory stays bounded whatever
   * the number of rows: a compiled forward pass keeps its buffers for the next call of the same
   * shape, and a whole CNN test set in one pass would hold gigabytes. The rows come out the same
   * bit for bit at any batch size (every op computes a row from that row alone); a larger batch can
   * be faster for small dense models.
   */
  readonly batchSize?: number
  /**
   * Compile the forward pass with `jit` (default true): the same bits as the interpreter. A model
   * whose forward pass cannot be traced runs interpreted.
   */
  readonly jit?: boolean
}

/** Loss (when a loss was given) and metric values. */
export interface Evaluation {
  readonly loss?: number
  readonly metrics: Readonly<Record<string, number>>
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

interface CompiledForward {
  readonly run: (params: ValueTree, state: Tree, rows: Tensor) => ForwardOutput
  /** Set when tracing failed: the model then runs interpreted. */
  untraceable: boolean
}

/**
 * Compiled forward passes by model: a cache (weakly held, so a model that is dropped takes its
 * plans with it), invisible to results — a plan replays the interpreter's bits.
 */
const forwards = new WeakMap<Layer, CompiledForward>()

/**
 * What a compiled forward pass returns: the output and, when it came straight from a sigmoid, the
 * logits it remembers (`ad.logitsOf`), which a replay must hand back too — a loss on probabilities
 * works from them (binary cross-entropy), so without them `evaluate` would give other bits.
 */
interface ForwardOutput {
  readonly y: Value
  readonly logits: Value | undefined
}

/** The output of a replay, carrying its logits again as the interpreter's sigmoid output does (a copy: memory of its own). */
const retagged = ({ y, logits }: ForwardOutput): Value => {
  if (logits === undefined || ad.isDual(y)) return y
  const tagged: Tensor & { readonly logits: Tensor } = { shape: y.shape, data: y.data, logits: T.map(ad.primalTensor(logits), (v) => v) }
  return tagged
}

const compiledForward = (model: Layer): CompiledForward => {
  const known = forwards.get(model)
  if (known !== undefined) return known
  const made: CompiledForward = {
    run: jit((params: ValueTree, state: Tree, rows: Tensor): ForwardOutput => {
      const { y } = model.apply(params, state, rows, { training: false })
      return { y, logits: ad.logitsOf(y) }
    }),
    untraceable: false,
  }
  forwards.set(model, made)
  return made
}

/** Rows per forward pass of `predict` and `evaluate` unless told (Keras's default). */
export const DEFAULT_PREDICT_BATCH = 32

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
export const predict = <P extends Tree, S extends Tree>(model: Layer<P, S>, params: Params<P>, state: S, x: Tensor, { batchSize, jit: compile = true }: PredictOptions = {}): Tensor => {
  const n = x.shape[0] ?? 0
  if (x.shape.length === 0) throw new T.ShapeError('predict', [x.shape], 'expected a batch of rows (rank at least 1), got a scalar')
  if (n === 0) throw new T.ArgumentError('predict', `the input x ${T.formatShape(x.shape)} is empty (0 rows)`)
  const size = batchSize ?? DEFAULT_PREDICT_BATCH
  if (!Number.isInteger(size) || size <= 0) throw new T.ArgumentError('predict', `batchSize must be a positive integer, got ${size}`)
  const forward = compile ? compiledForward(model) : undefined
  const interpreted = (rows: Tensor): Value => model.apply(params, state, rows, { training: false }).y
  const run = (rows: Tensor): Tensor => {
    let y: Value
    if (forward === undefined || forward.untraceable) y = interpreted(rows)
    else {
      try {
        y = retagged(forward.run(params, state, rows))
      } catch (e) {
        if (!(e instanceof JitError)) throw e
        forward.untraceable = true
        y = interpreted(rows)
      }
    }
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
export const evaluate = <P extends Tree, S extends Tree>(
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
