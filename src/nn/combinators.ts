/**
 * Combinators: layers made of layers. `identity` and `input` (which only checks the shape),
 * `sequential` (composition: params and state are the tuples of the children's), `parallel`
 * (fan-out and merge) and `residual` (x + f(x)).
 *
 * Each combinator is written once on general layers (`Layer`) and typed by an overload that states
 * the tuple of its children's parameters: `sequential(dense(2), relu)` is a
 * `Layer<readonly [{ kernel: Tensor; bias: Tensor }, NoParams], …>`.
 */
import * as ad from '../ad/index.js'
import * as random from '../random/index.js'
import type { Key } from '../random/index.js'
import * as T from '../tensor/index.js'
import type { Shape } from '../tensor/index.js'
import type { Tree } from '../tree/index.js'
import { expectsInput, LayerError, wrapChildError } from './errors.js'
import { checkBatched, childContext, layerOverloads, type Initialized, type Layer, type Merge, type NoParams, type NoState, type ParamsOf, type ParamsOfAll, type StateOf, type StatesOfAll } from './Layer.js'
import { childrenOf } from './params.js'

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * The identity layer: no parameters, output = input. The unit of `sequential`.
 *
 * @example
 * const x = tensor([[1, 2]])
 * nn.identity.apply({}, {}, x, { training: false }).y === x  // true
 */
export const identity: Layer<NoParams, NoState> = {
  name: 'identity',
  spec: { kind: 'identity' },
  init: (_key, inputShape) => ({ params: {}, state: {}, outputShape: inputShape }),
  apply: (_params, state, x) => ({ y: x, state }),
}

/**
 * A layer that only checks: its input must have `shape` (without the batch dimension), at init
 * and at apply; otherwise it passes the input through. Put it first in a model to state the input
 * shape where it is read.
 *
 * @throws {ShapeError} (from the tensor module) for a shape that is not a shape
 * @throws {LayerError} at init or apply when the input has another shape
 * @example
 * nn.sequential(nn.input([8]), nn.dense(12)).init(random.key(0), [10])  // throws LayerError "sequential: layer 1 input([8]) expects input [8], got [10]"
 */
export const input = (shape: Shape): Layer<NoParams, NoState> => {
  T.checkShape('input', shape)
  const expected = [...shape]
  const name = `input(${T.formatShape(expected)})`
  return {
    name,
    spec: { kind: 'input', shape: expected },
    init: (_key, inputShape) => {
      if (!T.shapesEqual(inputShape, expected)) throw new LayerError(name, expectsInput(T.formatShape(expected), inputShape))
      return { params: {}, state: {}, outputShape: expected }
    },
    apply: (_params, state, x) => {
      checkBatched(name, x, expected)
      return { y: x, state }
    },
  }
}

/**
 * Composition: the output of each layer is the input of the next. Params and state are arrays of
 * the children's (nested sequentials nest the arrays). `init` splits the key once per child and
 * threads the shapes; a child that refuses its input shape makes a `LayerError` naming the child
 * (numbered from 1), the shape it got and the layer that made it. `apply` gives child i the key
 * `foldIn(ctx.key, i)` when the context has a key. With no layers it is the identity.
 *
 * @example
 * const model = nn.sequential(nn.dense(3, { kernelInitializer: nn.constant(0.5) }), nn.relu, nn.dense(1, { kernelInitializer: nn.ones }))
 * const { params, state } = model.init(random.key(0), [2])  // params: [{ kernel, bias }, {}, { kernel, bias }]
 * params[2].bias  // [0] (typed: the tuple of the children's params)
 * model.apply(params, state, tensor([[1, 2], [-1, -2]]), { training: false }).y  // [[4.5], [0]]
 */
export const sequential = <Ls extends readonly Layer[]>(...layers: Ls): Layer<ParamsOfAll<Ls>, StatesOfAll<Ls>> =>
  layerOverloads(sequentialOf(layers))

const sequentialOf = (layers: readonly Layer[]): Layer => {
  const name = 'sequential'
  const n = layers.length
  return {
    name,
    spec: { kind: 'sequential', layers: layers.map((l) => l.spec) },
    children: layers,
    init: (key, inputShape) => {
      const keys = n === 0 ? [] : random.split(key, n)
      const params: Tree[] = []
      const state: Tree[] = []
      let shape = inputShape
      layers.forEach((layer, i) => {
        const previous = layers[i - 1]
        const source = previous === undefined ? '' : `from layer ${i} ${previous.name}`
        const child = initChild(name, `layer ${i + 1} ${layer.name}`, layer, keys[i] ?? key, shape, source)
        params.push(child.params)
        state.push(child.state)
        shape = child.outputShape
      })
      return { params, state, outputShape: shape }
    },
    apply: (params, state, x, ctx) => {
      const ps = childrenOf(name, 'params', params, n)
      const ss = childrenOf(name, 'state', state, n)
      const next: Tree[] = []
      let y = x
      layers.forEach((layer, i) => {
        const out = layer.apply(ps[i] ?? {}, ss[i] ?? {}, y, childContext(ctx, i))
        y = out.y
        next.push(out.state)
      })
      return { y, state: next }
    },
  }
}

/**
 * Fan-out: every layer receives the same input, and their outputs are merged — `'concat'` joins
 * them along the last axis (all other dimensions must agree), `'add'` sums them (all shapes must
 * agree). The merge is a closed union rather than a function so that the model can be saved as
 * JSON. Params and state are arrays of the branches'; keys as in `sequential`.
 *
 * @throws {LayerError} with no layers, or at init when the branches' outputs cannot be merged
 * @example
 * nn.parallel('concat', nn.dense(4), nn.dense(2)).init(random.key(0), [3]).outputShape  // [6]
 */
export const parallel = <Ls extends readonly Layer[]>(merge: Merge, ...layers: Ls): Layer<ParamsOfAll<Ls>, StatesOfAll<Ls>> =>
  layerOverloads(parallelOf(merge, layers))

const parallelOf = (merge: Merge, layers: readonly Layer[]): Layer => {
  const name = `parallel(${merge})`
  const n = layers.length
  if (n === 0) throw new LayerError(name, 'needs at least one layer')
  return {
    name,
    spec: { kind: 'parallel', merge, layers: layers.map((l) => l.spec) },
    children: layers,
    init: (key, inputShape) => {
      const keys = random.split(key, n)
      const branches = layers.map((layer, i) => initChild(name, `branch ${i + 1} ${layer.name}`, layer, keys[i] ?? key, inputShape, ''))
      const outputShape = mergedShape(name, merge, branches.map((b) => b.outputShape))
      return { params: branches.map((b) => b.params), state: branches.map((b) => b.state), outputShape }
    },
    apply: (params, state, x, ctx) => {
      const ps = childrenOf(name, 'params', params, n)
      const ss = childrenOf(name, 'state', state, n)
      const outs = layers.map((layer, i) => layer.apply(ps[i] ?? {}, ss[i] ?? {}, x, childContext(ctx, i)))
      const ys = outs.map((o) => o.y)
      return { y: merge === 'concat' ? ad.concat(ys, -1) : ys.reduce((a, b) => ad.add(a, b)), state: outs.map((o) => o.state) }
    },
  }
}

/**
 * A residual connection: x + layer(x). The layer must keep the shape (checked at init). Params and
 * state are the layer's own (not wrapped); it receives the same key and context.
 *
 * @throws {LayerError} at init when the layer does not keep the shape
 * @example
 * nn.residual(nn.sequential(nn.dense(8), nn.relu)).init(random.key(0), [8]).outputShape  // [8]
 */
export const residual = <L extends Layer>(layer: L): Layer<ParamsOf<L>, StateOf<L>> => layerOverloads(residualOf(layer))

const residualOf = (layer: Layer): Layer => {
  const name = 'residual'
  return {
    name,
    spec: { kind: 'residual', layer: layer.spec },
    children: [layer],
    init: (key, inputShape) => {
      const inner = initChild(name, layer.name, layer, key, inputShape, '')
      if (!T.shapesEqual(inner.outputShape, inputShape)) {
        throw new LayerError(
          name,
          `needs its layer to keep the shape, but ${layer.name} maps ${T.formatShape(inputShape)} to ${T.formatShape(inner.outputShape)}`,
        )
      }
      return inner
    },
    apply: (params, state, x, ctx) => {
      const out = layer.apply(params, state, x, ctx)
      return { y: ad.add(x, out.y), state: out.state }
    },
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** A child's init, its errors re-thrown in the combinator's name with the child's place. */
const initChild = (combinator: string, place: string, layer: Layer, key: Key, shape: Shape, source: string): Initialized<Tree, Tree> => {
  try {
    return layer.init(key, shape)
  } catch (e) {
    throw wrapChildError(combinator, place, shape, source, e)
  }
}

const mergedShape = (name: string, merge: Merge, shapes: readonly Shape[]): Shape => {
  const first = shapes[0] ?? []
  const list = shapes.map(T.formatShape).join(', ')
  if (merge === 'add') {
    if (!shapes.every((s) => T.shapesEqual(s, first))) throw new LayerError(name, `'add' needs equal branch output shapes, got ${list}`)
    return first
  }
  const rank = first.length
  const agree = shapes.every((s) => s.length === rank && rank > 0 && T.shapesEqual(s.slice(0, -1), first.slice(0, -1)))
  if (!agree) throw new LayerError(name, `'concat' needs branch outputs of rank ≥ 1 that agree on all but the last axis, got ${list}`)
  return [...first.slice(0, -1), shapes.reduce((total, s) => total + (s[rank - 1] ?? 0), 0)]
}
