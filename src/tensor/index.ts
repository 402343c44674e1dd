/**
 * tensor — immutable n-d arrays of float64 values and the plain kernels over them.
 * Re-exports only.
 *
 * @module dualflow/tensor
 */
export * from './Tensor.js'
export * from './errors.js'
export * from './shape.js'
export * from './elementwise.js'
export * from './reduce.js'
export * from './layout.js'
export * from './linalg.js'
export * from './format.js'
export { useKernels, kernelsInUse, type KernelChoice, type KernelStatus } from './kernels/backend.js'
