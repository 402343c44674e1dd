/**
 * nn — layers as differentiable morphisms: the Layer type and its combinators (sequential,
 * parallel, residual, identity, input), the layer catalogue, initializers and summaries.
 * Re-exports only.
 */
export { childContext, identity, input, parallel, residual, sequential, } from './Layer.js';
export { LayerError } from './errors.js';
export { dense } from './dense.js';
export { elu, gelu, leakyRelu, relu, sigmoid, softmax, softplus, step, stepStraightThrough, tanh } from './activations.js';
export { dropout } from './dropout.js';
export { batchNorm } from './batchNorm.js';
export { layerNorm } from './layerNorm.js';
export { flatten } from './flatten.js';
export { countOf, summary } from './summary.js';
export { constant, fans, glorotNormal, glorotUniform, heNormal, heUniform, lecunNormal, lecunUniform, normal, ones, uniform, zeros, } from './init.js';
