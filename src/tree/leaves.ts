/**
 * A tree's leaves in order, and the round trip tree ⇄ (leaves, structure): `flatten` separates the
 * tensors from the shape of the tree (its `TreeDef`), `unflatten` puts new tensors back into it.
 * Serialization and optimizers that work on flat lists of tensors go through these.
 */
import { shapesEqual } from '../tensor/shape.js'
import { formatShape } from '../tensor/errors.js'
import { isTensor, sizeOf, type Shape, type Tensor } from '../tensor/Tensor.js'
import { childPath, describe, nodeOf, rebuild, showPath, TreeError, walk, type ContainerNode, type Tree } from './Tree.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A leaf and where it sits in its tree. */
export interface Leaf {
  readonly path: string
  readonly value: Tensor
}

/** One node of a tree's structure: a leaf's shape, or an array or record of structures. */
export type TreeDefNode =
  | { readonly kind: 'leaf'; readonly shape: Shape }
  | { readonly kind: 'array'; readonly children: readonly TreeDefNode[] }
  | { readonly kind: 'record'; readonly keys: readonly string[]; readonly children: readonly TreeDefNode[] }

/** The structure of a tree without its values: what `unflatten` needs to rebuild it. */
export interface TreeDef<T extends Tree = Tree> {
  readonly _tag: 'TreeDef'
  readonly root: TreeDefNode
  /** Number of leaves. */
  readonly leafCount: number
  /** Phantom: the tree type this structure rebuilds. Never set. */
  readonly _tree?: T
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Every leaf with its path, depth first: array elements in order, record keys in `Object.keys`
 * order. The order is the same for every tree of the same structure built the same way.
 *
 * @example
 * tree.leaves({ layers: [{ weight: zeros([2]), bias: zeros([1]) }] }).map((l) => l.path)  // ['layers[0].weight', 'layers[0].bias']
 */
export const leaves = (tree: Tree): readonly Leaf[] => {
  const out: Leaf[] = []
  walk('tree.leaves', tree, '', (value, path) => out.push(Object.freeze({ path, value })))
  return Object.freeze(out)
}

/**
 * The leaves in order (as {@link leaves}) and the structure to rebuild the tree from them.
 * `unflatten(flatten(t).treedef, flatten(t).leaves)` is a tree equal to `t`.
 *
 * @example
 * const { leaves, treedef } = tree.flatten({ w: vector([1, 2]), b: vector([3]) })
 * leaves  // [[1, 2], [3]]
 * tree.unflatten(treedef, leaves.map((x) => T.scale(x, 2)))  // { w: [2, 4], b: [6] }
 */
export const flatten = <T extends Tree>(tree: T): { readonly leaves: readonly Tensor[]; readonly treedef: TreeDef<T> } => {
  const found: Tensor[] = []
  const describeNode = (u: unknown, path: string): TreeDefNode => {
    const node = nodeOf('tree.flatten', u, path)
    if (node.kind === 'leaf') {
      found.push(node.leaf)
      return Object.freeze({ kind: 'leaf', shape: node.leaf.shape })
    }
    const children = Object.freeze(node.children.map((c, i) => describeNode(c, childPath(node, path, i))))
    return node.kind === 'array'
      ? Object.freeze({ kind: 'array', children })
      : Object.freeze({ kind: 'record', keys: Object.freeze([...node.keys]), children })
  }
  const root = describeNode(tree, '')
  return Object.freeze({ leaves: Object.freeze(found), treedef: Object.freeze({ _tag: 'TreeDef', root, leafCount: found.length }) })
}

/**
 * Rebuilds a tree of the given structure from leaves in flatten order. Throws a TreeError when the
 * number of leaves differs from the structure's, or when a leaf's shape differs from the one
 * recorded at its path.
 *
 * @throws {TreeError} when the number of leaves does not fit the structure, or a leaf is not a tensor
 * @example
 * tree.unflatten(tree.flatten({ w: vector([1]) }).treedef, [vector([5])])  // { w: [5] }
 */
export function unflatten<T extends Tree>(treedef: TreeDef<T>, leaves: readonly Tensor[]): T
export function unflatten(treedef: TreeDef, leaves: readonly Tensor[]): Tree {
  if (leaves.length !== treedef.leafCount) {
    throw new TreeError('tree.unflatten', '', `expected ${treedef.leafCount} leaves for this structure, got ${leaves.length}`)
  }
  let next = 0
  const build = (def: TreeDefNode, path: string): Tree => {
    if (def.kind === 'leaf') {
      const leaf: unknown = leaves[next++]
      if (!isTensor(leaf)) {
        throw new TreeError('tree.unflatten', path, `leaf ${next - 1} (at ${showPath(path)}) is ${describe(leaf)}, expected a tensor`)
      }
      if (!shapesEqual(leaf.shape, def.shape)) {
        throw new TreeError(
          'tree.unflatten',
          path,
          `leaf ${next - 1} (at ${showPath(path)}) has shape ${formatShape(leaf.shape)}, the structure expects ${formatShape(def.shape)}`,
        )
      }
      return leaf
    }
    const node: ContainerNode =
      def.kind === 'array' ? { kind: 'array', children: def.children } : { kind: 'record', keys: def.keys, children: def.children }
    return rebuild(node, def.children.map((c, i) => build(c, childPath(node, path, i))))
  }
  return build(treedef.root, '')
}

/**
 * Number of scalars in the tree: the sum of its leaves' sizes.
 *
 * @example
 * tree.size({ w: zeros([2, 3]), b: zeros([3]) })  // 9
 */
export const size = (tree: Tree): number => {
  let n = 0
  walk('tree.size', tree, '', (leaf) => {
    n += sizeOf(leaf.shape)
  })
  return n
}
