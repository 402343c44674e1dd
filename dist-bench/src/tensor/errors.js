// ─── model ──────────────────────────────────────────────────────────────────────────────────────
/** A shape or axis problem: incompatible shapes, a bad dimension, an axis out of range. */
export class ShapeError extends Error {
    op;
    shapes;
    detail;
    _tag = 'ShapeError';
    constructor(op, shapes, detail) {
        super(`${op}: ${shapes.map(formatShape).join(' x ')}${shapes.length > 0 ? ': ' : ''}${detail}`);
        this.op = op;
        this.shapes = shapes;
        this.detail = detail;
        this.name = 'ShapeError';
    }
}
/** A bad non-shape argument: a NaN count, a non-integer index, ragged nested input. */
export class ArgumentError extends Error {
    op;
    detail;
    _tag = 'ArgumentError';
    constructor(op, detail) {
        super(`${op}: ${detail}`);
        this.op = op;
        this.detail = detail;
        this.name = 'ArgumentError';
    }
}
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/** `[2,3]` — the way every message prints a shape. */
export const formatShape = (shape) => `[${shape.join(',')}]`;
