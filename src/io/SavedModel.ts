/**
 * What is saved and what it is checked against. A `SavedModel` is a model's parameters, its state
 * and the input shape they were made for. A model's `TensorLayout` for an input shape is the list
 * of tensors (path and shape) that `model.init(key(0), inputShape)` gives — the one source of truth
 * both the encoder and the decoder hold a file against.
 */
import type { ValueTree } from '../ad/index.js'
import type { Layer } from '../nn/index.js'
import { key } from '../random/index.js'
import { ArgumentError } from '../tensor/index.js'
import type { Shape } from '../tensor/index.js'
import { flatten, isTree, leaves, type Tree, type TreeDef } from '../tree/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * What saving and loading need of a model: its JSON layer description (`spec`) and its `init`.
 * Every `nn` Layer is one; a `Layer<P, S>` is a `SavableModel<P, S>`, and loading into it gives
 * trees of its own types.
 */
export type SavableModel<P = Tree, S = Tree> = Pick<Layer<P, S>, 'spec' | 'init'>

/**
 * A model's trained values: parameters and state (batch-norm statistics; `{}` or `[]` when the
 * model keeps none), with the input shape the model is initialised for. Both trees must have
 * exactly the structure and leaf shapes that `model.init(k, inputShape)` gives. Saving takes
 * trees typed as `ValueTree` (what `init` and `apply` return) and checks at run time that every
 * leaf is a plain tensor; loading into a model `Layer<P, S>` gives `P` and `S` (trees of tensors of
 * the structure its `init` makes), loading a model from its file alone gives `Tree`s.
 */
export interface SavedModel<P = Tree, S = P> {
  readonly params: P
  readonly state: S
  readonly inputShape: Shape
}

/** Which tree a tensor belongs to. */
export type TreeName = 'params' | 'state'

/** One tensor a model has: its path in the file (`params[0].kernel`) and its shape. */
export interface ExpectedTensor {
  readonly path: string
  readonly tree: TreeName
  readonly shape: Shape
}

/** The tensors a model has for an input shape, and the structures to rebuild its trees from them. */
export interface TensorLayout {
  /** Parameter tensors first, then state tensors, each in tree order. */
  readonly tensors: readonly ExpectedTensor[]
  readonly params: TreeDef
  readonly state: TreeDef
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The tensors `model.init(key(0), inputShape)` gives, with their file paths and shapes. Whatever
 * `init` throws is passed on; see `layoutOf` for the rest.
 */
export const tensorLayout = (op: string, model: SavableModel, inputShape: Shape): TensorLayout =>
  layoutOf(op, model.init(key(0), inputShape))

/**
 * The tensors of the trees an `init` gave, with their file paths and shapes: parameters first,
 * then state. Trees that are not trees of tensors are an ArgumentError naming `op` (a bug in the
 * layer, not in a file).
 */
export const layoutOf = (op: string, initialised: { readonly params: ValueTree; readonly state: ValueTree }): TensorLayout => {
  const params = asTree(op, 'params', initialised.params)
  const state = asTree(op, 'state', initialised.state)
  return {
    tensors: [...listTensors('params', params), ...listTensors('state', state)],
    params: flatten(params).treedef,
    state: flatten(state).treedef,
  }
}

/**
 * The path of a tree's leaf in a file: the tree's name followed by the leaf's path in the tree.
 *
 * @example
 * tensorPath('params', '[0].kernel')         // 'params[0].kernel' (an nn.sequential's first layer)
 * tensorPath('params', 'blocks.conv')        // 'params.blocks.conv'
 * tensorPath('state', '[1].mean')           // 'state[1].mean'
 * tensorPath('params', '')                  // 'params' (the tree is a single tensor)
 */
export const tensorPath = (tree: TreeName, leafPath: string): string =>
  leafPath === '' ? tree : leafPath.startsWith('[') ? `${tree}${leafPath}` : `${tree}.${leafPath}`

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const asTree = (op: string, name: TreeName, u: ValueTree): Tree => {
  if (!isTree(u)) throw new ArgumentError(op, `model.init gave ${name} that are not a tree of tensors`)
  return u
}

const listTensors = (name: TreeName, tree: Tree): ExpectedTensor[] =>
  leaves(tree).map((leaf) => ({ path: tensorPath(name, leaf.path), tree: name, shape: leaf.value.shape }))
