/**
 * nn — layers as differentiable morphisms: the Layer type and its combinators (sequential,
 * parallel, residual, identity, input), the layer catalogue, initializers and summaries.
 * Re-exports only.
 *
 * @module dualflow/nn
 */
export {
  childContext,
  identity,
  input,
  parallel,
  residual,
  sequential,
  type Applied,
  type ApplyContext,
  type Initialized,
  type JsonValue,
  type Layer,
  type LayerSpec,
  type Merge,
} from './Layer.js'
export { LayerError } from './errors.js'
export { dense, type DenseOptions } from './dense.js'
export { elu, gelu, leakyRelu, relu, sigmoid, softmax, softplus, step, stepStraightThrough, tanh } from './activations.js'
export { dropout } from './dropout.js'
export { batchNorm, type BatchNormOptions } from './batchNorm.js'
export { layerNorm, type LayerNormOptions } from './layerNorm.js'
export { flatten } from './flatten.js'
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
  uniform,
  zeros,
  type Fans,
  type Initializer,
  type NormalInitializerOptions,
  type UniformInitializerOptions,
} from './init.js'
