/**
 * Small stand-in layers for the io tests: only `spec` and `init` matter to saving and loading, so
 * these are written to the Layer shape without depending on nn. Plus arbitraries of parameter
 * trees with extreme float64 values, and a bit-level comparison of trees.
 */
import fc from 'fast-check'
import * as random from '../../src/random/index.js'
import type { Key } from '../../src/random/index.js'
import { fromArray, sizeOf, zeros, ones, type Shape, type Tensor } from '../../src/tensor/Tensor.js'
import type { ValueTree } from '../../src/ad/index.js'
import { flatten, isTree, leaves, map, type Tree } from '../../src/tree/index.js'
import type { SavableModel } from '../../src/io/index.js'
import type { LayerSpec } from '../../src/nn/index.js'

/** A fake layer: spec, init, and a pass-through apply. */
export interface FakeLayer extends SavableModel {
  readonly name: string
  readonly spec: LayerSpec
  readonly init: (key: Key, inputShape: Shape) => { readonly params: Tree; readonly state: Tree; readonly outputShape: Shape }
}

/** Dense-like: params { kernel [n, units] ~ normal, bias [units] = 0 }, no state. Needs a rank-1 input. */
export const dense = (units: number): FakeLayer => ({
  name: `dense(${units})`,
  spec: { kind: 'dense', units },
  init: (key, inputShape) => {
    const [n, ...rest] = inputShape
    if (n === undefined || rest.length > 0) throw new Error(`dense: expects input [n], got [${inputShape.join(',')}]`)
    return { params: { kernel: random.normal(key, [n, units]), bias: zeros([units]) }, state: {}, outputShape: [units] }
  },
})

/** Batch-norm-like: params { gamma, beta }, state { mean, variance }. */
export const batchNorm = (): FakeLayer => ({
  name: 'batchNorm',
  spec: { kind: 'batchNorm', momentum: 0.99, epsilon: 0.001 },
  init: (_key, inputShape) => {
    const features = inputShape[inputShape.length - 1] ?? 1
    return {
      params: { gamma: ones([features]), beta: zeros([features]) },
      state: { mean: zeros([features]), variance: ones([features]) },
      outputShape: inputShape,
    }
  },
})

/** Activation-like: no params, no state. */
export const relu: FakeLayer = {
  name: 'relu',
  spec: { kind: 'relu' },
  init: (_key, inputShape) => ({ params: {}, state: {}, outputShape: inputShape }),
}

/** Sequential-like: arrays of the children's params and state. */
export const sequential = (...layers: readonly FakeLayer[]): FakeLayer => ({
  name: 'sequential',
  spec: { kind: 'sequential', layers: layers.map((l) => l.spec) },
  init: (key, inputShape) => {
    const keys = layers.length === 0 ? [] : random.split(key, layers.length)
    const params: Tree[] = []
    const state: Tree[] = []
    let shape = inputShape
    layers.forEach((layer, i) => {
      const out = layer.init(keys[i] ?? key, shape)
      params.push(out.params)
      state.push(out.state)
      shape = out.outputShape
    })
    return { params, state, outputShape: shape }
  },
})

/**
 * A layer whose init gives trees of the structure and shapes of the given templates (values are
 * zeros): lets the laws run over arbitrary trees. The spec records nothing but a name.
 */
export const fixed = (params: Tree, state: Tree = {}): FakeLayer => ({
  name: 'fixed',
  spec: { kind: 'fixed' },
  init: (_key, inputShape) => ({ params: map(params, (x) => zeros(x.shape)), state: map(state, (x) => zeros(x.shape)), outputShape: inputShape }),
})

/** The doubles the format must carry exactly, beyond what an arbitrary draws by chance. */
export const EXTREMES: readonly number[] = [
  0,
  -0,
  Number.MIN_VALUE, // smallest subnormal
  -Number.MIN_VALUE,
  2.225073858507201e-308, // largest subnormal
  2.2250738585072014e-308, // smallest normal
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.EPSILON,
  1 + Number.EPSILON,
  0.1,
  -1 / 3,
  Number.MAX_SAFE_INTEGER,
]

/** Any finite double, with the extremes often. */
export const finiteDouble: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(...EXTREMES) },
)

/** Record keys, with non-identifiers, integer-like keys and `__proto__`. */
export const recordKey = fc.constantFrom('kernel', 'bias', 'layers', 'gamma', 'mean', '0', '12', 'conv 1', '__proto__', 'constructor', 'a.b', '[0]')

const tensorArb: fc.Arbitrary<Tensor> = fc
  .array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 })
  .chain((shape) => fc.array(finiteDouble, { minLength: sizeOf(shape), maxLength: sizeOf(shape) }).map((values) => fromArray(values, shape)))

/** Parameter trees: nested records (own keys built by Object.fromEntries) and arrays of tensors. */
export const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tensorArb,
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.uniqueArray(fc.tuple(recordKey, tie('tree')), { selector: ([k]) => k, maxLength: 3 }).map((entries) => Object.fromEntries(entries)),
  ),
})).tree

/** Every leaf's path, shape and data as bytes (hex), in tree order: equal iff the trees are equal bit for bit. */
export const bitsOf = (tree: ValueTree): ReadonlyArray<readonly [string, string, string]> => {
  if (!isTree(tree)) throw new Error('bitsOf: not a tree of tensors')
  return leaves(tree).map(({ path, value }) => {
    const view = new DataView(value.data.buffer, value.data.byteOffset, value.data.byteLength)
    let hex = ''
    for (let i = 0; i < value.data.byteLength; i++) hex += view.getUint8(i).toString(16).padStart(2, '0')
    return [path, value.shape.join(','), hex] as const
  })
}

/** The structure of a tree (keys, lengths, shapes) without values, for comparing structures. */
export const structureOf = (tree: Tree): unknown => flatten(tree).treedef.root
