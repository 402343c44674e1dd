import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ArgumentError, ShapeError } from '../../src/tensor/errors.js'
import {
  broadcastTo,
  concat,
  expandDims,
  flatten2d,
  gather,
  pad,
  reshape,
  scatterAdd,
  slice,
  squeeze,
  stack,
  transpose,
  unstack,
} from '../../src/tensor/layout.js'
import { stridesOf } from '../../src/tensor/shape.js'
import { arange, fromArray, sizeOf, tensor, vector, zeros, type Shape, type Tensor } from '../../src/tensor/Tensor.js'

// ─── local arbitraries and references ───────────────────────────────────────────────────────────

const shapeArb = ({ minRank = 0, maxRank = 4, minDim = 0, maxDim = 4 } = {}): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank })

/** Integer-valued entries: sums of products are exact, so adjointness can be checked with ===. */
const tensorOf = (shape: Shape): fc.Arbitrary<Tensor> =>
  fc
    .array(fc.integer({ min: -9, max: 9 }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) })
    .map((values) => fromArray(values, shape))

const tensorArb = (options: Parameters<typeof shapeArb>[0] = {}): fc.Arbitrary<Tensor> => shapeArb(options).chain(tensorOf)

const list = (x: Tensor): number[] => Array.from(x.data)

const expectSame = (actual: Tensor, expected: Tensor): void => {
  expect(actual.shape).toEqual(expected.shape)
  expect(list(actual)).toEqual(list(expected))
}

const inner = (a: Tensor, b: Tensor): number => {
  expect(a.shape).toEqual(b.shape)
  let s = 0
  for (let i = 0; i < a.data.length; i++) s += (a.data[i] ?? 0) * (b.data[i] ?? 0)
  return s
}

/** Row-major multi-index of a flat position. */
const unravel = (flat: number, shape: Shape): number[] => {
  const index = new Array<number>(shape.length).fill(0)
  let rest = flat
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] ?? 1
    index[d] = rest % n
    rest = Math.floor(rest / n)
  }
  return index
}

const ravel = (index: readonly number[], shape: Shape): number => {
  const strides = stridesOf(shape)
  return index.reduce((acc, i, d) => acc + i * (strides[d] ?? 0), 0)
}

/** Builds a tensor of `shape` entry by entry from its multi-index. */
const build = (shape: Shape, f: (index: number[]) => number): Tensor => {
  const values = Array.from({ length: sizeOf(shape) }, (_, flat) => f(unravel(flat, shape)))
  return fromArray(values, shape)
}

const at = (x: Tensor, index: readonly number[]): number => x.data[ravel(index, x.shape)] ?? Number.NaN

/** A tensor together with a permutation of its axes. */
const withPermutation = tensorArb().chain((x) =>
  fc
    .shuffledSubarray(
      x.shape.map((_, i) => i),
      { minLength: x.shape.length, maxLength: x.shape.length },
    )
    .map((perm) => ({ x, perm })),
)

/** A tensor of rank ≥ 1 and a valid axis of it. */
const withAxis = (options: Parameters<typeof shapeArb>[0] = {}) =>
  tensorArb({ minRank: 1, ...options }).chain((x) => fc.integer({ min: 0, max: x.shape.length - 1 }).map((axis) => ({ x, axis })))

/** A tensor with a box inside it (begin, size). */
const withBox = tensorArb().chain((x) =>
  fc
    .tuple(...x.shape.map((d) => fc.integer({ min: 0, max: d }).chain((b) => fc.integer({ min: 0, max: d - b }).map((s) => [b, s] as const))))
    .map((box) => ({ x, begin: box.map(([b]) => b), size: box.map(([, s]) => s) })),
)

// ─── views ──────────────────────────────────────────────────────────────────────────────────────

describe('reshape', () => {
  it('round-trips through a shuffled shape and back, with memory of its own (the same shape is x itself)', () => {
    fc.assert(
      fc.property(
        tensorArb().chain((x) => fc.shuffledSubarray([...x.shape], { minLength: x.shape.length, maxLength: x.shape.length }).map((s) => ({ x, s }))),
        ({ x, s }) => {
          const y = reshape(x, s)
          expect(y.shape).toEqual(s)
          if (s.every((d, i) => d === x.shape[i])) expect(y).toBe(x)
          else expect(y.data.buffer).not.toBe(x.data.buffer)
          expectSame(reshape(y, x.shape), x)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('reshape(x, [-1]) flattens, and -1 is inferred anywhere', () => {
    fc.assert(
      fc.property(tensorArb({ minDim: 1 }), fc.nat(), (x, pick) => {
        expect(reshape(x, [-1]).shape).toEqual([sizeOf(x.shape)])
        expect(list(reshape(x, [-1]))).toEqual(list(x))
        if (x.shape.length > 0) {
          const axis = pick % x.shape.length
          const target = x.shape.map((d, i) => (i === axis ? -1 : d))
          expect(reshape(x, target).shape).toEqual(x.shape)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('infers a dimension in the middle', () => {
    expect(reshape(arange(24), [2, -1, 4]).shape).toEqual([2, 3, 4])
    expect(reshape(tensor(5), []).shape).toEqual([])
    expect(reshape(tensor(5), [1, 1, -1]).shape).toEqual([1, 1, 1])
  })

  it('rejects two -1s, a size mismatch and non-integers', () => {
    expect(() => reshape(arange(6), [-1, -1])).toThrow('reshape: [6] x [-1,-1]: only one dimension may be -1, got -1 at axes 0 and 1')
    expect(() => reshape(arange(6), [4, 2])).toThrow('reshape: [6] x [4,2]: size mismatch: 6 elements cannot take a shape of 8')
    expect(() => reshape(arange(6), [4, -1])).toThrow('reshape: [6] x [4,-1]: cannot infer the -1 dimension: 6 elements do not divide into parts of 4')
    expect(() => reshape(zeros([0]), [0, -1])).toThrow(ShapeError)
    expect(() => reshape(arange(6), [1.5, 4])).toThrow('reshape: [6] x [1.5,4]: dimension 0 must be a non-negative integer or -1, got 1.5')
    expect(() => reshape(arange(6), [-2, -3])).toThrow('dimension 0 must be a non-negative integer or -1, got -2')
    expect(() => reshape(arange(6), [Number.NaN])).toThrow(ShapeError)
  })
})

describe('expandDims', () => {
  it('inserts a size-1 axis at every position in [-rank-1, rank]', () => {
    fc.assert(
      fc.property(tensorArb().chain((x) => fc.integer({ min: -x.shape.length - 1, max: x.shape.length }).map((axis) => ({ x, axis }))), ({ x, axis }) => {
        const y = expandDims(x, axis)
        const at = axis < 0 ? axis + x.shape.length + 1 : axis
        expect(y.shape).toEqual([...x.shape.slice(0, at), 1, ...x.shape.slice(at)])
        expect(y.data.buffer).not.toBe(x.data.buffer)
        expectSame(squeeze(y, at), x)
      }),
    )
  })

  it('rejects an axis out of range', () => {
    expect(() => expandDims(zeros([2, 3]), 3)).toThrow(ShapeError)
    expect(() => expandDims(zeros([2, 3]), -4)).toThrow(ShapeError)
    expect(() => expandDims(zeros([2, 3]), 0.5)).toThrow(ShapeError)
  })
})

describe('squeeze', () => {
  it('drops every size-1 axis by default', () => {
    expect(squeeze(zeros([1, 3, 1, 2])).shape).toEqual([3, 2])
    expect(squeeze(zeros([1, 1])).shape).toEqual([])
  })

  it('drops only the given axes, negative ones included', () => {
    expect(squeeze(zeros([1, 3, 1]), 0).shape).toEqual([3, 1])
    expect(squeeze(zeros([1, 3, 1]), -1).shape).toEqual([1, 3])
    expect(squeeze(zeros([1, 3, 1]), [0, 2]).shape).toEqual([3])
  })

  it('rejects an axis that is not size 1', () => {
    expect(() => squeeze(zeros([1, 3]), 1)).toThrow('squeeze: [1,3]: axis 1 has size 3, not 1')
    expect(() => squeeze(zeros([1, 3]), 2)).toThrow(ShapeError)
  })
})

describe('flatten2d', () => {
  it('keeps the first axis and flattens the rest', () => {
    const x = arange(24)
    expect(flatten2d(reshape(x, [2, 3, 4])).shape).toEqual([2, 12])
    expect(flatten2d(vector([1, 2, 3])).shape).toEqual([3, 1])
    expect(flatten2d(zeros([0, 5])).shape).toEqual([0, 5])
    expect(list(flatten2d(reshape(x, [2, 3, 4])))).toEqual(list(x))
  })

  it('rejects a scalar', () => {
    expect(() => flatten2d(tensor(1))).toThrow('flatten2d: []: expected rank at least 1, got a scalar')
  })
})

// ─── transpose ──────────────────────────────────────────────────────────────────────────────────

describe('transpose', () => {
  it('agrees with the index definition out[i] = x[i permuted back]', () => {
    fc.assert(
      fc.property(withPermutation, ({ x, perm }) => {
        const y = transpose(x, perm)
        const outShape = perm.map((p) => x.shape[p] ?? 0)
        const expected = build(outShape, (index) => {
          const source = new Array<number>(x.shape.length)
          perm.forEach((p, i) => (source[p] = index[i] ?? 0))
          return at(x, source)
        })
        expectSame(y, expected)
      }),
      { numRuns: 200 },
    )
  })

  it('is undone by the inverse permutation', () => {
    fc.assert(
      fc.property(withPermutation, ({ x, perm }) => {
        const inverse = new Array<number>(perm.length)
        perm.forEach((p, i) => (inverse[p] = i))
        expectSame(transpose(transpose(x, perm), inverse), x)
      }),
      { numRuns: 200 },
    )
  })

  it('reverses the axes by default; the 2-D fast path matches the reference across block edges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 70 }), (r, c) => {
        const x = reshape(arange(r * c), [r, c])
        const y = transpose(x)
        expectSame(y, build([c, r], ([j = 0, i = 0]) => i * c + j))
        expectSame(transpose(y), x)
      }),
    )
    expect(transpose(zeros([2, 3, 4])).shape).toEqual([4, 3, 2])
  })

  it('accepts negative axes', () => {
    const x = reshape(arange(6), [2, 3])
    expectSame(transpose(x, [-1, 0]), transpose(x))
  })

  it('rejects bad permutations', () => {
    const x = zeros([2, 3, 4])
    expect(() => transpose(x, [0, 1])).toThrow('transpose: [2,3,4]: permutation [0,1] has 2 entries, expected 3')
    expect(() => transpose(x, [0, 1, 1])).toThrow('transpose: [2,3,4]: permutation [0,1,1] repeats axis 1')
    expect(() => transpose(x, [0, 1, 3])).toThrow(ShapeError)
    expect(() => transpose(x, [0, 1, 1.5])).toThrow(ShapeError)
  })
})

// ─── concat, stack, unstack ─────────────────────────────────────────────────────────────────────

describe('concat, stack and unstack', () => {
  it('stack(unstack(x, axis), axis) is x', () => {
    fc.assert(
      fc.property(withAxis({ minDim: 1 }), ({ x, axis }) => {
        const parts = unstack(x, axis)
        expect(parts).toHaveLength(x.shape[axis] ?? 0)
        expectSame(stack(parts, axis), x)
      }),
      { numRuns: 200 },
    )
  })

  it('unstack(stack(xs, axis), axis) is xs', () => {
    const arb = fc
      .tuple(shapeArb({ maxRank: 3 }), fc.integer({ min: 1, max: 4 }))
      .chain(([shape, count]) =>
        fc.tuple(fc.array(tensorOf(shape), { minLength: count, maxLength: count }), fc.integer({ min: -shape.length - 1, max: shape.length })),
      )
    fc.assert(
      fc.property(arb, ([xs, axis]) => {
        const back = unstack(stack(xs, axis), axis)
        expect(back).toHaveLength(xs.length)
        back.forEach((b, i) => expectSame(b, xs[i] ?? zeros([])))
      }),
      { numRuns: 200 },
    )
  })

  it('concat of the slices along an axis rebuilds the tensor', () => {
    const arb = withAxis().chain(({ x, axis }) => fc.integer({ min: 0, max: x.shape[axis] ?? 0 }).map((cut) => ({ x, axis, cut })))
    fc.assert(
      fc.property(arb, ({ x, axis, cut }) => {
        const dim = x.shape[axis] ?? 0
        const begin = x.shape.map(() => 0)
        const left = slice(x, begin, x.shape.map((d, i) => (i === axis ? cut : d)))
        const right = slice(x, begin.map((b, i) => (i === axis ? cut : b)), x.shape.map((d, i) => (i === axis ? dim - cut : d)))
        expectSame(concat([left, right], axis), x)
        expectSame(concat([left, right], axis - x.shape.length), x)
      }),
      { numRuns: 200 },
    )
  })

  it('joins known values', () => {
    expectSame(concat([tensor([[1, 2]]), tensor([[3, 4]])]), tensor([[1, 2], [3, 4]]))
    expectSame(concat([tensor([[1], [2]]), tensor([[3, 5], [4, 6]])], 1), tensor([[1, 3, 5], [2, 4, 6]]))
    expectSame(stack([vector([1, 2]), vector([3, 4])], 1), tensor([[1, 3], [2, 4]]))
    expectSame(stack([tensor(1), tensor(2)]), vector([1, 2]))
    expectSame(concat([arange(40), arange(40)]), fromArray([...list(arange(40)), ...list(arange(40))], [80]))
  })

  it('rejects empty lists, scalars and mismatched shapes', () => {
    expect(() => concat([])).toThrow('concat: expected at least one tensor, got none')
    expect(() => concat([])).toThrow(ArgumentError)
    expect(() => concat([tensor(1), tensor(2)])).toThrow('concat: [] x []: cannot concatenate scalars (rank 0); use stack')
    expect(() => concat([zeros([2, 3]), zeros([3])])).toThrow('concat: [2,3] x [3]: tensor 1 has rank 1, expected 2')
    expect(() => concat([zeros([2, 3]), zeros([2, 4])])).toThrow('concat: [2,3] x [2,4]: tensor 1 has size 4 on axis 1, expected 3')
    expect(() => concat([zeros([2, 3])], 2)).toThrow(ShapeError)
    expect(() => stack([])).toThrow('stack: expected at least one tensor, got none')
    expect(() => stack([zeros([2]), zeros([3])])).toThrow('stack: [2] x [3]: tensor 1 has shape [3], expected [2]')
    expect(() => stack([zeros([2])], 2)).toThrow(ShapeError)
    expect(() => unstack(tensor(1))).toThrow('unstack: []: cannot unstack a scalar (rank 0)')
    expect(() => unstack(zeros([2]), 1)).toThrow(ShapeError)
  })
})

// ─── slice and pad ──────────────────────────────────────────────────────────────────────────────

describe('slice and pad', () => {
  it('slice agrees with the index definition', () => {
    fc.assert(
      fc.property(withBox, ({ x, begin, size }) => {
        const expected = build(size, (index) => at(x, index.map((i, d) => i + (begin[d] ?? 0))))
        expectSame(slice(x, begin, size), expected)
      }),
      { numRuns: 200 },
    )
  })

  it('is adjoint to pad: ⟨slice(x), y⟩ = ⟨x, pad(y)⟩', () => {
    const arb = withBox.chain(({ x, begin, size }) => tensorOf(size).map((y) => ({ x, begin, size, y })))
    fc.assert(
      fc.property(arb, ({ x, begin, size, y }) => {
        const paddings = x.shape.map((d, i) => [begin[i] ?? 0, d - (begin[i] ?? 0) - (size[i] ?? 0)] as const)
        const padded = pad(y, paddings)
        expect(padded.shape).toEqual(x.shape)
        expect(inner(slice(x, begin, size), y)).toBe(inner(x, padded))
        // And slicing the padding away gives y back.
        expectSame(slice(padded, begin, size), y)
      }),
      { numRuns: 200 },
    )
  })

  it('pad fills with a value and size -1 runs to the end', () => {
    expectSame(pad(vector([1, 2]), [[1, 2]]), vector([0, 1, 2, 0, 0]))
    expectSame(pad(tensor([[1]]), [[0, 1], [1, 0]], 7), tensor([[7, 1], [7, 7]]))
    expectSame(pad(tensor(3), []), tensor(3))
    expectSame(slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, -1]), tensor([[2, 3], [5, 6]]))
    expectSame(slice(tensor([[1, 2, 3], [4, 5, 6]]), [1, 3], [-1, -1]), zeros([1, 0]))
  })

  it('rejects bad boxes and paddings with a clear message', () => {
    const x = zeros([3, 4])
    expect(() => slice(x, [0], [1])).toThrow('slice: [3,4]: begin and size need 2 entries (one per axis), got 1 and 1')
    expect(() => slice(x, [0, 2], [1, 3])).toThrow('slice: [3,4]: begin 2 + size 3 exceeds dimension 4 at axis 1')
    expect(() => slice(x, [4, 0], [0, 1])).toThrow('slice: [3,4]: begin 4 is out of range for axis 0 of size 3 (expected an integer in [0, 3])')
    expect(() => slice(x, [-1, 0], [1, 1])).toThrow(ShapeError)
    expect(() => slice(x, [0, 0], [1, -2])).toThrow('slice: [3,4]: size -2 on axis 1 must be a non-negative integer or -1')
    expect(() => slice(x, [0.5, 0], [1, 1])).toThrow(ShapeError)
    expect(() => pad(x, [[0, 0]])).toThrow('pad: [3,4]: paddings need 2 entries (one per axis), got 1')
    expect(() => pad(x, [[0, 0], [-1, 0]])).toThrow('pad: [3,4]: paddings on axis 1 must be non-negative integers, got [-1, 0]')
    expect(() => pad(x, [[0, 0.5], [0, 0]])).toThrow(ShapeError)
  })
})

// ─── gather and scatterAdd ──────────────────────────────────────────────────────────────────────

const withIndices = withAxis({ minDim: 1 }).chain(({ x, axis }) =>
  fc.array(fc.integer({ min: 0, max: (x.shape[axis] ?? 1) - 1 }), { maxLength: 6 }).map((indices) => ({ x, axis, indices })),
)

describe('gather and scatterAdd', () => {
  it('gather agrees with the index definition', () => {
    fc.assert(
      fc.property(withIndices, ({ x, axis, indices }) => {
        const outShape = x.shape.map((d, i) => (i === axis ? indices.length : d))
        const expected = build(outShape, (index) => at(x, index.map((i, d) => (d === axis ? (indices[i] ?? -1) : i))))
        expectSame(gather(x, indices, axis), expected)
        expectSame(gather(x, indices, axis - x.shape.length), expected)
      }),
      { numRuns: 200 },
    )
  })

  it('is adjoint to scatterAdd: ⟨gather(x, idx), y⟩ = ⟨x, scatterAdd(shape, idx, y)⟩', () => {
    const arb = withIndices.chain(({ x, axis, indices }) =>
      tensorOf(x.shape.map((d, i) => (i === axis ? indices.length : d))).map((y) => ({ x, axis, indices, y })),
    )
    fc.assert(
      fc.property(arb, ({ x, axis, indices, y }) => {
        const scattered = scatterAdd(x.shape, indices, y, axis)
        expect(scattered.shape).toEqual(x.shape)
        expect(inner(gather(x, indices, axis), y)).toBe(inner(x, scattered))
      }),
      { numRuns: 200 },
    )
  })

  it('known values; duplicates accumulate', () => {
    expectSame(gather(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0, 2]), tensor([[5, 6], [1, 2], [5, 6]]))
    expectSame(gather(tensor([[1, 2], [3, 4]]), [1], 1), tensor([[2], [4]]))
    expectSame(scatterAdd([3], [0, 2, 0], vector([1, 2, 3])), vector([4, 0, 2]))
    expectSame(scatterAdd([2, 2], [1, 1], tensor([[1, 2], [3, 4]])), tensor([[0, 0], [4, 6]]))
    expectSame(gather(zeros([3, 2]), []), zeros([0, 2]))
  })

  it('names the bad index and its position', () => {
    const x = zeros([3, 4])
    expect(() => gather(x, [0, 5, 1])).toThrow('gather: index 5 at position 1 is out of range for axis 0 of size 3 in [3,4]')
    expect(() => gather(x, [-1])).toThrow('gather: index -1 at position 0 is out of range for axis 0 of size 3 in [3,4]')
    expect(() => gather(x, [0, 1.5], 1)).toThrow('gather: index 1.5 at position 1 is not an integer (axis 1 of [3,4])')
    expect(() => gather(x, [0], 2)).toThrow(ShapeError)
    expect(() => gather(tensor(1), [0])).toThrow('gather: []: cannot gather from a scalar (rank 0)')
    expect(() => scatterAdd([3], [3], vector([1]))).toThrow('scatterAdd: index 3 at position 0 is out of range for axis 0 of size 3 in [3]')
    expect(() => scatterAdd([3], [0, 1], vector([1]))).toThrow('scatterAdd: [3] x [1]: updates must have shape [2] (2 indices on axis 0)')
    expect(() => scatterAdd([3, -1], [0], vector([1]))).toThrow(ShapeError)
    expect(() => scatterAdd([], [0], vector([1]))).toThrow(ShapeError)
  })
})

// ─── broadcastTo ────────────────────────────────────────────────────────────────────────────────

describe('broadcastTo', () => {
  it('agrees with the index definition', () => {
    // Target: x's shape with some 1s widened and leading axes added.
    const arb = tensorArb({ maxDim: 3 }).chain((x) =>
      fc
        .tuple(
          fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
          fc.tuple(...x.shape.map((d) => (d === 1 ? fc.integer({ min: 0, max: 3 }) : fc.constant(d)))),
        )
        .map(([lead, rest]) => ({ x, target: [...lead, ...rest] })),
    )
    fc.assert(
      fc.property(arb, ({ x, target }) => {
        const offset = target.length - x.shape.length
        const expected = build(target, (index) => at(x, x.shape.map((d, i) => (d === 1 ? 0 : (index[i + offset] ?? 0)))))
        expectSame(broadcastTo(x, target), expected)
      }),
      { numRuns: 200 },
    )
  })

  it('repeats rows and columns', () => {
    expectSame(broadcastTo(vector([1, 2]), [2, 2]), tensor([[1, 2], [1, 2]]))
    expectSame(broadcastTo(tensor([[1], [2]]), [2, 3]), tensor([[1, 1, 1], [2, 2, 2]]))
    expectSame(broadcastTo(tensor(5), [2]), vector([5, 5]))
  })

  it('rejects shapes it cannot reach', () => {
    expect(() => broadcastTo(zeros([3]), [2, 4])).toThrow(ShapeError)
    expect(() => broadcastTo(zeros([2, 3]), [3])).toThrow('broadcastTo: [2,3] x [3]: cannot broadcast to [3]: the result would be [2,3]')
    expect(() => broadcastTo(zeros([3]), [1.5])).toThrow(ShapeError)
  })
})

// ─── purity ─────────────────────────────────────────────────────────────────────────────────────

describe('purity', () => {
  it('no op writes into its input', () => {
    fc.assert(
      fc.property(withIndices, ({ x, axis, indices }) => {
        const before = list(x)
        transpose(x)
        concat([x, x], axis)
        stack([x, x], axis)
        unstack(x, axis)
        slice(x, x.shape.map(() => 0), x.shape.map(() => -1))
        pad(x, x.shape.map(() => [1, 1] as const), 3)
        gather(x, indices, axis)
        broadcastTo(x, [2, ...x.shape])
        expect(list(x)).toEqual(before)
      }),
    )
  })
})
