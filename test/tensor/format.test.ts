import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ArgumentError, ShapeError } from '../../src/tensor/errors.js'
import { allClose, item, show, toArray, toString } from '../../src/tensor/format.js'
import { arange, fromArray, sizeOf, tensor, vector, zeros, type Shape, type Tensor } from '../../src/tensor/Tensor.js'

// ─── local arbitraries ──────────────────────────────────────────────────────────────────────────

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 })

const tensorOf = (shape: Shape): fc.Arbitrary<Tensor> =>
  fc
    .array(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) })
    .map((v) => fromArray(v, shape))

const tensorArb = shapeArb.chain(tensorOf)

// ─── toArray and item ───────────────────────────────────────────────────────────────────────────

describe('toArray', () => {
  it('round-trips through tensor()', () => {
    fc.assert(
      fc.property(tensorArb.filter((x) => !x.shape.slice(0, -1).includes(0)), (x) => {
        // tensor() infers shape from the first element, so an empty outer axis hides the rest.
        const y = tensor(toArray(x))
        expect(y.shape).toEqual(x.shape)
        expect(Array.from(y.data)).toEqual(Array.from(x.data))
      }),
      { numRuns: 200 },
    )
  })

  it('nests outermost axis first; a scalar gives a number', () => {
    expect(toArray(tensor([[1, 2], [3, 4]]))).toEqual([[1, 2], [3, 4]])
    expect(toArray(fromArray([1, 2, 3, 4, 5, 6], [3, 1, 2]))).toEqual([[[1, 2]], [[3, 4]], [[5, 6]]])
    expect(toArray(tensor(5))).toBe(5)
    expect(toArray(zeros([2, 0]))).toEqual([[], []])
  })
})

describe('item', () => {
  it('gives the value of any one-element tensor', () => {
    expect(item(tensor(7))).toBe(7)
    expect(item(tensor([[[-2.5]]]))).toBe(-2.5)
    expect(Number.isNaN(item(vector([Number.NaN])))).toBe(true)
  })

  it('rejects other sizes', () => {
    expect(() => item(zeros([2, 3]))).toThrow('item: [2,3]: expected a tensor with exactly one element, got 6')
    expect(() => item(zeros([0]))).toThrow(ShapeError)
  })
})

// ─── allClose ───────────────────────────────────────────────────────────────────────────────────

describe('allClose', () => {
  it('is reflexive on finite tensors and false against another shape', () => {
    fc.assert(
      fc.property(tensorArb, (x) => {
        expect(allClose(x, x)).toBe(true)
        expect(allClose(x, fromArray(x.data, [...x.shape, 1]))).toBe(false)
      }),
    )
  })

  it('accepts |a − b| ≤ atol + rtol·|b| and nothing more', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (b, t) => {
        const bound = 1e-8 + 1e-5 * Math.abs(b)
        // Stay clear of the bound itself, where rounding in a − b decides.
        expect(allClose(vector([b + 0.5 * t * bound]), vector([b]))).toBe(true)
        expect(allClose(vector([b + (2 + t) * bound]), vector([b]))).toBe(false)
      }),
    )
  })

  it('honours the tolerances, infinities and NaN', () => {
    expect(allClose(vector([1, 2]), vector([1, 2 + 1e-9]))).toBe(true)
    expect(allClose(vector([1, 2]), vector([1, 2.1]))).toBe(false)
    expect(allClose(vector([1, 2]), vector([1, 2.1]), { atol: 0.2 })).toBe(true)
    expect(allClose(vector([100]), vector([101]), { rtol: 0.01, atol: 0 })).toBe(true)
    expect(allClose(vector([102]), vector([100]), { rtol: 0.01, atol: 0 })).toBe(false)
    // The bound scales with |b|, so the test is not symmetric (as in NumPy).
    expect(allClose(vector([100]), vector([101]), { rtol: 0.00995, atol: 0 })).toBe(true)
    expect(allClose(vector([101]), vector([100]), { rtol: 0.00995, atol: 0 })).toBe(false)
    expect(allClose(vector([Infinity]), vector([Infinity]))).toBe(true)
    expect(allClose(vector([Infinity]), vector([-Infinity]))).toBe(false)
    expect(allClose(vector([Infinity]), vector([1e308]), { rtol: 10 })).toBe(false)
    expect(allClose(vector([Number.NaN]), vector([Number.NaN]))).toBe(false)
    expect(allClose(vector([Number.NaN]), vector([Number.NaN]), { equalNan: true })).toBe(true)
    expect(allClose(vector([Number.NaN]), vector([1]), { equalNan: true })).toBe(false)
    expect(allClose(zeros([2, 3]), zeros([3, 2]))).toBe(false)
    expect(allClose(zeros([0]), zeros([0]))).toBe(true)
  })

  it('rejects negative or NaN tolerances', () => {
    expect(() => allClose(zeros([1]), zeros([1]), { rtol: -1 })).toThrow('allClose: tolerances must be non-negative numbers, got rtol -1 and atol 1e-8')
    expect(() => allClose(zeros([1]), zeros([1]), { atol: Number.NaN })).toThrow(ArgumentError)
  })
})

// ─── toString ───────────────────────────────────────────────────────────────────────────────────

describe('toString', () => {
  it('prints a matrix NumPy-style, aligned, with its shape', () => {
    expect(toString(tensor([[1, 2], [3, 4]]))).toBe('tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]], shape [2,2])')
    expect(toString(tensor([[1, -2], [30, 4]]))).toBe('tensor([[ 1.0000, -2.0000],\n        [30.0000,  4.0000]], shape [2,2])')
  })

  it('prints scalars, vectors, empty tensors and 3-D blocks', () => {
    expect(toString(tensor(3))).toBe('tensor(3.0000, shape [])')
    expect(toString(vector([0.5, 1]), { precision: 2 })).toBe('tensor([0.50, 1.00], shape [2])')
    expect(toString(zeros([0]))).toBe('tensor([], shape [0])')
    expect(toString(fromArray([0, 1, 2, 3], [2, 1, 2]), { precision: 0 })).toBe(
      'tensor([[[0, 1]],\n\n        [[2, 3]]], shape [2,1,2])',
    )
  })

  it('prints nan and infinities, and switches to exponents for extreme magnitudes', () => {
    expect(toString(vector([Number.NaN, Infinity, -Infinity, 1]), { precision: 1 })).toBe('tensor([ nan,  inf, -inf,  1.0], shape [4])')
    expect(toString(vector([1e-6, 1]), { precision: 2 })).toBe('tensor([1.00e-6, 1.00e+0], shape [2])')
    expect(toString(vector([1e9]), { precision: 1 })).toBe('tensor([1.0e+9], shape [1])')
  })

  it('summarises long axes of large tensors with ...', () => {
    expect(toString(arange(1000), { precision: 0 })).toBe('tensor([  0,   1,   2, ..., 997, 998, 999], shape [1000])')
    expect(toString(arange(10), { precision: 0 })).toBe('tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], shape [10])')
    expect(toString(arange(10), { precision: 0, threshold: 5 })).toBe('tensor([0, 1, 2, ..., 7, 8, 9], shape [10])')
    const big = toString(fromArray(Array.from(arange(400).data), [20, 20]), { precision: 0 })
    const lines = big.split('\n')
    expect(lines).toHaveLength(7)
    expect(lines[0]).toBe('tensor([[  0,   1,   2, ...,  17,  18,  19],')
    expect(lines[3]).toBe('        ...,')
    expect(lines[6]).toBe('        [380, 381, 382, ..., 397, 398, 399]], shape [20,20])')
  })

  it('show is toString, and the output always closes with the shape', () => {
    expect(show).toBe(toString)
    fc.assert(
      fc.property(tensorArb, (x) => {
        const text = show(x)
        expect(text.startsWith('tensor(')).toBe(true)
        expect(text.endsWith(`, shape [${x.shape.join(',')}])`)).toBe(true)
      }),
    )
  })

  it('rejects a bad precision', () => {
    expect(() => toString(zeros([1]), { precision: -1 })).toThrow('toString: precision must be an integer in [0, 20], got -1')
    expect(() => toString(zeros([1]), { precision: 1.5 })).toThrow(ArgumentError)
  })
})
