/**
 * Parameter trees: parameters, gradients and optimizer state as nested readonly arrays and records
 * whose leaves are tensors.
 *
 * Every tree function walks a tree the same way: depth first; array elements in index order;
 * record entries in the record's own `Object.keys` order (integer-like keys ascending first, then
 * the other keys in insertion order, as JavaScript defines it). Only own enumerable properties are
 * read, so a key named `__proto__` is an ordinary key, and output records are built with
 * `Object.fromEntries`, which defines own properties and never touches a prototype. A record is a
 * plain object (prototype `Object.prototype` or `null`); anything else that is not a tensor or an
 * array is a TreeError naming the path. Trees are never written to; the containers a tree function
 * builds are frozen. (A cyclic structure is not a tree: `isTree` says so, the other functions
 * would exhaust the stack.)
 *
 * Paths name a leaf the way TypeScript would reach it: `layers[0].weight`; a key that is not an
 * identifier is quoted, `blocks["conv 1"]`; the root is the empty path, printed `<root>`.
 */
import { isTensor, type Tensor } from '../tensor/Tensor.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A tree of tensors: a tensor, a readonly array of trees, or a readonly record of trees. Declare
 * record types with `type` rather than `interface`: TypeScript gives interfaces no implicit index
 * signature, so an interface type is not assignable to `Tree`.
 *
 * @example
 * tree.isTree({ layers: [{ weight: zeros([2, 3]), bias: zeros([3]) }] })  // true
 */
export type Tree = Tensor | readonly Tree[] | { readonly [key: string]: Tree }

/** A structural problem in a tree op: structures that differ, wrong leaf shapes or counts, non-trees. */
export class TreeError extends Error {
  readonly _tag = 'TreeError' as const
  constructor(
    readonly op: string,
    /** Where the problem is (empty for the root). */
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${op}: ${detail}`)
    this.name = 'TreeError'
  }
}

// ─── guards ─────────────────────────────────────────────────────────────────────────────────────

/**
 * True for a well-formed tree: tensors, arrays and plain records all the way down, with no cycle.
 *
 * @example
 * tree.isTree({ w: zeros([2]) })  // true
 * tree.isTree({ w: 3 })           // false
 */
export const isTree = (u: unknown): u is Tree => {
  const ancestors = new Set<unknown>()
  const check = (v: unknown): boolean => {
    const node = nodeOrUndefined(v)
    if (node === undefined) return false
    if (node.kind === 'leaf') return true
    if (ancestors.has(v)) return false
    ancestors.add(v)
    const ok = node.children.every(check)
    ancestors.delete(v)
    return ok
  }
  return check(u)
}

// ─── internal (shared by the tree modules) ──────────────────────────────────────────────────────

/** One node of a tree, classified; children are `unknown` until they are classified in turn. */
export type Node =
  | { readonly kind: 'leaf'; readonly leaf: Tensor }
  | { readonly kind: 'array'; readonly children: readonly unknown[] }
  | { readonly kind: 'record'; readonly keys: readonly string[]; readonly children: readonly unknown[] }

/** An array or record node. */
export type ContainerNode = Exclude<Node, { kind: 'leaf' }>

/**
 * Classifies a node, or throws a TreeError naming the op and the path when it is not a tree node.
 * Takes `unknown` so that values from outside the type system (JSON, `any`) are checked as well.
 *
 * @throws {TreeError} at a node that is not a tensor, an array or a plain record (naming the path)
 */
export const nodeOf = (op: string, u: unknown, path: string): Node => {
  const node = nodeOrUndefined(u)
  if (node === undefined) {
    throw new TreeError(op, path, `not a tree at ${showPath(path)}: expected a tensor, an array or a plain record, got ${describe(u)}`)
  }
  return node
}

/** The path of the child of a node: `[i]` for arrays, `.key` or `["key"]` for records. */
export const childPath = (node: Node, path: string, i: number): string => {
  if (node.kind !== 'record') return `${path}[${i}]`
  const key = node.keys[i] ?? ''
  return IDENTIFIER.test(key) ? (path === '' ? key : `${path}.${key}`) : `${path}[${JSON.stringify(key)}]`
}

/** A path for messages: the root is `<root>`. */
export const showPath = (path: string): string => (path === '' ? '<root>' : path)

/** What a value is, for messages: `a tensor [2,3]`, `an array of length 2`, `a record {a, b}`, `a number`. */
export const describe = (u: unknown): string => {
  if (isTensor(u)) return `a tensor [${u.shape.join(',')}]`
  if (Array.isArray(u)) return `an array of length ${u.length}`
  if (isPlainRecord(u)) return `a record {${Object.keys(u).join(', ')}}`
  if (u === null) return 'null'
  if (u === undefined) return 'undefined'
  if (typeof u === 'object') return 'a non-plain object'
  return `a ${typeof u}`
}

/** A tree node of the same kind as `node` holding `children` (frozen; safe for any key). */
export const rebuild = (node: ContainerNode, children: readonly Tree[]): Tree => {
  if (node.kind === 'array') return Object.freeze([...children])
  const entries: Array<readonly [string, Tree]> = []
  node.keys.forEach((k, i) => {
    const child = children[i]
    if (child !== undefined) entries.push([k, child])
  })
  return Object.freeze(Object.fromEntries(entries))
}

/** Calls `onLeaf` on every leaf in tree order; throws a TreeError at a node that is not a tree. */
export const walk = (op: string, u: unknown, path: string, onLeaf: (leaf: Tensor, path: string) => void): void => {
  const node = nodeOf(op, u, path)
  if (node.kind === 'leaf') {
    onLeaf(node.leaf, path)
    return
  }
  node.children.forEach((c, i) => walk(op, c, childPath(node, path, i), onLeaf))
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

const isPlainRecord = (u: unknown): u is object => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return false
  const proto: unknown = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

const nodeOrUndefined = (u: unknown): Node | undefined => {
  if (isTensor(u)) return { kind: 'leaf', leaf: u }
  if (Array.isArray(u)) {
    const children: unknown[] = []
    // Index by index rather than `map`, so that holes show up as `undefined` and fail.
    for (let i = 0; i < u.length; i++) {
      const child: unknown = u[i]
      children.push(child)
    }
    return { kind: 'array', children }
  }
  if (isPlainRecord(u)) {
    const entries: Array<[string, unknown]> = Object.entries(u)
    return { kind: 'record', keys: entries.map(([k]) => k), children: entries.map(([, v]) => v) }
  }
  return undefined
}
