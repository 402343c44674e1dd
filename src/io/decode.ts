/**
 * Loading a model: JSON text to parameters and state that fit a given model, or a Left saying
 * where the file goes wrong.
 *
 * The text is checked in stages, and the first problem is reported with its JSON path:
 *
 * 1. it is JSON (`json`);
 * 2. it is a dualflow model file (`format`) of version 1 (`version`) — checked before anything
 *    else, so a file of another kind or version is named as such rather than as a list of odd keys;
 * 3. it has exactly the format's keys and types (`schema`, see ./format.ts): shapes of
 *    non-negative integers, strict base64 data holding only finite values, as many values as each
 *    shape has elements;
 * 4. its layer description equals `model.spec` (`architecture`: the first differing path, as
 *    `$.spec.layers[2].units: … expected 1, got 2`), and `model.init(key(0), inputShape)` runs;
 * 5. its tensors are exactly the ones that `init` gives (`tensors`): no path missing, extra or
 *    repeated, and every shape as `init` makes it. Entries may come in any order.
 *
 * The trees are then rebuilt with exactly the structure `init` gives (its record key order
 * included), from containers built by `tree.unflatten`: nothing in the file becomes an object key,
 * so a key such as `__proto__` in the file can only be reported, never reach a prototype. Values are
 * the file's bytes read as little-endian float64, so they are bit-identical to what was saved.
 */
import { either as E } from 'fp-ts'
import type * as t from 'io-ts'
import { fromData, type Shape, type Tensor } from '../tensor/Tensor.js'
import { ArgumentError } from '../tensor/errors.js'
import { shapesEqual } from '../tensor/shape.js'
import { unflatten } from '../tree/index.js'
import { key } from '../random/index.js'
import { ModelDecodeError, type ModelDecodeReason } from './errors.js'
import { FormatCodec, ModelFileCodec, VersionCodec, type ModelFile } from './format.js'
import { childrenOf, formatJsonPath, isPlainObject, jsonDifference, showJson, toJsonValue, type JsonSegment } from './json.js'
import { layoutOf, type SavableModel, type SavedModel, type TensorLayout } from './SavedModel.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The parameters, state and input shape saved in a model file, checked against `model` (see the
 * module header for the checks, in order). Never throws for any text; a Left is a
 * ModelDecodeError with the problem's `reason`, JSON `path` and `detail`, and a message such as
 * `decodeModel: at $.tensors[3].shape: expected [12, 8], got [8, 12] (tensor "params[0].kernel")`.
 * (It does throw, as an ArgumentError, when `model.spec` itself is not JSON: that is a bug in the
 * model, not in the file.)
 *
 * Caveat: the file's `inputShape` decides what `init` allocates; do not load files from untrusted
 * sources without bounding their input shape first.
 *
 * @example
 * const model = nn.dense(1)
 * const { params, state } = model.init(random.key(7), [3])
 * decodeModel(encodeModel(model, { params, state, inputShape: [3] }), model)  // right({ params, state, inputShape: [3] })
 * decodeModel('{"format": "dualflow-model", "version": 2}', model)
 * // left: decodeModel: at $.version: unsupported version 2: this dualflow reads version 1
 */
export const decodeModel = (json: string, model: SavableModel): E.Either<ModelDecodeError, SavedModel> => {
  const file = readModelFile(json)
  return E.isLeft(file) ? file : savedFromFile(file.right, model)
}

/** Stages 1–3 (see the module header): the text as a model file, checked against the format alone. */
export const readModelFile = (json: string): E.Either<ModelDecodeError, ModelFile> => {
  const parsed = parseJson(json)
  return E.isLeft(parsed) ? parsed : decodeFile(parsed.right)
}

/**
 * Stages 4 and 5 (see the module header): a decoded file's trees checked against `model`.
 * Throws an ArgumentError when `model.spec` is not JSON (a bug in the model, not in the file).
 *
 * @throws {ArgumentError} (from the tensor module) when `model.spec` is not JSON: a bug in the model, not in the file
 */
export const savedFromFile = (file: ModelFile, model: SavableModel): E.Either<ModelDecodeError, SavedModel> => {
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
  return fillTrees(layoutOf('decodeModel', initialised.right), tensors, inputShape)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

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

/** Stages 2 and 3: the header (format, version) first, then the whole format. */
const decodeFile = (u: unknown): E.Either<ModelDecodeError, ModelFile> => {
  if (!isPlainObject(u)) {
    return fail('format', [], `expected a dualflow model file (a JSON object with "format": "dualflow-model"), got ${showJson(u)}`)
  }
  const fields = new Map(childrenOf(u))
  const format = FormatCodec.decode(fields.get('format'))
  if (E.isLeft(format)) return E.left(fromErrors('format', format.left))
  const version = VersionCodec.decode(fields.get('version'))
  if (E.isLeft(version)) return E.left(fromErrors('version', version.left))
  const file = ModelFileCodec.decode(u)
  return E.isLeft(file) ? E.left(fromErrors('schema', file.left)) : file
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
