import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'
import type { Tensor } from '../../src/tensor/index.js'
import { gradientLaws } from '../../laws/gradient.js'
import { anyTensor, distinctTensor } from './arbitraries.js'

/** A tensor with a random subset of its axes and a keepDims flag. */
const withAxes = (t: fc.Arbitrary<Tensor>): fc.Arbitrary<readonly [Tensor, readonly number[] | undefined, boolean]> =>
  t.chain((x) =>
    fc.tuple(
      fc.constant(x),
      fc.option(fc.subarray(x.shape.map((_, i) => i)), { nil: undefined }),
      fc.boolean(),
    ),
  )

const reductionLaws = (name: string, op: (x: ad.Value, o: T.ReduceOptions) => ad.Value, input: fc.Arbitrary<Tensor>): void => {
  it(`${name} over generated axes and keepDims`, () =>
    fc.assert(
      fc.property(withAxes(input), ([x, axis, keepDims]) => {
        const options = axis === undefined ? { keepDims } : { axis, keepDims }
        gradientLaws((y: ad.Value) => op(y, options), fc.constant(x), { numRuns: 3 })
      }),
      { numRuns: 40 },
    ))
}

describe('reductions obey the gradient laws', () => {
  reductionLaws('sum', (x, o) => ad.sum(x, o), anyTensor())
  reductionLaws('mean', (x, o) => ad.mean(x, o), anyTensor())
  reductionLaws('logSumExp', (x, o) => ad.logSumExp(x, o), anyTensor())
  reductionLaws('max (distinct values)', (x, o) => ad.max(x, o), distinctTensor())
  reductionLaws('min (distinct values)', (x, o) => ad.min(x, o), distinctTensor())
  reductionLaws('variance', (x, o) => ad.variance(x, o), anyTensor())
})

describe('reduction subgradients and saturation', () => {
  it('tied maxima share the gradient evenly', () => {
    const g = ad.grad((x: ad.Value) => ad.max(x))(T.tensor([1, 3, 3, 2]))
    expect(Array.from(g.data)).toEqual([0, 0.5, 0.5, 0])
  })
  it('the gradient of logSumExp at logits ±1000 is the exact softmax', () => {
    const g = ad.grad((x: ad.Value) => ad.logSumExp(x))(T.tensor([1000, 1000, -1000]))
    expect(Array.from(g.data)).toEqual([0.5, 0.5, 0])
  })
  it('argmax is a constant', () => {
    expect(Array.from(ad.argmax(T.tensor([1, 5, 2])).data)).toEqual([1])
  })
})
