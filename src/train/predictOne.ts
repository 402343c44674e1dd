/**
 * Prediction for one sample: the batch axis added on the way in and removed on the way out.
 */
import type { Layer, Params } from '../nn/index.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'
import type { Tree } from '../tree/index.js'
import { predict } from './evaluate.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The model's output for one sample `x` that has no batch axis (shape `[8]` for a model trained on
 * rows of 8 features), in inference mode. The rule: `predictOne(model, params, state, x)` is
 * `predict` of the batch `[x]` (shape `[1, ...x.shape]`) with the leading axis of the result
 * removed. `predict` itself never guesses: its first axis is always the batch.
 *
 * @throws {ArgumentError} (from the tensor module) when the model's output has no leading axis of
 * length 1, i.e. the model does not keep the batch axis; and whatever the model's layers throw for
 * a sample of the wrong shape (a `ShapeError` naming the op and the shapes).
 *
 * @example
 * const model = nn.dense(1, { kernelInitializer: nn.constant(0.5) })
 * const { params, state } = model.init(random.key(0), [2])
 * train.predictOne(model, params, state, tensor([1, 2]))  // [1.5]
 */
export const predictOne = <P extends Tree, S extends Tree>(model: Layer<P, S>, params: Params<P>, state: S, x: Tensor): Tensor => {
  const y = predict(model, params, state, T.expandDims(x, 0))
  if (y.shape[0] !== 1) {
    throw new T.ArgumentError('predictOne', `the model's output for a batch of one sample has shape ${T.formatShape(y.shape)}: expected a leading batch axis of length 1`)
  }
  return T.squeeze(y, 0)
}
