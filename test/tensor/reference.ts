/**
 * Helpers of the reference implementations in the tensor tests: plain index arithmetic,
 * independent of the kernels under test.
 */
import type { Shape } from '../../src/tensor/Tensor.js'

/** The multi-index of flat position `flat` in a row-major tensor of `shape`. */
export const multiIndex = (flat: number, shape: Shape): number[] => {
  const index = new Array<number>(shape.length).fill(0)
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] ?? 1
    index[i] = flat % d
    flat = Math.floor(flat / d)
  }
  return index
}
