/**
 * Reading parameter and state trees inside `apply`. Layers are typed by their parameters, but a
 * tree can still come from outside the type system (built by hand in JavaScript, loaded from
 * JSON): these helpers take out the pieces a layer made at `init`, and throw a `LayerError` naming
 * the layer and the missing piece when the tree has another structure.
 */
import { belowDifferentiation, isDual, isValue, primalTensor, type Value, type ValueTree } from '../ad/index.js'
import * as T from '../tensor/index.js'
import type { Shape, Tensor } from '../tensor/index.js'
import type { Tree } from '../tree/index.js'
import { LayerError } from './errors.js'

// ─── guards ─────────────────────────────────────────────────────────────────────────────────────

/** True for an array node. */
export const isList = <L>(t: Tree<L>): t is readonly Tree<L>[] => Array.isArray(t)

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The leaf `key` of the record `tree` (the layer's `what`: 'params' or 'state').
 *
 * @throws {LayerError} when the record has no tensor under that key
 */
export const leafOf = (layer: string, what: string, tree: ValueTree, key: string): Value => {
  if (isValue(tree) || isList(tree)) throw new LayerError(layer, `${what}: expected a record with a tensor '${key}', got ${describe(tree)}`)
  const v = tree[key]
  if (v === undefined || !isValue(v)) throw new LayerError(layer, `${what}: expected a tensor '${key}', got ${v === undefined ? 'nothing' : describe(v)}`)
  return v
}

/**
 * The leaf `key` of `tree`, checked to have `shape`.
 *
 * @throws {LayerError} when the tensor is missing or has another shape
 */
export const leafWithShape = (layer: string, what: string, tree: ValueTree, key: string, shape: Shape): Value => {
  const v = leafOf(layer, what, tree, key)
  const actual = primalTensor(v).shape
  if (!T.shapesEqual(actual, shape)) {
    throw new LayerError(layer, `${what}: '${key}' has shape ${T.formatShape(actual)}, expected ${T.formatShape(shape)}`)
  }
  return v
}

/**
 * The leaf `key` of `tree`, checked to be a vector (γ of a normalisation layer: its length is the feature count).
 *
 * @throws {LayerError} when the tensor is missing or not a vector [features]
 */
export const featureVector = (layer: string, tree: ValueTree, key: string): Value => {
  const v = leafOf(layer, 'params', tree, key)
  const shape = primalTensor(v).shape
  if (shape.length !== 1) throw new LayerError(layer, `params: '${key}' must be a vector [features], got shape ${T.formatShape(shape)}`)
  return v
}

/**
 * The leaf `key` of a state record without derivatives (state never carries any): a plain tensor,
 * or under `jit` a traced value.
 */
export const stateTensor = (layer: string, tree: ValueTree, key: string, shape: Shape): Value =>
  belowDifferentiation(leafWithShape(layer, 'state', tree, key, shape))

/**
 * A new state leaf, typed as the tensor a layer's state holds: the value with every differentiation
 * stripped off (state never carries derivatives). Outside `jit` it is a plain tensor; while `jit`
 * traces, it is the trace's tracer, standing for the tensor the compiled function returns in its
 * place — the same promise the op overloads make (a tensor in, a tensor out), asserted here by the
 * overload signature for state, whose type the layer's `S` fixes as tensors.
 */
export function stateLeaf(v: Value): Tensor
export function stateLeaf(v: Value): Value {
  return belowDifferentiation(v)
}

/**
 * The `length` children of an array node (a combinator's params or state).
 *
 * @throws {LayerError} when the tree is not an array with one entry per child layer
 */
export const childrenOf = <L>(layer: string, what: string, tree: Tree<L>, length: number): readonly Tree<L>[] => {
  if (!isList(tree) || tree.length !== length) {
    throw new LayerError(layer, `${what}: expected an array of ${length} (one per child layer), got ${describe(tree)}`)
  }
  return tree
}

/** A short description of a tree node for messages. */
export const describe = (t: unknown): string => {
  if (isValue(t)) return `a ${isDual(t) ? 'Dual' : 'tensor'} of shape ${T.formatShape(primalTensor(t).shape)}`
  if (Array.isArray(t)) return `an array of ${t.length}`
  if (typeof t === 'object' && t !== null) return `a record {${Object.keys(t).join(', ')}}`
  return `${typeof t}`
}
