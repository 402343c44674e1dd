import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaw, gradientLaws } from '../../laws/gradient.js'
import * as ad from '../../src/ad/index.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import { layerFunction, layerInput } from './arbitraries.js'

const k0 = random.key(0)
const inference = { training: false } as const
const run = (layer: nn.Layer, params: ad.ValueTree, x: T.Tensor): T.Tensor => ad.primalTensor(layer.apply(params, {}, x, inference).y)

/** Values 0.1 apart and all distinct (no ties in a max). */
const distinctOf = (shape: T.Shape): fc.Arbitrary<T.Tensor> => {
  const n = T.sizeOf(shape)
  return fc.shuffledSubarray(Array.from({ length: 2 * n + 4 }, (_, i) => i), { minLength: n, maxLength: n }).map((p) => T.fromArray(p.map((v) => (v - n) * 0.1), shape))
}

describe('conv1d and conv2d', () => {
  it('Keras layouts: kernel [k…, in, filters], bias [filters]; hand-counted params', () => {
    const { params, outputShape } = nn.conv2d(32, 3).init(k0, [28, 28, 1])
    expect(outputShape).toEqual([26, 26, 32])
    expect(ad.shapeOf((params as { kernel: T.Tensor }).kernel)).toEqual([3, 3, 1, 32])
    expect(nn.summary(nn.conv2d(32, 3), [28, 28, 1]).totalParams).toBe(320) // 3·3·1·32 + 32
    expect(nn.summary(nn.conv2d(64, [3, 3]), [13, 13, 32]).totalParams).toBe(18496) // 3·3·32·64 + 64
    expect(nn.summary(nn.conv1d(16, 5, { useBias: false }), [100, 8]).totalParams).toBe(640) // 5·8·16
    expect(nn.conv1d(4, 3, { padding: 'same', strides: 2 }).init(k0, [9, 2]).outputShape).toEqual([5, 4])
    expect(nn.conv2d(4, 3, { dilationRate: 2 }).init(k0, [9, 9, 2]).outputShape).toEqual([5, 5, 4])
  })
  it('computes conv(x, kernel) + bias', () => {
    const layer = nn.conv1d(1, 2)
    const params = { kernel: T.tensor([[[1]], [[10]]]), bias: T.tensor([0.5]) }
    expect(T.toArray(run(layer, params, T.tensor([[[1], [2], [3]]])))).toEqual([[[21.5], [32.5]]])
  })
  it('draws its kernel with Keras fans (glorot over receptive field × channels)', () => {
    const { params } = nn.conv2d(8, 3).init(k0, [5, 5, 4])
    const limit = Math.sqrt(6 / (9 * 4 + 9 * 8))
    const kernel = ad.primalTensor((params as { kernel: T.Tensor }).kernel)
    expect(Math.max(...Array.from(kernel.data, Math.abs))).toBeLessThanOrEqual(limit)
  })
  it('obeys the gradient laws in params and input', () =>
    fc.assert(
      fc.property(
        fc.record({
          spatial: fc.constantFrom(1, 2),
          filters: fc.integer({ min: 1, max: 3 }),
          k: fc.integer({ min: 1, max: 3 }),
          strides: fc.integer({ min: 1, max: 2 }),
          padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'),
          useBias: fc.boolean(),
        }),
        ({ spatial, filters, k, strides, padding, useBias }) => {
          const layer = spatial === 1 ? nn.conv1d(filters, k, { strides, padding, useBias }) : nn.conv2d(filters, k, { strides, padding, useBias })
          const inputShape = spatial === 1 ? [4, 2] : [3, 4, 2]
          gradientLaws(layerFunction(layer, inputShape), layerInput(layer, inputShape, { maxBatch: 2 }), { numRuns: 3 })
        },
      ),
      { numRuns: 12 },
    ))
  it('refuses a window that does not fit at init, naming the layer and the shapes', () => {
    expect(() => nn.conv2d(4, 5).init(k0, [3, 3, 1])).toThrow("conv2d(4, 5×5): window 5×5 does not fit the input 3×3 with padding 'valid' (input [3,3,1])")
    expect(() => nn.sequential(nn.conv2d(4, 3), nn.conv2d(4, 3)).init(k0, [4, 4, 1])).toThrow(
      "sequential: layer 2 conv2d(4, 3×3) window 3×3 does not fit the input 2×2 with padding 'valid' (input [2,2,4])",
    )
  })
  it('refuses a rank-2 image, bad options and a wrong channel count at apply', () => {
    expect(() => nn.conv2d(4, 3).init(k0, [28, 28])).toThrow('conv2d(4, 3×3): expects input [height, width, channels], got [28,28]')
    expect(() => nn.conv1d(0, 3)).toThrow('conv1d: filters must be a positive integer, got 0')
    expect(() => nn.conv2d(2, [3, 0])).toThrow('conv2d: kernelSize must be a positive integer or 2 of them')
    const { params } = nn.conv2d(2, 3).init(k0, [5, 5, 3])
    expect(() => nn.conv2d(2, 3).apply(params, {}, T.zeros([1, 5, 5, 1]), inference)).toThrow('conv2d(2, 3×3): expects input [batch, height, width, 3], got [1,5,5,1]')
  })
})

describe('pooling layers', () => {
  it('Keras defaults: pool 2, strides = pool size, valid padding; shapes', () => {
    expect(nn.maxPool2d().init(k0, [26, 26, 32]).outputShape).toEqual([13, 13, 32])
    expect(nn.avgPool2d(2, { padding: 'same' }).init(k0, [5, 5, 3]).outputShape).toEqual([3, 3, 3])
    expect(nn.maxPool1d(3, { strides: 1 }).init(k0, [10, 2]).outputShape).toEqual([8, 2])
    expect(nn.avgPool1d().init(k0, [7, 2]).outputShape).toEqual([3, 2])
    expect(nn.globalMaxPool2d().init(k0, [7, 7, 64]).outputShape).toEqual([64])
    expect(nn.globalAvgPool1d().init(k0, [9, 5]).outputShape).toEqual([5])
    expect(nn.summary(nn.sequential(nn.conv2d(32, 3), nn.maxPool2d(), nn.flatten()), [28, 28, 1]).rows.map((r) => [r.outputShape, r.params])).toEqual([
      [[26, 26, 32], 320],
      [[13, 13, 32], 0],
      [[5408], 0],
    ])
  })
  it('compute the window maxima and means', () => {
    const x = T.tensor([[[[1], [2], [5], [6]], [[3], [4], [7], [8]]]])
    expect(T.toArray(run(nn.maxPool2d(), {}, x))).toEqual([[[[4], [8]]]])
    expect(T.toArray(run(nn.avgPool2d(), {}, x))).toEqual([[[[2.5], [6.5]]]])
    expect(T.toArray(run(nn.globalAvgPool2d(), {}, x))).toEqual([[4.5]])
    expect(T.toArray(run(nn.globalMaxPool2d(), {}, x))).toEqual([[8]])
  })
  it('obey the gradient laws (max pools on inputs without ties)', () => {
    const cases: readonly [nn.Layer, T.Shape][] = [
      [nn.maxPool2d(), [4, 4, 2]],
      [nn.maxPool1d(2, { strides: 1, padding: 'same' }), [5, 2]],
      [nn.avgPool2d(2, { padding: 'same' }), [3, 3, 2]],
      [nn.avgPool1d(3, { strides: 2 }), [7, 1]],
      [nn.globalMaxPool2d(), [3, 2, 2]],
      [nn.globalMaxPool1d(), [4, 3]],
      [nn.globalAvgPool2d(), [3, 2, 2]],
      [nn.globalAvgPool1d(), [4, 3]],
    ]
    for (const [layer, shape] of cases) gradientLaws(layerFunction(layer, shape), layerInput(layer, shape, { x: distinctOf }), { numRuns: 10 })
  })
  it('refuse a window that does not fit, and a wrong rank', () => {
    expect(() => nn.maxPool2d(3).init(k0, [2, 2, 1])).toThrow("maxPool2d(3×3): window 3×3 does not fit the input 2×2 with padding 'valid' (input [2,2,1])")
    expect(() => nn.avgPool1d(4).init(k0, [3, 1])).toThrow("avgPool1d(4): window 4 does not fit the input 3 with padding 'valid' (input [3,1])")
    expect(() => nn.maxPool2d().init(k0, [4, 4])).toThrow('maxPool2d(2×2): expects input [height, width, channels], got [4,4]')
    expect(() => nn.globalAvgPool1d().init(k0, [4, 4, 1])).toThrow('globalAvgPool1d: expects input [steps, channels], got [4,4,1]')
  })
})

describe('zeroPadding2d', () => {
  it('pads height and width with zeros (one number, two, or two pairs)', () => {
    expect(nn.zeroPadding2d().init(k0, [28, 28, 1]).outputShape).toEqual([30, 30, 1])
    expect(nn.zeroPadding2d([1, 2]).init(k0, [3, 3, 1]).outputShape).toEqual([5, 7, 1])
    expect(T.toArray(run(nn.zeroPadding2d([[0, 1], [1, 0]]), {}, T.tensor([[[[1], [2]]]])))).toEqual([[[[0], [1], [2]], [[0], [0], [0]]]])
  })
  it('obeys the gradient laws', () => gradientLaws(layerFunction(nn.zeroPadding2d(1), [2, 3, 2]), layerInput(nn.zeroPadding2d(1), [2, 3, 2]), { numRuns: 10 }))
  it('refuses negative padding and a wrong rank', () => {
    expect(() => nn.zeroPadding2d(-1)).toThrow('zeroPadding2d: padding must be non-negative integers')
    expect(() => nn.zeroPadding2d().init(k0, [4, 4])).toThrow('zeroPadding2d(1,1,1,1): expects input [height, width, channels], got [4,4]')
  })
})

describe('embedding', () => {
  it('looks rows up by id: [batch, steps] → [batch, steps, outputDim]; params [inputDim, outputDim]', () => {
    const layer = nn.embedding(10, 4)
    const { params, outputShape } = layer.init(k0, [6])
    expect(outputShape).toEqual([6, 4])
    expect(nn.countOf(params)).toBe(40)
    const table = ad.primalTensor((params as { embeddings: T.Tensor }).embeddings)
    expect(Math.max(...Array.from(table.data, Math.abs))).toBeLessThanOrEqual(0.05)
    const y = run(layer, params, T.tensor([[3, 3, 0]]))
    expect(Array.from(T.slice(y, [0, 0, 0], [1, 1, 4]).data)).toEqual(Array.from(T.slice(table, [3, 0], [1, 4]).data))
  })
  it('sends the gradient to the table rows, repeated ids adding up', () => {
    const layer = nn.embedding(3, 1)
    type Table = { readonly embeddings: ad.Value }
    const g = ad.grad((p: Table) => ad.sum(layer.apply(p, {}, T.tensor([[2, 0, 2]]), inference).y))({ embeddings: T.zeros([3, 1]) })
    expect(T.toArray(ad.primalTensor(g.embeddings))).toEqual([[1], [0], [2]])
  })
  it('obeys the gradient laws in its table', () => {
    // The general layer type, as the laws see any layer: params drawn as a tree, checked at apply.
    const layer: nn.Layer = nn.embedding(5, 3)
    const ids = T.tensor([[4, 0, 2], [1, 1, 3]])
    gradientLaw((p: ad.ValueTree) => layer.apply(p, {}, ids, inference).y, layerInput(layer, [3]).map((i) => i.params), { numRuns: 20 })
  })
  it('names the position of a bad id', () => {
    const layer = nn.embedding(3, 2)
    const { params } = layer.init(k0, [2])
    expect(() => layer.apply(params, {}, T.tensor([[0, 1], [2, 3]]), inference)).toThrow('embedding(3, 2): id 3 at [1,1] is out of range [0, 3)')
    expect(() => layer.apply(params, {}, T.tensor([[0, -1]]), inference)).toThrow('embedding(3, 2): id -1 at [0,1] is out of range [0, 3)')
    expect(() => layer.apply(params, {}, T.tensor([[0.5, 1]]), inference)).toThrow('embedding(3, 2): id 0.5 at [0,0] is not an integer')
    expect(() => layer.apply(params, {}, T.tensor([[NaN]]), inference)).toThrow('embedding(3, 2): id NaN at [0,0] is not an integer')
    expect(() => nn.embedding(0, 2)).toThrow('embedding: inputDim must be a positive integer, got 0')
  })
})

describe('batchNorm after a convolution', () => {
  it('normalises each channel over batch and positions; 4 numbers per channel', () => {
    expect(nn.summary(nn.sequential(nn.conv2d(8, 3), nn.batchNorm()), [6, 6, 1]).rows.map((r) => r.params)).toEqual([80, 32])
    const bn = nn.batchNorm()
    const { params, state } = bn.init(k0, [2, 2, 3])
    fc.assert(
      fc.property(arb.tensorOf([2, 2, 2, 3], { min: -3, max: 3 }), (x) => {
        const y = ad.primalTensor(bn.apply(params, state, x, { training: true }).y)
        const mean = T.mean(y, { axis: [0, 1, 2] })
        expect(T.allClose(mean, T.zeros([3]), { atol: 1e-9 })).toBe(true)
      }),
      { numRuns: 20 },
    )
  })
  it('obeys the gradient laws on conv outputs in training mode', () => {
    const model = nn.sequential(nn.conv2d(2, 2), nn.batchNorm())
    // Spread inputs: the batch variance of each channel stays well away from 0.
    const spread = (shape: T.Shape) => arb.tensorOf(shape, { min: -0.2, max: 0.2 }).map((noise) => T.add(noise, T.fromArray(Array.from({ length: T.sizeOf(shape) }, (_, i) => (i % 7) - 3), shape)))
    gradientLaws(layerFunction(model, [3, 3, 1], { training: true }), layerInput(model, [3, 3, 1], { minBatch: 2, maxBatch: 2, x: spread }), { numRuns: 10 })
  })
})
