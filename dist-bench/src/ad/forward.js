/**
 * Forward mode: `jvp` pushes a tangent through f with dual numbers. Each Dual of the forward trace
 * carries its tangent; every primitive's jvp rule computes the output's tangent as it goes. It is
 * an independent derivative path: the laws compare it with reverse mode and finite differences.
 */
import * as T from '../tensor/index.js';
import { forwardInput, isDual, maxLevel, newTrace, shapeOf } from './Dual.js';
import { GradError } from './errors.js';
import { dualsIn, flattenValues } from './valueTree.js';
export function jvp(f, x, v, ...rest) {
    const primal = flattenValues('jvp', x);
    const tangent = flattenValues('jvp', v);
    if (tangent.leaves.length !== primal.leaves.length) {
        throw new GradError('jvp', `the tangent has ${tangent.leaves.length} leaves, the input ${primal.leaves.length}`);
    }
    primal.leaves.forEach((leaf, i) => {
        const t = tangent.leaves[i];
        if (t === undefined || !T.shapesEqual(shapeOf(t), shapeOf(leaf))) {
            throw new GradError('jvp', `tangent ${tangent.paths[i] || '(root)'} must have shape ${T.formatShape(shapeOf(leaf))}, got ${t === undefined ? 'nothing' : T.formatShape(shapeOf(t))}`);
        }
    });
    const level = 1 + Math.max(maxLevel(primal.leaves), maxLevel(tangent.leaves), maxLevel(dualsIn(rest)));
    const trace = newTrace('forward', level);
    const inputs = primal.leaves.map((leaf, i) => forwardInput(trace, leaf, tangent.leaves[i] ?? T.zeros(shapeOf(leaf))));
    const output = Reflect.apply(f, undefined, [primal.rebuild(inputs), ...rest]);
    const out = flattenValues('jvp', output);
    const ours = (leaf) => isDual(leaf) && leaf.trace === trace;
    const values = out.leaves.map((leaf) => (isDual(leaf) && ours(leaf) ? leaf.primal : leaf));
    const tangents = out.leaves.map((leaf) => (isDual(leaf) && ours(leaf) ? (leaf.tangent ?? T.zeros(shapeOf(leaf))) : T.zeros(shapeOf(leaf))));
    return [out.rebuild(values), out.rebuild(tangents)];
}
