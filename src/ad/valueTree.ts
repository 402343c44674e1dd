/**
 * Trees of Values, as the AD API sees its arguments: a Value, or nested arrays and records of them.
 * `flattenValues` lists the leaves in a stable order (array order; record keys in `Object.keys`
 * order) and gives back a function that rebuilds the same structure from new leaves.
 */
import * as T from '../tensor/index.js'
import { isDual, type Dual, type Value } from './Dual.js'
import { GradError } from './errors.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A Value, or nested readonly arrays and records of Values. */
export type ValueTree = Value | readonly ValueTree[] | { readonly [key: string]: ValueTree }

/** The leaves of a tree and how to rebuild it. */
export interface Flattened {
  readonly leaves: readonly Value[]
  readonly paths: readonly string[]
  readonly rebuild: (leaves: readonly Value[]) => ValueTree
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

const isLeaf = (u: unknown): u is Value => isDual(u) || T.isTensor(u)

/**
 * Flattens a tree of Values; anything else than a Value, an array or a plain record is an error.
 *
 * @throws {GradError} when the argument is not a tensor, a Dual, or arrays and records of them (naming the path)
 */
export const flattenValues = (op: string, tree: unknown): Flattened => {
  if (Array.isArray(tree) && tree.every(isLeaf)) {
    // A flat list of Values (fit's parameters): the list is its own leaves.
    const leaves: readonly Value[] = tree
    return {
      leaves,
      paths: leaves.map((_, i) => `[${i}]`),
      rebuild: (next) => {
        if (next.length !== leaves.length) throw new GradError(op, `expected ${leaves.length} leaves, got ${next.length}`)
        return [...next]
      },
    }
  }
  const leaves: Value[] = []
  const paths: string[] = []
  const walk = (u: unknown, path: string): ((next: () => Value) => ValueTree) => {
    if (isLeaf(u)) {
      leaves.push(u)
      paths.push(path)
      return (next) => next()
    }
    if (Array.isArray(u)) {
      const children = u.map((c: unknown, i) => walk(c, `${path}[${i}]`))
      return (next) => children.map((c) => c(next))
    }
    if (typeof u === 'object' && u !== null && Object.getPrototypeOf(u) === Object.prototype) {
      const keys = Object.keys(u)
      const children = keys.map((k) => walk(Reflect.get(u, k), path === '' ? k : `${path}.${k}`))
      return (next) => Object.fromEntries(keys.map((k, i) => [k, children[i]?.(next) ?? next()]))
    }
    throw new GradError(op, `expected a tensor, a Dual, or arrays and records of them at ${path || 'the argument'}, got ${u === null ? 'null' : typeof u}`)
  }
  const build = walk(tree, '')
  return {
    leaves,
    paths,
    rebuild: (next) => {
      if (next.length !== leaves.length) throw new GradError(op, `expected ${leaves.length} leaves, got ${next.length}`)
      let i = 0
      return build(() => {
        const v = next[i++]
        if (v === undefined) throw new GradError(op, 'missing leaf')
        return v
      })
    },
  }
}

/** Every Dual found in arbitrary arguments (arrays and plain records are searched; the rest ignored). */
export const dualsIn = (args: readonly unknown[]): Dual[] => {
  const found: Dual[] = []
  const stack: unknown[] = [...args]
  while (stack.length > 0) {
    const u = stack.pop()
    if (isDual(u)) found.push(u)
    else if (T.isTensor(u)) continue
    else if (Array.isArray(u)) stack.push(...u)
    else if (typeof u === 'object' && u !== null && Object.getPrototypeOf(u) === Object.prototype) stack.push(...Object.values(u))
  }
  return found
}

/**
 * The tree with every Dual replaced by `f(dual)`, sharing every subtree that holds no Dual (so a
 * tree without Duals comes back as the same object, with no copy). Arrays and plain records are
 * walked; anything else is kept.
 */
export const mapDuals = (u: unknown, f: (d: Dual) => Value): unknown => {
  if (isDual(u)) return f(u)
  if (T.isTensor(u) || typeof u !== 'object' || u === null) return u
  if (Array.isArray(u)) {
    let changed = false
    const out = u.map((c: unknown) => {
      const m = mapDuals(c, f)
      if (m !== c) changed = true
      return m
    })
    return changed ? out : u
  }
  if (Object.getPrototypeOf(u) !== Object.prototype) return u
  const keys = Object.keys(u)
  let changed = false
  const values = keys.map((k) => {
    const c: unknown = Reflect.get(u, k)
    const m = mapDuals(c, f)
    if (m !== c) changed = true
    return m
  })
  return changed ? Object.fromEntries(keys.map((k, i) => [k, values[i]])) : u
}
