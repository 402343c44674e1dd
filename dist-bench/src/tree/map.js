/**
 * `map`: a new tree of the same structure with every leaf transformed.
 */
import { isTensor } from '../tensor/Tensor.js';
import { flatLists } from './flat.js';
import { childPath, describe, nodeOf, rebuild, showPath, TreeError } from './Tree.js';
export function map(tree, f) {
    if (flatLists([tree]) !== undefined && Array.isArray(tree)) {
        // A flat list of tensors: one loop (see flat.ts).
        return Object.freeze(tree.map((leaf, i) => checked(f(leaf, `[${i}]`), `[${i}]`)));
    }
    return mapAt(tree, '', f);
}
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
const checked = (out, path) => {
    if (!isTensor(out))
        throw new TreeError('tree.map', path, `f returned ${describe(out)} at ${showPath(path)}, expected a tensor`);
    return out;
};
const mapAt = (u, path, f) => {
    const node = nodeOf('tree.map', u, path);
    if (node.kind === 'leaf') {
        const out = f(node.leaf, path);
        if (!isTensor(out))
            throw new TreeError('tree.map', path, `f returned ${describe(out)} at ${showPath(path)}, expected a tensor`);
        return out;
    }
    return rebuild(node, node.children.map((child, i) => mapAt(child, childPath(node, path, i), f)));
};
