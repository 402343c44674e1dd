/**
 * The one round trip tree ⇄ (leaves, structure), as JAX's pytrees: `flatten` separates the leaves
 * from the shape of the tree (its `TreeDef`, a value that can be compared and reused) and
 * `unflatten` puts new leaves back into it. `ad` flattens what it differentiates with it, `train`
 * flattens the parameters once per fit and works on the leaf list, optimizers and serialization
 * go through it; `leaves` and `size` read a tree in the same order.
 */
import { sizeOf, type Tensor } from '../tensor/index.js'
import { describe, isPlainRecord, isTree, joinPath, showPath, tensorLeaf, TreeError, type LeafKind, type Tree, type WithLeaves } from './Tree.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A leaf and where it sits in its tree. */
export interface Leaf<L = Tensor> {
  readonly path: string
  readonly value: L
}

/** One node of a tree's structure: a leaf, or an array or record of structures. */
export type TreeDefNode =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'array'; readonly children: readonly TreeDefNode[] }
  | { readonly kind: 'record'; readonly keys: readonly string[]; readonly children: readonly TreeDefNode[] }

/**
 * The structure of a tree without its leaves: array lengths, record keys in order, where the
 * leaves go. What `unflatten` needs to rebuild the tree; two trees have the same structure when
 * their treedefs are equal (`treedefEquals`). Leaf values and shapes are not part of it.
 */
export interface TreeDef<T = Tree> {
  readonly _tag: 'TreeDef'
  readonly root: TreeDefNode
  /** Number of leaves. */
  readonly leafCount: number
  /** Phantom: the tree type this structure rebuilds. Never set. */
  readonly _tree?: T
}

/** Options of `unflatten`. */
export interface UnflattenOptions {
  /**
   * Freeze the containers built (default true). `ad` builds the trees it hands to a function under
   * differentiation without freezing: they live for one call, and freezing costs time per step.
   */
  readonly freeze?: boolean
}

/** What `flatten` gives: the leaves in tree order and the structure. */
export interface Flattened<L, T> {
  readonly leaves: readonly L[]
  readonly treedef: TreeDef<T>
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The leaves in order (depth first: array elements in order, record keys in `Object.keys` order)
 * and the structure to rebuild the tree from them. `unflatten(flatten(t).treedef, flatten(t).leaves)`
 * is a tree equal to `t`. Leaves are tensors, or of the `kind` given. A node that is neither a
 * leaf, an array nor a plain record is a TreeError naming its path (so `flatten` also checks a
 * value from outside the type system: JSON, a function's result). The structure and the leaf list
 * are typed readonly and never written to.
 *
 * @example
 * const { leaves, treedef } = tree.flatten({ w: vector([1, 2]), b: vector([3]) })
 * leaves  // [[1, 2], [3]]
 * tree.unflatten(treedef, leaves.map((x) => T.scale(x, 2)))  // { w: [2, 4], b: [6] }
 */
export function flatten<T extends Tree>(tree: T): Flattened<Tensor, T>
export function flatten<L, T extends Tree<L>>(tree: T, kind: LeafKind<L>): Flattened<L, T>
export function flatten<L>(tree: unknown, kind: LeafKind<L>): Flattened<L, Tree<L>>
export function flatten(tree: unknown, kind: LeafKind<unknown> = tensorLeaf): Flattened<unknown, unknown> {
  const found: unknown[] = []
  const root = flattenNode('tree.flatten', tree, kind, found)
  return { leaves: found, treedef: { _tag: 'TreeDef', root, leafCount: found.length } }
}

/**
 * Rebuilds a tree of the given structure from leaves in flatten order (of any type: a structure
 * flattened from tensors rebuilds a tree of Duals just as well; with tensor leaves the result has
 * the type the structure was flattened from). Throws a TreeError when the
 * number of leaves differs from the structure's.
 *
 * @throws {TreeError} when the number of leaves does not fit the structure, or a leaf is not a tensor
 * @example
 * tree.unflatten(tree.flatten({ w: vector([1]) }).treedef, [vector([5])])  // { w: [5] }
 */
export function unflatten<T>(treedef: TreeDef<T>, leaves: readonly Tensor[], options?: UnflattenOptions): T
export function unflatten<T, L>(treedef: TreeDef<T>, leaves: readonly L[], options?: UnflattenOptions): WithLeaves<T, L>
export function unflatten(treedef: TreeDef<unknown>, leaves: readonly unknown[], { freeze = true }: UnflattenOptions = {}): unknown {
  if (leaves.length !== treedef.leafCount) {
    throw new TreeError('tree.unflatten', '', `expected ${treedef.leafCount} leaves for this structure, got ${leaves.length}`)
  }
  let next = 0
  const build = (def: TreeDefNode): unknown => {
    if (def.kind === 'leaf') return leaves[next++]
    const { children } = def
    const n = children.length
    if (def.kind === 'array') {
      const out = new Array<unknown>(n)
      for (let i = 0; i < n; i++) out[i] = build(children[i] ?? LEAF)
      return freeze ? Object.freeze(out) : out
    }
    const out: Record<string, unknown> = {}
    for (let i = 0; i < n; i++) {
      const key = def.keys[i] ?? ''
      const value = build(children[i] ?? LEAF)
      // An own data property for every key: `__proto__` must not reach the prototype setter.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
      else out[key] = value
    }
    return freeze ? Object.freeze(out) : out
  }
  return build(treedef.root)
}

/**
 * True when two structures are the same: same kinds, array lengths, and record keys in the same
 * order. (Trees whose records hold the same keys in another order have different treedefs;
 * `zipWith` still matches them by key.)
 *
 * @example
 * tree.treedefEquals(tree.flatten({ w: zeros([2]) }).treedef, tree.flatten({ w: zeros([5]) }).treedef)  // true
 * tree.treedefEquals(tree.flatten([zeros([2])]).treedef, tree.flatten({ w: zeros([2]) }).treedef)       // false
 */
export const treedefEquals = (a: TreeDef<unknown>, b: TreeDef<unknown>): boolean =>
  a === b || (a.leafCount === b.leafCount && nodesEqual(a.root, b.root))

/**
 * The path of every leaf of a structure, in flatten order: `['layers[0].weight', …]`.
 *
 * @example
 * tree.paths(tree.flatten({ layers: [{ kernel: zeros([1]) }] }).treedef)  // ['layers[0].kernel']
 */
export const paths = (treedef: TreeDef<unknown>): readonly string[] => {
  const out: string[] = []
  const visit = (def: TreeDefNode, path: string): void => {
    if (def.kind === 'leaf') out.push(path)
    else if (def.kind === 'array') def.children.forEach((c, i) => visit(c, joinPath(path, i)))
    else def.children.forEach((c, i) => visit(c, joinPath(path, def.keys[i] ?? '')))
  }
  visit(treedef.root, '')
  return out
}

/**
 * Every leaf with its path, in flatten order. The order is the same for every tree of the same
 * structure built the same way.
 *
 * @example
 * tree.leaves({ layers: [{ weight: zeros([2]), bias: zeros([1]) }] }).map((l) => l.path)  // ['layers[0].weight', 'layers[0].bias']
 */
export function leaves(tree: Tree): readonly Leaf[]
export function leaves<L>(tree: Tree<L>, kind: LeafKind<L>): readonly Leaf<L>[]
export function leaves(tree: unknown, kind: LeafKind<unknown> = tensorLeaf): readonly Leaf<unknown>[] {
  const found: unknown[] = []
  const treedef: TreeDef<unknown> = { _tag: 'TreeDef', root: flattenNode('tree.leaves', tree, kind, found), leafCount: found.length }
  const at = paths(treedef)
  return Object.freeze(found.map((value, i) => Object.freeze({ path: at[i] ?? '', value })))
}

/**
 * `u` as a tree (of tensors, or of the `kind` given), checked: a TreeError naming `op` and the path
 * of the first node that is neither a leaf, an array nor a plain record (or saying that `u` has a
 * cycle). For values from outside the type system: JSON, a function's result.
 *
 * @throws {TreeError} when `u` is not a tree
 * @example
 * tree.asTree('load', { w: vector([1]) })  // { w: [1] }
 * tree.asTree('load', { w: [1] })          // throws TreeError "load: not a tree at w[0]: expected a tensor, an array or a plain record, got a number"
 */
export function asTree(op: string, u: unknown): Tree
export function asTree<L>(op: string, u: unknown, kind: LeafKind<L>): Tree<L>
export function asTree(op: string, u: unknown, kind: LeafKind<unknown> = tensorLeaf): unknown {
  if (isTree(u, kind)) return u
  flattenNode(op, u, kind, [])
  throw new TreeError(op, '', 'not a tree: it contains a cycle')
}

/**
 * Number of scalars in the tree: the sum of its leaves' sizes.
 *
 * @example
 * tree.size({ w: zeros([2, 3]), b: zeros([3]) })  // 9
 */
export const size = (tree: Tree): number => {
  const found: Tensor[] = []
  flattenNode('tree.size', tree, tensorLeaf, found)
  let n = 0
  for (const leaf of found) n += sizeOf(leaf.shape)
  return n
}

// ─── internal (shared by the tree modules) ──────────────────────────────────────────────────────

/** The structure of a leaf (one shared value). */
export const LEAF: TreeDefNode = Object.freeze({ kind: 'leaf' })

/**
 * The walker behind every flatten: appends the leaves of `u` to `out` and returns its structure,
 * or throws a TreeError naming `op` and the path of the first node that is not a tree node (found
 * by a second walk, so that the common case builds no path).
 *
 * @throws {TreeError} at a node that is neither a leaf, an array nor a plain record
 */
export const flattenNode = <L>(op: string, u: unknown, kind: LeafKind<L>, out: L[]): TreeDefNode => {
  const root = walkNode(u, kind, out)
  if (root !== undefined) return root
  const path = firstNonTree(u, kind, '') ?? ''
  const bad = nodeAt(u, path, kind)
  throw new TreeError(op, path, `not a tree at ${showPath(path)}: expected ${kind.name}, an array or a plain record, got ${describe(bad)}`)
}

/**
 * Appends the leaves of `u` to `out` when `u` has exactly the structure `def` (kinds, array
 * lengths, record keys in the same order) and returns true; returns false at the first difference
 * (what was appended is then meaningless). One walk, nothing built: how a second tree is read along
 * the structure of a first.
 */
export const leavesAlong = <L>(def: TreeDefNode, u: unknown, kind: LeafKind<L>, out: L[]): boolean => {
  if (def.kind === 'leaf') {
    if (!kind.is(u)) return false
    out.push(u)
    return true
  }
  const { children } = def
  if (def.kind === 'array') {
    if (!Array.isArray(u) || u.length !== children.length) return false
    for (let i = 0; i < children.length; i++) if (!leavesAlong(children[i] ?? LEAF, u[i], kind, out)) return false
    return true
  }
  if (!isPlainRecord(u)) return false
  const keys = Object.keys(u)
  if (keys.length !== def.keys.length) return false
  for (let i = 0; i < keys.length; i++) {
    const k = def.keys[i] ?? ''
    if (keys[i] !== k || !leavesAlong(children[i] ?? LEAF, Reflect.get(u, k), kind, out)) return false
  }
  return true
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const walkNode = <L>(u: unknown, kind: LeafKind<L>, out: L[]): TreeDefNode | undefined => {
  if (kind.is(u)) {
    out.push(u)
    return LEAF
  }
  if (Array.isArray(u)) {
    const n = u.length
    const children = new Array<TreeDefNode>(n)
    for (let i = 0; i < n; i++) {
      // Index by index rather than `map`, so that holes show up as `undefined` and fail.
      const child = walkNode(u[i], kind, out)
      if (child === undefined) return undefined
      children[i] = child
    }
    return { kind: 'array', children }
  }
  if (isPlainRecord(u)) {
    const keys = Object.keys(u)
    const n = keys.length
    const children = new Array<TreeDefNode>(n)
    for (let i = 0; i < n; i++) {
      // An own key (Object.keys listed it), so even `__proto__` reads the own entry, not the prototype.
      const child = walkNode(Reflect.get(u, keys[i] ?? ''), kind, out)
      if (child === undefined) return undefined
      children[i] = child
    }
    return { kind: 'record', keys, children }
  }
  return undefined
}

/** The path of the first node (in flatten order) that is neither a leaf, an array nor a plain record. */
const firstNonTree = (u: unknown, kind: LeafKind<unknown>, path: string): string | undefined => {
  const leaf: boolean = kind.is(u)
  if (leaf) return undefined
  if (Array.isArray(u)) {
    for (let i = 0; i < u.length; i++) {
      const found = firstNonTree(u[i], kind, joinPath(path, i))
      if (found !== undefined) return found
    }
    return undefined
  }
  if (isPlainRecord(u)) {
    for (const k of Object.keys(u)) {
      const found = firstNonTree(Reflect.get(u, k), kind, joinPath(path, k))
      if (found !== undefined) return found
    }
    return undefined
  }
  return path
}

/** The node at a path found by `firstNonTree` (re-walked in the same order). */
const nodeAt = (u: unknown, path: string, kind: LeafKind<unknown>): unknown => {
  if (path === '') return u
  let found: unknown
  const visit = (v: unknown, p: string): boolean => {
    if (p === path) {
      found = v
      return true
    }
    const leaf: boolean = kind.is(v)
    if (leaf) return false
    if (Array.isArray(v)) return v.some((c: unknown, i) => visit(c, joinPath(p, i)))
    if (isPlainRecord(v)) return Object.keys(v).some((k) => visit(Reflect.get(v, k), joinPath(p, k)))
    return false
  }
  visit(u, '')
  return found
}

const nodesEqual = (a: TreeDefNode, b: TreeDefNode): boolean => {
  if (a === b) return true
  if (a.kind === 'leaf' || b.kind === 'leaf') return a.kind === b.kind
  if (a.kind !== b.kind || a.children.length !== b.children.length) return false
  if (a.kind === 'record' && b.kind === 'record' && !a.keys.every((k, i) => k === b.keys[i])) return false
  return a.children.every((c, i) => nodesEqual(c, b.children[i] ?? LEAF))
}
