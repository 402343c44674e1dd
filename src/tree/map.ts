/**
 * `map`: a new tree of the same structure with every leaf transformed.
 */
import { isTensor, type Tensor } from '../tensor/Tensor.js'
import { flatLists } from './flat.js'
import { childPath, describe, nodeOf, rebuild, showPath, TreeError, type Tree } from './Tree.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Applies `f` to every leaf, with the leaf's path, and returns a tree of the same structure (same
 * array lengths, same record keys in the same `Object.keys` order). Leaves are visited depth first
 * in that order. Throws a TreeError naming the path at a node that is not a tree, or where `f`
 * returns something other than a tensor.
 *
 * @example
 * tree.map({ w: vector([1, 2]), b: vector([3]) }, (x) => T.scale(x, 2))  // { w: [2, 4], b: [6] }
 * tree.map({ kernel: vector([2]), bias: vector([2]) }, (x, path) => (path.endsWith('bias') ? x : T.scale(x, 0.5)))  // { kernel: [1], bias: [2] }
 */
export function map<T extends Tree>(tree: T, f: (leaf: Tensor, path: string) => Tensor): T
export function map(tree: Tree, f: (leaf: Tensor, path: string) => Tensor): Tree {
  if (flatLists([tree]) !== undefined && Array.isArray(tree)) {
    // A flat list of tensors: one loop (see flat.ts).
    return Object.freeze(tree.map((leaf: Tensor, i) => checked(f(leaf, `[${i}]`), `[${i}]`)))
  }
  return mapAt(tree, '', f)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const checked = (out: unknown, path: string): Tensor => {
  if (!isTensor(out)) throw new TreeError('tree.map', path, `f returned ${describe(out)} at ${showPath(path)}, expected a tensor`)
  return out
}

const mapAt = (u: unknown, path: string, f: (leaf: Tensor, path: string) => Tensor): Tree => {
  const node = nodeOf('tree.map', u, path)
  if (node.kind === 'leaf') {
    const out: unknown = f(node.leaf, path)
    if (!isTensor(out)) throw new TreeError('tree.map', path, `f returned ${describe(out)} at ${showPath(path)}, expected a tensor`)
    return out
  }
  return rebuild(node, node.children.map((child, i) => mapAt(child, childPath(node, path, i), f)))
}
