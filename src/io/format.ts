/**
 * The saved-model file format, version 1, as io-ts codecs: decoding checks the file against the
 * format alone (no model needed); `decode.ts` then checks it against a model.
 *
 * A file is one JSON object with exactly these keys, in this order when dualflow writes it:
 *
 * ```json
 * {
 *   "format": "dualflow-model",
 *   "version": 1,
 *   "inputShape": [4],
 *   "spec": { "kind": "sequential", "layers": [{ "kind": "dense", "units": 12, "useBias": true }, …] },
 *   "tensors": [
 *     { "path": "params[0].kernel", "shape": [4, 12], "data": "…" },  ← 48 values: 384 bytes, 512 characters
 *     …
 *   ]
 * }
 * ```
 *
 * - `inputShape` is the shape the model was initialised for; the loader runs `model.init` with it to
 *   learn which tensors, of which shapes, the model has.
 * - `spec` is the model's layer description (`model.spec`), any JSON value.
 * - Each tensor has the path of its leaf in the parameter tree (`params.…`) or the state tree
 *   (`state.…`), written as `tree.leaves` writes paths; its shape; and its values in row-major
 *   order, as the base64 (RFC 4648, standard alphabet, padded) of their IEEE 754 binary64 bytes,
 *   little-endian: 8 bytes per value, so an [n] tensor takes 4·⌈8n/3⌉ characters.
 *
 * Why base64 of the bytes rather than decimal numbers: it round-trips bit for bit by construction
 * (−0, subnormals, ±1.7976931348623157e308 — no parser's rounding involved, and nothing that
 * `JSON.stringify` turns into `0` or `null`), it is a third smaller than shortest round-trip
 * decimals (≈ 10.7 characters per value against up to 24), and it decodes in one linear pass with
 * a `DataView`, the same on big- and little-endian machines. The cost is that values cannot be read
 * by eye; the file's structure, paths, shapes and layer description still can.
 *
 * Strictness: every object must have exactly its keys (an unknown key is an error, not ignored),
 * dimensions are non-negative safe integers, and tensor values must be finite — NaN and ±Infinity
 * are rejected even though the bytes could carry them.
 */
import { either as E } from 'fp-ts'
import * as t from 'io-ts'
import { sizeOf, type ReadonlyFloat64Array, type Shape } from '../tensor/index.js'
import { decodeBase64, encodeBase64 } from './base64.js'
import { childrenOf, findJsonProblem, isJsonValue, isPlainObject, showJson, type JsonValue } from './json.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** The value of a model file's `format` key. */
export const FORMAT = 'dualflow-model'

/** The version of the format this module reads and writes. */
export const VERSION = 1

/** A decoded file: the tensors' data as float64 arrays. */
export type ModelFile = t.TypeOf<typeof ModelFileCodec>

/** A file as JSON holds it: the tensors' data as base64 text. */
export type ModelFileJson = t.OutputOf<typeof ModelFileCodec>

/** One decoded tensor entry: its path, shape and values (as many as the shape has elements). */
export type TensorEntry = t.TypeOf<typeof TensorEntryCodec>

// ─── instances ──────────────────────────────────────────────────────────────────────────────────

/** The literal `"dualflow-model"`. */
export const FormatCodec: t.Type<typeof FORMAT, typeof FORMAT, unknown> = new t.Type<typeof FORMAT, typeof FORMAT, unknown>(
  'Format',
  (u): u is typeof FORMAT => u === FORMAT,
  (u, c) => (u === FORMAT ? t.success(FORMAT) : t.failure(u, c, `expected ${JSON.stringify(FORMAT)} (a dualflow model file), got ${showJson(u)}`)),
  (a) => a,
)

/** The version number 1; another number is reported as an unsupported version. */
export const VersionCodec: t.Type<typeof VERSION, typeof VERSION, unknown> = new t.Type<typeof VERSION, typeof VERSION, unknown>(
  'Version',
  (u): u is typeof VERSION => u === VERSION,
  (u, c) =>
    u === VERSION
      ? t.success(VERSION)
      : t.failure(
          u,
          c,
          typeof u === 'number'
            ? `unsupported version ${showJson(u)}: this dualflow reads version ${VERSION}`
            : `expected the version number ${VERSION}, got ${showJson(u)}`,
        ),
  (a) => a,
)

/** A dimension: a non-negative safe integer. */
export const DimensionCodec: t.Type<number, number, unknown> = new t.Type<number, number, unknown>(
  'Dimension',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
  (u, c) =>
    typeof u === 'number' && Number.isSafeInteger(u) && u >= 0
      ? t.success(u)
      : t.failure(u, c, `expected a dimension (a non-negative integer), got ${showJson(u)}`),
  (a) => a,
)

/** A shape: an array of dimensions (`[]` for a scalar). */
export const ShapeCodec: t.Type<Shape, Shape, unknown> = arrayOf(DimensionCodec, 'Shape', 'a shape (an array of non-negative integers)')

/** A tensor's path: a string such as `params[0].kernel`. */
export const TensorPathCodec: t.Type<string, string, unknown> = new t.Type<string, string, unknown>(
  'TensorPath',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' ? t.success(u) : t.failure(u, c, `expected a tensor path (a string such as "params[0].kernel"), got ${showJson(u)}`)),
  (a) => a,
)

/**
 * Finite float64 values ⇄ the base64 of their little-endian bytes. Decoding fails on anything but
 * strict base64 (see ./base64.ts), on a byte count that is not a multiple of 8, and on a NaN or
 * infinite value (naming its index). Encoding does not check finiteness: encode.ts does, with the
 * tensor's path.
 *
 * @example
 * Float64Base64.encode(Float64Array.of(1))  // 'AAAAAAAA8D8='
 * Float64Base64.decode('AAAAAAAA8D8=')      // right(Float64Array [1])
 */
export const Float64Base64: t.Type<ReadonlyFloat64Array, string, unknown> = new t.Type<ReadonlyFloat64Array, string, unknown>(
  'Float64Base64',
  (u): u is ReadonlyFloat64Array => u instanceof Float64Array,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, `expected the tensor's values as base64 text, got ${showJson(u)}`)
    const bytes = decodeBase64(u)
    if (E.isLeft(bytes)) return t.failure(u, c, `invalid base64 at character ${bytes.left.offset}: ${bytes.left.detail}`)
    const n = bytes.right.length
    if (n % 8 !== 0) return t.failure(u, c, `expected whole float64 values (a multiple of 8 bytes), got ${n} bytes`)
    const values = new Float64Array(n / 8)
    const view = new DataView(bytes.right.buffer, bytes.right.byteOffset, n)
    for (let i = 0; i < values.length; i++) {
      const x = view.getFloat64(8 * i, true)
      if (!Number.isFinite(x)) return t.failure(u, c, `value ${i} is ${String(x)}: a saved model holds finite numbers only`)
      values[i] = x
    }
    return t.success(values)
  },
  (values) => {
    const bytes = new Uint8Array(8 * values.length)
    const view = new DataView(bytes.buffer)
    for (let i = 0; i < values.length; i++) view.setFloat64(8 * i, values[i] ?? 0, true)
    return encodeBase64(bytes)
  },
)

/**
 * Any JSON value; a non-finite number (what `JSON.parse` makes of `1e400`) is reported at its
 * place. Checked with an explicit stack, so deep nesting cannot overflow.
 */
export const JsonValueCodec: t.Type<JsonValue, JsonValue, unknown> = new t.Type<JsonValue, JsonValue, unknown>(
  'JsonValue',
  isJsonValue,
  (u, c) => {
    if (isJsonValue(u)) return t.success(u)
    const problem = findJsonProblem(u)
    let context = c
    let at: unknown = u
    for (const segment of problem?.path ?? []) {
      at = childrenOf(at)?.find(([k]) => k === segment)?.[1]
      context = t.appendContext(context, String(segment), t.unknown, at)
    }
    return t.failure(at, context, problem?.detail ?? 'expected a JSON value')
  },
  (a) => a,
)

/**
 * One tensor entry `{ path, shape, data }`, exactly these keys, whose data holds as many values as
 * the shape has elements.
 */
export const TensorEntryCodec = refineTensorEntry(
  strictRecord('TensorEntry', { path: TensorPathCodec, shape: ShapeCodec, data: Float64Base64 }, 'a tensor entry {path, shape, data}'),
)

/** A whole model file, exactly the keys `format`, `version`, `inputShape`, `spec` and `tensors`. */
export const ModelFileCodec = strictRecord(
  'ModelFile',
  {
    format: FormatCodec,
    version: VersionCodec,
    inputShape: ShapeCodec,
    spec: JsonValueCodec,
    tensors: arrayOf(TensorEntryCodec, 'Tensors', 'an array of tensor entries'),
  },
  'a dualflow model file (a JSON object {format, version, inputShape, spec, tensors})',
)

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** An array of items; decoding stops at the first bad item, the only one a decode error reports. */
function arrayOf<A, O>(item: t.Type<A, O, unknown>, name: string, expected: string): t.Type<readonly A[], readonly O[], unknown> {
  return new t.Type<readonly A[], readonly O[], unknown>(
    name,
    (u): u is readonly A[] => Array.isArray(u) && u.every((x: unknown) => item.is(x)),
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c, `expected ${expected}, got ${showJson(u)}`)
      const out: A[] = []
      for (let i = 0; i < u.length; i++) {
        const x: unknown = u[i]
        const result = item.validate(x, t.appendContext(c, String(i), item, x))
        if (E.isLeft(result)) return t.failures(result.left)
        out.push(result.right)
      }
      return t.success(out)
    },
    (as) => as.map((a) => item.encode(a)),
  )
}

/**
 * A record with exactly the given keys. io-ts's `t.type` ignores unknown keys (and `t.exact`
 * strips them silently); here a key outside `props` is a failure at that key. Keys are own
 * enumerable properties, so `__proto__` in a parsed file is an unknown key like any other.
 */
function strictRecord<P extends t.Props>(name: string, props: P, expected: string) {
  const exact = t.exact(t.type(props), name)
  return new t.Type<t.TypeOf<typeof exact>, t.OutputOf<typeof exact>, unknown>(
    name,
    (u): u is t.TypeOf<typeof exact> => exact.is(u),
    (u, c) => {
      if (!isPlainObject(u)) return t.failure(u, c, `expected ${expected}, got ${showJson(u)}`)
      const result = exact.validate(u, c)
      if (E.isLeft(result)) return result
      const known = Object.keys(props).map((k) => JSON.stringify(k)).join(', ')
      for (const [k, v] of childrenOf(u) ?? []) {
        if (typeof k === 'string' && !Object.hasOwn(props, k)) {
          return t.failure(v, t.appendContext(c, k, t.unknown, v), `unexpected key ${JSON.stringify(k)} (expected only ${known})`)
        }
      }
      return result
    },
    (a) => exact.encode(a),
  )
}

/** Adds the check that a tensor entry's data has as many values as its shape has elements. */
function refineTensorEntry<O>(
  entry: t.Type<{ path: string; shape: Shape; data: ReadonlyFloat64Array }, O, unknown>,
): t.Type<{ path: string; shape: Shape; data: ReadonlyFloat64Array }, O, unknown> {
  return new t.Type<{ path: string; shape: Shape; data: ReadonlyFloat64Array }, O, unknown>(
    entry.name,
    (u): u is { path: string; shape: Shape; data: ReadonlyFloat64Array } => entry.is(u) && u.data.length === sizeOf(u.shape),
    (u, c) => {
      const result = entry.validate(u, c)
      if (E.isLeft(result)) return result
      const { shape, data } = result.right
      const n = sizeOf(shape)
      if (data.length === n) return result
      return t.failure(
        data,
        t.appendContext(c, 'data', Float64Base64, data),
        `expected ${n} float64 values (${8 * n} bytes) for shape ${showJson(shape)}, got ${data.length} values (${8 * data.length} bytes)`,
      )
    },
    (a) => entry.encode(a),
  )
}
