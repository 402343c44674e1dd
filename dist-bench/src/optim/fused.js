/**
 * Fused leafwise kernels for the optimizer building blocks. An update such as Adam's reads the
 * gradient and two moments and writes two new moments and the update: one loop per leaf over
 * plain Float64Arrays does it in a single pass, instead of a dozen tensor ops each allocating a
 * temporary. Trees are matched as `tree.zipWith` matches them (records by key, TreeError naming the
 * path where structures or leaf shapes differ), and every output tree has the first tree's
 * structure.
 */
import * as T from '../tensor/index.js';
import { allocate } from '../tensor/kernels/alloc.js';
import * as tree from '../tree/index.js';
import { flatLists } from '../tree/flat.js';
const EMPTY = T.zeros([0]);
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/**
 * Thrown by a kernel whose input or output list is shorter than its arity: unreachable when the
 * kernel is passed to `fusedLeaves` with the matching counts.
 */
export const arityError = (op) => new T.ArgumentError(op, 'fused kernel called with too few buffers');
export function fusedLeaves(trees, outputs, kernel) {
    const extra = Array.from({ length: outputs - 1 }, () => []);
    const leaf = (...xs) => {
        const first = xs[0];
        if (first === undefined)
            throw new T.ArgumentError('fusedLeaves', 'no inputs');
        const n = first.data.length;
        const buffers = Array.from({ length: outputs }, () => allocate(n));
        kernel(xs.map((x) => x.data), buffers);
        buffers.forEach((b, i) => {
            if (i > 0)
                extra[i - 1]?.push(T.unsafeTensor(b, first.shape));
        });
        return T.unsafeTensor(buffers[0] ?? new Float64Array(n), first.shape);
    };
    const flat = flatLists(trees);
    if (flat !== undefined) {
        // Flat lists of tensors (as fit keeps them): plain loops, outputs as lists.
        const n = flat[0]?.length ?? 0;
        const k = flat.length;
        const results = [];
        for (let o = 0; o < outputs; o++)
            results.push(new Array(n));
        const inputs = new Array(k);
        const buffers = new Array(outputs);
        for (let i = 0; i < n; i++) {
            const first = flat[0]?.[i] ?? EMPTY;
            for (let t = 0; t < k; t++)
                inputs[t] = (flat[t]?.[i] ?? EMPTY).data;
            for (let o = 0; o < outputs; o++)
                buffers[o] = allocate(first.data.length);
            kernel(inputs, buffers);
            for (let o = 0; o < outputs; o++) {
                const list = results[o];
                const b = buffers[o];
                if (list !== undefined && b !== undefined)
                    list[i] = T.unsafeTensor(b, first.shape);
            }
        }
        return results.map((r) => Object.freeze(r));
    }
    const main = trees.length === 2 ? tree.zipWith(trees[0], trees[1], (a, b) => leaf(a, b)) : tree.zipWith3(trees[0], trees[1], trees[2], (a, b, c) => leaf(a, b, c));
    if (outputs === 1)
        return [main];
    // zipWith visits leaves in the first tree's order, which is the order flatten lists them in.
    const { treedef } = tree.flatten(main);
    return [main, ...extra.map((leaves) => tree.unflatten(treedef, leaves))];
}
