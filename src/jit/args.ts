/**
 * The arguments of a jitted call, taken apart: the tensor leaves (the plan's inputs), the random
 * keys (dynamic unless the function reads them), and a signature string of everything else — tree
 * structure, leaf shapes and static values (numbers, strings, booleans, functions by identity) —
 * which keys the plan cache. Trees are arrays and plain records, as everywhere in dualflow.
 */
import { isDual, type Value } from '../ad/index.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'
import { isTensorRecord } from '../tensor/internal.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A random key as `random` makes it (structurally: jit does not depend on `random`). */
export interface KeyLike {
  readonly _tag: 'Key'
  readonly words: readonly [number, number]
}

/** The arguments of one call, flattened. */
export interface FlatArgs {
  readonly signature: string
  /** The structural tokens the signature is made of. */
  readonly tokens: readonly (string | number)[]
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

/** The signature token of a static value (numbers, strings, booleans; functions and other objects by identity). */
export const staticPart = (u: unknown): string => {
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

/**
 * Walks the arguments in flattening order (depth-first, arrays by index, records in key order),
 * handing each structural token to `token` — which returns false to stop the walk — and each
 * tensor leaf and key to its sink. Returns false when stopped, or when a Dual was met.
 */
const walkArgs = (
  args: readonly unknown[],
  token: (t: string | number) => boolean,
  leaf: (t: Tensor) => void,
  key: (k: KeyLike) => void,
): 'ok' | 'stopped' | 'dual' => {
  const met = { dual: false }
  const walk = (u: unknown): boolean => {
    if (typeof u !== 'object' || u === null) return token(staticPart(u))
    if (Array.isArray(u)) {
      if (!token('[')) return false
      for (let i = 0; i < u.length; i++) if (!walk(u[i])) return false
      return token(']')
    }
    if (isDual(u)) {
      met.dual = true
      return false
    }
    if (T.isTensor(u)) {
      const shape = u.shape
      if (!token('T') || !token(shape.length)) return false
      for (let i = 0; i < shape.length; i++) if (!token(shape[i] ?? 0)) return false
      leaf(u)
      return true
    }
    if (isKeyLike(u)) {
      key(u)
      return token('K')
    }
    if (isRecord(u) && Object.getPrototypeOf(u) === Object.prototype) {
      if (!token('{')) return false
      for (const k in u) {
        if (!Object.hasOwn(u, k)) continue
        if (!token(':') || !token(k) || !walk(u[k])) return false
      }
      return token('}')
    }
    return token(staticPart(u))
  }
  for (const a of args) {
    if (!walk(a)) return met.dual ? 'dual' : 'stopped'
  }
  return 'ok'
}

/** Flattens the arguments of a call: its signature, tensor leaves and keys. */
export const flattenArgs = (args: readonly unknown[]): FlatArgs => {
  const tokens: (string | number)[] = []
  const leaves: Tensor[] = []
  const keys: KeyLike[] = []
  const walked = walkArgs(
    args,
    (t) => {
      tokens.push(t)
      return true
    },
    (t) => leaves.push(t),
    (k) => keys.push(k),
  )
  return { signature: tokens.join('\u0001'), tokens, leaves, keys, hasDual: walked === 'dual' }
}

/** Where a match of arguments against a plan's tokens stands (reused across calls: no allocation). */
export interface MatchCursor {
  position: number
  leaf: number
  key: number
}

/** Matches a tensor against the tokens from `cursor.position` on: 'T', its rank, its dimensions. */
const matchTensor = (u: Tensor, tokens: readonly (string | number)[], cursor: MatchCursor, leaves: Tensor[]): boolean => {
  const shape = u.shape
  if (tokens[cursor.position++] !== 'T' || tokens[cursor.position++] !== shape.length) return false
  for (let i = 0; i < shape.length; i++) if (tokens[cursor.position++] !== shape[i]) return false
  leaves[cursor.leaf++] = u
  return true
}

/** Matches one argument against the tokens from `cursor.position` on (the walk of `walkArgs`, comparing). */
const matchValue = (u: unknown, tokens: readonly (string | number)[], cursor: MatchCursor, leaves: Tensor[], keys: KeyLike[]): boolean => {
  if (typeof u !== 'object' || u === null) return tokens[cursor.position++] === staticPart(u)
  // The library's own tensors (most leaves) by one prototype check; other values walk on below.
  if (isTensorRecord(u)) return matchTensor(u, tokens, cursor, leaves)
  if (Array.isArray(u)) {
    if (tokens[cursor.position++] !== '[') return false
    for (let i = 0; i < u.length; i++) if (!matchValue(u[i], tokens, cursor, leaves, keys)) return false
    return tokens[cursor.position++] === ']'
  }
  // Duals first: a jit tracer's `data` throws, so isTensor must not probe one.
  if (isDual(u)) return false
  if (T.isTensor(u)) return matchTensor(u, tokens, cursor, leaves)
  if (isKeyLike(u)) {
    keys[cursor.key++] = u
    return tokens[cursor.position++] === 'K'
  }
  if (isRecord(u) && Object.getPrototypeOf(u) === Object.prototype) {
    if (tokens[cursor.position++] !== '{') return false
    for (const k in u) {
      if (!Object.hasOwn(u, k)) continue
      // ':' then the key itself: a string comparison, no string built.
      if (tokens[cursor.position++] !== ':' || tokens[cursor.position++] !== k || !matchValue(u[k], tokens, cursor, leaves, keys)) return false
    }
    return tokens[cursor.position++] === '}'
  }
  return tokens[cursor.position++] === staticPart(u)
}

/**
 * Whether the arguments have exactly these structural tokens (the fast path of a repeated call:
 * no signature string is built, nothing is allocated). On success the leaves and keys are written
 * into the given arrays, which have the right lengths.
 */
export const matchArgs = (args: readonly unknown[], tokens: readonly (string | number)[], leaves: Tensor[], keys: KeyLike[], cursor: MatchCursor): boolean => {
  cursor.position = 0
  cursor.leaf = 0
  cursor.key = 0
  for (let i = 0; i < args.length; i++) if (!matchValue(args[i], tokens, cursor, leaves, keys)) return false
  return cursor.position === tokens.length && cursor.leaf === leaves.length && cursor.key === keys.length
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
    if (isDual(u)) return u
    if (T.isTensor(u)) return leaf(u, leafIndex++)
    if (isRecord(u) && Object.getPrototypeOf(u) === Object.prototype) {
      // Own data properties (Object.fromEntries): a key named `__proto__` must not reach the prototype setter.
      return Object.fromEntries(Object.keys(u).map((k) => [k, walk(u[k])]))
    }
    return u
  }
  return args.map(walk)
}

/**
 * The structure of one argument as a tree, parsed once from its tokens (`flattenArgs` of that one
 * argument), for `matchPattern`: a tensor (its shape), an array, a plain record (its keys in order),
 * or anything else (keys and static values). Each node knows where its tokens, leaves and keys start
 * and end, so that any part can be matched by the token walk instead.
 */
export interface Pattern {
  readonly kind: 'tensor' | 'array' | 'record' | 'other'
  readonly start: number
  readonly end: number
  readonly leaf: number
  readonly leafEnd: number
  readonly key: number
  readonly keyEnd: number
  readonly shape: readonly number[]
  readonly keys: readonly string[]
  readonly items: readonly Pattern[]
}

/** Parses the tokens of one value from `at` on (as `walkArgs` writes them). */
const parsePattern = (tokens: readonly (string | number)[], at: { position: number; leaf: number; key: number }): Pattern => {
  const start = at.position
  const leaf = at.leaf
  const key = at.key
  const node = (kind: Pattern['kind'], shape: readonly number[], keys: readonly string[], items: readonly Pattern[]): Pattern => ({
    kind,
    start,
    end: at.position,
    leaf,
    leafEnd: at.leaf,
    key,
    keyEnd: at.key,
    shape,
    keys,
    items,
  })
  const t = tokens[at.position++]
  if (t === 'T') {
    const rank = Number(tokens[at.position++] ?? 0)
    const shape: number[] = []
    for (let i = 0; i < rank; i++) shape.push(Number(tokens[at.position++] ?? 0))
    at.leaf++
    return node('tensor', shape, [], [])
  }
  if (t === '[') {
    const items: Pattern[] = []
    while (at.position < tokens.length && tokens[at.position] !== ']') items.push(parsePattern(tokens, at))
    at.position++
    return node('array', [], [], items)
  }
  if (t === '{') {
    const keys: string[] = []
    const items: Pattern[] = []
    while (at.position < tokens.length && tokens[at.position] === ':') {
      keys.push(String(tokens[at.position + 1]))
      at.position += 2
      items.push(parsePattern(tokens, at))
    }
    at.position++
    return node('record', [], keys, items)
  }
  if (t === 'K') at.key++
  return node('other', [], [], [])
}

/** The pattern of one argument's tokens (`flattenArgs([value]).tokens`). */
export const patternOf = (tokens: readonly (string | number)[]): Pattern => parsePattern(tokens, { position: 0, leaf: 0, key: 0 })

/** A part matched by the token walk (what the pattern's fast cases leave to it). */
const matchByTokens = (u: unknown, p: Pattern, tokens: readonly (string | number)[], leaves: Tensor[], keys: KeyLike[], cursor: MatchCursor): boolean => {
  cursor.position = p.start
  cursor.leaf = p.leaf
  cursor.key = p.key
  return matchValue(u, tokens, cursor, leaves, keys) && cursor.position === p.end && cursor.leaf === p.leafEnd && cursor.key === p.keyEnd
}

/**
 * Whether one value has exactly the structure of `p`, parsed from `tokens` — what `matchArgs` of
 * `[u]` against those tokens says, leaves and keys written alike — by the pattern: the library's
 * tensors by one prototype check and their shapes, plain records by their keys in order (no token
 * cursor, no probe for tensor or key on a record without `_tag` or Float64Array `data`); anything
 * else by the token walk.
 */
export const matchPattern = (u: unknown, p: Pattern, tokens: readonly (string | number)[], leaves: Tensor[], keys: KeyLike[], cursor: MatchCursor): boolean => {
  switch (p.kind) {
    case 'tensor': {
      if (!isTensorRecord(u)) break
      const shape = u.shape
      const expected = p.shape
      if (shape.length !== expected.length) return false
      for (let i = 0; i < shape.length; i++) if (shape[i] !== expected[i]) return false
      leaves[p.leaf] = u
      return true
    }
    case 'array': {
      if (!Array.isArray(u)) break
      const items = p.items
      if (u.length !== items.length) return false
      for (let i = 0; i < items.length; i++) {
        const q = items[i]
        if (q === undefined || !matchPattern(u[i], q, tokens, leaves, keys, cursor)) return false
      }
      return true
    }
    case 'record': {
      // A plain record that is neither a Dual, a key nor a structural tensor (as walkArgs tells them apart).
      if (!isRecord(u) || Object.getPrototypeOf(u) !== Object.prototype || u['_tag'] !== undefined || u['data'] instanceof Float64Array) break
      const names = p.keys
      const items = p.items
      let i = 0
      for (const k in u) {
        if (!Object.hasOwn(u, k)) continue
        const q = items[i]
        if (k !== names[i] || q === undefined || !matchPattern(u[k], q, tokens, leaves, keys, cursor)) return false
        i++
      }
      return i === names.length
    }
    case 'other':
      break
  }
  return matchByTokens(u, p, tokens, leaves, keys, cursor)
}
