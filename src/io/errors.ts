/**
 * The errors of saving and loading models. Decoding a file is a boundary, so its problems come back
 * as a `ModelDecodeError` inside a `Left`, naming the JSON path (`$.tensors[3].shape`) and what was
 * expected there. Encoding takes values from the program itself, so a model and parameters that do
 * not fit each other are misuse and are thrown, as a `ModelEncodeError`.
 */

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * What kind of problem a saved model has:
 * - `json`: the text is not JSON (truncated, invalid);
 * - `format`: not a dualflow model file (`format` missing or different, not an object);
 * - `version`: a dualflow model file of a version this code does not read;
 * - `schema`: a field is missing, unexpected, or of the wrong type (a non-number in a shape,
 *   malformed base64, non-finite values, data whose length does not fit its own shape);
 * - `architecture`: the saved layer description differs from the model's, or the model cannot be
 *   initialised for the saved input shape;
 * - `tensors`: the tensors do not fit the model: missing, extra or duplicated paths, wrong shapes.
 */
export type ModelDecodeReason = 'json' | 'format' | 'version' | 'limits' | 'schema' | 'architecture' | 'tensors'

/**
 * A saved model that cannot be loaded into a model: where (a JSON path from the root `$` of the
 * file, as `$.tensors[3].shape` or `$.spec.layers[1].units`) and what was expected there. The
 * message reads `decodeModel: at $.tensors[3].shape: expected [12, 8], got [8, 12]`.
 */
export class ModelDecodeError extends Error {
  readonly _tag = 'ModelDecodeError' as const
  constructor(
    readonly reason: ModelDecodeReason,
    /** JSON path of the problem: `$` for the whole file. */
    readonly path: string,
    /** What was expected and what was found. */
    readonly detail: string,
  ) {
    super(`decodeModel: at ${path}: ${detail}`)
    this.name = 'ModelDecodeError'
  }
}

/**
 * Parameters or state that cannot be saved with a model: a tree that differs from the one the
 * model's `init` gives, a non-finite value, an input shape that is not a shape, a layer description
 * that is not JSON. `path` names the place: `params[0].kernel`, `inputShape`, `spec.units`.
 */
export class ModelEncodeError extends Error {
  readonly _tag = 'ModelEncodeError' as const
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`encodeModel: at ${path}: ${detail}`)
    this.name = 'ModelEncodeError'
  }
}
