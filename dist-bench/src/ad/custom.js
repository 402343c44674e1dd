/**
 * User primitives: `customVjp` turns a plain function and its hand-written pullback into an op
 * that works on tensors and Duals like the built-in ones.
 */
import * as T from '../tensor/index.js';
import { isDual } from './Dual.js';
import { GradError } from './errors.js';
import { bind } from './primitive.js';
// ─── constructors ───────────────────────────────────────────────────────────────────────────────
/**
 * Defines a differentiable op from its value and its pullback.
 *
 * @example
 * const cube = customVjp({ name: 'cube', value: (x) => T.powScalar(x, 3), vjp: (g, [x]) => [mul(g, mul(3, mul(x, x)))] })
 * grad((x) => sum(cube(x)))(tensor([2]))  // [12]
 */
export const customVjp = (spec) => {
    const primitive = {
        name: spec.name,
        value: (inputs) => spec.value(...inputs),
        vjp: (g, inputs, output) => spec.vjp(g, inputs, output),
        jvp: (tangents, inputs, output) => {
            if (spec.jvp === undefined)
                throw new GradError(spec.name, 'this customVjp op has no forward rule (jvp); give one in its spec to use it under jvp');
            return spec.jvp(tangents, inputs, output);
        },
    };
    const op = (...inputs) => inputs.some(isDual) ? bind(primitive, inputs, undefined) : spec.value(...inputs.filter(T.isTensor));
    return op;
};
