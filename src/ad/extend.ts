/**
 * ad, for extenders: how a primitive is defined (`Primitive`: value, vjp and jvp side by side),
 * applied at any nesting of traces (`bind`) and typed as an op (a tensor in gives a tensor out),
 * and the library's own primitives, whose rules a new op may reuse. docs/EXTENDING.md shows how
 * to add an op with its laws. Re-exports only.
 */
export { duringJitTrace, jitTracing, valueLeaf, type JitMultiRecorder, type JitRecorder, type Trace } from './Dual.js'
export { keyWords, TRACED_KEY_WORDS } from './keys.js'
export {
  bind,
  binaryOp,
  constantOp,
  constantMultiOp,
  binaryOverloads,
  productOverloads,
  toValue,
  unaryOp,
  unaryOverloads,
  type BinaryOp,
  type ElementFunction,
  type InlineKernel,
  type InlineMultiKernel,
  type InlineScope,
  type MultiOutputKernel,
  type Primitive,
  type ProductOp,
  type SpecializedKernel,
  type SpecializedMultiKernel,
  type UnaryOp,
} from './primitive.js'
export { elementwisePrimitive, type ElementwiseSpec } from './primitives/unary.js'
export { addPrimitive, divPrimitive, maximumPrimitive, minimumPrimitive, mulPrimitive, mulStrongZeroPrimitive, powPrimitive, subPrimitive } from './primitives/binary.js'
export { softmaxKernel } from './composite/softmax.js'
