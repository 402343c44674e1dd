/**
 * Layers as differentiable morphisms, and how they compose.
 *
 * A layer is a value with two pure functions. `init(key, inputShape)` makes its parameters (a tree
 * of tensors), its state (non-differentiable tensors such as batch-norm running statistics, `{}`
 * for most layers) and tells the shape of its output. `apply(params, state, x, ctx)` maps an input
 * to an output and the next state. Shapes given to and returned by `init` exclude the batch
 * dimension (Keras's convention); `apply` receives `[batch, ...inputShape]`. `apply` is written
 * with the differentiable ops, so it runs on plain tensors (inference, no Duals made) and on Duals
 * (training) alike; the state it returns is always plain tensors.
 *
 * A layer is typed by its parameters and state: `Layer<P, S>`, with `P` and `S` trees of tensors
 * (`nn.dense(12)` is a `Layer<{ kernel: Tensor; bias: Tensor }, NoState>`). `init` gives `P`;
 * `apply` receives `Params<P>`, the same structure with Values at the leaves — tensors at
 * inference, Duals under `grad` — so one layer type serves both. The methods are declared with
 * method syntax, so a `Layer<{ kernel, bias }>` is a `Layer` (the general type the combinators,
 * `summary` and model files take) under `--strict`.
 *
 * Composition (./combinators.ts): `sequential(a, b, c)` is composition (associative, with
 * `identity` as unit: the category laws in laws/category.ts) and its params are the tuple of its
 * children's; `parallel(merge, a, b)` feeds one input to several layers and merges their outputs;
 * `residual(f)` is x + f(x).
 *
 * Layers never mutate anything and remember nothing between calls.
 */
import * as ad from '../ad/index.js'
import type { Value } from '../ad/index.js'
import * as random from '../random/index.js'
import type { Key } from '../random/index.js'
import * as T from '../tensor/index.js'
import type { Shape } from '../tensor/index.js'
import type { Tree, WithLeaves } from '../tree/index.js'
import { expectsInput, LayerError } from './errors.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** What `apply` needs besides params, state and input: the training flag and, for stochastic layers, a key. */
export interface ApplyContext {
  readonly training: boolean
  readonly key?: Key
}

/** What `init` gives: the parameters, the state, and the output shape (without the batch dimension). */
export interface Initialized<P, S> {
  readonly params: P
  readonly state: S
  readonly outputShape: Shape
}

/** What `apply` gives: the output and the next state. */
export interface Applied<S> {
  readonly y: Value
  readonly state: S
}

/** A JSON value (as a saved model holds it). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue }

/** JSON description of a layer: closed set of kinds, numbers, strings, booleans, nested children. */
export type LayerSpec = { readonly kind: string; readonly [option: string]: JsonValue }

/**
 * The parameters `P` (a tree of tensors) as `apply` receives them: the same structure with a Value
 * at each leaf — the tensors themselves at inference, Duals under `grad`.
 */
export type Params<P> = WithLeaves<P, Value>

/** The parameters of a layer without any: an empty record. */
export type NoParams = { readonly [key: string]: never }

/** The state of a layer that keeps none: an empty record. */
export type NoState = { readonly [key: string]: never }

/**
 * A layer: a name, a JSON spec (for saving), its children (for summaries), and `init` / `apply`,
 * typed by its parameters `P` and state `S` (trees of tensors). The third parameter is what
 * `apply` receives, `Params<P>` unless stated; it is a parameter of its own so that TypeScript
 * relates layers through `init` (covariant) and `apply` (a method) separately.
 *
 * `Layer` alone (`Layer<Tree, Tree>`) is the general type the combinators, `summary` and model
 * files take; every `Layer<P, S>` is one, because `init` and `apply` are methods (whose parameters
 * TypeScript compares both ways). Each layer still checks, in `apply`, that the tree it receives
 * has the structure its `init` made (for trees built by hand or loaded from JSON), and throws a
 * `LayerError` otherwise.
 */
export interface Layer<P = Tree, S = Tree, PV = Params<P>> {
  /** For messages and summaries: `dense(12)`, `relu`, `sequential`. */
  readonly name: string
  /** For saving: `{ kind: 'dense', units: 12, useBias: true }`. */
  readonly spec: LayerSpec
  /** The layers a combinator is made of (sequential, parallel, residual). */
  readonly children?: readonly Layer[]
  /** Parameters, state and output shape for an input shape (without the batch dimension). */
  init(key: Key, inputShape: Shape): Initialized<P, S>
  /** The output for a batch x, and the next state. */
  apply(params: PV, state: S, x: Value, ctx: ApplyContext): Applied<S>
}

/** The parameters type of a layer: `ParamsOf<typeof model>`. */
export type ParamsOf<L> = L extends Layer<infer P, infer _S, infer _PV> ? P : never

/** The state type of a layer: `StateOf<typeof model>`. */
export type StateOf<L> = L extends Layer<infer _P, infer S, infer _PV> ? S : never

/** The tuple of the parameters of a tuple of layers (what `sequential` and `parallel` hold). */
export type ParamsOfAll<Ls extends readonly Layer[]> = { readonly [K in keyof Ls]: ParamsOf<Ls[K]> }

/** The tuple of the states of a tuple of layers. */
export type StatesOfAll<Ls extends readonly Layer[]> = { readonly [K in keyof Ls]: StateOf<Ls[K]> }

/** How `parallel` merges its branches: concatenation along the last axis, or element-wise sum. */
export type Merge = 'concat' | 'add'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Types a combinator with its overload: a layer built on general layers, stated to have the
 * parameters and state `P`, `S` (the tuple of its children's, for `sequential` and `parallel`).
 * This is the one place that asserts a layer type, as `unaryOverloads` is for the ops; each
 * combinator keeps the promise by construction (its `init` collects its children's parameters in
 * order), and test/nn/types.test.ts checks the types it gives.
 */
export const layerOverloads = <P, S>(layer: Layer): Layer<P, S> =>
  // Through unknown: TypeScript cannot relate the general layer to a generic P, S (a deferred
  // mapped type); the combinators' types are checked where they are concrete, in the type tests.
  layer as unknown as Layer<P, S>


/**
 * Throws a `LayerError` unless x has shape [batch, ...shape] (any batch size): the check a layer
 * makes at apply.
 *
 * @throws {LayerError} when x is not [batch, ...shape]
 */
export const checkBatched = (layer: string, x: Value, shape: Shape): void => {
  const actual = ad.shapeOf(x)
  if (actual.length !== shape.length + 1 || !T.shapesEqual(actual.slice(1), shape)) {
    throw new LayerError(layer, expectsInput(`[batch${shape.map((d) => `,${d}`).join('')}]`, actual))
  }
}

/**
 * The context child i of a combinator sees: its own key `foldIn(ctx.key, i)` when there is a key.
 * User combinators call it so that their children draw independent randomness.
 *
 * The child's key is derived when the child reads it, not before: a model none of whose layers
 * draws randomness never reads its key, so `jit` keeps the key a dynamic argument (one plan for
 * every step) instead of baking its value in.
 *
 * @throws {LayerError} when the child reads a key whose parent context holds `key: undefined`
 */
export const childContext = (ctx: ApplyContext, i: number): ApplyContext => {
  if (!('key' in ctx)) return ctx
  let derived: Key | undefined
  return {
    training: ctx.training,
    get key(): Key {
      if (derived === undefined) {
        const parent = ctx.key
        if (parent === undefined) throw new LayerError('childContext', 'the context has a key property whose value is undefined; leave the key out instead')
        derived = random.foldIn(parent, i)
      }
      return derived
    },
  }
}

