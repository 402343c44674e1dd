/**
 * `zipWith` and `zipWith3`: combine two or three trees of the same structure leaf by leaf.
 */
import { shapesEqual } from '../tensor/shape.js';
import { formatShape } from '../tensor/errors.js';
import { isTensor } from '../tensor/Tensor.js';
import { flatLists } from './flat.js';
import { childPath, describe, nodeOf, rebuild, showPath, TreeError } from './Tree.js';
export function zipWith(a, b, f) {
    const flat = flatLists([a, b]);
    if (flat !== undefined)
        return flatZip('tree.zipWith', flat, (leaves, path) => f(leaves[0] ?? EMPTY, leaves[1] ?? EMPTY, path));
    return zipAt('tree.zipWith', [a, b], TWO_SIDES, '', ([x, y], path) => f(x ?? EMPTY, y ?? EMPTY, path));
}
export function zipWith3(a, b, c, f) {
    const flat = flatLists([a, b, c]);
    if (flat !== undefined)
        return flatZip('tree.zipWith3', flat, (leaves, path) => f(leaves[0] ?? EMPTY, leaves[1] ?? EMPTY, leaves[2] ?? EMPTY, path));
    return zipAt('tree.zipWith3', [a, b, c], THREE_SIDES, '', ([x, y, z], path) => f(x ?? EMPTY, y ?? EMPTY, z ?? EMPTY, path));
}
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
const TWO_SIDES = ['on the left', 'on the right'];
const THREE_SIDES = ['in the first tree', 'in the second tree', 'in the third tree'];
/** Placeholder for the `?? …` reads of tuples whose length is fixed by construction. */
const EMPTY = { shape: [0], data: new Float64Array(0) };
/** zipAt for flat lists of equal-shaped tensors (see flat.ts): one loop, no node classification. */
const flatZip = (op, lists, f) => {
    const n = lists[0]?.length ?? 0;
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
        const path = `[${i}]`;
        const y = f(lists.map((l) => l[i] ?? EMPTY), path);
        if (!isTensor(y))
            throw new TreeError(op, path, `f returned ${describe(y)} at ${path}, expected a tensor`);
        out[i] = y;
    }
    return Object.freeze(out);
};
const zipAt = (op, trees, sides, path, f) => {
    const nodes = trees.map((t) => nodeOf(op, t, path));
    const first = nodes[0];
    if (first === undefined)
        throw new TreeError(op, path, 'no trees to zip');
    const firstSide = sides[0] ?? '';
    const differ = (detail) => new TreeError(op, path, `structures differ at ${showPath(path)}: ${detail}`);
    // Same kind and same size everywhere, with children aligned to the first tree's order.
    const aligned = [first.kind === 'leaf' ? [] : first.children];
    for (let t = 1; t < nodes.length; t++) {
        const node = nodes[t];
        const side = sides[t] ?? '';
        if (node === undefined)
            continue;
        if (node.kind !== first.kind)
            throw differ(`${describe(trees[0])} ${firstSide}, ${describe(trees[t])} ${side}`);
        if (first.kind === 'array' && node.kind === 'array' && node.children.length !== first.children.length) {
            throw differ(`${describe(trees[0])} ${firstSide}, ${describe(trees[t])} ${side}`);
        }
        if (first.kind === 'record' && node.kind === 'record')
            aligned.push(alignRecord(op, first, node, path, firstSide, side));
        else if (node.kind !== 'leaf')
            aligned.push(node.children);
    }
    if (first.kind === 'leaf') {
        const leaves = nodes.map((n) => (n.kind === 'leaf' ? n.leaf : EMPTY));
        const shape = first.leaf.shape;
        leaves.forEach((leaf, t) => {
            if (!shapesEqual(leaf.shape, shape)) {
                throw new TreeError(op, path, `leaf shapes differ at ${showPath(path)}: ${formatShape(shape)} ${firstSide}, ${formatShape(leaf.shape)} ${sides[t] ?? ''}`);
            }
        });
        const out = f(leaves, path);
        if (!isTensor(out))
            throw new TreeError(op, path, `f returned ${describe(out)} at ${showPath(path)}, expected a tensor`);
        return out;
    }
    const children = first.children.map((_, i) => zipAt(op, aligned.map((row) => row[i]), sides, childPath(first, path, i), f));
    return rebuild(first, children);
};
/** The children of record `node`, in the key order of record `first`; throws on differing key sets. */
const alignRecord = (op, first, node, path, firstSide, side) => {
    const byKey = new Map();
    node.keys.forEach((k, i) => byKey.set(k, node.children[i]));
    const firstKeys = new Set(first.keys);
    const missing = (i, where, keyed) => {
        const at = childPath(keyed, path, i);
        return new TreeError(op, at, `structures differ at ${at}: key missing ${where}`);
    };
    first.keys.forEach((k, i) => {
        if (!byKey.has(k))
            throw missing(i, side, first);
    });
    node.keys.forEach((k, i) => {
        if (!firstKeys.has(k))
            throw missing(i, firstSide, node);
    });
    return first.keys.map((k) => byKey.get(k));
};
