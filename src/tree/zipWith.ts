/**
 * `zipWith` and `zipWith3`: combine two or three trees of the same structure leaf by leaf.
 *
 * Trees of one structure (equal treedefs, the common case: gradients, moments and parameters of
 * one model) are flattened and combined in one loop. Otherwise a walker aligns records by key and
 * reports the first path where the structures differ.
 */
import { formatShape, isTensor, shapesEqual, type Tensor } from '../tensor/index.js'
import { flatten, leavesAlong, paths, unflatten, type TreeDef } from './leaves.js'
import { describe, joinPath, showPath, tensorLeaf, TreeError, type Node, nodeOf, type Tree } from './Tree.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Combines two trees of the same structure leaf by leaf: the result has `a`'s structure (and
 * `a`'s record key order) with `f(leafOfA, leafOfB, path)` at each leaf. Records are matched by
 * key, not by position. Throws a TreeError naming the first path where the structures differ
 * (`tree.zipWith: structures differ at layers[1].bias: key missing on the right`) or where two
 * leaves have different shapes (`tree.zipWith: leaf shapes differ at w: [2,3] on the left, [3,2] on
 * the right`). No broadcasting between leaves.
 *
 * @example
 * tree.zipWith({ w: vector([1, 2]) }, { w: vector([1, 2]) }, (p, g) => T.sub(p, T.scale(g, 0.1)))  // { w: [0.9, 1.8] } (one SGD step)
 */
export function zipWith<T extends Tree>(a: T, b: T, f: (x: Tensor, y: Tensor, path: string) => Tensor): T
export function zipWith(a: Tree, b: Tree, f: (x: Tensor, y: Tensor, path: string) => Tensor): Tree {
  return zipTrees('tree.zipWith', [a, b], TWO_SIDES, (leaves, path) => f(leaves[0] ?? EMPTY, leaves[1] ?? EMPTY, path), f.length > 2)
}

/**
 * Combines three trees of the same structure leaf by leaf, like {@link zipWith}; errors name the
 * tree that differs from the first (`structures differ at m.w: key missing in the third tree`).
 *
 * @example
 * tree.zipWith3({ w: vector([1]) }, { w: vector([0.5]) }, { w: vector([4]) }, (p, m, v) => T.sub(p, T.div(m, T.sqrt(v))))  // { w: [0.75] }
 */
export function zipWith3<T extends Tree>(a: T, b: T, c: T, f: (x: Tensor, y: Tensor, z: Tensor, path: string) => Tensor): T
export function zipWith3(a: Tree, b: Tree, c: Tree, f: (x: Tensor, y: Tensor, z: Tensor, path: string) => Tensor): Tree {
  return zipTrees('tree.zipWith3', [a, b, c], THREE_SIDES, (leaves, path) => f(leaves[0] ?? EMPTY, leaves[1] ?? EMPTY, leaves[2] ?? EMPTY, path), f.length > 3)
}

/**
 * The leaves of trees of one structure, aligned, and the structure of the first: what `zipWith`
 * and the optimizers' fused kernels loop over. Trees with equal treedefs are flattened once each;
 * otherwise records are matched by key (the first tree's key order wins). A TreeError names `op`
 * and the first path where the structures or the leaf shapes differ.
 *
 * @example
 * tree.alignedLeaves('example', [{ w: vector([1]), b: vector([2]) }, { b: vector([20]), w: vector([10]) }]).lists  // [[[1], [2]], [[10], [20]]]
 */
export const alignedLeaves = (op: string, trees: readonly Tree[]): { readonly lists: readonly (readonly Tensor[])[]; readonly treedef: TreeDef } =>
  aligned(op, trees, trees.length === 2 ? TWO_SIDES : trees.length === 3 ? THREE_SIDES : trees.map((_, i) => `in tree ${i + 1}`))

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const TWO_SIDES: readonly string[] = ['on the left', 'on the right']
const THREE_SIDES: readonly string[] = ['in the first tree', 'in the second tree', 'in the third tree']

/** Placeholder for the `?? …` reads of tuples whose length is fixed by construction. */
const EMPTY: Tensor = { shape: [0], data: new Float64Array(0) }

const aligned = (op: string, trees: readonly Tree[], sides: readonly string[]): { readonly lists: readonly (readonly Tensor[])[]; readonly treedef: TreeDef } => {
  const first = trees[0]
  if (first === undefined) throw new TreeError(op, '', 'no trees to zip')
  const { leaves, treedef } = flatten(first)
  const lists: (readonly Tensor[])[] = [leaves]
  let sameStructure = true
  for (let t = 1; t < trees.length && sameStructure; t++) {
    const list: Tensor[] = []
    sameStructure = leavesAlong(treedef.root, trees[t], tensorLeaf, list)
    lists.push(list)
  }
  if (sameStructure) {
    for (let t = 1; t < lists.length; t++) {
      const list = lists[t] ?? []
      for (let i = 0; i < leaves.length; i++) {
        const x = leaves[i] ?? EMPTY
        const y = list[i] ?? EMPTY
        if (x.shape !== y.shape && !shapesEqual(x.shape, y.shape)) {
          const path = paths(treedef)[i] ?? ''
          throw new TreeError(op, path, `leaf shapes differ at ${showPath(path)}: ${formatShape(x.shape)} ${sides[0] ?? ''}, ${formatShape(y.shape)} ${sides[t] ?? ''}`)
        }
      }
    }
    return { lists, treedef }
  }
  // Another structure (or records with the same keys in another order): align by key, and report
  // the first difference, with the walker.
  const byKey: Tensor[][] = trees.map(() => [])
  zipAt(op, trees, sides, '', (row) => {
    row.forEach((leaf, t) => byKey[t]?.push(leaf))
    return row[0] ?? EMPTY
  })
  return { lists: byKey, treedef }
}

const zipTrees = (
  op: string,
  trees: readonly Tree[],
  sides: readonly string[],
  f: (leaves: readonly Tensor[], path: string) => Tensor,
  wantsPaths: boolean,
): Tree => {
  const { lists, treedef } = aligned(op, trees, sides)
  const n = treedef.leafCount
  const at = wantsPaths ? paths(treedef) : undefined
  const out = new Array<Tensor>(n)
  const row = new Array<Tensor>(lists.length)
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < lists.length; t++) row[t] = lists[t]?.[i] ?? EMPTY
    const y: unknown = f(row, at?.[i] ?? '')
    if (!isTensor(y)) {
      const path = paths(treedef)[i] ?? ''
      throw new TreeError(op, path, `f returned ${describe(y)} at ${showPath(path)}, expected a tensor`)
    }
    out[i] = y
  }
  return unflatten(treedef, out)
}

/** The walker for trees whose records differ in key order, or whose structures differ. */
const zipAt = (op: string, trees: readonly unknown[], sides: readonly string[], path: string, f: (leaves: readonly Tensor[], path: string) => Tensor): void => {
  const nodes = trees.map((t) => nodeOf(op, t, path, tensorLeaf))
  const first = nodes[0]
  if (first === undefined) throw new TreeError(op, path, 'no trees to zip')
  const firstSide = sides[0] ?? ''
  const differ = (detail: string): TreeError => new TreeError(op, path, `structures differ at ${showPath(path)}: ${detail}`)

  // Same kind and same size everywhere, with children aligned to the first tree's order.
  const aligned: Array<readonly unknown[]> = [first.kind === 'leaf' ? [] : first.children]
  for (let t = 1; t < nodes.length; t++) {
    const node = nodes[t]
    const side = sides[t] ?? ''
    if (node === undefined) continue
    if (node.kind !== first.kind) throw differ(`${describe(trees[0])} ${firstSide}, ${describe(trees[t])} ${side}`)
    if (first.kind === 'array' && node.kind === 'array' && node.children.length !== first.children.length) {
      throw differ(`${describe(trees[0])} ${firstSide}, ${describe(trees[t])} ${side}`)
    }
    if (first.kind === 'record' && node.kind === 'record') aligned.push(alignRecord(op, first, node, path, firstSide, side))
    else if (node.kind !== 'leaf') aligned.push(node.children)
  }

  if (first.kind === 'leaf') {
    const leaves = nodes.map((n) => (n.kind === 'leaf' && isTensor(n.leaf) ? n.leaf : EMPTY))
    const shape = leaves[0]?.shape ?? []
    leaves.forEach((leaf, t) => {
      if (!shapesEqual(leaf.shape, shape)) {
        throw new TreeError(op, path, `leaf shapes differ at ${showPath(path)}: ${formatShape(shape)} ${firstSide}, ${formatShape(leaf.shape)} ${sides[t] ?? ''}`)
      }
    })
    f(leaves, path)
    return
  }
  first.children.forEach((_, i) => zipAt(op, aligned.map((row) => row[i]), sides, childPath(first, path, i), f))
}

const childPath = (node: Node, path: string, i: number): string => (node.kind === 'record' ? joinPath(path, node.keys[i] ?? '') : joinPath(path, i))

/** The children of record `node`, in the key order of record `first`; throws on differing key sets. */
const alignRecord = (
  op: string,
  first: Extract<Node, { kind: 'record' }>,
  node: Extract<Node, { kind: 'record' }>,
  path: string,
  firstSide: string,
  side: string,
): readonly unknown[] => {
  const byKey = new Map<string, unknown>()
  node.keys.forEach((k, i) => byKey.set(k, node.children[i]))
  const firstKeys = new Set(first.keys)
  const missing = (i: number, where: string, keyed: Extract<Node, { kind: 'record' }>): TreeError => {
    const at = childPath(keyed, path, i)
    return new TreeError(op, at, `structures differ at ${at}: key missing ${where}`)
  }
  first.keys.forEach((k, i) => {
    if (!byKey.has(k)) throw missing(i, side, first)
  })
  node.keys.forEach((k, i) => {
    if (!firstKeys.has(k)) throw missing(i, firstSide, node)
  })
  return first.keys.map((k) => byKey.get(k))
}
