// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/**
 * Coalesces the iteration over `shape` for operands read with the given per-axis strides (one
 * array per operand, each as long as `shape`).
 *
 * Dimension `d` (outer) merges into the group `g` below it when, for every operand,
 * `stride[d] = stride[g] · size[g]`; that holds for two broadcast axes (0 = 0 · size) as well.
 *
 * @example
 * coalesce([2, 3, 4], [[12, 4, 1], [0, 4, 1]])  // { dims: [12, 2], strides: [[1, 12], [1, 0]] }
 */
export const coalesce = (shape, strides) => {
    const dims = [];
    const grouped = strides.map(() => []);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
        const size = shape[axis] ?? 1;
        if (size === 1)
            continue;
        const last = dims.length - 1;
        let merge = last >= 0;
        for (let k = 0; merge && k < strides.length; k++) {
            const inner = grouped[k]?.[last] ?? 0;
            merge = (strides[k]?.[axis] ?? 0) === inner * (dims[last] ?? 0);
        }
        if (merge) {
            dims[last] = (dims[last] ?? 0) * size;
        }
        else {
            dims.push(size);
            for (let k = 0; k < strides.length; k++)
                grouped[k]?.push(strides[k]?.[axis] ?? 0);
        }
    }
    return { dims, strides: grouped };
};
