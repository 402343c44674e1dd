/**
 * tensor, for extenders: how a new kernel makes its output. Users never need this face; modules
 * that write their own loops (the optimizers' fused updates, a new primitive's kernel) do.
 * Re-exports and one constructor.
 *
 * The contract of a kernel, as for every kernel of the library: it writes only into buffers it has
 * just received from here, inside its own body, before the tensors are handed out; it never keeps
 * a reference to them.
 */
import { allocate } from './kernels/alloc.js'
import { checkShape, sizeOf, unsafeTensor, type Shape, type Tensor } from './Tensor.js'

export { allocate } from './kernels/alloc.js'

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * `count` fresh tensors of `shape`, written by one call of `write` on their zero-filled buffers:
 * a kernel with several outputs (Adam's update and its two moments) runs one loop for all of them.
 *
 * @example
 * const [filled, halves] = fromKernel([3], 2, ([a, b]) => { a?.fill(1); b?.fill(0.5) })
 * filled  // [1, 1, 1]
 * halves  // [0.5, 0.5, 0.5]
 */
export const fromKernel = (shape: Shape, count: number, write: (outputs: readonly Float64Array[]) => void): readonly Tensor[] => {
  checkShape('fromKernel', shape)
  const n = sizeOf(shape)
  const buffers: Float64Array[] = []
  for (let i = 0; i < count; i++) buffers.push(allocate(n))
  write(buffers)
  return buffers.map((b) => unsafeTensor(b, shape))
}
