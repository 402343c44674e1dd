import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nn, random, sum, T, train } from '../../src/index.js'

describe('predictOne', () => {
  const model = nn.sequential(nn.dense(5), nn.relu, nn.dense(3), nn.softmax())
  const { params, state } = model.init(random.key(7), [4])

  it('is row i of predict on the batch, for every row', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 6 }), (rows) => {
        const batch = train.predict(model, params, state, T.tensor(rows))
        rows.forEach((row, i) => {
          const one = train.predictOne(model, params, state, T.tensor(row))
          expect(one.shape).toEqual([3])
          expect(Array.from(one.data)).toEqual(Array.from(T.slice(batch, [i, 0], [1, 3]).data))
        })
      }),
      { numRuns: 30 },
    )
  })

  it('names the model when a sample has the wrong number of features', () => {
    expect(() => train.predictOne(model, params, state, T.tensor([1, 2, 3]))).toThrow(/\[1,3\]/)
  })

  it('refuses a model that does not keep the batch axis, naming the output shape', () => {
    // a hand-made layer that sums over the batch: its output for one sample has no batch axis
    const pooled: nn.Layer = {
      name: 'sumOverBatch',
      spec: { kind: 'sumOverBatch' },
      init: (_key, inputShape) => ({ params: {}, state: {}, outputShape: inputShape }),
      apply: (_params, state, x) => ({ y: sum(x, { axis: 0 }), state }),
    }
    expect(() => train.predictOne(pooled, {}, {}, T.tensor([1, 2]))).toThrow(T.ArgumentError)
    expect(() => train.predictOne(pooled, {}, {}, T.tensor([1, 2]))).toThrow(/predictOne: .*shape \[2\]: expected a leading batch axis of length 1/)
  })
})
