/**
 * Reading parameter and state trees inside `apply`. A layer receives its parameters as a plain
 * `ValueTree` (so that every layer fits the one `Layer` type the training loop and model files
 * use); these helpers take out the pieces it made at `init`, and throw a `LayerError` naming the
 * layer and the missing piece when the tree has another structure (hand-built or loaded params).
 */
import { belowDifferentiation, isDual, primalTensor, type Value, type ValueTree } from '../ad/index.js'
import * as T from '../tensor/index.js'
import type { Shape, Tensor } from '../tensor/index.js'
import { LayerError } from './errors.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A record node of a ValueTree. */
export type ValueRecord = { readonly [key: string]: ValueTree }

// ─── guards ─────────────────────────────────────────────────────────────────────────────────────

/** True for a leaf (a tensor or a Dual). */
export const isValue = (t: ValueTree): t is Value => isDual(t) || T.isTensor(t)

/** True for an array node. */
export const isList = (t: ValueTree): t is readonly ValueTree[] => Array.isArray(t)

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
 * The `length` children of an array node (a combinator's params or state).
 *
 * @throws {LayerError} when the tree is not an array with one entry per child layer
 */
export const childrenOf = (layer: string, what: string, tree: ValueTree, length: number): readonly ValueTree[] => {
  if (!isList(tree) || tree.length !== length) {
    throw new LayerError(layer, `${what}: expected an array of ${length} (one per child layer), got ${describe(tree)}`)
  }
  return tree
}

/** A short description of a tree node for messages. */
export const describe = (t: ValueTree): string => {
  if (isValue(t)) return `a ${isDual(t) ? 'Dual' : 'tensor'} of shape ${T.formatShape(primalTensor(t).shape)}`
  if (isList(t)) return `an array of ${t.length}`
  return `a record {${Object.keys(t).join(', ')}}`
}
