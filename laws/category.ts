/**
 * Category laws of layer composition: `identity` is a unit on either side of `sequential`, and
 * `sequential` is associative. "Equal" means, for the same parameters (the children's, arranged
 * as each composite arranges them), bit-identical outputs and next states, and equal output shapes
 * and parameter counts at init.
 *
 * Predicates (plain functions, no fast-check) take the layers, an input shape, an input and a key
 * and return a `LawResult`. Runners wrap them in `fc.property` and assert; users call the same
 * runners on their own layers:
 *
 * ```ts
 * import { categoryLaws } from 'dualflow/laws'
 * categoryLaws(denseStack(), [3])
 * ```
 *
 * The laws hold in a context without a key: with a key, `sequential` gives child i the key
 * foldIn(key, i), so a stochastic layer (dropout in training) sees different keys at different
 * nestings — the same distribution, not the same draw.
 */
import fc from 'fast-check'
import * as nn from '../src/nn/index.js'
import type { ApplyContext, Layer } from '../src/nn/index.js'
import type { ValueTree } from '../src/ad/index.js'
import * as ad from '../src/ad/index.js'
import { valueLeaf } from '../src/ad/extend.js'
import * as random from '../src/random/index.js'
import type { Key } from '../src/random/index.js'
import * as T from '../src/tensor/index.js'
import type { Shape, Tensor } from '../src/tensor/index.js'
import * as tree from '../src/tree/index.js'
import type { Tree } from '../src/tree/index.js'
import { tensorOf } from './arbitraries.js'
import type { LawResult } from './gradient.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of the category runners. */
export interface CategoryLawOptions {
  /** fast-check runs (default 100). */
  readonly numRuns?: number
  readonly seed?: number
  /** The context of `apply` (default `{ training: false }`; give no key, see the module header). */
  readonly ctx?: ApplyContext
  /** Largest batch of the generated inputs (default 4). */
  readonly maxBatch?: number
}

/** Options of {@link denseStack}. */
export interface DenseStackOptions {
  /** Most dense layers in the stack (default 3; at least 1). */
  readonly maxDepth?: number
  /** Most units of a dense layer (default 6). */
  readonly maxUnits?: number
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** A run of `layer` on given params and state: output and next state. */
interface Run {
  readonly y: Tensor
  readonly state: readonly Tensor[]
}

const run = (layer: Layer, params: ValueTree, state: Tree, x: Tensor, ctx: ApplyContext): Run => {
  const out = layer.apply(params, state, x, ctx)
  return { y: ad.primalTensor(out.y), state: leavesOf(out.state) }
}

const leavesOf = (t: ValueTree): Tensor[] => tree.flatten(t, valueLeaf).leaves.map(ad.primalTensor)

/** Indices of the first differing element, or '' when both are bit-identical (NaN equals NaN). */
const firstDifference = (a: readonly Tensor[], b: readonly Tensor[]): string => {
  if (a.length !== b.length) return `${a.length} vs ${b.length} tensors`
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i]
    if (x === undefined || y === undefined) return `tensor ${i} missing`
    if (!T.shapesEqual(x.shape, y.shape)) return `tensor ${i}: shape ${T.formatShape(x.shape)} vs ${T.formatShape(y.shape)}`
    for (let k = 0; k < x.data.length; k++) {
      if (!Object.is(x.data[k], y.data[k])) return `tensor ${i}, element ${k}: ${x.data[k]} vs ${y.data[k]}`
    }
  }
  return ''
}

const maxAbsDifference = (a: readonly Tensor[], b: readonly Tensor[]): number => {
  let m = 0
  a.forEach((x, i) => {
    const y = b[i]
    if (y === undefined) return
    for (let k = 0; k < x.data.length; k++) m = Math.max(m, Math.abs((x.data[k] ?? 0) - (y.data[k] ?? 0)))
  })
  return m
}

/** Compares two runs and two inits (output shape, parameter count) of layers that should be equal. */
const compare = (law: string, left: Layer, right: Layer, runs: readonly [Run, Run], key: Key, inputShape: Shape): LawResult => {
  const [a, b] = runs
  const outputs = firstDifference([a.y, ...a.state], [b.y, ...b.state])
  const ia = left.init(key, inputShape)
  const ib = right.init(key, inputShape)
  const shapes = T.shapesEqual(ia.outputShape, ib.outputShape) ? '' : `output shapes ${T.formatShape(ia.outputShape)} vs ${T.formatShape(ib.outputShape)}`
  const countA = nn.countOf(ia.params) + nn.countOf(ia.state)
  const countB = nn.countOf(ib.params) + nn.countOf(ib.state)
  const counts = countA === countB ? '' : `parameter counts ${countA} vs ${countB}`
  const problems = [outputs === '' ? '' : `outputs differ at ${outputs}`, shapes, counts].filter((p) => p !== '')
  return {
    law,
    holds: problems.length === 0,
    expected: 0,
    actual: maxAbsDifference([a.y, ...a.state], [b.y, ...b.state]),
    tolerance: 0,
    detail: problems.length === 0 ? `ok (${left.name} / ${right.name} on ${T.formatShape(inputShape)})` : problems.join('; '),
  }
}

// ─── predicates ─────────────────────────────────────────────────────────────────────────────────

/** sequential(identity, f) equals f: same outputs for f's params, same shapes and counts at init. */
export const checkLeftIdentity = (f: Layer, inputShape: Shape, x: Tensor, key: Key, ctx: ApplyContext = { training: false }): LawResult => {
  const composite = nn.sequential(nn.identity, f)
  const { params, state } = f.init(key, inputShape)
  return compare(
    'left identity: sequential(identity, f) = f',
    composite,
    f,
    [run(composite, [{}, params], [{}, state], x, ctx), run(f, params, state, x, ctx)],
    key,
    inputShape,
  )
}

/** sequential(f, identity) equals f: same outputs for f's params, same shapes and counts at init. */
export const checkRightIdentity = (f: Layer, inputShape: Shape, x: Tensor, key: Key, ctx: ApplyContext = { training: false }): LawResult => {
  const composite = nn.sequential(f, nn.identity)
  const { params, state } = f.init(key, inputShape)
  return compare(
    'right identity: sequential(f, identity) = f',
    composite,
    f,
    [run(composite, [params, {}], [state, {}], x, ctx), run(f, params, state, x, ctx)],
    key,
    inputShape,
  )
}

/**
 * sequential(sequential(f, g), h) equals sequential(f, sequential(g, h)) equals sequential(f, g, h)
 * for the same parameters of f, g and h (initialised one after the other from split keys).
 */
export const checkAssociativity = (
  f: Layer,
  g: Layer,
  h: Layer,
  inputShape: Shape,
  x: Tensor,
  key: Key,
  ctx: ApplyContext = { training: false },
): LawResult => {
  const [kf, kg, kh] = random.split(key, 3)
  const pf = f.init(kf ?? key, inputShape)
  const pg = g.init(kg ?? key, pf.outputShape)
  const ph = h.init(kh ?? key, pg.outputShape)
  const leftNested = nn.sequential(nn.sequential(f, g), h)
  const rightNested = nn.sequential(f, nn.sequential(g, h))
  const flat = nn.sequential(f, g, h)
  const left = run(leftNested, [[pf.params, pg.params], ph.params], [[pf.state, pg.state], ph.state], x, ctx)
  const right = run(rightNested, [pf.params, [pg.params, ph.params]], [pf.state, [pg.state, ph.state]], x, ctx)
  const flatRun = run(flat, [pf.params, pg.params, ph.params], [pf.state, pg.state, ph.state], x, ctx)
  const nested = compare('associativity: (f ∘ g) ∘ h = f ∘ (g ∘ h)', leftNested, rightNested, [left, right], key, inputShape)
  if (!nested.holds) return nested
  return compare('associativity: (f ∘ g) ∘ h = sequential(f, g, h)', leftNested, flat, [left, flatRun], key, inputShape)
}

// ─── arbitraries ────────────────────────────────────────────────────────────────────────────────

/**
 * A stack of dense layers, each optionally followed by an activation (relu, tanh, sigmoid or
 * none): `sequential(dense(3), tanh, dense(5))`. Takes any rank-1 input shape.
 */
export const denseStack = ({ maxDepth = 3, maxUnits = 6 }: DenseStackOptions = {}): fc.Arbitrary<Layer> => {
  const activation = fc.constantFrom<readonly Layer[]>([], [nn.relu], [nn.tanh], [nn.sigmoid])
  const block = fc.tuple(fc.integer({ min: 1, max: maxUnits }), activation).map(([units, act]) => [nn.dense(units), ...act])
  return fc.array(block, { minLength: 1, maxLength: Math.max(1, maxDepth) }).map((blocks) => nn.sequential(...blocks.flat()))
}

// ─── runners ────────────────────────────────────────────────────────────────────────────────────

const assertLaw = (result: LawResult): void => {
  if (!result.holds) throw new Error(`${result.law} fails: ${result.detail}`)
}

const parameters = ({ numRuns = 100, seed }: CategoryLawOptions): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed })

/** An input [batch, ...inputShape] with values in [−2, 2], and a key. */
const inputAndKey = (inputShape: Shape, maxBatch: number): fc.Arbitrary<readonly [Tensor, Key]> =>
  fc.tuple(
    fc.integer({ min: 1, max: maxBatch }).chain((batch) => tensorOf([batch, ...inputShape], { min: -2, max: 2 })),
    fc.nat().map((seed) => random.key(seed)),
  )

/** sequential(identity, f) = f = sequential(f, identity), over generated layers, inputs and keys. */
export const identityLaws = (layer: fc.Arbitrary<Layer>, inputShape: Shape, options: CategoryLawOptions = {}): void =>
  fc.assert(
    fc.property(layer, inputAndKey(inputShape, options.maxBatch ?? 4), (f, [x, key]) => {
      assertLaw(checkLeftIdentity(f, inputShape, x, key, options.ctx))
      assertLaw(checkRightIdentity(f, inputShape, x, key, options.ctx))
    }),
    parameters(options),
  )

/** (f ∘ g) ∘ h = f ∘ (g ∘ h) = sequential(f, g, h), over generated triples, inputs and keys. */
export const associativityLaw = (layers: fc.Arbitrary<readonly [Layer, Layer, Layer]>, inputShape: Shape, options: CategoryLawOptions = {}): void =>
  fc.assert(
    fc.property(layers, inputAndKey(inputShape, options.maxBatch ?? 4), ([f, g, h], [x, key]) =>
      assertLaw(checkAssociativity(f, g, h, inputShape, x, key, options.ctx)),
    ),
    parameters(options),
  )

/**
 * Both category laws for layers drawn from `layer` (three independent draws for associativity).
 * Every drawn layer must take the output shape of any other (true of `denseStack`, whose layers
 * take any rank-1 shape).
 */
export const categoryLaws = (layer: fc.Arbitrary<Layer>, inputShape: Shape, options: CategoryLawOptions = {}): void => {
  identityLaws(layer, inputShape, options)
  associativityLaw(fc.tuple(layer, layer, layer), inputShape, options)
}
