/**
 * Rebuilding a model from its saved layer description (`spec`): a registry maps each layer kind to
 * the io-ts codec of its spec and the constructor that builds it. `layers` is the library's table,
 * one entry per kind of `nn` layer; a model with layers of its own passes an extended table
 * (`{ ...io.layers, myLayer: io.layerKind(codec, build) }`) — a value, not a global registration.
 *
 * Building is checked twice: each spec is decoded by its kind's codec (a wrong type is a Left at
 * its JSON path), the constructor's own checks run (a dropout rate of 2 is a Left at the spec),
 * and the caller (`restoreModel`) then compares the rebuilt model's spec with the file's, so a key
 * the constructor would ignore is reported rather than lost.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import * as nn from '../nn/index.js'
import type { Layer } from '../nn/index.js'
import { ModelDecodeError } from './errors.js'
import { formatJsonPath, isPlainObject, showJson, type JsonSegment } from './json.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Builds a child layer (of a combinator) from its spec, found at `at` below the parent's spec. */
export type BuildChild = (spec: unknown, at: readonly JsonSegment[]) => Layer

/**
 * One kind of layer in a registry: decodes a spec of this kind and builds the layer. Made by
 * {@link layerKind} from an io-ts codec and a constructor.
 */
export interface LayerKind {
  /** A Left holds the codec's errors; a constructor that throws is reported by the caller. */
  readonly decode: (spec: unknown, child: BuildChild) => E.Either<t.Errors, Layer>
}

/** Layer kinds by the `kind` of their spec. */
export type LayerRegistry = Readonly<Record<string, LayerKind>>

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * A registry entry: the spec's io-ts codec, and how to build the layer from the decoded spec.
 * Combinators build their children with `child(spec, path)`, the path relative to their own spec.
 *
 * @example
 * const scale = (factor) => ({
 *   name: `scale(${factor})`,
 *   spec: { kind: 'scale', factor },
 *   init: (_key, inputShape) => ({ params: {}, state: {}, outputShape: inputShape }),
 *   apply: (_params, state, x) => ({ y: mul(x, factor), state }),
 * })
 * const registry = { ...io.layers, scale: io.layerKind(t.type({ factor: t.number }), (spec) => scale(spec.factor)) }
 * const model = nn.sequential(nn.dense(2), scale(3))
 * const { params, state } = model.init(random.key(0), [2])
 * const restored = io.restoreModel(io.encodeModel(model, { params, state, inputShape: [2] }), { layers: registry })
 * E.isRight(restored) && restored.right.model.name  // 'sequential'
 */
export const layerKind = <S>(codec: t.Decoder<unknown, S>, build: (spec: S, child: BuildChild) => Layer): LayerKind => ({
  decode: (spec, child) => {
    const decoded = codec.decode(spec)
    return E.isLeft(decoded) ? decoded : E.right(build(decoded.right, child))
  },
})

/** One size per spatial axis, or one for all (windows, strides, dilation rates). */
const perAxis = t.union([t.number, t.array(t.number)])
const paddingKind = t.keyof({ valid: null, same: null })
const convSpec = t.type({ filters: t.number, kernelSize: t.array(t.number), strides: perAxis, padding: paddingKind, dilationRate: perAxis, useBias: t.boolean })
const poolSpec = t.type({ poolSize: t.array(t.number), strides: t.union([t.null, perAxis]), padding: paddingKind })
const recurrentSpec = t.type({ units: t.number, returnSequences: t.boolean, goBackwards: t.boolean, useBias: t.boolean })

const convOptions = (s: t.TypeOf<typeof convSpec>): nn.ConvLayerOptions => ({ strides: s.strides, padding: s.padding, dilationRate: s.dilationRate, useBias: s.useBias })
const poolOptions = (s: t.TypeOf<typeof poolSpec>): nn.PoolLayerOptions => (s.strides === null ? { padding: s.padding } : { strides: s.strides, padding: s.padding })
/** A saved window of one axis (the layer's constructor checks the length). */
const pair1 = (sizes: readonly number[]): readonly [number] => [sizes[0] ?? Number.NaN]
/** A saved window of two axes (the layer's constructor checks the length). */
const pair2 = (sizes: readonly number[]): readonly [number, number] => {
  if (sizes.length !== 2) throw new Error(`expected 2 window sizes, got ${sizes.length}`)
  return [sizes[0] ?? Number.NaN, sizes[1] ?? Number.NaN]
}

/** A kind whose spec is `{ kind }` alone and whose layer is one value. */
const constant = (layer: Layer): LayerKind => layerKind(t.unknown, () => layer)

/**
 * The library's layers, one entry per kind of `nn` layer. A new layer kind in `nn` adds one line
 * here (its codec and constructor); `test/io/registry.test.ts` fails for a kind that is missing.
 */
export const layers = {
  identity: constant(nn.identity),
  input: layerKind(t.type({ shape: t.array(t.number) }), (s) => nn.input(s.shape)),
  sequential: layerKind(t.type({ layers: t.array(t.unknown) }), (s, child) => nn.sequential(...s.layers.map((l, i) => child(l, ['layers', i])))),
  parallel: layerKind(t.type({ merge: t.keyof({ concat: null, add: null }), layers: t.array(t.unknown) }), (s, child) =>
    nn.parallel(s.merge, ...s.layers.map((l, i) => child(l, ['layers', i]))),
  ),
  residual: layerKind(t.type({ layer: t.unknown }), (s, child) => nn.residual(child(s.layer, ['layer']))),
  dense: layerKind(t.type({ units: t.number, useBias: t.boolean }), (s) => nn.dense(s.units, { useBias: s.useBias })),
  sigmoid: constant(nn.sigmoid),
  tanh: constant(nn.tanh),
  relu: constant(nn.relu),
  softplus: constant(nn.softplus),
  gelu: constant(nn.gelu),
  step: constant(nn.step),
  stepStraightThrough: constant(nn.stepStraightThrough),
  leakyRelu: layerKind(t.type({ alpha: t.number }), (s) => nn.leakyRelu(s.alpha)),
  elu: layerKind(t.type({ alpha: t.number }), (s) => nn.elu(s.alpha)),
  softmax: layerKind(t.type({ axis: t.number }), (s) => nn.softmax(s.axis)),
  dropout: layerKind(t.type({ rate: t.number }), (s) => nn.dropout(s.rate)),
  batchNorm: layerKind(t.type({ momentum: t.number, epsilon: t.number }), (s) => nn.batchNorm(s)),
  layerNorm: layerKind(t.type({ epsilon: t.number }), (s) => nn.layerNorm(s)),
  flatten: constant(nn.flatten()),
  conv1d: layerKind(convSpec, (s) => nn.conv1d(s.filters, pair1(s.kernelSize), convOptions(s))),
  conv2d: layerKind(convSpec, (s) => nn.conv2d(s.filters, pair2(s.kernelSize), convOptions(s))),
  maxPool1d: layerKind(poolSpec, (s) => nn.maxPool1d(pair1(s.poolSize)[0], poolOptions(s))),
  maxPool2d: layerKind(poolSpec, (s) => nn.maxPool2d(pair2(s.poolSize), poolOptions(s))),
  avgPool1d: layerKind(poolSpec, (s) => nn.avgPool1d(pair1(s.poolSize)[0], poolOptions(s))),
  avgPool2d: layerKind(poolSpec, (s) => nn.avgPool2d(pair2(s.poolSize), poolOptions(s))),
  globalMaxPool1d: constant(nn.globalMaxPool1d()),
  globalMaxPool2d: constant(nn.globalMaxPool2d()),
  globalAvgPool1d: constant(nn.globalAvgPool1d()),
  globalAvgPool2d: constant(nn.globalAvgPool2d()),
  zeroPadding2d: layerKind(t.type({ padding: t.tuple([t.tuple([t.number, t.number]), t.tuple([t.number, t.number])]) }), (s) => nn.zeroPadding2d(s.padding)),
  embedding: layerKind(t.type({ inputDim: t.number, outputDim: t.number }), (s) => nn.embedding(s.inputDim, s.outputDim)),
  randomShift: layerKind(t.type({ maxShift: t.number }), (s) => nn.randomShift(s.maxShift)),
  simpleRnn: layerKind(recurrentSpec, (s) => nn.simpleRnn(s.units, s)),
  lstm: layerKind(t.intersection([recurrentSpec, t.type({ unitForgetBias: t.boolean })]), (s) => nn.lstm(s.units, s)),
  gru: layerKind(t.intersection([recurrentSpec, t.type({ resetAfter: t.boolean })]), (s) => nn.gru(s.units, s)),
  bidirectional: layerKind(t.type({ merge: t.keyof({ concat: null, sum: null, mul: null, ave: null }), layer: t.unknown }), (s, child) => {
    const layer = child(s.layer, ['layer'])
    if (!nn.isRecurrent(layer)) throw new Error(`bidirectional wraps a recurrent layer (simpleRnn, lstm, gru), got ${layer.name}`)
    return nn.bidirectional(layer, s.merge)
  }),
} as const satisfies LayerRegistry

/** The kinds of layer the library's registry rebuilds. */
export type LibraryLayerKind = keyof typeof layers

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The layer a spec describes, built through `registry` (default: the library's {@link layers}).
 * A Left ModelDecodeError (reason `architecture`) names the JSON path from `root` (default
 * `['spec']`, where a model file keeps it): an unknown kind, a spec its codec refuses, or one its
 * constructor refuses. Never throws.
 *
 * @example
 * const built = layerFromSpec({ kind: 'sequential', layers: [{ kind: 'dense', units: 2, useBias: true }, { kind: 'relu' }] })
 * E.isRight(built) && built.right.name  // 'sequential'
 * const unknown = layerFromSpec({ kind: 'conv9d' })
 * E.isLeft(unknown) && unknown.left.message
 * // 'decodeModel: at $.spec.kind: unknown layer kind "conv9d": register it in the registry passed as `layers` (see io.layerKind)'
 */
export const layerFromSpec = (
  spec: unknown,
  registry: LayerRegistry = layers,
  root: readonly JsonSegment[] = ['spec'],
): E.Either<ModelDecodeError, Layer> => {
  const build = (u: unknown, path: readonly JsonSegment[]): Layer => {
    const kind: unknown = isPlainObject(u) ? Reflect.get(u, 'kind') : undefined
    if (typeof kind !== 'string') throw failure([...path, 'kind'], `expected a layer description with a string "kind", got ${showJson(isPlainObject(u) ? kind : u)}`)
    const entry = Object.hasOwn(registry, kind) ? registry[kind] : undefined
    if (entry === undefined) throw failure([...path, 'kind'], `unknown layer kind ${JSON.stringify(kind)}: register it in the registry passed as \`layers\` (see io.layerKind)`)
    let decoded: E.Either<t.Errors, Layer>
    try {
      decoded = entry.decode(u, (child, at) => build(child, [...path, ...at]))
    } catch (e) {
      if (e instanceof ModelDecodeError) throw e
      throw failure(path, `the ${JSON.stringify(kind)} layer cannot be built from this description: ${e instanceof Error ? e.message : String(e)}`)
    }
    if (E.isLeft(decoded)) throw fromCodecErrors(path, decoded.left)
    return decoded.right
  }
  try {
    return E.right(build(spec, root))
  } catch (e) {
    if (e instanceof ModelDecodeError) return E.left(e)
    throw e
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const failure = (path: readonly JsonSegment[], detail: string): ModelDecodeError => new ModelDecodeError('architecture', formatJsonPath(path), detail)

const fromCodecErrors = (path: readonly JsonSegment[], errors: t.Errors): ModelDecodeError => {
  const first = errors[0]
  if (first === undefined) return failure(path, 'invalid layer description')
  const segments: JsonSegment[] = [...path]
  for (let i = 1; i < first.context.length; i++) {
    const entry = first.context[i]
    const parent = first.context[i - 1]
    if (entry === undefined || parent === undefined) continue
    segments.push(Array.isArray(parent.actual) ? Number(entry.key) : entry.key)
  }
  return failure(segments, `expected ${first.context[first.context.length - 1]?.type.name ?? 'a valid value'}, got ${showJson(first.value)}`)
}
