import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { fromOneHot, oneHot } from '../../src/data/index.js'
import { tensor, vector, zeros } from '../../src/tensor/index.js'

const labelsWithClasses = fc
  .integer({ min: 1, max: 12 })
  .chain((classes) => fc.tuple(fc.array(fc.integer({ min: 0, max: classes - 1 }), { maxLength: 40 }), fc.constant(classes)))

describe('oneHot', () => {
  it('puts one 1 per row at the label', () => {
    const encoded = oneHot([2, 0, 1], 3)
    expect(encoded.shape).toEqual([3, 3])
    expect([...encoded.data]).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0])
  })

  it('accepts labels as a tensor [n] or [n, 1]', () => {
    expect([...oneHot(vector([1, 0]), 2).data]).toEqual([0, 1, 1, 0])
    expect([...oneHot(tensor([[1], [0]]), 2).data]).toEqual([0, 1, 1, 0])
    expect(() => oneHot(zeros([2, 2]), 2)).toThrow('oneHot: [2,2]: labels must be a tensor of shape [n] or [n, 1]')
  })

  it('gives [0, classes] for no labels', () => {
    expect(oneHot([], 4).shape).toEqual([0, 4])
  })

  it('rejects labels outside [0, classes) and non-integers, naming the position', () => {
    expect(() => oneHot([0, 1, 3], 3)).toThrow('oneHot: label at position 2 is 3: expected an integer in [0, 3)')
    expect(() => oneHot([-1], 3)).toThrow('label at position 0 is -1')
    expect(() => oneHot([0, 1.5], 3)).toThrow('label at position 1 is 1.5')
    expect(() => oneHot([NaN], 3)).toThrow('label at position 0 is NaN')
    expect(() => oneHot(vector([0, 0, Infinity]), 3)).toThrow('label at position 2 is Infinity')
  })

  it('rejects a class count that is not a positive integer', () => {
    expect(() => oneHot([0], 0)).toThrow('oneHot: classes must be a positive integer, got 0')
    expect(() => oneHot([0], 2.5)).toThrow(/got 2.5/)
  })
})

describe('fromOneHot', () => {
  it('decodes each row to the column of its largest value, the first on a tie', () => {
    expect(fromOneHot(tensor([[0.1, 0.7, 0.2], [0.5, 0.2, 0.5], [0, 0, 0]]))).toEqual([1, 0, 0])
  })

  it('never picks a NaN', () => {
    expect(fromOneHot(tensor([[NaN, 1, 2], [3, NaN, 1], [NaN, NaN, NaN]]))).toEqual([2, 0, 0])
  })

  it('rejects a tensor that is not [rows, classes]', () => {
    expect(() => fromOneHot(vector([1, 0]))).toThrow('fromOneHot: [2]: expected a rank-2 tensor')
    expect(() => fromOneHot(zeros([2, 0]))).toThrow(/at least one class/)
  })

  it('inverts oneHot (property)', () => {
    fc.assert(
      fc.property(labelsWithClasses, ([labels, classes]) => {
        expect(fromOneHot(oneHot(labels, classes))).toEqual(labels)
      }),
      { numRuns: 200 },
    )
  })

  it('is inverted by oneHot on one-hot rows (property)', () => {
    fc.assert(
      fc.property(labelsWithClasses, ([labels, classes]) => {
        const encoded = oneHot(labels, classes)
        expect([...oneHot(fromOneHot(encoded), classes).data]).toEqual([...encoded.data])
      }),
      { numRuns: 200 },
    )
  })
})
