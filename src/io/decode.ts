/**
 * Loading a model: JSON text to parameters and state that fit a given model, or a Left saying
 * where the file goes wrong.
 *
 * The text is checked in stages, and the first problem is reported with its JSON path:
 *
 * 1. it is JSON (`json`);
 * 2. it is a dualflow model file (`format`) of version 1 (`version`) — checked before anything
 *    else, so a file of another kind or version is named as such rather than as a list of odd keys;
 * 3. its sizes are within `maxElements` (`limits`), read from the raw JSON before any tensor data
 *    is decoded and before the model is built: the elements of one input row (the product of
 *    `inputShape`), the number of tensors, each tensor's elements (the product of its shape), the
 *    total over all tensors, and each tensor's base64 text (no longer than its shape needs);
 * 4. it has exactly the format's keys and types (`schema`, see ./format.ts): shapes of
 *    non-negative integers, strict base64 data holding only finite values, as many values as each
 *    shape has elements;
 * 5. its layer description equals `model.spec` (`architecture`: the first differing path, as
 *    `$.spec.layers[2].units: … expected 1, got 2`), and `model.init(key(0), inputShape)` runs;
 * 6. its tensors are exactly the ones that `init` gives (`tensors`): no path missing, extra or
 *    repeated, and every shape as `init` makes it. Entries may come in any order.
 *
 * The trees are then rebuilt with exactly the structure `init` gives (its record key order
 * included), from containers built by `tree.unflatten`: nothing in the file becomes an object key,
 * so a key such as `__proto__` in the file can only be reported, never reach a prototype. Values are
 * the file's bytes read as little-endian float64, so they are bit-identical to what was saved.
 */
import { either as E } from 'fp-ts'
import type * as t from 'io-ts'
import { type Shape, type Tensor } from '../tensor/index.js'
import { fromData } from '../tensor/internal.js'
import { ArgumentError } from '../tensor/index.js'
import { shapesEqual } from '../tensor/index.js'
import { unflatten, type Tree } from '../tree/index.js'
import { key } from '../random/index.js'
import { ModelDecodeError, type ModelDecodeReason } from './errors.js'
import { FormatCodec, ModelFileCodec, VersionCodec, type ModelFile } from './format.js'
import { childrenOf, formatJsonPath, isPlainObject, jsonDifference, showJson, toJsonValue, type JsonSegment } from './json.js'
import { layoutOf, type SavableModel, type SavedModel, type TensorLayout } from './SavedModel.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of `decodeModel`. */
export interface DecodeOptions {
  /**
   * Most elements the file may make the loader allocate (default 2²² = 4 194 304, 32 MiB of
   * float64): bounds one input row (the product of `inputShape`), the number of tensors, each
   * tensor and the total over all tensors. Checked before any data is decoded or the model built.
   */
  readonly maxElements?: number
}

/** The default of `DecodeOptions.maxElements`: 2²² elements (32 MiB of float64). */
export const DEFAULT_MAX_ELEMENTS = 2 ** 22

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The parameters, state and input shape saved in a model file, checked against `model` (see the
 * module header for the checks, in order). Never throws for any text; a Left is a
 * ModelDecodeError with the problem's `reason`, JSON `path` and `detail`, and a message such as
 * `decodeModel: at $.tensors[3].shape: expected [12, 8], got [8, 12] (tensor "params[0].kernel")`.
 * (It does throw, as an ArgumentError, when `model.spec` itself is not JSON: that is a bug in the
 * model, not in the file.)
 *
 * The file's `inputShape` decides what `init` allocates, so it is bounded first: an input row of
 * more than `maxElements` elements (default 2²² = 4 194 304, 32 MiB of float64) is refused before
 * the model is built, and so are tensors beyond the same bound. `init` then allocates the model's
 * own parameters for that input shape (for a dense first layer, inputs × units).
 *
 * @example
 * const model = nn.dense(1)
 * const { params, state } = model.init(random.key(7), [3])
 * decodeModel(encodeModel(model, { params, state, inputShape: [3] }), model)  // right({ params, state, inputShape: [3] })
 * decodeModel('{"format": "dualflow-model", "version": 2}', model)
 * // left: decodeModel: at $.version: unsupported version 2: this dualflow reads version 1
 */
export const decodeModel = <P extends Tree = Tree, S extends Tree = Tree>(json: string, model: SavableModel<P, S>, options: DecodeOptions = {}): E.Either<ModelDecodeError, SavedModel<P, S>> => {
  const file = readModelFile(json, options)
  return E.isLeft(file) ? file : savedFromFile(file.right, model)
}

/**
 * Stages 1–4 (see the module header): the text as a model file, checked against the format alone
 * and bounded by `maxElements`.
 *
 * @throws {ArgumentError} when `options.maxElements` is not a positive integer
 */
export const readModelFile = (json: string, options: DecodeOptions = {}): E.Either<ModelDecodeError, ModelFile> => {
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS
  if (!Number.isInteger(maxElements) || maxElements < 1) throw new ArgumentError('decodeModel', `maxElements must be a positive integer, got ${maxElements}`)
  const parsed = parseJson(json)
  return E.isLeft(parsed) ? parsed : decodeFile(parsed.right, maxElements)
}

/**
 * Stages 5 and 6 (see the module header): a decoded file's trees checked against `model`.
 * Throws an ArgumentError when `model.spec` is not JSON (a bug in the model, not in the file).
 *
 * @throws {ArgumentError} (from the tensor module) when `model.spec` is not JSON: a bug in the model, not in the file
 */
export const savedFromFile = <P extends Tree = Tree, S extends Tree = Tree>(file: ModelFile, model: SavableModel<P, S>): E.Either<ModelDecodeError, SavedModel<P, S>> => {
  const { inputShape, spec, tensors } = file
  const expectedSpec = toJsonValue(model.spec)
  if (E.isLeft(expectedSpec)) {
    throw new ArgumentError('decodeModel', `model.spec must be JSON: at ${formatJsonPath(['spec', ...expectedSpec.left.path])}: ${expectedSpec.left.detail}`)
  }
  const difference = jsonDifference(expectedSpec.right, spec)
  if (difference !== undefined) {
    return fail('architecture', ['spec', ...difference.path], `the saved layer description differs from the model's: ${difference.detail}`)
  }

  const initialised = E.tryCatch(
    () => model.init(key(0), inputShape),
    (e) => new ModelDecodeError('architecture', '$.inputShape', `the model cannot be initialised for input shape ${showShape(inputShape)}: ${messageOf(e)}`),
  )
  if (E.isLeft(initialised)) return initialised
  const saved = fillTrees(layoutOf('decodeModel', initialised.right), tensors, inputShape)
  return E.isLeft(saved) ? saved : E.right(modelTypes<P, S>(saved.right))
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/**
 * The trees of a file, typed as the model's own `P` and `S`: the one place loading asserts a type.
 * It holds by construction: `fillTrees` rebuilt them with the treedefs of this model's
 * `init(key(0), inputShape)` (whose trees are `P` and `S`), a tensor at every leaf of the shape
 * `init` gave (test/io checks a typed round trip).
 */
const modelTypes = <P, S>(saved: SavedModel): SavedModel<P, S> =>
  // Through unknown: TypeScript cannot relate the rebuilt general trees to generic P, S.
  saved as unknown as SavedModel<P, S>

const fail = (reason: ModelDecodeReason, path: readonly JsonSegment[], detail: string): E.Either<ModelDecodeError, never> =>
  E.left(new ModelDecodeError(reason, formatJsonPath(path), detail))

const parseJson = (json: string): E.Either<ModelDecodeError, unknown> => {
  const text: unknown = json
  if (typeof text !== 'string') return fail('json', [], `expected JSON text (a string), got ${showJson(text)}`)
  return E.tryCatch(
    (): unknown => JSON.parse(text),
    (e) => new ModelDecodeError('json', '$', `invalid JSON (${text.length === 0 ? 'empty text' : `${text.length} characters`}): ${messageOf(e)}`),
  )
}

/** Stages 2 to 4: the header (format, version) first, then the sizes, then the whole format. */
const decodeFile = (u: unknown, maxElements: number): E.Either<ModelDecodeError, ModelFile> => {
  if (!isPlainObject(u)) {
    return fail('format', [], `expected a dualflow model file (a JSON object with "format": "dualflow-model"), got ${showJson(u)}`)
  }
  const fields = new Map(childrenOf(u))
  const format = FormatCodec.decode(fields.get('format'))
  if (E.isLeft(format)) return E.left(fromErrors('format', format.left))
  const version = VersionCodec.decode(fields.get('version'))
  if (E.isLeft(version)) return E.left(fromErrors('version', version.left))
  const limits = checkLimits(fields, maxElements)
  if (E.isLeft(limits)) return limits
  const file = ModelFileCodec.decode(u)
  return E.isLeft(file) ? E.left(fromErrors('schema', file.left)) : file
}

/** The product of a JSON shape's entries when it is a list of numbers (else undefined: the schema stage reports it). */
const elementsOf = (shape: unknown): number | undefined => {
  if (!Array.isArray(shape)) return undefined
  let n = 1
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return undefined
    n *= d
  }
  return n
}

/**
 * Stage 3, on the raw JSON: sizes within maxElements before anything is decoded or allocated.
 * Malformed values are left to the schema stage, which names them.
 */
const checkLimits = (fields: ReadonlyMap<JsonSegment, unknown>, maxElements: number): E.Either<ModelDecodeError, void> => {
  const beyond = (n: number): string => `is more than maxElements (${maxElements}); pass a larger maxElements to load it`
  const row = elementsOf(fields.get('inputShape'))
  if (row !== undefined && row > maxElements) return fail('limits', ['inputShape'], `an input row of ${row} elements ${beyond(row)}`)
  const tensors = fields.get('tensors')
  if (!Array.isArray(tensors)) return E.right(undefined)
  if (tensors.length > maxElements) return fail('limits', ['tensors'], `${tensors.length} tensors ${beyond(tensors.length)}`)
  let total = 0
  for (let i = 0; i < tensors.length; i++) {
    const entry: unknown = tensors[i]
    if (!isPlainObject(entry)) continue
    const entryFields = new Map(childrenOf(entry) ?? [])
    const shape = entryFields.get('shape')
    const n = elementsOf(shape)
    if (n === undefined) continue
    if (n > maxElements) return fail('limits', ['tensors', i, 'shape'], `a tensor of ${n} elements ${beyond(n)}`)
    total += n
    if (total > maxElements) return fail('limits', ['tensors', i, 'shape'], `the tensors up to this one hold ${total} elements, which ${beyond(total)}`)
    const data = entryFields.get('data')
    // Base64 of 8n bytes is 4·⌈8n/3⌉ characters: longer text cannot be this tensor's data.
    if (typeof data === 'string' && data.length > 4 * Math.ceil((8 * n) / 3)) {
      return fail('limits', ['tensors', i, 'data'], `base64 text of ${data.length} characters cannot be the ${n} values of shape ${showShape(Array.isArray(shape) ? shape.map(Number) : [])}`)
    }
  }
  return E.right(undefined)
}

/**
 * The first io-ts error as a ModelDecodeError. The header codecs decode a field directly, so their
 * path is the field's; the file codec's contexts run from the root.
 */
const fromErrors = (reason: ModelDecodeReason, errors: t.Errors): ModelDecodeError => {
  const first = errors[0]
  const root: readonly JsonSegment[] = reason === 'format' ? ['format'] : reason === 'version' ? ['version'] : []
  if (first === undefined) return new ModelDecodeError(reason, formatJsonPath(root), 'invalid model file')
  const segments: JsonSegment[] = [...root]
  for (let i = 1; i < first.context.length; i++) {
    const entry = first.context[i]
    const parent = first.context[i - 1]
    if (entry === undefined || parent === undefined) continue
    segments.push(Array.isArray(parent.actual) ? Number(entry.key) : entry.key)
  }
  const detail = first.message ?? `expected ${first.context[first.context.length - 1]?.type.name ?? 'a valid value'}, got ${showJson(first.value)}`
  return new ModelDecodeError(reason, formatJsonPath(segments), detail)
}

/** Stage 5: every tensor of the layout found once, with its shape; then the trees rebuilt. */
const fillTrees = (
  layout: TensorLayout,
  entries: ModelFile['tensors'],
  inputShape: Shape,
): E.Either<ModelDecodeError, SavedModel> => {
  const slots = new Map(layout.tensors.map((expected, slot) => [expected.path, { ...expected, slot }]))
  const filled: Array<Tensor | undefined> = layout.tensors.map(() => undefined)
  const seenAt = new Map<string, number>()
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]
    if (entry === undefined) continue
    const expected = slots.get(entry.path)
    if (expected === undefined) {
      return fail('tensors', ['tensors', i, 'path'], `unexpected tensor ${JSON.stringify(entry.path)}: the model has no tensor at this path`)
    }
    const earlier = seenAt.get(entry.path)
    if (earlier !== undefined) {
      return fail('tensors', ['tensors', i, 'path'], `tensor ${JSON.stringify(entry.path)} appears twice (first at ${formatJsonPath(['tensors', earlier])})`)
    }
    seenAt.set(entry.path, i)
    if (!shapesEqual(entry.shape, expected.shape)) {
      return fail('tensors', ['tensors', i, 'shape'], `expected ${showShape(expected.shape)}, got ${showShape(entry.shape)} (tensor ${JSON.stringify(entry.path)})`)
    }
    // The codec allocated this array for this entry alone, so it can be wrapped without a copy.
    filled[expected.slot] = fromData(entry.data, expected.shape)
  }
  const found: Tensor[] = []
  for (const [slot, tensor] of filled.entries()) {
    if (tensor === undefined) {
      const missing = layout.tensors[slot]
      const what = missing === undefined ? '' : ` ${JSON.stringify(missing.path)} of shape ${showShape(missing.shape)}`
      return fail('tensors', ['tensors'], `missing tensor${what}: the file has ${entries.length} tensors, the model ${layout.tensors.length}`)
    }
    found.push(tensor)
  }
  const paramCount = layout.params.leafCount
  return E.right({
    params: unflatten(layout.params, found.slice(0, paramCount)),
    state: unflatten(layout.state, found.slice(paramCount)),
    inputShape: Object.freeze([...inputShape]),
  })
}

const showShape = (shape: Shape): string => `[${shape.join(', ')}]`

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))
