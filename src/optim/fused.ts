/**
 * Fused leafwise kernels for the optimizer building blocks. An update such as Adam's reads the
 * gradient and two moments and writes two new moments and the update: one loop per leaf over
 * plain Float64Arrays does it in a single pass, instead of a dozen tensor ops each allocating a
 * temporary. Trees are matched as `tree.zipWith` matches them (records by key, TreeError naming the
 * path where structures or leaf shapes differ), and every output tree has the first tree's
 * structure.
 */
import * as T from '../tensor/index.js'
import type { ReadonlyFloat64Array, Tensor } from '../tensor/index.js'
import { allocate } from '../tensor/kernels/alloc.js'
import { unsafeTensor } from '../tensor/Tensor.js'
import * as tree from '../tree/index.js'
import { flatLists } from '../tree/flat.js'
import type { Tree } from '../tree/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A per-leaf kernel: reads the inputs' data (equal lengths) and fills every output buffer (fresh,
 * zero-filled, of the same length). It writes nowhere else.
 */
export type LeafKernel = (inputs: readonly ReadonlyFloat64Array[], outputs: readonly Float64Array[]) => void

/** Two or three trees of one structure. */
export type Inputs = readonly [Tree, Tree] | readonly [Tree, Tree, Tree]

const EMPTY: Tensor = T.zeros([0])

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Thrown by a kernel whose input or output list is shorter than its arity: unreachable when the
 * kernel is passed to `fusedLeaves` with the matching counts.
 */
export const arityError = (op: string): Error => new T.ArgumentError(op, 'fused kernel called with too few buffers')

/**
 * Runs `kernel` on the aligned leaves of two or three trees and returns `outputs` trees shaped like
 * the first.
 */
export function fusedLeaves(trees: Inputs, outputs: 1, kernel: LeafKernel): readonly [Tree]
export function fusedLeaves(trees: Inputs, outputs: 2, kernel: LeafKernel): readonly [Tree, Tree]
export function fusedLeaves(trees: Inputs, outputs: 3, kernel: LeafKernel): readonly [Tree, Tree, Tree]
export function fusedLeaves(trees: Inputs, outputs: number, kernel: LeafKernel): readonly Tree[] {
  const extra: Tensor[][] = Array.from({ length: outputs - 1 }, () => [])
  const leaf = (...xs: readonly Tensor[]): Tensor => {
    const first = xs[0]
    if (first === undefined) throw new T.ArgumentError('fusedLeaves', 'no inputs')
    const n = first.data.length
    const buffers = Array.from({ length: outputs }, () => allocate(n))
    kernel(xs.map((x) => x.data), buffers)
    buffers.forEach((b, i) => {
      if (i > 0) extra[i - 1]?.push(unsafeTensor(b, first.shape))
    })
    return unsafeTensor(buffers[0] ?? new Float64Array(n), first.shape)
  }
  const flat = flatLists(trees)
  if (flat !== undefined) {
    // Flat lists of tensors (as fit keeps them): plain loops, outputs as lists.
    const n = flat[0]?.length ?? 0
    const k = flat.length
    const results: Tensor[][] = []
    for (let o = 0; o < outputs; o++) results.push(new Array<Tensor>(n))
    const inputs = new Array<ReadonlyFloat64Array>(k)
    const buffers = new Array<Float64Array>(outputs)
    for (let i = 0; i < n; i++) {
      const first = flat[0]?.[i] ?? EMPTY
      for (let t = 0; t < k; t++) inputs[t] = (flat[t]?.[i] ?? EMPTY).data
      for (let o = 0; o < outputs; o++) buffers[o] = allocate(first.data.length)
      kernel(inputs, buffers)
      for (let o = 0; o < outputs; o++) {
        const list = results[o]
        const b = buffers[o]
        if (list !== undefined && b !== undefined) list[i] = unsafeTensor(b, first.shape)
      }
    }
    return results.map((r) => Object.freeze(r))
  }
  const main = trees.length === 2 ? tree.zipWith(trees[0], trees[1], (a, b) => leaf(a, b)) : tree.zipWith3(trees[0], trees[1], trees[2], (a, b, c) => leaf(a, b, c))
  if (outputs === 1) return [main]
  // zipWith visits leaves in the first tree's order, which is the order flatten lists them in.
  const { treedef } = tree.flatten(main)
  return [main, ...extra.map((leaves) => tree.unflatten(treedef, leaves))]
}
