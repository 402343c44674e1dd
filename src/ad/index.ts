/**
 * ad — automatic differentiation: Dual values, primitives with their derivative rules, and
 * grad / valueAndGrad / vjp / jvp. Re-exports only.
 *
 * @module dualflow/ad
 */
export { belowDifferentiation, isDual, isUndifferentiated, primalTensor, shapeOf, type Dual, type JitRecorder, type Operand, type Trace, type Value } from './Dual.js'
export * from './errors.js'
export { bind, constantOp, type BinaryOp, type Primitive, type SpecializedKernel, type UnaryOp } from './primitive.js'
export { elementwisePrimitive, type ElementwiseSpec } from './primitives/unary.js'
export * from './primitives/binary.js'
export * from './primitives/unary.js'
export * from './primitives/select.js'
export * from './primitives/shape.js'
export * from './primitives/reduce.js'
export * from './primitives/matmul.js'
export * from './composite/softmax.js'
export * from './reverse.js'
export * from './forward.js'
export * from './custom.js'
export type { ValueTree } from './valueTree.js'
