/**
 * JSON values as a saved model holds them: the type, a check that an unknown value is one (with the
 * place of the first problem), a path notation for messages (`$.tensors[3].shape`), and a short
 * rendering of values for messages (`[12, 8]`, `"dense"`, `an object {kind, units}`).
 *
 * Everything here reads own enumerable properties only, so a key named `__proto__` (which
 * `JSON.parse` creates as an ordinary own property) is an ordinary key, and copies are built with
 * `Object.fromEntries`, which never touches a prototype.
 */
import { either as E } from 'fp-ts'
import type { JsonValue } from '../nn/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A JSON value: null, a boolean, a finite number, a string, or arrays and records of them (nn's type). */
export type { JsonValue }

/** One step of a path into a JSON value: an array index or a record key. */
export type JsonSegment = number | string

/** A problem at a place inside a JSON value. */
export interface JsonProblem {
  readonly path: readonly JsonSegment[]
  readonly detail: string
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The first place where `u` is not a JSON value (depth first), or undefined when it is one.
 * Rejects `undefined`, functions, symbols, bigints, non-finite numbers, non-plain objects (class
 * instances, typed arrays, dates) and cycles. Runs with an explicit stack: any nesting depth is fine.
 *
 * @example
 * findJsonProblem({ units: [1, NaN] })  // { path: ['units', 1], detail: 'expected a finite number, got NaN' }
 */
export const findJsonProblem = (u: unknown): JsonProblem | undefined => findProblem(u, false)

/**
 * A JSON copy of `u`, as `JSON.parse(JSON.stringify(u))` would give when that round trip is
 * exact: record entries whose value is `undefined` are left out (as `JSON.stringify` does), and
 * anything else that is not JSON (see {@link findJsonProblem}) is a Left naming its place. The
 * copy's records are built with `Object.fromEntries`, in the original key order.
 *
 * @example
 * toJsonValue({ kind: 'dense', units: 12, bias: undefined })  // right({ kind: 'dense', units: 12 })
 * toJsonValue({ rate: NaN })                                   // left({ path: ['rate'], … })
 */
export const toJsonValue = (u: unknown): E.Either<JsonProblem, JsonValue> => {
  const problem = findProblem(u, true)
  if (problem !== undefined) return E.left(problem)
  // Checked above: no cycles, so the recursion ends; its depth is that of the checked value.
  const copy = (v: unknown): JsonValue => {
    if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v
    if (Array.isArray(v)) return (childrenOf(v) ?? []).map(([, x]) => copy(x))
    const entries = (childrenOf(v) ?? []).filter(([, x]) => x !== undefined)
    return Object.fromEntries(entries.map(([k, x]) => [k, copy(x)]))
  }
  return E.right(copy(u))
}

/**
 * True for a JSON value (see {@link findJsonProblem}).
 *
 * @example
 * isJsonValue({ kind: 'dense', units: 12 })  // true
 * isJsonValue({ rate: Infinity })            // false
 */
export const isJsonValue = (u: unknown): u is JsonValue => findJsonProblem(u) === undefined

/**
 * The first place, depth first in `expected`'s order, where two JSON values differ, or undefined
 * when they are equal. Record key order does not matter; numbers compare with `===` (so 0 equals
 * −0, which JSON cannot tell apart anyway). Missing keys are reported at the key, keys of `actual`
 * that `expected` lacks after all of `expected`'s keys, and a length difference at the first index
 * beyond the shorter array. The recursion follows `expected`, so its depth is bounded by
 * `expected`'s, however deep `actual` is.
 *
 * @example
 * jsonDifference({ kind: 'dense', units: 12 }, { kind: 'dense', units: 8 })
 * // { path: ['units'], detail: 'expected 12, got 8' }
 */
export const jsonDifference = (expected: JsonValue, actual: JsonValue): JsonProblem | undefined => differenceAt(expected, actual, [])

/**
 * True for a plain record: an object whose prototype is `Object.prototype` or `null` (what
 * `JSON.parse` and object literals make), not an array.
 */
export const isPlainObject = (u: unknown): u is object => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return false
  const proto: unknown = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

/**
 * A JSON path from the root `$`: indices in brackets, identifier keys after a dot, other keys
 * quoted in brackets.
 *
 * @example
 * formatJsonPath(['tensors', 3, 'shape'])  // '$.tensors[3].shape'
 * formatJsonPath(['spec', 'conv 1'])       // '$.spec["conv 1"]'
 */
export const formatJsonPath = (path: readonly JsonSegment[]): string =>
  path.reduce<string>(
    (out, segment) =>
      typeof segment === 'number' ? `${out}[${segment}]` : IDENTIFIER.test(segment) ? `${out}.${segment}` : `${out}[${JSON.stringify(segment)}]`,
    '$',
  )

/**
 * A value as a message shows it: numbers, booleans, null and short strings as JSON; short arrays
 * of numbers as `[12, 8]`; other arrays and objects by kind and size; `undefined` as
 * `nothing (missing key)`.
 *
 * @example
 * showJson([12, 8])                  // '[12, 8]'
 * showJson({ kind: 'dense', u: 1 })  // 'an object {kind, u}'
 */
export const showJson = (u: unknown): string => {
  if (u === undefined) return 'nothing (missing key)'
  if (u === null || typeof u === 'boolean') return String(u)
  if (typeof u === 'number') return Object.is(u, -0) ? '-0' : String(u)
  if (typeof u === 'string') {
    return u.length > SHOWN_CHARACTERS ? `${JSON.stringify(u.slice(0, SHOWN_CHARACTERS))}… (${u.length} characters)` : JSON.stringify(u)
  }
  if (Array.isArray(u)) {
    const items: unknown[] = u
    if (items.length <= SHOWN_ITEMS && items.every((x) => typeof x === 'number')) return `[${items.map(showJson).join(', ')}]`
    return `an array of length ${items.length}`
  }
  if (isPlainObject(u)) {
    const keys = Object.keys(u)
    const shown = keys.slice(0, SHOWN_ITEMS).join(', ')
    return `an object {${shown}${keys.length > SHOWN_ITEMS ? ', …' : ''}}`
  }
  return typeof u === 'object' ? 'a non-plain object' : `a ${typeof u}`
}

/**
 * The entries of an array (index, element) or a plain record (key, value) as a list, or undefined
 * for anything else. Own enumerable properties only.
 */
export const childrenOf = (u: unknown): ReadonlyArray<readonly [JsonSegment, unknown]> | undefined => {
  if (Array.isArray(u)) {
    const out: Array<readonly [JsonSegment, unknown]> = []
    // Index by index so that holes show up as `undefined`.
    for (let i = 0; i < u.length; i++) {
      const item: unknown = u[i]
      out.push([i, item])
    }
    return out
  }
  if (isPlainObject(u)) {
    const entries: Array<[string, unknown]> = Object.entries(u)
    return entries
  }
  return undefined
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const isJsonArray = (v: JsonValue): v is readonly JsonValue[] => Array.isArray(v)

const isJsonRecord = (v: JsonValue): v is { readonly [key: string]: JsonValue } => typeof v === 'object' && v !== null && !Array.isArray(v)

const differenceAt = (expected: JsonValue, actual: JsonValue, path: readonly JsonSegment[]): JsonProblem | undefined => {
  if (isJsonArray(expected)) {
    if (!isJsonArray(actual)) return { path, detail: `expected ${showJson(expected)}, got ${showJson(actual)}` }
    const common = Math.min(expected.length, actual.length)
    for (let i = 0; i < common; i++) {
      const found = differenceAt(expected[i] ?? null, actual[i] ?? null, [...path, i])
      if (found !== undefined) return found
    }
    if (expected.length === actual.length) return undefined
    const at = [...path, common]
    return expected.length > actual.length
      ? { path: at, detail: `expected ${showJson(expected[common])}, got nothing (the array is shorter: length ${actual.length}, expected ${expected.length})` }
      : { path: at, detail: `unexpected element ${showJson(actual[common])} (the array is longer: length ${actual.length}, expected ${expected.length})` }
  }
  if (isJsonRecord(expected)) {
    if (!isJsonRecord(actual)) return { path, detail: `expected ${showJson(expected)}, got ${showJson(actual)}` }
    for (const [k, e] of Object.entries(expected)) {
      if (!Object.hasOwn(actual, k)) return { path: [...path, k], detail: `expected ${showJson(e)}, got nothing (missing key)` }
      const found = differenceAt(e, actual[k] ?? null, [...path, k])
      if (found !== undefined) return found
    }
    for (const [k, a] of Object.entries(actual)) {
      if (!Object.hasOwn(expected, k)) return { path: [...path, k], detail: `unexpected key ${JSON.stringify(k)} (holding ${showJson(a)})` }
    }
    return undefined
  }
  return expected === actual ? undefined : { path, detail: `expected ${showJson(expected)}, got ${showJson(actual)}` }
}

/** A place in a value being checked: the segment from its parent, and the parent's place. */
interface Place {
  readonly segment: JsonSegment
  readonly parent: Place | undefined
}

/** The path of a place, root first (paths are rebuilt only for the one problem reported). */
const pathOf = (place: Place | undefined): readonly JsonSegment[] => {
  const path: JsonSegment[] = []
  for (let p = place; p !== undefined; p = p.parent) path.push(p.segment)
  return path.reverse()
}

/** The first non-JSON place; with `lenient`, record entries holding `undefined` count as absent. */
const findProblem = (u: unknown, lenient: boolean): JsonProblem | undefined => {
  const stack: Array<{ readonly value: unknown; readonly place: Place | undefined; readonly exit: boolean }> = [
    { value: u, place: undefined, exit: false },
  ]
  // The containers on the way from the root to the current value: meeting one again is a cycle.
  const open = new Set<unknown>()
  while (stack.length > 0) {
    const top = stack.pop()
    if (top === undefined) break
    const { value, place } = top
    if (top.exit) {
      open.delete(value)
      continue
    }
    if (value === null || typeof value === 'boolean' || typeof value === 'string') continue
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { path: pathOf(place), detail: `expected a finite number, got ${String(value)}` }
      continue
    }
    if (value === undefined) return { path: pathOf(place), detail: 'expected a JSON value, got undefined' }
    const children = childrenOf(value)
    if (children === undefined) return { path: pathOf(place), detail: `expected a JSON value, got ${showJson(value)}` }
    if (open.has(value)) return { path: pathOf(place), detail: 'expected a JSON value, got a cycle' }
    open.add(value)
    stack.push({ value, place, exit: true })
    const isRecord = !Array.isArray(value)
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i]
      if (child === undefined || (lenient && isRecord && child[1] === undefined)) continue
      stack.push({ value: child[1], place: { segment: child[0], parent: place }, exit: false })
    }
  }
  return undefined
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** How much of a string a message quotes. */
const SHOWN_CHARACTERS = 40

/** How many array items or record keys a message lists. */
const SHOWN_ITEMS = 8
