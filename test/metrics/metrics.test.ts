import { describe, expect, it } from 'vitest'
import * as metrics from '../../src/metrics/index.js'
import { tensor } from '../../src/tensor/index.js'
import * as T from '../../src/tensor/index.js'

describe('metrics', () => {
  it('accuracy: threshold for one output column, argmax for several', () => {
    expect(metrics.accuracy.compute(tensor([[0.9], [0.2], [0.6]]), tensor([[1], [1], [0]]))).toBeCloseTo(1 / 3, 15)
    expect(metrics.accuracy.compute(tensor([[0.1, 0.9], [0.8, 0.2]]), tensor([[0, 1], [0, 1]]))).toBe(0.5)
    expect(metrics.accuracy.compute(tensor([[0.1, 0.9, 0], [0.8, 0.2, 0]]), tensor([1, 0]))).toBe(1)
  })
  it('binaryAccuracy with a threshold', () => {
    expect(metrics.binaryAccuracy({ threshold: 0.7 }).compute(tensor([[0.6], [0.8]]), tensor([[1], [1]]))).toBe(0.5)
  })
  it('mse and mae', () => {
    expect(metrics.mse.compute(tensor([1, 2]), tensor([0, 0]))).toBe(2.5)
    expect(metrics.mae.compute(tensor([1, -2]), tensor([0, 0]))).toBe(1.5)
    expect(() => metrics.mse.compute(tensor([1, 2]), tensor([1]))).toThrow('mse: [2] x [1]: predictions and targets must have the same shape')
  })
  it('precision, recall and the confusion matrix agree on a hand-counted case', () => {
    const p = tensor([[0.9], [0.8], [0.1], [0.7], [0.2]])
    const t = tensor([[1], [0], [1], [1], [0]])
    // TP = 2 (rows 0, 3), FP = 1 (row 1), FN = 1 (row 2), TN = 1 (row 4)
    expect(metrics.precision().compute(p, t)).toBeCloseTo(2 / 3, 15)
    expect(metrics.recall().compute(p, t)).toBeCloseTo(2 / 3, 15)
    expect(metrics.confusionMatrix(p, t)).toEqual([
      [1, 1],
      [1, 2],
    ])
  })
  it('precision is NaN when nothing is predicted positive', () => {
    expect(metrics.precision().compute(tensor([[0.1]]), tensor([[1]]))).toBeNaN()
  })
  it('rejects row mismatches', () => {
    expect(() => metrics.accuracy.compute(tensor([[1], [0]]), tensor([[1]]))).toThrow(/2 rows, targets 1/)
  })
})

describe('labels are checked, the row named', () => {
  const three = T.tensor([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1]])
  it('accuracy refuses label 3 for 3 outputs (it gave 0.5)', () => {
    expect(() => metrics.accuracy.compute(three, T.tensor([0, 3]))).toThrow('accuracy: target 3 in row 1 is not a class of the 3 outputs (expected an integer in [0, 3))')
    expect(() => metrics.accuracy.compute(three, T.tensor([[0], [1.5]]))).toThrow(/row 1/)
  })
  it('confusionMatrix refuses label 3 for 3 outputs (it gave a 4×4 matrix)', () => {
    expect(() => metrics.confusionMatrix(three, T.tensor([0, 3]))).toThrow('confusionMatrix: target 3 in row 1 is not a class of the 3 outputs (expected an integer in [0, 3))')
  })
  it('one-output metrics want 0/1 targets', () => {
    const p = T.tensor([[0.9], [0.2]])
    for (const m of [metrics.accuracy, metrics.binaryAccuracy(), metrics.precision(), metrics.recall()]) {
      expect(() => m.compute(p, T.tensor([[1], [3]]))).toThrow(`${m.name}: target 3 in row 1 is not a label of a one-output model (expected 0 or 1)`)
    }
    expect(() => metrics.confusionMatrix(p, T.tensor([[1], [0.5]]))).toThrow(/row 1/)
  })
  it('one-hot targets must have the predictions’ width', () => {
    expect(() => metrics.accuracy.compute(three, T.tensor([[1, 0], [0, 1]]))).toThrow('accuracy: [2,3] x [2,2]: targets have 2 columns, the predictions 3')
  })
  it('valid labels still work', () => {
    expect(metrics.accuracy.compute(three, T.tensor([0, 2]))).toBe(0.5)
    expect(metrics.confusionMatrix(three, T.tensor([0, 1]))).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 0]])
  })
})
