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
      if (i > 0) extra[i - 1]?.push(T.unsafeTensor(b, first.shape))
    })
    return T.unsafeTensor(buffers[0] ?? new Float64Array(n), first.shape)
  }
  const flat = flatLists(trees)
  if (flat !== undefined) {
    // Flat lists of tensors (as fit keeps them): one loop, outputs as lists.
    const n = flat[0]?.length ?? 0
    const results = Array.from({ length: outputs }, () => new Array<Tensor>(n))
    for (let i = 0; i < n; i++) {
      const xs = flat.map((l) => l[i] ?? EMPTY)
      const shape = xs[0]?.shape ?? []
      const size = xs[0]?.data.length ?? 0
      const buffers = Array.from({ length: outputs }, () => allocate(size))
      kernel(xs.map((x) => x.data), buffers)
      buffers.forEach((b, k) => {
        const list = results[k]
        if (list !== undefined) list[i] = T.unsafeTensor(b, shape)
      })
    }
    return results.map((r) => Object.freeze(r))
  }
  const main = trees.length === 2 ? tree.zipWith(trees[0], trees[1], (a, b) => leaf(a, b)) : tree.zipWith3(trees[0], trees[1], trees[2], (a, b, c) => leaf(a, b, c))
  if (outputs === 1) return [main]
  // zipWith visits leaves in the first tree's order, which is the order flatten lists them in.
  const { treedef } = tree.flatten(main)
  return [main, ...extra.map((leaves) => tree.unflatten(treedef, leaves))]
}
