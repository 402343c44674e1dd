// ─── guards ─────────────────────────────────────────────────────────────────────────────────────
/** True for a Dual. */
export const isDual = (v) => 
// A property read, not `'_tag' in v`: tensors have no _tag, and a failed `in` lookup on the
// many object shapes that reach here was the single most expensive check of a training step.
typeof v === 'object' && v !== null && Reflect.get(v, '_tag') === 'Dual';
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/** The plain tensor under any number of Dual layers. */
export const primalTensor = (v) => {
    let u = v;
    while (isDual(u))
        u = u.primal;
    return u;
};
/** Shape of a Value. */
export const shapeOf = (v) => primalTensor(v).shape;
/** Highest trace level among the Duals of a list (0 when there are none). */
export const maxLevel = (values) => {
    let level = 0;
    for (const v of values)
        if (isDual(v) && v.trace.level > level)
            level = v.trace.level;
    return level;
};
/** A fresh trace (owned by the caller: `vjp`, `grad`, `jvp`). */
export const newTrace = (mode, level) => ({ _tag: 'Trace', mode, level, nodes: [] });
/** An input of a reverse trace: a leaf node without parents. */
export const reverseInput = (trace, primal) => {
    trace.nodes.push({ name: 'input', inputs: [], output: primal, parents: [], pullback: () => [] });
    return { _tag: 'Dual', primal, trace, id: trace.nodes.length - 1, tangent: undefined };
};
/** An input of a forward trace. */
export const forwardInput = (trace, primal, tangent) => ({
    _tag: 'Dual',
    primal,
    trace,
    id: -1,
    tangent,
});
