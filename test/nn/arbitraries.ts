/**
 * Inputs for the layer tests: random parameters with the structure a layer's `init` gives, and
 * inputs [batch, ...inputShape], packed in one tree so that the gradient laws differentiate with
 * respect to both at once.
 */
import fc from 'fast-check'
import * as arb from '../../laws/arbitraries.js'
import { isDual, primalTensor, type Value, type ValueTree } from '../../src/ad/index.js'
import { valueLeaf } from '../../src/ad/extend.js'
import * as tree from '../../src/tree/index.js'
import type { ApplyContext, Layer } from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import type { Shape, Tensor } from '../../src/tensor/index.js'

/** Parameters and input of one layer call (a tree: the gradient laws perturb every leaf). */
export type LayerInput = { readonly params: ValueTree; readonly x: Tensor }

export interface LayerInputOptions {
  /** Largest batch (default 3). */
  readonly maxBatch?: number
  /** Smallest batch (default 1). */
  readonly minBatch?: number
  /** The input for a batch size (default: values uniform in [−2, 2]). */
  readonly x?: (shape: Shape) => fc.Arbitrary<Tensor>
  /** Parameters are uniform in [−paramScale, paramScale] (default 1). */
  readonly paramScale?: number
}

/** Random params shaped like `layer.init(…, inputShape).params`, and a random input. */
export const layerInput = (layer: Layer, inputShape: Shape, options: LayerInputOptions = {}): fc.Arbitrary<LayerInput> => {
  const { maxBatch = 3, minBatch = 1, paramScale = 1 } = options
  const input = options.x ?? ((s: Shape) => arb.tensorOf(s, { min: -2, max: 2 }))
  const template = tree.flatten(layer.init(random.key(0), inputShape).params, valueLeaf)
  return fc.tuple(fc.nat(), fc.integer({ min: minBatch, max: maxBatch })).chain(([seed, batch]) =>
    input([batch, ...inputShape]).map((x) => ({
      params: tree.unflatten(
        template.treedef,
        template.leaves.map((leaf, i) => random.uniform(random.foldIn(random.key(seed), i), T.isTensor(leaf) ? leaf.shape : [], { min: -paramScale, max: paramScale })),
      ),
      x,
    })),
  )
}

/** The layer's output as a function of params and input, with the init state and a fixed context. */
export const layerFunction =
  (layer: Layer, inputShape: Shape, ctx: ApplyContext = { training: false }) =>
  (input: LayerInput): Value =>
    layer.apply(input.params, layer.init(random.key(0), inputShape).state, input.x, ctx).y

/**
 * Inputs [batch ≥ 2, features] whose rows differ by at least 0.5 in every feature (row i near
 * i − (batch − 1)/2): the batch variance stays away from 0, where normalisation has a huge
 * curvature that a central difference would not resolve.
 */
export const spreadRows = (shape: Shape): fc.Arbitrary<Tensor> =>
  arb.tensorOf(shape, { min: -0.2, max: 0.2 }).map((noise) => {
    const rows = shape[0] ?? 1
    const width = T.sizeOf(shape.slice(1))
    const offsets = Array.from({ length: T.sizeOf(shape) }, (_, i) => Math.floor(i / width) - (rows - 1) / 2)
    return T.add(noise, T.fromArray(offsets, shape))
  })

const isList = (t: ValueTree): t is readonly ValueTree[] => Array.isArray(t)

/** The tensor at `path` (record keys and array indices) of a params or state tree; throws if absent. */
export const at = (tree: ValueTree, ...path: readonly (string | number)[]): Tensor => {
  let node: ValueTree | undefined = tree
  for (const step of path) {
    if (node === undefined || isDual(node) || T.isTensor(node)) throw new Error(`no ${String(step)} in the tree`)
    node = isList(node) ? (typeof step === 'number' ? node[step] : undefined) : typeof step === 'string' ? node[step] : undefined
  }
  if (node === undefined || !(T.isTensor(node) || isDual(node))) throw new Error(`no tensor at ${path.join('.')}`)
  return primalTensor(node)
}
