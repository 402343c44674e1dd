/**
 * The built-in losses are typed like the ops: tensors in, a tensor out (no `primalTensor` needed to
 * read a loss), Duals in, a Value out. `lossOverloads` asserts the first type; this file checks the
 * promise at run time for every built-in loss, on plain tensors and under `grad`.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as losses from '../../src/losses/index.js'
import * as T from '../../src/tensor/index.js'
import type { Tensor } from '../../src/tensor/index.js'

const probabilities = T.tensor([[0.2, 0.8], [0.7, 0.3]])
const oneHot = T.tensor([[0, 1], [1, 0]])
const all: ReadonlyArray<readonly [string, losses.LossOp<losses.LossOptions>]> = [
  ['mse', losses.mse],
  ['mae', losses.mae],
  ['binaryCrossEntropy', losses.binaryCrossEntropy],
  ['binaryCrossEntropyWithLogits', losses.binaryCrossEntropyWithLogits],
  ['softmaxCrossEntropy', losses.softmaxCrossEntropy],
  ['categoricalCrossEntropy', losses.categoricalCrossEntropy],
  ['hinge', losses.hinge],
]

describe('built-in losses on tensors', () => {
  it.each(all)('%s gives a plain scalar tensor for tensors, a Dual under grad', (_name, loss) => {
    const value = loss(probabilities, oneHot)
    expectTypeOf(value).toEqualTypeOf<Tensor>()
    expect(T.isTensor(value)).toBe(true)
    expect(value.shape).toEqual([])
    expect(Number.isFinite(value.data[0])).toBe(true)
    // Under grad the same loss is differentiated: the gradient equals the value's own shape.
    const g = ad.grad((p: ad.Value) => loss(p, oneHot))(probabilities)
    expect(g.shape).toEqual([2, 2])
  })

  it('sse is typed the same way (its options only allow the sum)', () => {
    const value = losses.sse(probabilities, oneHot)
    expectTypeOf(value).toEqualTypeOf<Tensor>()
    expect(T.isTensor(value)).toBe(true)
    expect(value.data[0]).toBeCloseTo(0.04 + 0.04 + 0.09 + 0.09, 14)
  })

  it('l1 and l2 give a tensor on a tree of tensors', () => {
    const params = { kernel: T.tensor([[1, -2]]), bias: T.tensor([3]) }
    const a = losses.l1(params, 0.1)
    const b = losses.l2(params, 0.1)
    expectTypeOf(a).toEqualTypeOf<Tensor>()
    expectTypeOf(b).toEqualTypeOf<Tensor>()
    expect(T.isTensor(a) && T.isTensor(b)).toBe(true)
    expect(a.data[0]).toBeCloseTo(0.3, 15)
    expect(b.data[0]).toBeCloseTo(0.5, 15)
  })

  it('a user loss of the plain Loss type is still a Loss, and every LossOp is one', () => {
    const mine: losses.Loss = (p, t) => ad.mean(ad.abs(ad.sub(p, t)))
    const builtIns: readonly losses.Loss[] = [...all.map(([, loss]) => loss), mine]
    expect(builtIns).toHaveLength(all.length + 1)
  })
})
