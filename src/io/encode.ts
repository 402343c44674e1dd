/**
 * Saving a model: its layer description, input shape, parameters and state to a version-1 model
 * file (see ./format.ts for the format and why tensor values are base64 of their float64 bytes).
 *
 * The encoder holds the values against the model before writing anything, with the same layout
 * the decoder uses (`model.init(key(0), inputShape)`), so every file it writes loads back into the
 * same model. Values that do not fit the model are misuse and are thrown as a ModelEncodeError.
 */
import { either as E } from 'fp-ts'
import { formatShape, shapesEqual, sizeOf, type Shape, type Tensor } from '../tensor/index.js'
import type { ValueTree } from '../ad/index.js'
import { isTree, leaves } from '../tree/index.js'
import { ModelEncodeError } from './errors.js'
import { FORMAT, ModelFileCodec, VERSION, type ModelFileJson } from './format.js'
import { formatJsonPath, toJsonValue } from './json.js'
import { tensorLayout, tensorPath, type SavableModel, type SavedModel, type TreeName } from './SavedModel.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * A model file as a plain JSON-ready object: `{ format, version, inputShape, spec, tensors }`, with
 * the tensors in the order of the model's trees (parameters, then state) and each tensor's values
 * as base64 of their little-endian float64 bytes.
 *
 * Throws a ModelEncodeError (naming the place: `inputShape`, `spec.units`,
 * `params[0].kernel`) when the input shape is not a shape of non-negative integers, when
 * `model.spec` is not JSON (record entries holding `undefined` are left out, as `JSON.stringify`
 * does), when a tree lacks a tensor the model has, has one the model lacks, or has one of another
 * shape, and when a value is NaN or infinite. Record key order in the given trees does not matter.
 *
 * @throws {ModelEncodeError} when the values do not fit the model (a missing, extra or misshapen tensor, a non-finite value) or the spec is not JSON
 * @example
 * const model = nn.dense(1)
 * const { params, state } = model.init(random.key(0), [3])
 * encodeModelObject(model, { params, state, inputShape: [3] }).tensors.map((t) => t.path)
 * // ['params.kernel', 'params.bias']
 */
export const encodeModelObject = (model: SavableModel, saved: SavedModel<ValueTree>): ModelFileJson => {
  const inputShape = checkInputShape(saved.inputShape)
  const spec = toJsonValue(model.spec)
  if (E.isLeft(spec)) {
    const at = `spec${formatJsonPath(spec.left.path).slice(1)}`
    throw new ModelEncodeError(at, `model.spec must be JSON: ${spec.left.detail}`)
  }
  const layout = tensorLayout('encodeModel', model, inputShape)
  const given = new Map([...givenTensors('params', saved.params), ...givenTensors('state', saved.state)])
  const expected = new Set(layout.tensors.map((t) => t.path))
  for (const [path, value] of given) {
    if (!expected.has(path)) {
      throw new ModelEncodeError(path, `unexpected tensor ${formatShape(value.shape)}: the model has no tensor at this path for input shape ${formatShape(inputShape)}`)
    }
  }
  const tensors = layout.tensors.map(({ path, shape }) => {
    const value = given.get(path)
    if (value === undefined) {
      throw new ModelEncodeError(path, `missing tensor: the model has a tensor of shape ${formatShape(shape)} here`)
    }
    if (!shapesEqual(value.shape, shape) || value.data.length !== sizeOf(shape)) {
      throw new ModelEncodeError(path, `expected shape ${formatShape(shape)}, got ${formatShape(value.shape)} with ${value.data.length} values`)
    }
    const data = value.data
    for (let i = 0; i < data.length; i++) {
      const x = data[i] ?? 0
      if (!Number.isFinite(x)) throw new ModelEncodeError(path, `value ${i} is ${String(x)}: only finite numbers can be saved`)
    }
    return { path, shape: [...shape], data }
  })
  return ModelFileCodec.encode({ format: FORMAT, version: VERSION, inputShape: [...inputShape], spec: spec.right, tensors })
}

/**
 * A model file as JSON text (UTF-8 safe, ASCII unless the layer description holds other
 * characters): the fields of {@link encodeModelObject}, one per line, and one line per tensor.
 * `decodeModel(encodeModel(model, saved), model)` gives back `saved`, bit for bit. Throws as
 * {@link encodeModelObject}.
 *
 * @example
 * const model = nn.sequential(nn.dense(12), nn.relu, nn.dense(1))
 * const { params, state } = model.init(random.key(0), [8])
 * const json = encodeModel(model, { params, state, inputShape: [8] })
 * decodeModel(json, model)  // right({ params, state, inputShape: [8] })
 */
export const encodeModel = (model: SavableModel, saved: SavedModel<ValueTree>): string => {
  const file = encodeModelObject(model, saved)
  const tensors = file.tensors.map((entry) => `    ${JSON.stringify(entry)}`)
  return [
    '{',
    `  "format": ${JSON.stringify(file.format)},`,
    `  "version": ${JSON.stringify(file.version)},`,
    `  "inputShape": ${JSON.stringify(file.inputShape)},`,
    `  "spec": ${JSON.stringify(file.spec)},`,
    tensors.length === 0 ? '  "tensors": []' : `  "tensors": [\n${tensors.join(',\n')}\n  ]`,
    '}',
    '',
  ].join('\n')
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const checkInputShape = (shape: Shape): Shape => {
  const ok = Array.isArray(shape) && shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
  if (!ok) throw new ModelEncodeError('inputShape', `expected a shape (an array of non-negative integers), got ${String(shape)}`)
  return shape
}

const givenTensors = (name: TreeName, tree: ValueTree): Array<readonly [string, Tensor]> => {
  if (!isTree(tree)) {
    throw new ModelEncodeError(name, 'expected a tree of plain tensors (tensors, arrays and plain records; save the primal values, not Duals)')
  }
  return leaves(tree).map((leaf) => [tensorPath(name, leaf.path), leaf.value])
}
