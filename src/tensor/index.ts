/**
 * tensor — immutable n-d arrays of float64 values and the plain kernels over them.
 * Re-exports only.
 *
 * @module dualflow/tensor
 */
// Tensor.ts without its internal constructors (fromData, unsafeTensor), which wrap a buffer without
// copying: a public one would let a user alias memory they keep writing to. Library modules import
// them from './Tensor.js' directly; everything public that takes values copies them.
export {
  arange,
  checkShape,
  eye,
  fromArray,
  full,
  isTensor,
  linspace,
  ones,
  scalar,
  sizeOf,
  tensor,
  tensorEither,
  vector,
  zeros,
  type NestedArray,
  type ReadonlyFloat64Array,
  type Shape,
  type Tensor,
} from './Tensor.js'
export * from './errors.js'
export * from './shape.js'
export * from './elementwise.js'
export * from './reduce.js'
export * from './layout.js'
export * from './linalg.js'
export * from './format.js'
export * from './window.js'
export * from './conv.js'
export * from './pool.js'
export * from './translate.js'
export { useKernels, kernelsInUse, type KernelChoice, type KernelStatus } from './kernels/backend.js'
