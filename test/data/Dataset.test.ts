import { describe, it, expect } from 'vitest'
import { dataset, rowCount, take } from '../../src/data/index.js'
import { tensor, zeros } from '../../src/tensor/index.js'

const ds = dataset(tensor([[0, 1], [2, 3], [4, 5]]), tensor([[10], [20], [30]]))

describe('dataset', () => {
  it('pairs x and y with equal row counts', () => {
    expect(rowCount(ds)).toBe(3)
    expect(rowCount(dataset(zeros([0, 4]), zeros([0, 1])))).toBe(0)
  })

  it('rejects unequal row counts, naming both shapes', () => {
    expect(() => dataset(zeros([3, 2]), zeros([4, 1]))).toThrow('dataset: [3,2] x [4,1]: x has 3 rows but y has 4')
  })

  it('rejects scalars, which have no rows', () => {
    expect(() => dataset(tensor(1), zeros([1]))).toThrow(/row axis/)
  })
})

describe('take', () => {
  it('selects rows of x and y together, in the given order, repeats allowed', () => {
    const picked = take(ds, [2, 0, 2])
    expect(picked.x.shape).toEqual([3, 2])
    expect([...picked.x.data]).toEqual([4, 5, 0, 1, 4, 5])
    expect([...picked.y.data]).toEqual([30, 10, 30])
  })

  it('works on rows of any rank and with no indices', () => {
    const images = dataset(tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]), tensor([0, 1]))
    expect([...take(images, [1]).x.data]).toEqual([5, 6, 7, 8])
    expect(take(images, [1]).y.shape).toEqual([1])
    expect(take(images, []).x.shape).toEqual([0, 2, 2])
  })

  it('does not write into its input', () => {
    const before = [...ds.x.data]
    take(ds, [1, 0])
    expect([...ds.x.data]).toEqual(before)
  })

  it('rejects an index out of range or not an integer, naming its position', () => {
    expect(() => take(ds, [0, 3])).toThrow('take: index at position 1 is 3: expected an integer in [0, 3)')
    expect(() => take(ds, [0.5])).toThrow(/position 0 is 0.5/)
    expect(() => take(ds, [-1])).toThrow(/position 0 is -1/)
  })
})
