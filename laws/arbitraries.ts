/**
 * fast-check arbitraries for tensors: shapes, broadcastable pairs, matmul pairs, and tensors whose
 * values are drawn from a stated domain.
 *
 * Every law and property test draws its inputs from here. A narrowed domain is part of the name
 * (`positiveTensorOf` for log and sqrt, `awayFromZeroTensorOf` for functions with a kink at 0), so
 * a test says what it assumes. Values are finite float64s: no NaN, no ±Infinity.
 *
 * ## How a value in [min, max] is drawn (`number`, and every tensor arbitrary)
 *
 * Like a user's numbers, not like random bit patterns:
 *
 * - with probability 7/8 it is **uniform on [min, max]** (on a grid of 2⁵² + 1 evenly spaced
 *   points, so every part of the range is as likely as every other part of the same width). On a
 *   range symmetric around 0, |v| ≥ 0.1·max for 90 % of these draws;
 * - with probability 1/8 it is a **special value** of the range, each equally likely among those
 *   that lie in [min, max]: +0 and −0, tiny values (±Number.MIN_VALUE, the smallest normal
 *   ±2.2250738585072014e-308, ±1e-300, ±1e-10), and the ends (min, max, and the floats next to them
 *   inside the range).
 *
 * Overall, on [−10, 10], about 80 % of the values have |v| ≥ 1 (test/laws/arbitraries.test.ts
 * checks it). fast-check's own `fc.double({ min, max })` draws uniformly over the bit patterns
 * instead, which on [−10, 10] gives |v| < 1e-6 for most draws: laws fed that way probe almost
 * nothing but zeros.
 *
 * Shrinking moves a uniform value towards 0 (or towards the end of the range nearest 0).
 *
 * Directions and cotangents of the gradient laws (`directionOf`) are of order 1: every component
 * has magnitude uniform in [0.1, 1] and a random sign.
 */
import fc from 'fast-check'
import { fromData, sizeOf, type Shape, type Tensor } from '../src/tensor/Tensor.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Bounds of a random shape. */
export interface ShapeOptions {
  /** Fewest dimensions (default 0, a scalar). */
  readonly minRank?: number
  /** Most dimensions (default 4). */
  readonly maxRank?: number
  /** Smallest dimension (default 1; 0 allows empty tensors). */
  readonly minDim?: number
  /** Largest dimension (default 5). */
  readonly maxDim?: number
}

/** Domain of random tensor values. */
export interface ValueOptions {
  /** Smallest ordinary value (default −10). */
  readonly min?: number
  /** Largest ordinary value (default 10). */
  readonly max?: number
  /**
   * Also mix in extreme finite values regardless of min and max: magnitudes up to 1e300, tiny and
   * subnormal values, and ±0, about two values in five (default false).
   */
  readonly extreme?: boolean
}

/** Options of `tensor` and `tensorPair`: a random shape and its values. */
export interface TensorOptions extends ShapeOptions, ValueOptions {}

/** Options of `positiveTensorOf`. */
export interface PositiveOptions {
  /** Smallest value, > 0 (default 0.01: log and 1/x stay well-conditioned). */
  readonly min?: number
  /** Largest value (default 10). */
  readonly max?: number
}

/** Options of `awayFromZeroTensorOf`. */
export interface AwayFromZeroOptions {
  /** Largest magnitude (default 10). */
  readonly max?: number
}

// ─── shapes ─────────────────────────────────────────────────────────────────────────────────────

/**
 * A shape of rank minRank..maxRank with dimensions minDim..maxDim.
 *
 * @example
 * fc.sample(shape({ maxRank: 2 }), 3)  // e.g. [[], [3], [1, 5]]
 */
export const shape = ({ minRank = 0, maxRank = 4, maxDim = 5, minDim = 1 }: ShapeOptions = {}): fc.Arbitrary<Shape> =>
  fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank })

/**
 * `count` shapes that broadcast together by NumPy's rules. Each is the common result shape with
 * some leading dimensions dropped (down to a scalar) and some dimensions set to 1.
 */
export const broadcastTuple = (count: number, options: ShapeOptions = {}): fc.Arbitrary<readonly Shape[]> =>
  shape(options).chain((target) =>
    fc.array(broadcastableTo(target), { minLength: count, maxLength: count }),
  )

/**
 * Two shapes that broadcast together, including scalars, size-1 dimensions on either side, and
 * equal shapes.
 *
 * @example
 * fc.sample(broadcastPair(), 2)  // e.g. [[[2, 1, 3], [4, 3]], [[], [5]]]
 */
export const broadcastPair = (options: ShapeOptions = {}): fc.Arbitrary<readonly [Shape, Shape]> =>
  broadcastTuple(2, options).map(([a = [], b = []]) => [a, b] as const)

/**
 * Shapes `[m, k]` and `[k, n]` for a matrix product, with 1 drawn often for each dimension (row
 * vectors, column vectors, outer and inner products).
 */
export const matmulPair = ({ maxDim = 6 }: { readonly maxDim?: number } = {}): fc.Arbitrary<readonly [Shape, Shape]> =>
  fc.tuple(matrixDim(maxDim), matrixDim(maxDim), matrixDim(maxDim)).map(([m, k, n]) => [[m, k], [k, n]] as const)

/**
 * Shapes `[...batchA, m, k]` and `[...batchB, k, n]` whose batch dimensions broadcast (either may
 * be empty).
 */
export const batchedMatmulPair = ({ maxDim = 4 }: { readonly maxDim?: number } = {}): fc.Arbitrary<readonly [Shape, Shape]> =>
  fc.tuple(broadcastPair({ maxRank: 2, maxDim: 3 }), matmulPair({ maxDim })).map(([[ba, bb], [[m, k], [k2, n]]]) => [
    [...ba, m ?? 1, k ?? 1],
    [...bb, k2 ?? 1, n ?? 1],
  ] as const)

// ─── tensors ────────────────────────────────────────────────────────────────────────────────────

/**
 * A tensor of the given shape with finite values in [min, max] (and extreme values when asked).
 *
 * @example
 * fc.sample(tensorOf([2, 2], { min: 0, max: 1 }), 1)
 */
export const tensorOf = (s: Shape, { min = -10, max = 10, extreme = false }: ValueOptions = {}): fc.Arbitrary<Tensor> => {
  const n = sizeOf(s)
  const value = extreme ? fc.oneof({ weight: 3, arbitrary: finite(min, max) }, { weight: 2, arbitrary: EXTREME }) : finite(min, max)
  return fc.array(value, { minLength: n, maxLength: n }).map((values) => fromData(Float64Array.from(values), s))
}

/** A tensor of random shape (see ShapeOptions) and values (see ValueOptions). */
export const tensor = (options: TensorOptions = {}): fc.Arbitrary<Tensor> =>
  shape(options).chain((s) => tensorOf(s, options))

/** Two tensors whose shapes broadcast together. */
export const tensorPair = (options: TensorOptions = {}): fc.Arbitrary<readonly [Tensor, Tensor]> =>
  broadcastPair(options).chain(([a, b]) => fc.tuple(tensorOf(a, options), tensorOf(b, options)))

/** A tensor with values in [min, max], min > 0: the domain of log, sqrt and reciprocal. */
export const positiveTensorOf = (s: Shape, { min = 0.01, max = 10 }: PositiveOptions = {}): fc.Arbitrary<Tensor> => {
  if (!(min > 0) || !(max >= min)) throw new RangeError(`positiveTensorOf: need 0 < min <= max, got min ${min} and max ${max}`)
  return tensorOf(s, { min, max })
}

/**
 * A tensor whose values all have |v| ≥ margin (either sign): keeps finite differences clear of
 * kinks at 0 (abs, relu, step).
 */
export const awayFromZeroTensorOf = (s: Shape, margin = 0.1, { max = 10 }: AwayFromZeroOptions = {}): fc.Arbitrary<Tensor> => {
  if (!(margin > 0) || !(max >= margin)) throw new RangeError(`awayFromZeroTensorOf: need 0 < margin <= max, got margin ${margin} and max ${max}`)
  const n = sizeOf(s)
  const value = fc.tuple(fc.boolean(), finite(margin, max)).map(([negative, v]) => (negative ? -v : v))
  return fc.array(value, { minLength: n, maxLength: n }).map((values) => fromData(Float64Array.from(values), s))
}

/**
 * A direction or cotangent for the gradient laws: every component has magnitude uniform in
 * [0.1, 1] and a random sign, so no component is negligible and none dominates.
 */
export const directionOf = (s: Shape): fc.Arbitrary<Tensor> => {
  const n = sizeOf(s)
  const component = fc.tuple(fc.boolean(), uniform(0.1, 1)).map(([negative, v]) => (negative ? -v : v))
  return fc.array(component, { minLength: n, maxLength: n }).map((values) => fromData(Float64Array.from(values), s))
}

// ─── numbers ────────────────────────────────────────────────────────────────────────────────────

/** Share of special values among the draws of `number` (see the module header). */
export const SPECIAL_FRACTION = 1 / 8

/**
 * A finite number in [min, max]: uniform with probability 7/8, otherwise a special value of the
 * range (±0, tiny values, the ends); see the module header.
 *
 * @example
 * fc.sample(number({ min: -10, max: 10 }), 4)  // e.g. [3.70…, -8.12…, 0, 9.99…]
 */
export const number = ({ min = -10, max = 10 }: { readonly min?: number; readonly max?: number } = {}): fc.Arbitrary<number> => {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) throw new RangeError(`number: need finite min <= max, got min ${min} and max ${max}`)
  const specials = specialValues(min, max)
  const weight = Math.round((1 - SPECIAL_FRACTION) / SPECIAL_FRACTION)
  // noBias: fast-check otherwise favours small values and the first alternatives in early runs,
  // which would undo the stated distribution.
  return specials.length === 0
    ? uniform(min, max)
    : fc.noBias(fc.oneof({ weight, arbitrary: uniform(min, max) }, { weight: 1, arbitrary: fc.constantFrom(...specials) }))
}

/**
 * A number uniform on [min, max] (2⁵² + 1 evenly spaced values), shrinking towards 0 or the end
 * nearest 0. No special values: `number` mixes them in.
 */
export const uniform = (min: number, max: number): fc.Arbitrary<number> => {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) throw new RangeError(`uniform: need finite min <= max, got min ${min} and max ${max}`)
  if (min === max) return fc.constant(min)
  // The grid is anchored at 0 (or at the end nearest 0) so that shrinking, which moves k towards
  // 0, moves the value there too. Dividing each end first keeps max − min from overflowing.
  const step = max / GRID - min / GRID
  const anchor = min <= 0 && max >= 0 ? 0 : Math.abs(min) < Math.abs(max) ? min : max
  const kMin = Math.ceil((min - anchor) / step)
  const kMax = Math.floor((max - anchor) / step)
  // noBias: fast-check's integers otherwise favour values near 0 and the bounds.
  return fc.noBias(fc.integer({ min: kMin, max: kMax })).map((k) => Math.min(max, Math.max(min, anchor + k * step)))
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** Intervals of the uniform grid (2⁵²: every grid index is a safe integer). */
const GRID = 2 ** 52

/** The special values that lie in [min, max], without repeats (−0 and +0 both kept). */
const specialValues = (min: number, max: number): number[] => {
  const tiny = [Number.MIN_VALUE, 2.2250738585072014e-308, 1e-300, 1e-10]
  const candidates = [0, -0, ...tiny, ...tiny.map((t) => -t), min, max, nextUp(min), nextDown(max)]
  const out: number[] = []
  for (const c of candidates) if (c >= min && c <= max && !out.some((o) => Object.is(o, c))) out.push(c)
  return out
}

/** The next float above x (x finite). */
const nextUp = (x: number): number => {
  if (x === 0) return Number.MIN_VALUE
  const buffer = new Float64Array([x])
  const bits = new BigInt64Array(buffer.buffer)
  bits[0] = (bits[0] ?? 0n) + (x > 0 ? 1n : -1n)
  return buffer[0] ?? x
}

/** The next float below x (x finite). */
const nextDown = (x: number): number => -nextUp(-x)

const finite = (min: number, max: number): fc.Arbitrary<number> => number({ min, max })

/** Finite extremes: huge magnitudes, tiny and subnormal values, signed zeros. */
const EXTREME: fc.Arbitrary<number> = fc.oneof(
  fc.double({ min: -1e300, max: 1e300, noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -1e-300, max: 1e-300, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, 1e300, -1e300),
)

/** A matrix dimension, 1 about a third of the time. */
const matrixDim = (maxDim: number): fc.Arbitrary<number> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: maxDim }) })

/** A shape that broadcasts to `target`: a suffix of it with some dimensions replaced by 1. */
const broadcastableTo = (target: Shape): fc.Arbitrary<Shape> =>
  fc
    .tuple(
      fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: target.length }) }),
      fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), {
        minLength: target.length,
        maxLength: target.length,
      }),
    )
    .map(([drop, ones]) => target.slice(drop).map((d, i) => (ones[drop + i] === true ? 1 : d)))
