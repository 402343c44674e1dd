/**
 * `map`: a new tree of the same structure with every leaf transformed.
 */
import { isTensor, type Tensor } from '../tensor/index.js'
import { flattenNode, paths, unflatten, type TreeDef } from './leaves.js'
import { describe, showPath, tensorLeaf, TreeError, type LeafKind, type Tree, type WithLeaves } from './Tree.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Applies `f` to every leaf, with the leaf's path, and returns a tree of the same structure (same
 * array lengths, same record keys in the same `Object.keys` order). Leaves are visited in flatten
 * order. Throws a TreeError naming the path at a node that is not a tree, or where `f` returns
 * something other than a tensor. With a leaf `kind`, the leaves are of that kind and `f` may return
 * anything (the result is a tree of what it returns).
 *
 * @throws {TreeError} naming the path of a node that is not a tree, or of a result that is not a tensor
 * @example
 * tree.map({ w: vector([1, 2]), b: vector([3]) }, (x) => T.scale(x, 2))  // { w: [2, 4], b: [6] }
 * tree.map({ kernel: vector([2]), bias: vector([2]) }, (x, path) => (path.endsWith('bias') ? x : T.scale(x, 0.5)))  // { kernel: [1], bias: [2] }
 */
export function map<T extends Tree>(tree: T, f: (leaf: Tensor, path: string) => Tensor): T
export function map<L, M, T extends Tree<L>>(tree: T, f: (leaf: L, path: string) => M, kind: LeafKind<L>): WithLeaves<T, M>
export function map(tree: unknown, f: (leaf: never, path: string) => unknown, kind?: LeafKind<unknown>): unknown {
  const found: unknown[] = []
  const root = flattenNode('tree.map', tree, kind ?? tensorLeaf, found)
  const treedef: TreeDef<unknown> = { _tag: 'TreeDef', root, leafCount: found.length }
  // Paths are built only for an `f` that reads them (or for an error message).
  const at = f.length > 1 ? paths(treedef) : undefined
  const out = new Array<unknown>(found.length)
  for (let i = 0; i < found.length; i++) {
    const y: unknown = Reflect.apply(f, undefined, [found[i], at?.[i] ?? ''])
    if (kind === undefined && !isTensor(y)) {
      const path = paths(treedef)[i] ?? ''
      throw new TreeError('tree.map', path, `f returned ${describe(y)} at ${showPath(path)}, expected a tensor`)
    }
    out[i] = y
  }
  return unflatten(treedef, out)
}
