/**
 * nn — layers as differentiable morphisms: the Layer type and its combinators (sequential,
 * parallel, residual, identity, input), the layer catalogue, initializers and summaries.
 * Re-exports only.
 *
 * @module dualflow/nn
 */
export {
  checkBatched,
  childContext,
  type Applied,
  type ApplyContext,
  type Initialized,
  type JsonValue,
  type Layer,
  type LayerSpec,
  type Merge,
  type NoParams,
  type NoState,
  type Params,
  type ParamsOf,
  type ParamsOfAll,
  type StateOf,
  type StatesOfAll,
} from './Layer.js'
export { identity, input, parallel, residual, sequential } from './combinators.js'
export { LayerError } from './errors.js'
export { dense, type DenseKernelOnly, type DenseMaybeBias, type DenseOptions, type DenseParams } from './dense.js'
export { elu, gelu, leakyRelu, relu, sigmoid, softmax, softplus, step, stepStraightThrough, tanh, type Activation } from './activations.js'
export { dropout } from './dropout.js'
export { batchNorm, type BatchNormOptions, type BatchNormState, type NormParams } from './batchNorm.js'
export { layerNorm, type LayerNormOptions } from './layerNorm.js'
export { flatten } from './flatten.js'
export { conv1d, conv2d, type ConvKernelOnly, type ConvLayerOptions, type ConvMaybeBias, type ConvParams } from './conv.js'
export {
  avgPool1d,
  avgPool2d,
  globalAvgPool1d,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
  maxPool1d,
  maxPool2d,
  zeroPadding2d,
  type PoolLayerOptions,
} from './pool.js'
export { embedding, type EmbeddingOptions, type EmbeddingParams } from './embedding.js'
export { randomShift } from './augment.js'
export {
  bidirectional,
  gru,
  isRecurrent,
  lstm,
  simpleRnn,
  type BidirectionalMerge,
  type GruOptions,
  type LstmOptions,
  type BidirectionalParams,
  type RecurrentKernelsOnly,
  type RecurrentLayer,
  type RecurrentMaybeBias,
  type RecurrentParams,
  type RecurrentOptions,
  type RecurrentResult,
} from './rnn.js'
export { countOf, summary, type Summary, type SummaryRow } from './summary.js'
export {
  constant,
  fans,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  normal,
  ones,
  orthogonal,
  uniform,
  zeros,
  type Fans,
  type Initializer,
  type NormalInitializerOptions,
  type OrthogonalInitializerOptions,
  type UniformInitializerOptions,
} from './init.js'
