/**
 * Trees: parameters, gradients, optimizer state — and, under `grad`, the same trees holding Duals —
 * as nested readonly arrays and records whose leaves are of one kind.
 *
 * A tree is generic over its leaf type `L` (`Tree<Tensor>` for parameters, `Tree<Value>` for what
 * `ad` differentiates). At run time a `LeafKind<L>` says what a leaf is: `tensorLeaf` (the default
 * of every tree function) or a kind a module above defines (`ad` has one for tensors and Duals).
 * The leaf test comes first, so a tensor (itself a plain object) is a leaf, never a record.
 *
 * Every tree function walks a tree the same way: depth first; array elements in index order;
 * record entries in the record's own `Object.keys` order (integer-like keys ascending first, then
 * the other keys in insertion order, as JavaScript defines it). Only own enumerable properties are
 * read, so a key named `__proto__` is an ordinary key, and output records are built with
 * `Object.fromEntries`, which defines own properties and never touches a prototype. A record is a
 * plain object (prototype `Object.prototype` or `null`); anything else that is not a leaf or an
 * array is a TreeError naming the path. Trees are never written to; the containers a tree function
 * builds are frozen. (A cyclic structure is not a tree: `isTree` says so, the other functions
 * would exhaust the stack.)
 *
 * Paths name a leaf the way TypeScript would reach it: `layers[0].weight`; a key that is not an
 * identifier is quoted, `blocks["conv 1"]`; the root is the empty path, printed `<root>`.
 */
import { isTensor, type Tensor } from '../tensor/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A tree with leaves of type `L` (tensors by default): a leaf, a readonly array of trees, or a
 * readonly record of trees. Declare record types with `type` rather than `interface`: TypeScript
 * gives interfaces no implicit index signature, so an interface type is not assignable to `Tree`.
 *
 * @example
 * tree.isTree({ layers: [{ weight: zeros([2, 3]), bias: zeros([3]) }] })  // true
 */
export type Tree<L = Tensor> = L | readonly Tree<L>[] | { readonly [key: string]: Tree<L> }

/** What a leaf is, at run time: a guard and a name for messages (`a tensor`). */
export interface LeafKind<L> {
  /** How a leaf is called in messages: `a tensor`, `a tensor or a Dual`. */
  readonly name: string
  /** True for a leaf (checked before arrays and records: a tensor is a plain object, yet a leaf). */
  readonly is: (u: unknown) => u is L
}

/**
 * The tree type `T` with every tensor leaf replaced by `L`, keeping keys, tuple positions and
 * readonly-ness: what `unflatten` gives for new leaves, and what a layer's tensor parameters
 * become under `grad` (`WithLeaves<{ kernel: Tensor }, Value>` is `{ kernel: Value }`). The
 * general `Tree` becomes `Tree<L>`.
 */
export type WithLeaves<T, L> = [Tree] extends [T]
  ? Tree<L>
  : T extends Tensor
    ? L
    : T extends readonly unknown[]
      ? { readonly [K in keyof T]: WithLeaves<T[K], L> }
      : T extends object
        ? { readonly [K in keyof T]: WithLeaves<T[K], L> }
        : T

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

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/** Tensors are the leaves: the kind every tree function uses unless it is given another. */
export const tensorLeaf: LeafKind<Tensor> = { name: 'a tensor', is: isTensor }

// ─── guards ─────────────────────────────────────────────────────────────────────────────────────

/**
 * True for a well-formed tree: leaves of `kind` (tensors by default), arrays and plain records all
 * the way down, with no cycle.
 *
 * @example
 * tree.isTree({ w: zeros([2]) })  // true
 * tree.isTree({ w: 3 })           // false
 */
export function isTree(u: unknown): u is Tree
export function isTree<L>(u: unknown, kind: LeafKind<L>): u is Tree<L>
export function isTree(u: unknown, kind: LeafKind<unknown> = tensorLeaf): boolean {
  const ancestors = new Set<unknown>()
  const check = (v: unknown): boolean => {
    const node = nodeOrUndefined(v, kind)
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

/** True for an array or a plain record: a node of a tree that is not a leaf. */
export const isContainer = (u: unknown): boolean => Array.isArray(u) || isPlainRecord(u)

// ─── internal (shared by the tree modules) ──────────────────────────────────────────────────────

/** One node of a tree, classified; children are `unknown` until they are classified in turn. */
export type Node =
  | { readonly kind: 'leaf'; readonly leaf: unknown }
  | { readonly kind: 'array'; readonly children: readonly unknown[] }
  | { readonly kind: 'record'; readonly keys: readonly string[]; readonly children: readonly unknown[] }

/**
 * Classifies a node, or throws a TreeError naming the op and the path when it is not a tree node.
 * Takes `unknown` so that values from outside the type system (JSON, `any`) are checked as well.
 *
 * @throws {TreeError} at a node that is not a tensor, an array or a plain record (naming the path)
 */
export const nodeOf = (op: string, u: unknown, path: string, kind: LeafKind<unknown>): Node => {
  const node = nodeOrUndefined(u, kind)
  if (node === undefined) {
    throw new TreeError(op, path, `not a tree at ${showPath(path)}: expected ${kind.name}, an array or a plain record, got ${describe(u)}`)
  }
  return node
}

/** The path of child `key` (an array index or a record key) under `path`. */
export const joinPath = (path: string, key: string | number): string => {
  if (typeof key === 'number') return `${path}[${key}]`
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

/** True for an object whose prototype is `Object.prototype` or `null` (and not an array). */
export const isPlainRecord = (u: unknown): u is object => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return false
  const proto: unknown = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

const nodeOrUndefined = (u: unknown, kind: LeafKind<unknown>): Node | undefined => {
  const leaf: boolean = kind.is(u)
  if (leaf) return { kind: 'leaf', leaf: u }
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
