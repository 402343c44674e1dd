import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { purityLaw } from '../../laws/purity.js'
import { multiIndex } from './reference.js'
import * as T from '../../src/tensor/elementwise.js'
import { ArgumentError, ShapeError } from '../../src/tensor/errors.js'
import { erfcNumber, erfNumber } from '../../src/tensor/kernels/special.js'
import { fromArray, scalar, tensor, vector, zeros, type Shape, type Tensor } from '../../src/tensor/Tensor.js'

// ─── references: naive index arithmetic, independent of the kernels ─────────────────────────────

const product = (shape: Shape): number => shape.reduce((p, d) => p * d, 1)

/** NumPy's rule, written out again: align on the right, each pair equal or one of them 1. */
const referenceShape = (shapes: readonly Shape[]): number[] | undefined => {
  const rank = Math.max(0, ...shapes.map((s) => s.length))
  const out: number[] = []
  for (let i = 0; i < rank; i++) {
    let d = 1
    for (const s of shapes) {
      const di = s[s.length - rank + i] ?? 1
      if (di === 1) continue
      if (d !== 1 && d !== di) return undefined
      d = di
    }
    out.push(d)
  }
  return out
}

/** The flat index into `shape` read at output multi-index `index` under broadcasting. */
const sourceIndex = (shape: Shape, index: readonly number[]): number => {
  let flat = 0
  const offset = index.length - shape.length
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i] ?? 1
    flat = flat * d + (d === 1 ? 0 : (index[offset + i] ?? 0))
  }
  return flat
}


const referenceNary = (inputs: readonly Tensor[], f: (...vs: number[]) => number): { shape: number[]; data: number[] } => {
  const shape = referenceShape(inputs.map((t) => t.shape))
  if (shape === undefined) throw new Error('reference: shapes do not broadcast')
  const data: number[] = []
  for (let k = 0; k < product(shape); k++) {
    const index = multiIndex(k, shape)
    data.push(f(...inputs.map((t) => t.data[sourceIndex(t.shape, index)] ?? NaN)))
  }
  return { shape, data }
}

/** Same shape and the same bits in every element (Object.is: −0 ≠ 0, NaN = NaN). */
const expectIdentical = (actual: Tensor, expected: { shape: readonly number[]; data: ArrayLike<number> }): void => {
  expect([...actual.shape]).toEqual([...expected.shape])
  expect(actual.data.length).toBe(expected.data.length)
  for (let i = 0; i < actual.data.length; i++) {
    if (!Object.is(actual.data[i], expected.data[i])) {
      throw new Error(`element ${i}: got ${actual.data[i]}, expected ${expected.data[i]} (shape [${actual.shape.join(',')}])`)
    }
  }
}

const close = (actual: number, expected: number, rel = 1e-15, abs = 1e-300): boolean =>
  Object.is(actual, expected) || Math.abs(actual - expected) <= rel * Math.abs(expected) + abs

const values = (t: Tensor): number[] => Array.from(t.data)

// ─── the ops under test ─────────────────────────────────────────────────────────────────────────

const binaryOps: ReadonlyArray<readonly [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number]> = [
  ['add', T.add, (x, y) => x + y],
  ['sub', T.sub, (x, y) => x - y],
  ['mul', T.mul, (x, y) => x * y],
  ['div', T.div, (x, y) => x / y],
  ['pow', T.pow, (x, y) => Math.pow(x, y)],
  // Equal arguments can only differ in the sign of zero: max prefers +0, min prefers −0.
  ['maximum', T.maximum, (x, y) => (x !== x || y !== y ? NaN : x > y ? x : y > x ? y : Object.is(x, -0) ? y : x)],
  ['minimum', T.minimum, (x, y) => (x !== x || y !== y ? NaN : x < y ? x : y < x ? y : Object.is(x, -0) ? x : y)],
  ['equal', T.equal, (x, y) => (x === y ? 1 : 0)],
  ['notEqual', T.notEqual, (x, y) => (x !== y ? 1 : 0)],
  ['less', T.less, (x, y) => (x < y ? 1 : 0)],
  ['lessEqual', T.lessEqual, (x, y) => (x <= y ? 1 : 0)],
  ['greater', T.greater, (x, y) => (x > y ? 1 : 0)],
  ['greaterEqual', T.greaterEqual, (x, y) => (x >= y ? 1 : 0)],
]

/** Unary ops whose result must equal the Math.* formula bit for bit. */
const exactUnaryOps: ReadonlyArray<readonly [string, (x: Tensor) => Tensor, (v: number) => number]> = [
  ['neg', T.neg, (v) => -v],
  ['abs', T.abs, Math.abs],
  ['sign', T.sign, Math.sign],
  ['exp', T.exp, Math.exp],
  ['log', T.log, Math.log],
  ['log1p', T.log1p, Math.log1p],
  ['expm1', T.expm1, Math.expm1],
  ['sqrt', T.sqrt, Math.sqrt],
  ['square', T.square, (v) => v * v],
  ['reciprocal', T.reciprocal, (v) => 1 / v],
  ['tanh', T.tanh, Math.tanh],
  ['sin', T.sin, Math.sin],
  ['cos', T.cos, Math.cos],
  ['relu', T.relu, (v) => (v > 0 ? v : 0)],
  ['leakyRelu', (x) => T.leakyRelu(x), (v) => (v > 0 ? v : 0.01 * v)],
  ['elu', (x) => T.elu(x), (v) => (v > 0 ? v : Math.expm1(v))],
  ['step', T.step, (v) => (v > 0 ? 1 : 0)],
]

const allUnary: ReadonlyArray<readonly [string, (x: Tensor) => Tensor]> = [
  ...exactUnaryOps.map(([name, op]) => [name, op] as const),
  ['sigmoid', T.sigmoid],
  ['softplus', T.softplus],
  ['gelu', T.gelu],
  ['erf', T.erf],
  ['scale', (x) => T.scale(x, 3)],
  ['addScalar', (x) => T.addScalar(x, -2)],
  ['powScalar', (x) => T.powScalar(x, 3)],
  ['map', (x) => T.map(x, (v) => v * v + 1)],
  ['clip', (x) => T.clip(x, -1, 2)],
]

// ─── properties ─────────────────────────────────────────────────────────────────────────────────

describe('binary ops broadcast like the reference loop', () => {
  for (const [name, op, f] of binaryOps) {
    it(`${name} matches naive index arithmetic on broadcast pairs`, () => {
      fc.assert(
        fc.property(arb.tensorPair(), ([a, b]) => expectIdentical(op(a, b), referenceNary([a, b], f))),
        { numRuns: 100 },
      )
    })
  }

  it('add, sub, mul and div match the reference on extreme values and empty dimensions', () => {
    const pairs = fc.oneof(arb.tensorPair({ extreme: true }), arb.tensorPair({ minDim: 0, maxDim: 3 }))
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        for (const [, op, f] of binaryOps.slice(0, 4)) expectIdentical(op(a, b), referenceNary([a, b], f))
      }),
      { numRuns: 150 },
    )
  })

  it('covers each fast path and the strided loop', () => {
    const a = fromArray([...Array(24).keys()], [2, 3, 4])
    const cases: ReadonlyArray<readonly [Tensor, Tensor]> = [
      [a, a], // equal shapes
      [a, fromArray([...Array(24).keys()], [1, 2, 3, 4])], // equal up to leading 1s
      [a, scalar(0.5)], // scalar right
      [fromArray([2], [1, 1]), a], // size-1 left
      [a, vector([1, 2, 3, 4])], // row right
      [tensor([[1, 2, 3, 4]]), a], // row left with leading 1
      [a, fromArray([1, 2], [2, 1, 1])], // strided: broadcast inner dims
      [fromArray([1, 2, 3], [3, 1]), vector([10, 20, 30, 40])], // outer product
      [fromArray([1, 2, 3, 4, 5, 6], [2, 1, 3]), fromArray([1, 2, 3, 4, 5, 6, 7, 8], [4, 2, 1, 1])],
    ]
    for (const [x, y] of cases) {
      for (const [, op, f] of binaryOps) {
        expectIdentical(op(x, y), referenceNary([x, y], f))
        expectIdentical(op(y, x), referenceNary([y, x], f))
      }
    }
  })

  it('map2 applies its function with broadcasting', () => {
    fc.assert(
      fc.property(arb.tensorPair(), fc.double({ min: -3, max: 3, noNaN: true }), ([a, b], c) => {
        const f = (x: number, y: number): number => c * x - y * y
        expectIdentical(T.map2('f', a, b, f), referenceNary([a, b], f))
      }),
      { numRuns: 100 },
    )
  })

  it('where and map3 broadcast three ways', () => {
    const triple = arb.broadcastTuple(3).chain((shapes) =>
      fc.tuple(
        arb.tensorOf(shapes[0] ?? []).map((c) => T.greater(c, scalar(0))),
        arb.tensorOf(shapes[1] ?? []),
        arb.tensorOf(shapes[2] ?? []),
      ),
    )
    fc.assert(
      fc.property(triple, ([c, a, b]) => {
        expectIdentical(T.where(c, a, b), referenceNary([c, a, b], (m, x, y) => (m !== 0 ? x : y)))
        const f = (x: number, y: number, z: number): number => x * y - z
        expectIdentical(T.map3('f', c, a, b, f), referenceNary([c, a, b], f))
      }),
      { numRuns: 100 },
    )
  })
})

describe('unary ops agree with Math per element', () => {
  for (const [name, op, f] of exactUnaryOps) {
    it(`${name}`, () => {
      fc.assert(
        fc.property(arb.tensor({ extreme: true }), (x) => expectIdentical(op(x), { shape: x.shape, data: values(x).map(f) })),
        { numRuns: 100 },
      )
    })
  }

  it('scale, addScalar and powScalar use their number', () => {
    fc.assert(
      fc.property(arb.tensor({ extreme: true }), fc.double({ noNaN: true, min: -1e3, max: 1e3 }), (x, s) => {
        expectIdentical(T.scale(x, s), { shape: x.shape, data: values(x).map((v) => v * s) })
        expectIdentical(T.addScalar(x, s), { shape: x.shape, data: values(x).map((v) => v + s) })
        for (const p of [s, 2, 0.5, -1, 3]) expectIdentical(T.powScalar(x, p), { shape: x.shape, data: values(x).map((v) => Math.pow(v, p)) })
      }),
      { numRuns: 100 },
    )
  })

  it('leakyRelu and elu use their alpha', () => {
    fc.assert(
      fc.property(arb.tensor(), fc.double({ min: 0, max: 2, noNaN: true }), (x, alpha) => {
        expectIdentical(T.leakyRelu(x, alpha), { shape: x.shape, data: values(x).map((v) => (v > 0 ? v : alpha * v)) })
        expectIdentical(T.elu(x, alpha), { shape: x.shape, data: values(x).map((v) => (v > 0 ? v : alpha * Math.expm1(v))) })
      }),
      { numRuns: 100 },
    )
  })

  it('sigmoid equals 1/(1 + exp(−x)) to rounding, on all magnitudes', () => {
    fc.assert(
      fc.property(arb.tensor({ extreme: true }), (x) => {
        const y = T.sigmoid(x)
        x.data.forEach((v, i) => {
          const got = y.data[i] ?? NaN
          expect(got).toBeGreaterThanOrEqual(0)
          expect(got).toBeLessThanOrEqual(1)
          // The naive formula underflows to 0 below about −709 where the stable one is subnormal.
          // Both formulas round three times (exp within 1 ulp, the sum, the quotient), so each is
          // within about 2 ulp of σ(v) and they may differ by 4 ulp, up to 8.9e-16 relative. (At
          // v = −8.930071741008593 the kernel is 1.3 ulp above σ(v) and the naive formula 0.7 ulp
          // below: 4.1e-16 apart. Bit-pattern draws almost never reached such mid-range values.)
          expect(close(got, 1 / (1 + Math.exp(-v)), 9e-16, 1e-307)).toBe(true)
        })
      }),
      { numRuns: 100 },
    )
  })

  it('softplus equals ln(1 + eˣ) where that is representable, and softplus(x) − softplus(−x) = x', () => {
    fc.assert(
      fc.property(arb.tensor({ min: -30, max: 30 }), (x) => {
        const y = T.softplus(x)
        const z = T.softplus(T.neg(x))
        x.data.forEach((v, i) => {
          expect(close(y.data[i] ?? NaN, Math.log1p(Math.exp(v)), 1e-14)).toBe(true)
          expect(Math.abs((y.data[i] ?? NaN) - (z.data[i] ?? NaN) - v)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(v)))
        })
      }),
      { numRuns: 100 },
    )
  })

  it('erf is odd, bounded by 1 and increasing; gelu is x·Φ(x)', () => {
    fc.assert(
      fc.property(arb.tensor({ min: -8, max: 8 }), (x) => {
        const e = T.erf(x)
        const g = T.gelu(x)
        x.data.forEach((v, i) => {
          const ev = e.data[i] ?? NaN
          expect(Object.is(erfNumber(-v), -ev)).toBe(true)
          expect(Math.abs(ev)).toBeLessThanOrEqual(1)
          expect(erfNumber(v + 1e-3)).toBeGreaterThanOrEqual(ev)
          expect(close(g.data[i] ?? NaN, (v * (1 + erfNumber(v / Math.SQRT2))) / 2, 1e-15, 1e-15)).toBe(true)
        })
      }),
      { numRuns: 100 },
    )
  })
})

// ─── numerics and edge cases ────────────────────────────────────────────────────────────────────

describe('numerics', () => {
  it('erf and erfc match 40-digit references (mpmath) within a few ulp', () => {
    // [x, erf(x), erfc(x)] from mpmath at 40 digits, rounded to float64.
    const table: ReadonlyArray<readonly [number, number, number]> = [
      [1e-20, 1.1283791670955125e-20, 1],
      [0.1, 0.1124629160182849, 0.887537083981715],
      [0.46875, 0.49261347321793797, 0.507386526782062],
      [0.5, 0.5204998778130465, 0.4795001221869535],
      [1, 0.8427007929497149, 0.15729920705028513],
      [2, 0.9953222650189527, 0.004677734981047266],
      [3.5, 0.9999992569016276, 7.430983723414128e-7],
      [4, 0.9999999845827421, 1.541725790028002e-8],
      [5, 0.9999999999984626, 1.537459794428035e-12],
      [10, 1, 2.088487583762545e-45],
      [26, 1, 5.663192408856143e-296],
    ]
    const ulps = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / (Math.abs(b) * Number.EPSILON))
    for (const [x, e, c] of table) {
      expect(ulps(erfNumber(x), e)).toBeLessThanOrEqual(2)
      expect(ulps(erfNumber(-x), -e)).toBeLessThanOrEqual(2)
      expect(ulps(erfcNumber(x), c)).toBeLessThanOrEqual(4)
      expect(ulps(erfcNumber(-x), 2 - c)).toBeLessThanOrEqual(2)
    }
    expect(values(T.erf(vector([0, -0, Infinity, -Infinity, NaN])))).toEqual([0, -0, 1, -1, NaN])
  })

  it('gelu has the exact erf form, with an accurate negative tail', () => {
    const y = values(T.gelu(vector([0, 1, -1, -10, -37, 40, -40])))
    // mpmath: x·Φ(x)
    const expected = [0, 0.8413447460685429, -0.15865525393145705, -7.619853024160526e-23, -2.1184613523340935e-298, 40, -0]
    y.forEach((v, i) => expect(close(v, expected[i] ?? NaN, 4e-16, 0)).toBe(true))
  })

  it('sigmoid is finite and exact at the extremes', () => {
    expect(values(T.sigmoid(vector([0, 1e300, -1e300, 800, -800, 40, -Infinity, Infinity])))).toEqual([0.5, 1, 0, 1, 0, 1, 0, 1])
    const tail = T.sigmoid(scalar(-700)).data[0] ?? NaN
    expect(close(tail, Math.exp(-700), 1e-15)).toBe(true)
  })

  it('softplus neither overflows nor cancels', () => {
    expect(values(T.softplus(vector([3000, -50000, 0, 1e300, -1e300])))).toEqual([3000, 0, Math.LN2, 1e300, 0])
    expect(close(T.softplus(scalar(-40)).data[0] ?? NaN, Math.exp(-40), 1e-15)).toBe(true)
  })

  it('NaN goes in, NaN comes out', () => {
    const x = vector([NaN])
    for (const [name, op] of allUnary) {
      if (name === 'map') continue
      expect([name, values(op(x))]).toEqual([name, [NaN]])
    }
    expect(values(T.maximum(vector([NaN, 1]), vector([1, NaN])))).toEqual([NaN, NaN])
    expect(values(T.minimum(vector([NaN, 1]), vector([1, NaN])))).toEqual([NaN, NaN])
    expect(values(T.clip(vector([NaN]), 0, 1))).toEqual([NaN])
    expect(values(T.equal(vector([NaN]), vector([NaN])))).toEqual([0])
    expect(values(T.notEqual(vector([NaN]), vector([NaN])))).toEqual([1])
    expect(values(T.less(vector([NaN, 1]), vector([1, NaN])))).toEqual([0, 0])
  })

  it('relu, step and leakyRelu at the kink', () => {
    expect(values(T.relu(vector([-1, -0, 0, 2])))).toEqual([0, 0, 0, 2])
    expect(values(T.step(vector([-1, -0, 0, 1e-300])))).toEqual([0, 0, 0, 1])
    expect(values(T.leakyRelu(vector([-2, 3]), 0.5))).toEqual([-1, 3])
    expect(values(T.elu(vector([-Infinity, 0, 2]), 2))).toEqual([-2, 0, 2])
  })

  it('clip clamps, with infinite bounds allowed', () => {
    expect(values(T.clip(vector([-5, 0.5, 5]), 0, 1))).toEqual([0, 0.5, 1])
    expect(values(T.clip(vector([-5, 5]), -Infinity, 0))).toEqual([-5, 0])
    expect(values(T.clip(vector([-5, 5]), 2, 2))).toEqual([2, 2])
  })

  it('empty tensors and scalars', () => {
    expect(T.add(zeros([0, 3]), vector([1, 2, 3])).shape).toEqual([0, 3])
    expect(T.add(zeros([0]), scalar(1)).shape).toEqual([0])
    expect(T.exp(zeros([2, 0])).shape).toEqual([2, 0])
    expect(T.where(zeros([0, 1]), zeros([1, 2]), scalar(1)).shape).toEqual([0, 2])
    const s = T.mul(scalar(3), scalar(4))
    expect(s.shape).toEqual([])
    expect(values(s)).toEqual([12])
    expect(T.add(fromArray([1], [1, 1, 1]), vector([1, 2, 3])).shape).toEqual([1, 1, 3])
  })

  it('results are fresh tensors', () => {
    fc.assert(
      fc.property(arb.tensorPair(), ([a, b]) => {
        for (const [, op] of binaryOps) {
          const y = op(a, b)
          expect(y.data === a.data || y.data === b.data).toBe(false)
        }
        for (const [, op] of allUnary) expect(op(a).data === a.data).toBe(false)
      }),
      { numRuns: 100 },
    )
  })

  it('documented examples', () => {
    expect(values(T.map(vector([1, 2]), (v) => 10 * v))).toEqual([10, 20])
    expect(values(T.map2('hypot', vector([3, 5]), scalar(4), Math.hypot))).toEqual([5, 6.4031242374328485])
    expect(values(T.map3('fma', vector([1, 2]), scalar(10), vector([3, 4]), (x, y, z) => x * y + z))).toEqual([13, 24])
    expect(values(T.sigmoid(vector([0, -800])))).toEqual([0.5, 0])
    expect(values(T.step(vector([-1, 0, 2])))).toEqual([0, 0, 1])
    const added = T.add(tensor([[1, 2], [3, 4]]), vector([10, 20]))
    expect([added.shape, values(added)]).toEqual([[2, 2], [11, 22, 13, 24]])
    expect(values(T.less(vector([1, 2, 3]), scalar(2)))).toEqual([1, 0, 0])
    expect(values(T.where(vector([1, 0]), vector([10, 20]), scalar(-1)))).toEqual([10, -1])
    expect(values(T.clip(vector([-5, 0.5, 5]), 0, 1))).toEqual([0, 0.5, 1])
    expect(erfNumber(0.5)).toBe(0.5204998778130465)
    expect(erfcNumber(5)).toBe(1.537459794428035e-12)
  })
})

// ─── errors ─────────────────────────────────────────────────────────────────────────────────────

describe('errors', () => {
  it('a binary op names itself and both shapes', () => {
    expect(() => T.add(zeros([2, 3]), zeros([4]))).toThrow('add: [2,3] x [4]: cannot broadcast')
    expect(() => T.add(zeros([2, 3]), zeros([4]))).toThrow(ShapeError)
    expect(() => T.div(zeros([0]), zeros([2]))).toThrow('div: [0] x [2]: cannot broadcast')
    expect(() => T.greaterEqual(zeros([3, 1]), zeros([2, 2]))).toThrow('greaterEqual: [3,1] x [2,2]: cannot broadcast')
    expect(() => T.map2('hypot', zeros([2]), zeros([3]), Math.hypot)).toThrow('hypot: [2] x [3]: cannot broadcast')
  })

  it('every binary op rejects shapes that do not broadcast, whichever side', () => {
    const bad = arb.shape({ minRank: 1 }).chain((s) =>
      fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), fc.integer({ min: 2, max: 6 })),
    )
    fc.assert(
      fc.property(bad, ([shape, axis, extra]) => {
        const s = shape.map((d, i) => (i === axis && d === 1 ? 2 : d))
        const other = s.map((d, i) => (i === axis ? d + extra : d))
        for (const [name, op] of binaryOps) {
          expect(() => op(zeros(s), zeros(other))).toThrow(`${name}: [${s.join(',')}] x [${other.join(',')}]: cannot broadcast`)
        }
      }),
      { numRuns: 100 },
    )
  })

  it('where and map3 name all three shapes', () => {
    expect(() => T.where(zeros([2]), zeros([3]), zeros([1]))).toThrow('where: [2] x [3] x [1]: cannot broadcast: dimensions 2, 3 and 1')
    expect(() => T.map3('fma', zeros([2, 1]), zeros([1, 3]), zeros([4]), (x) => x)).toThrow('fma: [2,1] x [1,3] x [4]: cannot broadcast')
  })

  it('clip rejects min > max and NaN bounds', () => {
    expect(() => T.clip(vector([1]), 2, 1)).toThrow('clip: min 2 is greater than max 1')
    expect(() => T.clip(vector([1]), 2, 1)).toThrow(ArgumentError)
    expect(() => T.clip(vector([1]), NaN, 1)).toThrow('clip: bounds must not be NaN')
    expect(() => T.clip(vector([1]), 0, NaN)).toThrow('clip: bounds must not be NaN')
  })
})

// ─── purity ─────────────────────────────────────────────────────────────────────────────────────

describe('purity: no op changes its inputs', () => {
  for (const [name, op] of allUnary) {
    it(name, () => purityLaw(name, op, arb.tensor({ extreme: true }).map((x) => [x])))
  }
  for (const [name, op] of binaryOps) {
    it(name, () => purityLaw(name, op, arb.tensorPair()))
  }
  it('map2', () => purityLaw('map2', (a, b) => T.map2('f', a ?? scalar(0), b ?? scalar(0), (x, y) => x - y), arb.tensorPair()))
  it('where and map3', () => {
    const triple = arb.broadcastTuple(3).chain((shapes) => fc.tuple(...shapes.map((s) => arb.tensorOf(s))))
    purityLaw('where', (c, a, b) => T.where(c ?? scalar(0), a ?? scalar(0), b ?? scalar(0)), triple)
    purityLaw('map3', (c, a, b) => T.map3('f', c ?? scalar(0), a ?? scalar(0), b ?? scalar(0), (x, y, z) => x + y + z), triple)
  })
})
