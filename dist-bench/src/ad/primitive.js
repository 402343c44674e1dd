/**
 * How a primitive is built: its value, its vector–Jacobian product (reverse) and its
 * Jacobian–vector product (forward), defined once, side by side, and `bind`, which applies a
 * primitive to Values at any nesting of traces.
 *
 * The rules are written with the differentiable ops themselves (they receive and return Values),
 * so a backward pass run inside an outer differentiation is itself differentiated: that is all
 * higher-order derivatives need. On plain tensors the exported ops skip `bind` and call the kernel
 * directly: inference pays nothing for differentiation.
 */
import * as T from '../tensor/index.js';
import { isDual } from './Dual.js';
import { PerturbationError } from './errors.js';
// ─── overloads ──────────────────────────────────────────────────────────────────────────────────
// Every op is written once on Values and typed with the overloads above: a tensor in gives a
// tensor out. These three functions are the one place that asserts it; each op keeps the promise
// by returning its kernel's result when no argument is a Dual.
/** Types a one-argument op with its overloads. */
export const unaryOverloads = (op) => op;
/** Types a two-argument op (numbers promoted) with its overloads. */
export const binaryOverloads = (op) => op;
/** Types a product of two Values with its overloads. */
export const productOverloads = (op) => op;
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/** A number promoted to a scalar tensor; Values pass through. */
export const toValue = (v) => (typeof v === 'number' ? T.scalar(v) : v);
/**
 * Applies a primitive to Values. Finds the innermost trace among the arguments, computes the
 * primal one level down (recursively, so nested traces each see their own level), and records a
 * node (reverse) or pushes the tangent (forward).
 */
export const bind = (primitive, args, params) => {
    let top;
    for (const a of args) {
        if (!isDual(a))
            continue;
        if (top === undefined || a.trace.level > top.level)
            top = a.trace;
        else if (a.trace !== top && a.trace.level === top.level)
            throw new PerturbationError(primitive.name);
    }
    if (top === undefined)
        return primitive.value(args.filter(T.isTensor), params);
    const trace = top;
    const n = args.length;
    const inputs = new Array(n);
    const parents = new Array(n);
    // One level down the inputs are usually plain tensors: then the kernel runs directly.
    const plain = [];
    for (let i = 0; i < n; i++) {
        const a = args[i] ?? T.scalar(0);
        const ours = isDual(a) && a.trace === trace;
        const x = ours ? a.primal : a;
        inputs[i] = x;
        parents[i] = ours ? a.id : -1;
        if (!isDual(x))
            plain.push(x);
    }
    const output = plain.length === n ? primitive.value(plain, params) : bind(primitive, inputs, params);
    if (trace.mode === 'forward') {
        const tangents = args.map((a) => (isDual(a) && a.trace === trace ? a.tangent : undefined));
        return { _tag: 'Dual', primal: output, trace, id: -1, tangent: primitive.jvp(tangents, inputs, output, params) };
    }
    const wanted = parents.map((p) => p >= 0);
    trace.nodes.push({
        name: primitive.name,
        inputs,
        output,
        parents,
        pullback: (cotangent) => primitive.vjp(cotangent, inputs, output, params, wanted),
    });
    return { _tag: 'Dual', primal: output, trace, id: trace.nodes.length - 1, tangent: undefined };
};
/** Builds the exported op of a one-input primitive: the kernel directly on a tensor, `bind` on a Dual. */
export const unaryOp = (primitive, kernel, paramsOf) => {
    return unaryOverloads((x, ...rest) => (isDual(x) ? bind(primitive, [x], paramsOf(...rest)) : kernel(x, ...rest)));
};
/** Builds the exported op of a two-input primitive (numbers promoted to scalars). */
export const binaryOp = (primitive, kernel, paramsOf) => {
    return binaryOverloads((a, b, ...rest) => {
        const x = toValue(a);
        const y = toValue(b);
        return isDual(x) || isDual(y) ? bind(primitive, [x, y], paramsOf(...rest)) : kernel(x, y, ...rest);
    });
};
/** Input `i` of a primitive's plain inputs (always present by the primitive's arity). */
export const input = (inputs, i, name) => {
    const x = inputs[i];
    if (x === undefined)
        throw new Error(`${name}: missing input ${i}`);
    return x;
};
/** Input `i` of a rule's Value inputs. */
export const arg = (inputs, i, name) => {
    const x = inputs[i];
    if (x === undefined)
        throw new Error(`${name}: missing input ${i}`);
    return x;
};
