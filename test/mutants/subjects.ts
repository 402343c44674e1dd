/**
 * The mutation table: every differentiable primitive and layer, with the inputs its gradient laws
 * use. A new primitive or layer (convolution, pooling, scan, recurrent cells) joins the mutation
 * suite with one entry here; `npm run mutants` runs all of them, test/mutants/mutants.test.ts a
 * fast subset.
 *
 * Equivalent mutants — rules that look wrong but are not — are listed with their reason.
 */
import fc from 'fast-check'
import * as arb from '../../laws/arbitraries.js'
import type { MutationSubject } from '../../laws/mutation.js'
import * as ad from '../../src/ad/index.js'
import type { Value, ValueTree } from '../../src/ad/index.js'
import * as losses from '../../src/losses/index.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import type { Shape } from '../../src/tensor/index.js'
import { anyTensor, awayFromZeroTensor, broadcastPair, distinctTensor, positiveTensor, separatedPair } from '../ad/arbitraries.js'
import { layerInput, spreadRows } from '../nn/arbitraries.js'

type Pair = readonly [Value, Value]
type Triple = readonly [Value, Value, Value]

/** A subject of one tensor argument. */
const unary = (name: string, f: (x: Value) => Value, input: fc.Arbitrary<T.Tensor>, extra: Partial<MutationSubject> = {}): MutationSubject =>
  ({ name, f: (x: ValueTree) => f(asValue(x)), input, ...extra })

/** A subject of a pair of tensors. */
const binary = (name: string, f: (a: Value, b: Value) => Value, input: fc.Arbitrary<readonly [T.Tensor, T.Tensor]>, extra: Partial<MutationSubject> = {}): MutationSubject =>
  ({ name, f: (x: ValueTree) => { const [a, b] = asTuple(x); return f(a, b) }, input, ...extra })

const asValue = (x: ValueTree): Value => {
  if (T.isTensor(x) || ad.isDual(x)) return x
  throw new Error('expected a tensor')
}
const asQuad = (x: ValueTree): readonly [Value, Value, Value, Value] => {
  if (!Array.isArray(x)) throw new Error('expected a list of tensors')
  const [a, b, c, d] = x.map((v: ValueTree) => asValue(v))
  return [a ?? T.scalar(0), b ?? T.scalar(0), c ?? T.scalar(0), d ?? T.scalar(0)]
}
const asTuple = (x: ValueTree): Triple => {
  if (!Array.isArray(x)) throw new Error('expected a list of tensors')
  const [a, b, c] = x.map((v: ValueTree) => asValue(v))
  return [a ?? T.scalar(0), b ?? T.scalar(0), c ?? T.scalar(0)]
}

/** A layer as a function of its parameters and input. */
const layer = (name: string, l: nn.Layer, inputShape: Shape, options: Parameters<typeof layerInput>[2] = {}, ctx: nn.ApplyContext = { training: false }, extra: Partial<MutationSubject> = {}): MutationSubject => {
  const state = l.init(random.key(0), inputShape).state
  return {
    name,
    f: (tree: ValueTree) => {
      const { params, x } = asLayerInput(tree)
      return l.apply(params, state, x, ctx).y
    },
    input: layerInput(l, inputShape, options),
    ...extra,
  }
}

const asLayerInput = (x: ValueTree): { readonly params: ValueTree; readonly x: Value } => {
  if (typeof x !== 'object' || Array.isArray(x) || T.isTensor(x) || ad.isDual(x) || !('params' in x) || !('x' in x)) throw new Error('expected { params, x }')
  return { params: x.params ?? {}, x: asValue(x.x ?? T.scalar(0)) }
}

const ZERO_DERIVATIVE = 'the derivative is 0 everywhere (piecewise constant): any multiple of a zero rule is the same zero rule'
const ADD_SWAP = 'd(a+b)/da = d(a+b)/db: both operands get the same cotangent, so swapping them is the same rule (with broadcasting the swapped gradients also have the wrong shapes and are caught)'

const matmulPairs = arb.matmulPair().chain(([a, b]) => fc.tuple(arb.tensorOf(a, { min: -2, max: 2 }), arb.tensorOf(b, { min: -2, max: 2 })))
const pairOf = (shapes: fc.Arbitrary<readonly [Shape, Shape]>) => shapes.chain(([a, b]) => fc.tuple(arb.tensorOf(a, { min: -2, max: 2 }), arb.tensorOf(b, { min: -2, max: 2 })))
const affineTriples = arb.matmulPair().chain(([[m, k], [, n]]) =>
  fc.tuple(arb.tensorOf([m ?? 1, k ?? 1], { min: -2, max: 2 }), arb.tensorOf([k ?? 1, n ?? 1], { min: -2, max: 2 }), arb.tensorOf([n ?? 1], { min: -2, max: 2 })),
)
const logits = arb.shape({ minRank: 1, maxRank: 3, maxDim: 4 }).chain((s) => arb.tensorOf(s, { min: -5, max: 5 }))
const probabilities = arb.shape({ minRank: 1, maxRank: 2, maxDim: 4 }).chain((s) => fc.tuple(arb.tensorOf(s, { min: 0.05, max: 0.95 }), arb.tensorOf(s, { min: 0, max: 1 })))

/** Every differentiable primitive and composite of `ad`, and the losses. */
export const primitives: readonly MutationSubject[] = [
  ...(
    [
      ['neg', ad.neg], ['exp', ad.exp], ['expm1', ad.expm1], ['square', ad.square], ['tanh', ad.tanh], ['sigmoid', ad.sigmoid],
      ['softplus', ad.softplus], ['erf', ad.erf], ['gelu', ad.gelu], ['sin', ad.sin], ['cos', ad.cos],
    ] as const
  ).map(([name, op]) => unary(name, (x) => op(x), anyTensor())),
  ...(
    [['log', ad.log], ['sqrt', ad.sqrt], ['reciprocal', ad.reciprocal]] as const
  ).map(([name, op]) => unary(`${name} (positive inputs)`, (x) => op(x), positiveTensor())),
  unary('log1p (inputs > −0.9)', (x) => ad.log1p(x), anyTensor(-0.9, 3)),
  unary('abs (away from 0)', (x) => ad.abs(x), awayFromZeroTensor()),
  unary('relu (away from 0)', (x) => ad.relu(x), awayFromZeroTensor()),
  unary('leakyRelu(0.2) (away from 0)', (x) => ad.leakyRelu(x, 0.2), awayFromZeroTensor()),
  unary('elu(1.5) (away from 0)', (x) => ad.elu(x, 1.5), awayFromZeroTensor()),
  unary('sign (away from 0)', (x) => ad.sign(x), awayFromZeroTensor(), {
    equivalent: { 'vjp×2': ZERO_DERIVATIVE, 'vjp×1.01': ZERO_DERIVATIVE, 'vjp−': ZERO_DERIVATIVE, 'both×1.01': ZERO_DERIVATIVE, 'both−': ZERO_DERIVATIVE, 'jvp×2': ZERO_DERIVATIVE, 'jvp−': ZERO_DERIVATIVE },
  }),
  unary('step (away from 0)', (x) => ad.step(x), awayFromZeroTensor(), {
    equivalent: { 'vjp×2': ZERO_DERIVATIVE, 'vjp×1.01': ZERO_DERIVATIVE, 'vjp−': ZERO_DERIVATIVE, 'both×1.01': ZERO_DERIVATIVE, 'both−': ZERO_DERIVATIVE, 'jvp×2': ZERO_DERIVATIVE, 'jvp−': ZERO_DERIVATIVE },
  }),
  unary('scale(−2.5)', (x) => ad.scale(x, -2.5), anyTensor()),
  unary('addScalar(4)', (x) => ad.addScalar(x, 4), anyTensor()),
  unary('powScalar(2.5) (positive inputs)', (x) => ad.powScalar(x, 2.5), positiveTensor()),
  binary('add', ad.add, broadcastPair(), { equivalent: { swap: ADD_SWAP } }),
  binary('sub', ad.sub, broadcastPair()),
  binary('mul', ad.mul, broadcastPair()),
  binary('mulStrongZero', ad.mulStrongZero, broadcastPair()),
  binary('div (denominator away from 0)', ad.div, broadcastPair().map(([a, b]) => [a, T.map(b, (v) => (v < 0 ? v - 0.5 : v + 0.5))] as const)),
  binary('pow (positive base)', ad.pow, broadcastPair().map(([a, b]) => [T.map(a, (v) => Math.abs(v) + 0.2), b] as const)),
  binary('maximum (no ties)', ad.maximum, separatedPair()),
  binary('minimum (no ties)', ad.minimum, separatedPair()),
  binary('where (a away from 0)', (a, b) => ad.where(T.greater(ad.primalTensor(a), T.scalar(0)), a, b),
    broadcastPair().map(([a, b]) => [T.map(a, (v) => (Math.abs(v) < 0.05 ? v + (v < 0 ? -0.1 : 0.1) : v)), b] as const)),
  unary('clip(−1, 1) (away from the bounds)', (x) => ad.clip(x, -1, 1), anyTensor().filter((x) => x.data.every((v) => Math.abs(Math.abs(v) - 1) > 0.01))),
  unary('sum', (x) => ad.sum(x), anyTensor()),
  unary('sum over axis 0', (x) => ad.sum(x, { axis: 0 }), arb.shape({ minRank: 1, maxRank: 3, maxDim: 4 }).chain((s) => arb.tensorOf(s, { min: -3, max: 3 }))),
  unary('mean', (x) => ad.mean(x), anyTensor()),
  unary('max (distinct values)', (x) => ad.max(x), distinctTensor()),
  unary('min (distinct values)', (x) => ad.min(x), distinctTensor()),
  unary('logSumExp', (x) => ad.logSumExp(x), anyTensor()),
  unary('variance', (x) => ad.variance(x), anyTensor()),
  unary('softmax', (x) => ad.softmax(x), logits),
  unary('logSoftmax', (x) => ad.logSoftmax(x), logits),
  unary('reshape', (x) => ad.reshape(x, [-1]), anyTensor()),
  unary('transpose', (x) => ad.transpose(x), anyTensor()),
  unary('broadcastTo [2, 3]', (x) => ad.broadcastTo(x, [2, 3]), arb.tensorOf([3])),
  unary('sumTo [1, 4]', (x) => ad.sumTo(x, [1, 4]), arb.tensorOf([2, 3, 4], { min: -3, max: 3 })),
  unary('expandDims', (x) => ad.expandDims(x, 0), anyTensor()),
  unary('squeeze', (x) => ad.squeeze(ad.expandDims(x, -1)), anyTensor()),
  unary('flatten2d', (x) => ad.flatten2d(x), arb.tensorOf([2, 3, 2])),
  unary('unstack (second row · third row)', (x) => { const rows = ad.unstack(x, 0); return ad.mul(rows[1] ?? x, rows[2] ?? x) }, arb.tensorOf([3, 4])),
  unary('slice', (x) => ad.slice(x, [1, 0], [-1, 2]), arb.tensorOf([3, 4])),
  unary('pad', (x) => ad.pad(x, [[1, 2], [0, 1]], 5), arb.tensorOf([2, 3])),
  unary('gather', (x) => ad.gather(x, [2, 0, 2, 1], 0), arb.tensorOf([3, 2])),
  unary('scatterAdd', (x) => ad.scatterAdd([4, 2], [3, 0, 3], x, 0), arb.tensorOf([3, 2])),
  binary('concat', (a, b) => ad.concat([a, b], 1), fc.tuple(arb.tensorOf([2, 3]), arb.tensorOf([2, 1]))),
  binary('stack', (a, b) => ad.stack([a, b], 1), fc.tuple(arb.tensorOf([2, 3]), arb.tensorOf([2, 3]))),
  binary('matmul', ad.matmul, matmulPairs, { kinds: ['transposed'] }),
  binary('matmulTransA', ad.matmulTransA, pairOf(arb.matmulPair().map(([a, b]) => [[a[0] ?? 1, a[1] ?? 1], [a[0] ?? 1, b[1] ?? 1]] as const)), { kinds: ['transposed'] }),
  binary('matmulTransB', ad.matmulTransB, pairOf(arb.matmulPair().map(([a, b]) => [[a[0] ?? 1, a[1] ?? 1], [b[1] ?? 1, a[1] ?? 1]] as const)), { kinds: ['transposed'] }),
  binary('dot', ad.dot, fc.tuple(arb.tensorOf([4], { min: -2, max: 2 }), arb.tensorOf([4], { min: -2, max: 2 }))),
  binary('outer', ad.outer, fc.tuple(arb.tensorOf([3], { min: -2, max: 2 }), arb.tensorOf([2], { min: -2, max: 2 }))),
  binary('matmul [k]·[k, n]', ad.matmul, fc.tuple(arb.tensorOf([3], { min: -2, max: 2 }), arb.tensorOf([3, 2], { min: -2, max: 2 }))),
  {
    name: 'affine x·W + b',
    f: (x: ValueTree) => { const [a, w, b] = asTuple(x); return ad.affine(a, w, b) },
    input: affineTriples,
    kinds: ['transposed'],
  },
  binary('binaryCrossEntropy', (p, t) => losses.binaryCrossEntropy(p, t), probabilities),
  binary('binaryCrossEntropy(sigmoid(z)) (on the logits)', (z, t) => losses.binaryCrossEntropy(ad.sigmoid(z), t), probabilities.map(([p, t]) => [T.scale(p, 8), t] as const)),
  binary('binaryCrossEntropyWithLogits', (z, t) => losses.binaryCrossEntropyWithLogits(z, t), probabilities.map(([p, t]) => [T.scale(p, 8), t] as const)),
  binary('mse', (p, t) => losses.mse(p, t), probabilities),
]

/** Every layer, as a function of its parameters and its input. */
export const layers: readonly MutationSubject[] = [
  layer('dense(3) layer', nn.dense(3), [2], {}, { training: false }, { kinds: ['transposed'] }),
  layer('dense(2, no bias) layer', nn.dense(2, { useBias: false }), [3], {}, { training: false }, { kinds: ['transposed'] }),
  layer('tanh layer', nn.tanh, [3]),
  layer('sigmoid layer', nn.sigmoid, [3]),
  layer('softmax layer', nn.softmax(), [3]),
  layer('relu layer (away from 0)', nn.relu, [3], { x: (s) => arb.awayFromZeroTensorOf(s, 0.05, { max: 2 }) }),
  layer('layerNorm layer', nn.layerNorm(), [4], { x: (s) => spreadRows([s[1] ?? 1, s[0] ?? 1]).map((t) => T.transpose(t)) }),
  layer('batchNorm layer (training)', nn.batchNorm(), [3], { minBatch: 2, maxBatch: 5, x: spreadRows }, { training: true }),
  layer('dropout(0.3) layer (training, fixed key)', nn.dropout(0.3), [4], {}, { training: true, key: random.key(3) }),
  layer('flatten layer', nn.flatten(), [2, 2]),
  layer('softplus layer', nn.softplus, [3]),
  layer('gelu layer', nn.gelu, [3]),
  layer('leakyRelu(0.1) layer (away from 0)', nn.leakyRelu(0.1), [3], { x: (s) => arb.awayFromZeroTensorOf(s, 0.05, { max: 2 }) }),
  layer('elu(1) layer (away from 0)', nn.elu(1), [3], { x: (s) => arb.awayFromZeroTensorOf(s, 0.05, { max: 2 }) }),
  layer('identity layer', nn.identity, [3]),
  layer("parallel('add', dense(2), dense(2))", nn.parallel('add', nn.dense(2), nn.dense(2)), [3], {}, { training: false }, { kinds: ['transposed'] }),
  layer("parallel('concat', dense(2), tanh)", nn.parallel('concat', nn.dense(2), nn.tanh), [3]),
  layer('residual(dense(3))', nn.residual(nn.dense(3)), [3], {}, { training: false }, { kinds: ['transposed'] }),
  layer('sequential(dense(4), tanh, dense(2))', nn.sequential(nn.dense(4), nn.tanh, nn.dense(2)), [3], {}, { training: false }, { kinds: ['transposed'] }),
]


/** Values 0.1 apart, all distinct: no pooling window has a tie, so max pooling is differentiable there. */
const distinctOf = (shape: Shape): fc.Arbitrary<T.Tensor> => {
  const n = T.sizeOf(shape)
  return fc.shuffledSubarray(Array.from({ length: 2 * n + 4 }, (_, i) => i), { minLength: n, maxLength: n }).map((picks) => T.fromArray(picks.map((p) => (p - n) * 0.1), shape))
}
const ordinary = { min: -2, max: 2 }

/** Convolution, pooling and recurrent primitives (issue 15), options fixed per entry. */
export const windowed: readonly MutationSubject[] = [
  binary('conv1d (dilation 2)', (x, w) => ad.conv(x, w, { dilation: 2 }), fc.tuple(arb.tensorOf([2, 7, 2], ordinary), arb.tensorOf([3, 2, 3], ordinary))),
  binary('conv2d (same, stride 2)', (x, w) => ad.conv(x, w, { padding: 'same', strides: 2 }), fc.tuple(arb.tensorOf([2, 5, 4, 2], ordinary), arb.tensorOf([3, 3, 2, 3], ordinary))),
  binary('convBackpropInput', (g, w) => ad.convBackpropInput(g, w, [2, 5, 4, 2], { padding: 'same', strides: 2 }), fc.tuple(arb.tensorOf([2, 3, 2, 3], ordinary), arb.tensorOf([3, 3, 2, 3], ordinary))),
  binary('convBackpropFilter', (x, g) => ad.convBackpropFilter(x, g, [3, 3, 2, 3], { padding: 'same', strides: 2 }), fc.tuple(arb.tensorOf([2, 5, 4, 2], ordinary), arb.tensorOf([2, 3, 2, 3], ordinary))),
  unary('maxPool2d 2×2 (no ties)', (x) => ad.maxPool(x, 2), distinctOf([2, 4, 4, 2])),
  unary('maxPool1d 3, stride 1, same (no ties)', (x) => ad.maxPool(x, 3, { strides: 1, padding: 'same' }), distinctOf([2, 6, 2])),
  unary('avgPool2d same', (x) => ad.avgPool(x, 2, { padding: 'same' }), arb.tensorOf([2, 3, 5, 2], ordinary)),
  {
    name: 'lstmSequence (fused LSTM loop)',
    f: (x: ValueTree) => { const [xs, u, h0, c0] = asQuad(x); return ad.lstmSequence(xs, u, h0, c0) },
    input: fc.tuple(arb.tensorOf([3, 2, 8], ordinary), arb.tensorOf([2, 8], ordinary), arb.tensorOf([2, 2], ordinary), arb.tensorOf([2, 2], ordinary)),
    kinds: ['transposed'],
  },
  {
    name: 'lstmSequence reverse',
    f: (x: ValueTree) => { const [xs, u, h0, c0] = asQuad(x); return ad.lstmSequence(xs, u, h0, c0, { reverse: true }) },
    input: fc.tuple(arb.tensorOf([3, 1, 4], ordinary), arb.tensorOf([1, 4], ordinary), arb.tensorOf([1, 1], ordinary), arb.tensorOf([1, 1], ordinary)),
  },
  {
    name: 'simpleRnnSequence (fused SimpleRNN loop)',
    f: (x: ValueTree) => { const [xs, u, h0] = asTuple(x); return ad.simpleRnnSequence(xs, u, h0) },
    input: fc.tuple(arb.tensorOf([3, 2, 2], ordinary), arb.tensorOf([2, 2], ordinary), arb.tensorOf([2, 2], ordinary)),
    kinds: ['transposed'],
  },
  {
    name: 'gruSequence (fused GRU loop, resetAfter)',
    f: (x: ValueTree) => { const [xs, u, b, h0] = asQuad(x); return ad.gruSequence(xs, u, b, h0) },
    input: fc.tuple(arb.tensorOf([3, 2, 6], ordinary), arb.tensorOf([2, 6], ordinary), arb.tensorOf([6], ordinary), arb.tensorOf([2, 2], ordinary)),
  },
  {
    name: 'gruSequence (fused GRU loop, resetAfter false, reverse)',
    f: (x: ValueTree) => { const [xs, u, h0] = asTuple(x); return ad.gruSequence(xs, u, undefined, h0, { resetAfter: false, reverse: true }) },
    input: fc.tuple(arb.tensorOf([3, 2, 6], ordinary), arb.tensorOf([2, 6], ordinary), arb.tensorOf([2, 2], ordinary)),
  },
  unary('avgPoolTranspose', (g) => ad.avgPoolTranspose(g, [2, 3, 5, 2], 2, { padding: 'same' }), arb.tensorOf([2, 2, 3, 2], ordinary)),
]

/** Convolutional, pooling and recurrent layers (issue 15). */
export const windowedLayers: readonly MutationSubject[] = [
  layer('conv2d(2, 3×3, same) layer', nn.conv2d(2, 3, { padding: 'same' }), [4, 4, 2]),
  layer('conv1d(2, 2, stride 2) layer', nn.conv1d(2, 2, { strides: 2 }), [5, 2]),
  layer('maxPool2d layer (no ties)', nn.maxPool2d(), [4, 4, 2], { x: distinctOf }),
  layer('avgPool1d(3, stride 2) layer', nn.avgPool1d(3, { strides: 2 }), [7, 2]),
  layer('globalMaxPool2d layer (no ties)', nn.globalMaxPool2d(), [3, 3, 2], { x: distinctOf }),
  layer('globalAvgPool1d layer', nn.globalAvgPool1d(), [4, 3]),
  layer('zeroPadding2d layer', nn.zeroPadding2d(1), [2, 3, 2]),
  layer('simpleRnn(3, sequences) layer', nn.simpleRnn(3, { returnSequences: true }), [4, 2], {}, { training: false }, { kinds: ['transposed'] }),
  layer('lstm(2) layer', nn.lstm(2), [4, 2], {}, { training: false }, { kinds: ['transposed'] }),
  layer('gru(2) layer', nn.gru(2), [4, 2]),
  layer('gru(2, resetAfter false, backwards) layer', nn.gru(2, { resetAfter: false, goBackwards: true }), [4, 2]),
  layer('bidirectional(lstm(2)) layer', nn.bidirectional(nn.lstm(2, { returnSequences: true })), [3, 2]),
]

/** The whole table. */
export const subjects: readonly MutationSubject[] = [...primitives, ...layers, ...windowed, ...windowedLayers]
