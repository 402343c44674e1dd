/**
 * io — saving models without loss: versioned JSON with every tensor's path, shape and bit-exact
 * values (`encodeModel`), and loading checked against the model, as an Either naming the JSON path
 * of the first problem (`decodeModel`). Browser-safe: file helpers live in `dualflow/node`.
 * Re-exports only.
 */
export { decodeModel } from './decode.js';
export { encodeModel, encodeModelObject } from './encode.js';
export { ModelDecodeError, ModelEncodeError } from './errors.js';
export { FORMAT, VERSION, ModelFileCodec, TensorEntryCodec, Float64Base64, ShapeCodec, } from './format.js';
export { decodeBase64, encodeBase64 } from './base64.js';
export {} from './json.js';
export { tensorLayout, tensorPath } from './SavedModel.js';
