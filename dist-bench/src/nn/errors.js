/**
 * The typed error of layers: a layer that cannot take the shape it is given, or parameters that do
 * not have the structure the layer made at `init`.
 *
 * A leaf layer reports in its own name (`dense(8): expects input of rank 1 …, got [3,4]`). A
 * combinator that catches an error from a child re-throws it in its own name with the child's place
 * prepended to `path` and, when the child's input came from a sibling, that sibling named in
 * `source`:
 *
 * ```
 * sequential: layer 2 input([12]) expects input [12], got [10] from layer 1 dense(10)
 * sequential: layer 2 sequential › layer 1 input([12]) expects input [12], got [10] from layer 1 dense(10)
 * ```
 */
import { formatShape } from '../tensor/index.js';
// ─── model ──────────────────────────────────────────────────────────────────────────────────────
/** A layer refused its input shape or its parameters. */
export class LayerError extends Error {
    layer;
    detail;
    path;
    source;
    _tag = 'LayerError';
    constructor(
    /** The layer that reports: the outermost combinator that saw the error, or the leaf itself. */
    layer, 
    /** What went wrong, from the refusing layer's point of view: `expects input [12], got [10]`. */
    detail, 
    /** Places from the reporting layer down to the refusing one: `['layer 2 sequential', 'layer 1 input([12])']`. */
    path = [], 
    /** Where the refused input came from, when a sibling produced it: `from layer 1 dense(10)` ('' otherwise). */
    source = '', options) {
        super(`${layer}: ${path.length > 0 ? `${path.join(' › ')} ` : ''}${detail}${sourceNote(detail, source)}`, options);
        this.layer = layer;
        this.detail = detail;
        this.path = path;
        this.source = source;
        this.name = 'LayerError';
    }
}
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/**
 * The error a combinator throws when its child at `place` (e.g. `layer 2 dense(8)`) failed at
 * init with `e` on `inputShape`; `source` names the sibling that produced the input ('' when it was
 * the combinator's own input).
 */
export const wrapChildError = (combinator, place, inputShape, source, e) => e instanceof LayerError
    ? new LayerError(combinator, e.detail, [place, ...e.path], e.source === '' ? source : e.source, { cause: e })
    : new LayerError(combinator, `failed on input ${formatShape(inputShape)}: ${e instanceof Error ? e.message : String(e)}`, [place], source, {
        cause: e,
    });
/** ` from layer 1 dense(10)` after a shape refusal, ` (input from layer 1 dense(10))` after anything else. */
const sourceNote = (detail, source) => source === '' ? '' : detail.startsWith(EXPECTS) ? ` ${source}` : ` (input ${source})`;
const EXPECTS = 'expects input';
/** `expects input <expected>, got <actual>`: the wording of every shape refusal. */
export const expectsInput = (expected, actual) => `${EXPECTS} ${expected}, got ${formatShape(actual)}`;
