/**
 * The arguments of a jitted call, taken apart: the tensor leaves (the plan's inputs), the random
 * keys (dynamic unless the function reads them), and a signature string of everything else — tree
 * structure, leaf shapes and static values (numbers, strings, booleans, functions by identity) —
 * which keys the plan cache. Trees are arrays and plain records, as everywhere in dualflow.
 */
import { isDual, type Value } from '../ad/index.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A random key as `random` makes it (structurally: jit does not depend on `random`). */
export interface KeyLike {
  readonly _tag: 'Key'
  readonly words: readonly [number, number]
}

/** The arguments of one call, flattened. */
export interface FlatArgs {
  readonly signature: string
  readonly leaves: readonly Tensor[]
  readonly keys: readonly KeyLike[]
  /** True when a Dual (a differentiation or another jit's tracer) is among the arguments. */
  readonly hasDual: boolean
}

// ─── guards ─────────────────────────────────────────────────────────────────────────────────────

const isRecord = (u: unknown): u is { readonly [key: string]: unknown } => typeof u === 'object' && u !== null && !Array.isArray(u)

/** A random key: `{ _tag: 'Key', words: [a, b] }`. */
export const isKeyLike = (u: unknown): u is KeyLike =>
  isRecord(u) && u['_tag'] === 'Key' && Array.isArray(u['words']) && u['words'].length === 2

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const functionIds = new WeakMap<object, number>()
let nextFunctionId = 0
/** A stable id for a function or other opaque object (static arguments compared by identity). */
const identity = (u: object): number => {
  const known = functionIds.get(u)
  if (known !== undefined) return known
  const id = nextFunctionId++
  functionIds.set(u, id)
  return id
}

const staticPart = (u: unknown): string => {
  switch (typeof u) {
    case 'number':
      return Object.is(u, -0) ? 'n-0' : `n${u}`
    case 'string':
      return `s${JSON.stringify(u)}`
    case 'boolean':
      return u ? 'b1' : 'b0'
    case 'undefined':
      return 'u'
    case 'bigint':
      return `i${u}`
    case 'function':
      return `f${identity(u)}`
    case 'symbol':
      return `y${String(u)}`
    default:
      return typeof u === 'object' && u !== null ? `o${identity(u)}` : 'z'
  }
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** Flattens the arguments of a call (depth-first, arrays by index, records in key order). */
export const flattenArgs = (args: readonly unknown[]): FlatArgs => {
  const leaves: Tensor[] = []
  const keys: KeyLike[] = []
  let hasDual = false
  let signature = ''
  const walk = (u: unknown): void => {
    if (typeof u !== 'object' || u === null) {
      signature += staticPart(u)
      return
    }
    if (Array.isArray(u)) {
      signature += '['
      for (let i = 0; i < u.length; i++) walk(u[i])
      signature += ']'
      return
    }
    if (isDual(u)) {
      hasDual = true
      return
    }
    if (T.isTensor(u)) {
      const shape = u.shape
      signature += 'T'
      for (let i = 0; i < shape.length; i++) signature += `${shape[i]},`
      leaves.push(u)
      return
    }
    if (isKeyLike(u)) {
      signature += 'K'
      keys.push(u)
      return
    }
    if (isRecord(u) && Object.getPrototypeOf(u) === Object.prototype) {
      signature += '{'
      for (const k in u) {
        if (!Object.hasOwn(u, k)) continue
        signature += `${k.length}:${k}`
        walk(u[k])
      }
      signature += '}'
      return
    }
    signature += staticPart(u)
  }
  for (const a of args) walk(a)
  return { signature, leaves, keys, hasDual }
}

/**
 * The arguments rebuilt with each tensor leaf and each key replaced, in the order `flattenArgs`
 * lists them: what the traced function receives.
 */
export const rebuildArgs = (args: readonly unknown[], leaf: (t: Tensor, i: number) => Value, key: (k: KeyLike, i: number) => KeyLike): unknown[] => {
  let leafIndex = 0
  let keyIndex = 0
  const walk = (u: unknown): unknown => {
    if (Array.isArray(u)) return u.map(walk)
    if (isKeyLike(u)) return key(u, keyIndex++)
    if (T.isTensor(u)) return leaf(u, leafIndex++)
    if (isRecord(u) && Object.getPrototypeOf(u) === Object.prototype) {
      const out: { [key: string]: unknown } = {}
      for (const k of Object.keys(u)) out[k] = walk(u[k])
      return out
    }
    return u
  }
  return args.map(walk)
}
