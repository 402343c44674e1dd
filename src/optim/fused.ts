/**
 * Fused leafwise kernels for the optimizer building blocks. An update such as Adam's reads the
 * gradient and two moments and writes two new moments and the update: one loop per leaf over
 * plain Float64Arrays does it in a single pass, instead of a dozen tensor ops each allocating a
 * temporary. The trees' leaves are aligned once by `tree.alignedLeaves` (one flatten each when
 * the structures are equal — the flat list of leaves that `fit` hands the optimizer is the
 * simplest such structure — records matched by key otherwise, TreeError naming the path where
 * structures or leaf shapes differ), and every output tree has the first tree's structure.
 */
import * as T from '../tensor/index.js'
import type { ReadonlyFloat64Array, Tensor } from '../tensor/index.js'
import { fromKernel } from '../tensor/extend.js'
import * as tree from '../tree/index.js'
import type { Tree } from '../tree/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A per-leaf kernel: reads the inputs' data (equal lengths) and fills every output buffer (fresh,
 * zero-filled, of the same length). It writes nowhere else.
 */
export type LeafKernel = (inputs: readonly ReadonlyFloat64Array[], outputs: readonly Float64Array[]) => void

/** Two or three trees of one structure. */
export type Inputs = readonly [Tree, Tree] | readonly [Tree, Tree, Tree]

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
  const { lists, treedef } = tree.alignedLeaves('fusedLeaves', trees)
  const n = treedef.leafCount
  const results: Tensor[][] = []
  for (let o = 0; o < outputs; o++) results.push(new Array<Tensor>(n))
  const inputs = new Array<ReadonlyFloat64Array>(lists.length)
  const write = (buffers: readonly Float64Array[]): void => kernel(inputs, buffers)
  for (let i = 0; i < n; i++) {
    const first = lists[0]?.[i]
    if (first === undefined) throw arityError('fusedLeaves')
    for (let t = 0; t < lists.length; t++) inputs[t] = (lists[t]?.[i] ?? first).data
    const made = fromKernel(first.shape, outputs, write)
    for (let o = 0; o < outputs; o++) {
      const list = results[o]
      const t = made[o]
      if (list !== undefined && t !== undefined) list[i] = t
    }
  }
  return results.map((leaves) => tree.unflatten(treedef, leaves))
}
