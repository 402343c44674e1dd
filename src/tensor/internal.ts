/**
 * tensor, for the library's own modules only (not published: no entry in package.json `exports`):
 * the trusted constructors that wrap a buffer without copying (`fromData`, `unsafeTensor` — the
 * caller has just allocated the buffer and never writes to it again) and the kernel machinery that
 * `dualflow/node` installs worker threads into. Other modules import tensor through `index.ts`,
 * `extend.ts` or this file, never past them (test/architecture.test.ts). Re-exports only.
 */
export { fromData, isTensorRecord, unsafeTensor } from './Tensor.js'
export { allocate, allocateOverwritten, installAllocationHook, type AllocationHook } from './kernels/alloc.js'
export { installParallelMatmul, type ParallelMatmul } from './kernels/backend.js'
export { kernelBytes, kernelExports, layoutStrides, wasmApi, type KernelExports, type WasmMemory } from './kernels/wasm.js'
export { poolExecutor, poolWorkerSource, readyIndex, sharedKernels, workerData, type SharedKernels } from './kernels/pool.js'
// For ad's primitives and jit: the kernels' own loops, which a compiled plan runs into its buffers.
export * as elementwiseKernels from './kernels/elementwise.js'
export { affineInto, matmulKernel, productInline } from './kernels/backend.js'
export { convBackpropFilterInto, convBackpropInputInto, convInto } from './kernels/convInto.js'
export type { MatmulLayout } from './kernels/wasm.js'
export { NO_AUX, sumReducer, sumSource } from './kernels/reduce.js'
export { copySource, transposeSource } from './kernels/copy.js'
// For optim's leafwise updates.
export { adamInto, adamSource, adamUpdate, momentumElement, momentumInto, momentumSource, type AdamConstants } from './kernels/optimizer.js'
