/**
 * The errors of saving and loading models. Decoding a file is a boundary, so its problems come back
 * as a `ModelDecodeError` inside a `Left`, naming the JSON path (`$.tensors[3].shape`) and what was
 * expected there. Encoding takes values from the program itself, so a model and parameters that do
 * not fit each other are misuse and are thrown, as a `ModelEncodeError`.
 */
/**
 * A saved model that cannot be loaded into a model: where (a JSON path from the root `$` of the
 * file, as `$.tensors[3].shape` or `$.spec.layers[1].units`) and what was expected there. The
 * message reads `decodeModel: at $.tensors[3].shape: expected [12, 8], got [8, 12]`.
 */
export class ModelDecodeError extends Error {
    reason;
    path;
    detail;
    _tag = 'ModelDecodeError';
    constructor(reason, 
    /** JSON path of the problem: `$` for the whole file. */
    path, 
    /** What was expected and what was found. */
    detail) {
        super(`decodeModel: at ${path}: ${detail}`);
        this.reason = reason;
        this.path = path;
        this.detail = detail;
        this.name = 'ModelDecodeError';
    }
}
/**
 * Parameters or state that cannot be saved with a model: a tree that differs from the one the
 * model's `init` gives, a non-finite value, an input shape that is not a shape, a layer description
 * that is not JSON. `path` names the place: `params[0].kernel`, `inputShape`, `spec.units`.
 */
export class ModelEncodeError extends Error {
    path;
    detail;
    _tag = 'ModelEncodeError';
    constructor(path, detail) {
        super(`encodeModel: at ${path}: ${detail}`);
        this.path = path;
        this.detail = detail;
        this.name = 'ModelEncodeError';
    }
}
