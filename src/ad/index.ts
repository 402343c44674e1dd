/**
 * ad — automatic differentiation, as users write it: Values (tensors and Duals), the
 * differentiable ops, and grad / valueAndGrad / vjp / jvp / customVjp. How primitives are built
 * and applied (`bind`, `Primitive`, the primitives themselves) is in ./extend.ts, published as
 * `dualflow/extend`. Re-exports only.
 *
 * @module dualflow/ad
 */
export { belowDifferentiation, isDual, isUndifferentiated, isValue, primalTensor, shapeOf, type Dual, type Operand, type Value, type ValueTree } from './Dual.js'
export * from './errors.js'
export { add, div, maximum, minimum, mul, mulStrongZero, pow, sub } from './primitives/binary.js'
export {
  abs,
  addScalar,
  cos,
  elu,
  erf,
  exp,
  expm1,
  gelu,
  leakyRelu,
  log,
  log1p,
  logitsOf,
  neg,
  powScalar,
  reciprocal,
  relu,
  scale,
  sigmoid,
  sign,
  sin,
  softplus,
  sqrt,
  square,
  step,
  stopGradient,
  tanh,
} from './primitives/unary.js'
export * from './primitives/select.js'
export * from './primitives/shape.js'
export * from './primitives/reduce.js'
export * from './primitives/matmul.js'
export { logSoftmax, softmax } from './composite/softmax.js'
export * from './reverse.js'
export * from './forward.js'
export * from './custom.js'
export * from './primitives/conv.js'
export * from './primitives/pool.js'
export { scan, type ScanBody, type ScanOptions } from './scan.js'
export { gruSequence, gruSequenceReference, lstmSequence, lstmSequenceReference, simpleRnnSequence, simpleRnnSequenceReference, type GruSequenceOptions, type RecurrenceOptions } from './recurrent/index.js'
