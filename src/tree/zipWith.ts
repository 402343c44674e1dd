/**
 * `zipWith` and `zipWith3`: combine two or three trees of the same structure leaf by leaf.
 */
import { shapesEqual } from '../tensor/shape.js'
import { formatShape } from '../tensor/errors.js'
import { isTensor, type Tensor } from '../tensor/Tensor.js'
import { flatLists } from './flat.js'
import { childPath, describe, nodeOf, rebuild, showPath, TreeError, type Node, type Tree } from './Tree.js'

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
  const flat = flatLists([a, b])
  if (flat !== undefined) return flatZip('tree.zipWith', flat, (leaves, path) => f(leaves[0] ?? EMPTY, leaves[1] ?? EMPTY, path))
  return zipAt('tree.zipWith', [a, b], TWO_SIDES, '', ([x, y], path) => f(x ?? EMPTY, y ?? EMPTY, path))
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
  const flat = flatLists([a, b, c])
  if (flat !== undefined) return flatZip('tree.zipWith3', flat, (leaves, path) => f(leaves[0] ?? EMPTY, leaves[1] ?? EMPTY, leaves[2] ?? EMPTY, path))
  return zipAt('tree.zipWith3', [a, b, c], THREE_SIDES, '', ([x, y, z], path) => f(x ?? EMPTY, y ?? EMPTY, z ?? EMPTY, path))
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const TWO_SIDES: readonly string[] = ['on the left', 'on the right']
const THREE_SIDES: readonly string[] = ['in the first tree', 'in the second tree', 'in the third tree']

/** Placeholder for the `?? …` reads of tuples whose length is fixed by construction. */
const EMPTY: Tensor = { shape: [0], data: new Float64Array(0) }

/** zipAt for flat lists of equal-shaped tensors (see flat.ts): one loop, no node classification. */
const flatZip = (op: string, lists: readonly (readonly Tensor[])[], f: (leaves: readonly Tensor[], path: string) => Tensor): Tree => {
  const n = lists[0]?.length ?? 0
  const out = new Array<Tensor>(n)
  for (let i = 0; i < n; i++) {
    const path = `[${i}]`
    const y: unknown = f(lists.map((l) => l[i] ?? EMPTY), path)
    if (!isTensor(y)) throw new TreeError(op, path, `f returned ${describe(y)} at ${path}, expected a tensor`)
    out[i] = y
  }
  return Object.freeze(out)
}

const zipAt = (
  op: string,
  trees: readonly unknown[],
  sides: readonly string[],
  path: string,
  f: (leaves: readonly Tensor[], path: string) => Tensor,
): Tree => {
  const nodes = trees.map((t) => nodeOf(op, t, path))
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
    const leaves = nodes.map((n) => (n.kind === 'leaf' ? n.leaf : EMPTY))
    const shape = first.leaf.shape
    leaves.forEach((leaf, t) => {
      if (!shapesEqual(leaf.shape, shape)) {
        throw new TreeError(
          op,
          path,
          `leaf shapes differ at ${showPath(path)}: ${formatShape(shape)} ${firstSide}, ${formatShape(leaf.shape)} ${sides[t] ?? ''}`,
        )
      }
    })
    const out: unknown = f(leaves, path)
    if (!isTensor(out)) throw new TreeError(op, path, `f returned ${describe(out)} at ${showPath(path)}, expected a tensor`)
    return out
  }
  const children = first.children.map((_, i) =>
    zipAt(op, aligned.map((row) => row[i]), sides, childPath(first, path, i), f),
  )
  return rebuild(first, children)
}

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
