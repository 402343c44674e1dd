import { key } from '../random/index.js';
import { ArgumentError } from '../tensor/errors.js';
import { flatten, isTree, leaves } from '../tree/index.js';
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/**
 * The tensors `model.init(key(0), inputShape)` gives, with their file paths and shapes. Whatever
 * `init` throws is passed on; see {@link layoutOf} for the rest.
 */
export const tensorLayout = (op, model, inputShape) => layoutOf(op, model.init(key(0), inputShape));
/**
 * The tensors of the trees an `init` gave, with their file paths and shapes: parameters first,
 * then state. Trees that are not trees of tensors are an ArgumentError naming `op` (a bug in the
 * layer, not in a file).
 */
export const layoutOf = (op, initialised) => {
    const params = asTree(op, 'params', initialised.params);
    const state = asTree(op, 'state', initialised.state);
    return {
        tensors: [...listTensors('params', params), ...listTensors('state', state)],
        params: flatten(params).treedef,
        state: flatten(state).treedef,
    };
};
/**
 * The path of a tree's leaf in a file: the tree's name followed by the leaf's path in the tree.
 *
 * @example
 * tensorPath('params', '[0].kernel')         // 'params[0].kernel' (an nn.sequential's first layer)
 * tensorPath('params', 'blocks.conv')        // 'params.blocks.conv'
 * tensorPath('state', '[1].mean')           // 'state[1].mean'
 * tensorPath('params', '')                  // 'params' (the tree is a single tensor)
 */
export const tensorPath = (tree, leafPath) => leafPath === '' ? tree : leafPath.startsWith('[') ? `${tree}${leafPath}` : `${tree}.${leafPath}`;
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
const asTree = (op, name, u) => {
    if (!isTree(u))
        throw new ArgumentError(op, `model.init gave ${name} that are not a tree of tensors`);
    return u;
};
const listTensors = (name, tree) => leaves(tree).map((leaf) => ({ path: tensorPath(name, leaf.path), tree: name, shape: leaf.value.shape }));
