/**
 * Binary cross-entropy on probabilities that come straight from a sigmoid works on the sigmoid's
 * input (as Keras does), so no confident row loses its gradient to the clamp.
 */
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as data from '../../src/data/index.js'
import * as losses from '../../src/losses/index.js'
import * as nn from '../../src/nn/index.js'
import * as optim from '../../src/optim/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import * as train from '../../src/train/index.js'

describe('binaryCrossEntropy after a sigmoid', () => {
  it("README's Pima recipe (raw features, sigmoid output, Adam 1e-3, 150 epochs, batch 10, key 0) follows the logits run", () => {
    const body = [nn.dense(12), nn.relu, nn.dense(8), nn.relu, nn.dense(1)]
    const options = { optimizer: optim.adam({ learningRate: 1e-3 }), epochs: 150, batchSize: 10, key: random.key(0) }
    const pima = data.pima()
    const onProbabilities = train.fit(nn.sequential(...body, nn.sigmoid), pima, { ...options, loss: losses.binaryCrossEntropy })
    const onLogits = train.fit(nn.sequential(...body), pima, { ...options, loss: losses.binaryCrossEntropyWithLogits })
    const last = (h: readonly { readonly loss: number }[]): number => h[h.length - 1]?.loss ?? Number.NaN
    const a = last(onProbabilities.history)
    const b = last(onLogits.history)
    // Before: 0.4716 against 0.4934 — the clamp dropped the gradient of 596 of 768 rows at the start.
    expect(Math.abs(a - b) / b).toBeLessThan(1e-9)
  })
  it('a confident wrong row keeps its gradient: ∂/∂z of BCE(σ(z), 0) at z = 30 is σ(30) ≈ 1, not 0', () => {
    const g = ad.grad((z: ad.Value) => losses.binaryCrossEntropy(ad.sigmoid(z), T.tensor([0])))(T.tensor([30]))
    expect(g.data[0]).toBeCloseTo(1, 12)
    const withLogits = ad.grad((z: ad.Value) => losses.binaryCrossEntropyWithLogits(z, T.tensor([0])))(T.tensor([30]))
    expect(g.data[0]).toBe(withLogits.data[0])
  })
  it('the value on a sigmoid output is the logits formula: exact where the clamp would cap it', () => {
    const z = T.tensor([40, -40, 0.5])
    const t = T.tensor([0, 1, 1])
    expect(losses.binaryCrossEntropy(ad.sigmoid(z), t)).toEqual(losses.binaryCrossEntropyWithLogits(z, t))
    // Plain probabilities keep the documented clamp: −log(1e-7) per saturated row.
    expect(T.item(ad.primalTensor(losses.binaryCrossEntropy(T.tensor([1, 0]), T.tensor([0, 1]))))).toBeCloseTo(-Math.log(1e-7), 6)
  })
  it('fromLogits: true reads the predictions as logits (Keras’s from_logits)', () => {
    const z = T.tensor([2, -3])
    const t = T.tensor([1, 0])
    expect(losses.binaryCrossEntropy(z, t, { fromLogits: true })).toEqual(losses.binaryCrossEntropyWithLogits(z, t))
    expect(losses.categoricalCrossEntropy(T.tensor([[1, 2]]), T.tensor([1]), { fromLogits: true })).toEqual(losses.softmaxCrossEntropy(T.tensor([[1, 2]]), T.tensor([1])))
  })
  it('evaluate reports the same loss for the sigmoid model as training computes it', () => {
    const model = nn.sequential(nn.dense(1, { kernelInitializer: nn.constant(20) }), nn.sigmoid)
    const { params, state } = model.init(random.key(0), [1])
    const ds = data.dataset(T.tensor([[2], [-2]]), T.tensor([[0], [1]]))
    const e = train.evaluate(model, params as never, state as never, ds, [], { loss: losses.binaryCrossEntropy })
    expect(e.loss).toBeCloseTo(40, 9) // softplus(40) + softplus(40) over 2 rows; the clamp would give 16.1
  })
  it('the sigmoid output remembers its logits in memory of its own', () => {
    const z = T.tensor([1, 2])
    const p = ad.sigmoid(z)
    expect(ad.logitsOf(p)).toEqual(z)
    expect(ad.logitsOf(p)?.data.buffer).not.toBe(z.data.buffer)
    expect(ad.logitsOf(T.sigmoid(z))).toBeUndefined()
    expect(ad.logitsOf(ad.add(p, 0))).toBeUndefined()
  })
})
