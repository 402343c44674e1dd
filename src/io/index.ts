/**
 * io — saving models without loss: versioned JSON with every tensor's path, shape and bit-exact
 * values (`encodeModel`), and loading checked against the model, as an Either naming the JSON path
 * of the first problem (`decodeModel`). Browser-safe: file helpers live in `dualflow/node`.
 * Re-exports only.
 *
 * @module dualflow/io
 */
export { decodeModel, DEFAULT_MAX_ELEMENTS, type DecodeOptions } from './decode.js'
export { restoreModel, type RestoredModel, type RestoreOptions } from './restore.js'
export { layerFromSpec, layerKind, layers, type BuildChild, type LayerKind, type LayerRegistry, type LibraryLayerKind } from './registry.js'
export { encodeModel, encodeModelObject } from './encode.js'
export { ModelDecodeError, ModelEncodeError, type ModelDecodeReason } from './errors.js'
export {
  FORMAT,
  VERSION,
  ModelFileCodec,
  TensorEntryCodec,
  Float64Base64,
  ShapeCodec,
  type ModelFile,
  type ModelFileJson,
  type TensorEntry,
} from './format.js'
export { decodeBase64, encodeBase64, type Base64Problem } from './base64.js'
export { type JsonSegment, type JsonValue } from './json.js'
export { tensorLayout, tensorPath, type ExpectedTensor, type SavableModel, type SavedModel, type TensorLayout, type TreeName } from './SavedModel.js'
