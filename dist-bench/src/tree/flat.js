/**
 * The fast path of the tree walkers for the most common tree in a training loop: a flat list of
 * tensors (`fit` keeps parameters, gradients and optimizer moments in that form). When every tree
 * given is such a list, of one length and with leaves of equal shapes, the leaves are combined in a
 * plain loop, without classifying nodes or building records; otherwise the general walker runs
 * (and reports any mismatch with its path).
 */
import { shapesEqual } from '../tensor/shape.js';
import { isTensor } from '../tensor/Tensor.js';
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
/** The trees as lists of tensors when all are flat lists of one length with equal leaf shapes. */
export const flatLists = (trees) => {
    const first = trees[0];
    if (!Array.isArray(first))
        return undefined;
    const n = first.length;
    const lists = [];
    for (const t of trees) {
        if (!Array.isArray(t) || t.length !== n)
            return undefined;
        lists.push(t);
    }
    for (let i = 0; i < n; i++) {
        const leaf = first[i];
        if (!isTensor(leaf))
            return undefined;
        for (let k = 1; k < lists.length; k++) {
            const other = lists[k]?.[i];
            if (!isTensor(other) || !shapesEqual(other.shape, leaf.shape))
                return undefined;
        }
    }
    return lists;
};
