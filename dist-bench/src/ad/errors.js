/**
 * Typed errors of automatic differentiation.
 */
/** `grad` of a function whose output is not a scalar, and other misuse of the AD API. */
export class GradError extends Error {
    op;
    detail;
    _tag = 'GradError';
    constructor(op, detail) {
        super(`${op}: ${detail}`);
        this.op = op;
        this.detail = detail;
        this.name = 'GradError';
    }
}
/**
 * Two unrelated differentiations of the same nesting level met in one op: an inner differentiated
 * function used an outer Dual through a closure instead of an argument.
 */
export class PerturbationError extends Error {
    op;
    _tag = 'PerturbationError';
    constructor(op) {
        super(`${op}: values from two different differentiations of the same nesting level meet here. ` +
            'When a differentiated function calls grad/vjp/jvp itself, pass the outer value to the inner ' +
            'function as an argument (extra arguments pass through) rather than capturing it in a closure.');
        this.op = op;
        this.name = 'PerturbationError';
    }
}
