import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { purityLaw } from '../../laws/purity.js'
import { multiIndex } from './reference.js'
import { add } from '../../src/tensor/elementwise.js'
import { ArgumentError, ShapeError } from '../../src/tensor/errors.js'
import * as R from '../../src/tensor/reduce.js'
import { fromArray, tensor, vector, zeros, type Shape, type Tensor } from '../../src/tensor/Tensor.js'

// ─── references: naive index arithmetic, independent of the kernels ─────────────────────────────

const product = (shape: Shape): number => shape.reduce((p, d) => p * d, 1)


const flatIndex = (index: readonly number[], shape: Shape): number =>
  index.reduce((flat, k, i) => flat * (shape[i] ?? 1) + k, 0)

/**
 * For each output position (over the kept axes), the list of input values in row-major order of
 * the reduced axes, built element by element from multi-indices.
 */
const groups = (x: Tensor, axes: readonly number[]): { kept: number[]; lists: number[][] } => {
  const kept = x.shape.map((d, a) => (axes.includes(a) ? 1 : d))
  const lists: number[][] = Array.from({ length: product(kept) }, () => [])
  for (let k = 0; k < x.data.length; k++) {
    const index = multiIndex(k, x.shape).map((i, a) => (axes.includes(a) ? 0 : i))
    lists[flatIndex(index, kept)]?.push(x.data[k] ?? NaN)
  }
  return { kept, lists }
}

const resultShape = (shape: Shape, axes: readonly number[], keepDims: boolean): number[] =>
  keepDims ? shape.map((d, a) => (axes.includes(a) ? 1 : d)) : shape.filter((_, a) => !axes.includes(a))

const referenceReduce = (
  x: Tensor,
  axes: readonly number[],
  keepDims: boolean,
  f: (values: readonly number[]) => number,
): { shape: number[]; data: number[] } => ({ shape: resultShape(x.shape, axes, keepDims), data: groups(x, axes).lists.map(f) })

// NumPy's convention: a non-empty sum starts from its first element, so sum([−0]) is −0.
const refSum = (vs: readonly number[]): number => (vs.length === 0 ? 0 : vs.slice(1).reduce((s, v) => s + v, vs[0] ?? NaN))
const refMean = (vs: readonly number[]): number => refSum(vs) / vs.length
const refMax = (vs: readonly number[]): number => vs.reduce((m, v) => (v !== v || m !== m ? NaN : v > m ? v : m), -Infinity)
const refMin = (vs: readonly number[]): number => vs.reduce((m, v) => (v !== v || m !== m ? NaN : v < m ? v : m), Infinity)
const refProd = (vs: readonly number[]): number => vs.reduce((p, v) => p * v, 1)
const refVariance = (vs: readonly number[]): number => {
  const mu = refMean(vs)
  return vs.reduce((s, v) => s + (v - mu) * (v - mu), 0) / vs.length
}
const refLogSumExp = (vs: readonly number[]): number => {
  const m = refMax(vs)
  return Math.log(vs.reduce((s, v) => s + Math.exp(v - m), 0)) + m
}

const reductions: ReadonlyArray<readonly [string, (x: Tensor, o: R.ReduceOptions) => Tensor, (vs: readonly number[]) => number]> = [
  ['sum', R.sum, refSum],
  ['mean', R.mean, refMean],
  ['max', R.max, refMax],
  ['min', R.min, refMin],
  ['prod', R.prod, refProd],
  ['variance', R.variance, refVariance],
  ['logSumExp', R.logSumExp, refLogSumExp],
]

const close = (actual: number, expected: number, tolerance: number): boolean =>
  Object.is(actual, expected) || Math.abs(actual - expected) <= tolerance * (1 + Math.abs(expected))

const expectClose = (actual: Tensor, expected: { shape: readonly number[]; data: readonly number[] }, tolerance = 1e-12): void => {
  expect([...actual.shape]).toEqual([...expected.shape])
  expect(actual.data.length).toBe(expected.data.length)
  actual.data.forEach((v, i) => {
    if (!close(v, expected.data[i] ?? NaN, tolerance)) throw new Error(`element ${i}: got ${v}, expected ${expected.data[i]}`)
  })
}

/** A tensor, a set of its axes (written with random signs) and keepDims. */
const reduceCase = fc
  .tuple(arb.tensor({ maxRank: 4, maxDim: 4 }), fc.boolean())
  .chain(([x, keepDims]) =>
    fc.tuple(
      fc.constant(x),
      fc.subarray([...x.shape.keys()]),
      fc.array(fc.boolean(), { minLength: x.shape.length, maxLength: x.shape.length }),
      fc.constant(keepDims),
      fc.constantFrom<'list' | 'single' | 'all'>('list', 'single', 'all'),
    ),
  )
  .map(([x, axes, negative, keepDims, form]) => {
    const written = axes.map((a) => (negative[a] === true ? a - x.shape.length : a))
    const options: R.ReduceOptions =
      form === 'all' ? { keepDims } : form === 'single' && written.length === 1 ? { axis: written[0] ?? 0, keepDims } : { axis: written, keepDims }
    return { x, axes: form === 'all' ? [...x.shape.keys()] : axes, options }
  })

const values = (t: Tensor): number[] => Array.from(t.data)

// ─── properties ─────────────────────────────────────────────────────────────────────────────────

describe('reductions agree with a naive reference', () => {
  for (const [name, op, f] of reductions) {
    it(`${name} over random axis sets, with and without keepDims`, () => {
      fc.assert(
        fc.property(reduceCase, ({ x, axes, options }) => {
          const empty = axes.some((a) => x.shape[a] === 0)
          fc.pre(!empty)
          expectClose(op(x, options), referenceReduce(x, axes, options.keepDims === true, f))
        }),
        { numRuns: 100 },
      )
    })
  }

  it('every axis combination of a rank-3 tensor, each axis written both ways', () => {
    const x = fromArray(Array.from({ length: 24 }, (_, i) => Math.sin(i) * 3), [2, 3, 4])
    for (let mask = 0; mask < 8; mask++) {
      const axes = [0, 1, 2].filter((a) => (mask & (1 << a)) !== 0)
      for (const keepDims of [false, true]) {
        for (const axis of [axes, axes.map((a) => a - 3)]) {
          for (const [, op, f] of reductions) expectClose(op(x, { axis, keepDims }), referenceReduce(x, axes, keepDims, f))
        }
      }
    }
  })

  it('sum adds in a fixed order: the same input gives the same bits', () => {
    fc.assert(
      fc.property(reduceCase, ({ x, options }) => {
        const copy = fromArray(x.data, x.shape)
        const a = R.sum(x, options)
        const b = R.sum(copy, options)
        a.data.forEach((v, i) => expect(Object.is(v, b.data[i])).toBe(true))
        // And in row-major order of the reduced axes, exactly as the reference adds.
        expect(values(a)).toEqual(referenceReduce(x, reduceAxes(x, options), false, refSum).data)
      }),
      { numRuns: 100 },
    )
  })

  it('variance with ddof divides by count − ddof', () => {
    fc.assert(
      fc.property(arb.tensor({ minRank: 1, maxRank: 3, minDim: 2 }), fc.integer({ min: 0, max: 1 }), (x, ddof) => {
        const v = R.variance(x, { axis: 0, ddof })
        const n = x.shape[0] ?? 1
        const reference = referenceReduce(x, [0], false, (vs) => (refVariance(vs) * n) / (n - ddof))
        expectClose(v, reference)
      }),
      { numRuns: 100 },
    )
  })
})

describe('argmax and argmin', () => {
  const refArg = (vs: readonly number[], sign: 1 | -1): number => {
    let best = 0
    for (let k = 1; k < vs.length; k++) {
      const v = vs[k] ?? 0
      const b = vs[best] ?? 0
      if (b !== b) break
      if (v !== v || sign * v > sign * b) best = k
    }
    return best
  }

  // Small integers make ties common.
  const argCase = arb
    .shape({ minRank: 1, maxRank: 3, maxDim: 4 })
    .chain((s) =>
      fc.tuple(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: product(s), maxLength: product(s) }).map((vs) => fromArray(vs, s)),
        fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: undefined }),
        fc.boolean(),
      ),
    )

  for (const [name, op, sign] of [['argmax', R.argmax, 1], ['argmin', R.argmin, -1]] as const) {
    it(`${name} returns the first best index along an axis or over everything`, () => {
      fc.assert(
        fc.property(argCase, ([x, axis, keepDims]) => {
          const got = op(x, axis === undefined ? { keepDims } : { axis, keepDims })
          if (axis === undefined) {
            expect([...got.shape]).toEqual(keepDims ? x.shape.map(() => 1) : [])
            expect(values(got)).toEqual([refArg(values(x), sign)])
          } else {
            const a = axis < 0 ? axis + x.shape.length : axis
            expect({ shape: [...got.shape], data: values(got) }).toEqual(referenceReduce(x, [a], keepDims, (vs) => refArg(vs, sign)))
          }
        }),
        { numRuns: 100 },
      )
    })
  }

  it('ties go to the first index; a NaN wins', () => {
    expect(values(R.argmax(vector([1, 3, 3, 2])))).toEqual([1])
    expect(values(R.argmin(vector([2, 1, 1, 2])))).toEqual([1])
    expect(values(R.argmax(vector([1, NaN, 5, NaN])))).toEqual([1])
    expect(values(R.argmin(vector([1, -Infinity, NaN, -5])))).toEqual([2])
    expect(values(R.argmax(vector([NaN, 5])))).toEqual([0])
    expect(values(R.argmax(tensor([[1, 9, 9], [7, 2, 3]]), { axis: 1 }))).toEqual([1, 0])
    expect(values(R.argmax(tensor([[1, 9, 9], [7, 2, 3]]), { axis: 0 }))).toEqual([1, 0, 0])
    expect(R.argmax(tensor([[1, 9, 9], [7, 2, 3]]), { axis: 0, keepDims: true }).shape).toEqual([1, 3])
  })
})

describe('sumTo', () => {
  /** A target shape, a shape it broadcasts to, and a tensor of the larger shape. */
  const sumToCase = arb
    .broadcastPair()
    .chain(([target, other]) => {
      const big = broadcast(target, other)
      return fc.tuple(fc.constant(target), arb.tensorOf(big))
    })

  it('sums the broadcast axes back, like the reference', () => {
    fc.assert(
      fc.property(sumToCase, ([target, x]) => {
        const offset = x.shape.length - target.length
        const axes = [...x.shape.keys()].filter((a) => a < offset || (target[a - offset] === 1 && x.shape[a] !== 1))
        const reference = referenceReduce(x, axes, true, refSum)
        const got = R.sumTo(x, target)
        expect([...got.shape]).toEqual([...target])
        expect(values(got)).toEqual(reference.data)
      }),
      { numRuns: 150 },
    )
  })

  it('undoes broadcasting: sumTo(y + zeros(target), y.shape) = y · copies', () => {
    fc.assert(
      fc.property(arb.broadcastPair().chain(([s, t]) => fc.tuple(arb.tensorOf(s), fc.constant(t))), ([y, other]) => {
        const target = broadcast(y.shape, other)
        const copies = product(target) / Math.max(1, product(y.shape))
        const back = R.sumTo(add(y, zeros(target)), y.shape)
        expect([...back.shape]).toEqual([...y.shape])
        back.data.forEach((v, i) => expect(close(v, (y.data[i] ?? NaN) * copies, 1e-13)).toBe(true))
      }),
      { numRuns: 100 },
    )
  })

  it('takes its fast paths: identity, row and column sums, total', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]])
    expect(R.sumTo(x, [2, 3])).toBe(x)
    expect(values(R.sumTo(x, [3]))).toEqual([5, 7, 9])
    expect(values(R.sumTo(x, [1, 3]))).toEqual([5, 7, 9])
    expect(R.sumTo(x, [1, 3]).shape).toEqual([1, 3])
    expect(values(R.sumTo(x, [2, 1]))).toEqual([6, 15])
    expect(values(R.sumTo(x, []))).toEqual([21])
    expect(R.sumTo(x, [1, 1]).shape).toEqual([1, 1])
    expect(values(R.sumTo(fromArray([1, 2, 3], [1, 1, 3]), [3]))).toEqual([1, 2, 3])
    expect(values(R.sumTo(zeros([0, 3]), [3]))).toEqual([0, 0, 0])
  })

  it('agrees with sum over axis 0 bit for bit', () => {
    fc.assert(
      fc.property(arb.tensor({ minRank: 2, maxRank: 3, extreme: true }), (x) => {
        expect(values(R.sumTo(x, x.shape.slice(1)))).toEqual(values(R.sum(x, { axis: 0 })))
      }),
      { numRuns: 100 },
    )
  })

  it('rejects a target that does not broadcast to the tensor', () => {
    expect(() => R.sumTo(zeros([2, 3]), [4])).toThrow('sumTo: [2,3] x [4]: target [4] does not broadcast to the tensor: dimension 4 at axis 0 is neither 1 nor 3')
    expect(() => R.sumTo(zeros([3]), [2, 3])).toThrow('sumTo: [3] x [2,3]: target [2,3] has more dimensions than the tensor')
    expect(() => R.sumTo(zeros([2, 3]), [2, 3, 1])).toThrow(ShapeError)
    expect(() => R.sumTo(zeros([2, 3]), [-1])).toThrow(ShapeError)
  })
})

// ─── numerics and edge cases ────────────────────────────────────────────────────────────────────

describe('numerics', () => {
  it('logSumExp is stable', () => {
    expect(values(R.logSumExp(vector([1000, 1000])))).toEqual([1000 + Math.LN2])
    expect(values(R.logSumExp(vector([-1000, -1000])))).toEqual([-1000 + Math.LN2])
    expect(values(R.logSumExp(vector([-Infinity, -Infinity])))).toEqual([-Infinity])
    expect(values(R.logSumExp(vector([-Infinity, 0])))).toEqual([0])
    expect(values(R.logSumExp(vector([Infinity, 1, -Infinity])))).toEqual([Infinity])
    expect(values(R.logSumExp(vector([NaN, 1])))).toEqual([NaN])
    expect(values(R.logSumExp(zeros([0])))).toEqual([-Infinity])
    expect(values(R.logSumExp(tensor([[1e308, 1e308], [-Infinity, -Infinity]]), { axis: 1 }))).toEqual([1e308 + Math.LN2, -Infinity])
  })

  it('max and min propagate NaN', () => {
    expect(values(R.max(vector([1, NaN, 3])))).toEqual([NaN])
    expect(values(R.min(vector([NaN, 1])))).toEqual([NaN])
    expect(values(R.max(tensor([[1, NaN], [3, 4]]), { axis: 0 }))).toEqual([3, NaN])
    expect(values(R.min(tensor([[1, NaN], [3, 4]]), { axis: 1 }))).toEqual([NaN, 3])
    expect(values(R.max(vector([-Infinity, -Infinity])))).toEqual([-Infinity])
  })

  it('empty axes: sum 0, mean NaN, prod 1, max and min throw', () => {
    const x = zeros([2, 0])
    expect(values(R.sum(x, { axis: 1 }))).toEqual([0, 0])
    expect(values(R.mean(x, { axis: 1 }))).toEqual([NaN, NaN])
    expect(values(R.prod(x, { axis: 1 }))).toEqual([1, 1])
    expect(values(R.variance(x, { axis: 1 }))).toEqual([NaN, NaN])
    expect(values(R.sum(x))).toEqual([0])
    expect(R.sum(x, { axis: 0 }).shape).toEqual([0])
    expect(values(R.max(zeros([0, 2]), { axis: 1 }))).toEqual([])
    expect(() => R.max(x, { axis: 1 })).toThrow('max: [2,0]: cannot take the max over an empty axis')
    expect(() => R.min(x)).toThrow('min: [2,0]: cannot take the min over an empty axis')
    expect(() => R.argmax(x, { axis: 1 })).toThrow('argmax: [2,0]: cannot take the argmax over axis 1, which is empty')
    expect(() => R.argmin(zeros([0]))).toThrow('argmin: [0]: cannot take the argmin over an empty tensor')
  })

  it('scalars reduce to themselves', () => {
    const s = fromArray([7], [])
    for (const [name, op] of reductions) {
      const expected = name === 'variance' ? 0 : 7
      expect([name, op(s, {}).shape, values(op(s, {}))]).toEqual([name, [], [name === 'logSumExp' ? 7 : expected]])
    }
    expect(values(R.argmax(s))).toEqual([0])
  })

  it('variance is two-pass: no cancellation around a large mean', () => {
    expect(values(R.variance(vector([1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4])))).toEqual([1.25])
  })

  it('documented examples', () => {
    expect(values(R.sum(tensor([[1, 2], [3, 4]]), { axis: 0 }))).toEqual([4, 6])
    const m = R.mean(tensor([[1, 2], [3, 4]]), { axis: -1, keepDims: true })
    expect([m.shape, values(m)]).toEqual([[2, 1], [1.5, 3.5]])
    expect(values(R.variance(vector([1, 2, 3, 4])))).toEqual([1.25])
    expect(values(R.variance(vector([1, 2, 3, 4]), { ddof: 1 }))).toEqual([1.6666666666666667])
    expect(values(R.logSumExp(vector([1000, 1000])))).toEqual([1000.6931471805599])
    expect(values(R.sumTo(tensor([[1, 2], [3, 4]]), [2]))).toEqual([4, 6])
    expect(values(R.sumTo(tensor([[1, 2], [3, 4]]), [2, 1]))).toEqual([3, 7])
  })
})

// ─── errors ─────────────────────────────────────────────────────────────────────────────────────

describe('errors', () => {
  it('bad axes are ShapeErrors naming the op and the shape', () => {
    const x = zeros([2, 3])
    for (const [name, op] of reductions) {
      expect(() => op(x, { axis: 2 })).toThrow(`${name}: [2,3]: axis 2 is out of range for rank 2`)
      expect(() => op(x, { axis: [0, -2] })).toThrow(`${name}: [2,3]: axis 0 is repeated in [0,-2]`)
      expect(() => op(x, { axis: 0.5 })).toThrow(ShapeError)
    }
    expect(() => R.argmax(x, { axis: -3 })).toThrow('argmax: [2,3]: axis -3 is out of range for rank 2')
    expect(() => R.sum(zeros([]), { axis: 0 })).toThrow('sum: []: axis 0 is out of range for rank 0')
  })

  it('variance rejects a bad ddof', () => {
    expect(() => R.variance(vector([1, 2]), { ddof: -1 })).toThrow('variance: ddof must be a non-negative finite number, got -1')
    expect(() => R.variance(vector([1, 2]), { ddof: NaN })).toThrow(ArgumentError)
    expect(values(R.variance(vector([1, 2]), { ddof: 2 }))).toEqual([NaN])
  })
})

// ─── purity ─────────────────────────────────────────────────────────────────────────────────────

describe('purity: no reduction changes its input', () => {
  for (const [name, op] of reductions) {
    it(name, () => purityLaw(name, (x) => op(x ?? zeros([]), { axis: -1 }), arb.tensor({ minRank: 1, extreme: true }).map((x) => [x])))
  }
  it('over all axes, argmax, argmin and variance with ddof', () => {
    const one = arb.tensor({ extreme: true }).map((x) => [x])
    purityLaw('sum', (x) => R.sum(x ?? zeros([])), one)
    purityLaw('argmax', (x) => R.argmax(x ?? zeros([])), one)
    purityLaw('argmin', (x) => R.argmin(x ?? zeros([])), one)
    purityLaw('variance', (x) => R.variance(x ?? zeros([]), { ddof: 1 }), one)
  })
  it('sumTo', () => {
    purityLaw(
      'sumTo',
      (x, t) => R.sumTo(x ?? zeros([]), t?.shape ?? []),
      arb.broadcastPair().chain(([t, o]) => fc.tuple(arb.tensorOf(broadcast(t, o)), arb.tensorOf(t))),
    )
  })
})

// ─── helpers ────────────────────────────────────────────────────────────────────────────────────

function broadcast(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length)
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i] ?? 1
    const db = b[b.length - rank + i] ?? 1
    return da === 1 ? db : da
  })
}

function reduceAxes(x: Tensor, options: R.ReduceOptions): number[] {
  const { axis } = options
  if (axis === undefined) return [...x.shape.keys()]
  const list = typeof axis === 'number' ? [axis] : axis
  return list.map((a) => (a < 0 ? a + x.shape.length : a)).sort((p, q) => p - q)
}
