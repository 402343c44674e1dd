/**
 * Sampling tensors from a key: uniform, normal, truncated normal, Bernoulli, integers.
 *
 * Each function takes a key and a shape, checks its arguments before drawing, and returns a new
 * float64 tensor. Element i (row-major) comes from block i of the key's counter-mode stream, so
 * the same key and shape give the same tensor, bit for bit. Use a key for one call: `split` it
 * when several tensors are needed.
 */
import { ArgumentError } from '../tensor/index.js'
import { checkShape, sizeOf, type Shape, type Tensor } from '../tensor/index.js'
import { fromData } from '../tensor/internal.js'
import { integersBelow, openUnitFractions, unitFractions } from './draws.js'
import { normalCdf, normalQuantile } from './gaussian.js'
import type { Key } from './key.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link uniform}. */
export interface UniformOptions {
  /** Inclusive lower end (default 0). */
  readonly min?: number
  /** Exclusive upper end (default 1). */
  readonly max?: number
}

/** Options of {@link normal}. */
export interface NormalOptions {
  /** Mean (default 0). */
  readonly mean?: number
  /** Standard deviation, ≥ 0 (default 1). */
  readonly stddev?: number
}

/** Options of {@link truncatedNormal}. */
export interface TruncatedNormalOptions {
  /** Mean of the normal before truncation (default 0). */
  readonly mean?: number
  /** Standard deviation of the normal before truncation, ≥ 0 (default 1). */
  readonly stddev?: number
  /** Lower bound, in standard deviations from the mean (default −2); may be −Infinity. */
  readonly lower?: number
  /** Upper bound, in standard deviations from the mean (default 2); may be +Infinity. */
  readonly upper?: number
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Uniform samples in [min, max) (defaults 0 and 1). Each value is min + (max − min)·u with u a
 * 53-bit fraction k / 2^53 (the top 53 bits of one 64-bit block); a value that rounding pushes up
 * to max is replaced by the float just below max, so max itself never appears. min and max must be
 * finite with min < max and a finite width.
 *
 * @throws {ArgumentError} unless min < max, both finite with a finite width
 * @example
 * random.uniform(random.key(0), [2, 3]).shape             // [2, 3]
 * random.uniform(random.key(0), [2], { min: -1, max: 1 }) // [-0.1630857765672269, -0.5674090907889773]
 */
export const uniform = (k: Key, shape: Shape, { min = 0, max = 1 }: UniformOptions = {}): Tensor => {
  checkShape('uniform', shape)
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(min < max) || !Number.isFinite(max - min)) {
    throw new ArgumentError('uniform', `need finite min < max with a finite width, got min ${min}, max ${max}`)
  }
  const n = sizeOf(shape)
  const out = unitFractions(k, n)
  if (min !== 0 || max !== 1) {
    const width = max - min
    for (let i = 0; i < n; i++) {
      const v = min + width * (out[i] ?? 0)
      out[i] = v < max ? v : floatBelow(max)
    }
  }
  return fromData(out, shape)
}

/**
 * Normal samples with the given mean and standard deviation (defaults 0 and 1), by the inverse
 * CDF: z = Φ⁻¹(u) with u = ((K >> 12) + ½) / 2^52 in (0, 1), Φ⁻¹ by Wichura's AS 241 (relative
 * error ≈ 1e-16, so the float64 draws are exact to about the last bit), and mean + stddev·z.
 * One block per element, no rejection, no pairing (as Box–Muller would), so each element depends
 * on its own block only; |z| < 8.3 always. mean must be finite, stddev finite and ≥ 0.
 *
 * @example
 * random.normal(random.key(0), [3])                               // ≈ [-0.2058421, -0.7847658, 1.8160867]
 * random.normal(random.key(0), [2], { mean: 10, stddev: 0.1 })  // ≈ [9.9794158, 9.9215234]
 */
export const normal = (k: Key, shape: Shape, { mean = 0, stddev = 1 }: NormalOptions = {}): Tensor => {
  checkShape('normal', shape)
  checkLocationScale('normal', mean, stddev)
  const n = sizeOf(shape)
  const out = openUnitFractions(k, n)
  for (let i = 0; i < n; i++) out[i] = mean + stddev * normalQuantile(out[i] ?? 0.5)
  return fromData(out, shape)
}

/**
 * Normal samples conditioned to [mean + lower·stddev, mean + upper·stddev] (defaults: mean 0,
 * stddev 1, lower −2, upper 2, the usual initializer choice), by the inverse CDF, so no rejection
 * loop and no retry budget: z = Φ⁻¹(Φ(lower) + (Φ(upper) − Φ(lower))·u), with u in (0, 1) as in
 * {@link normal}. An interval on the positive side is sampled as its mirror image on the negative
 * side, where Φ keeps its relative precision, and z is clamped into [lower, upper] against the last
 * bit of rounding. lower < upper (either may be infinite); an interval whose probability underflows
 * float64 (beyond about 37 standard deviations) is an ArgumentError.
 *
 * @throws {ArgumentError} unless lower < upper and the interval has probability in float64
 * @example
 * max(abs(random.truncatedNormal(random.key(0), [100])))                     // ≈ 1.9176404 (all within [-2, 2])
 * random.truncatedNormal(random.key(0), [3], { lower: 0, upper: Infinity })  // ≈ [0.5511324, 0.2744946, 2.1120922] (half-normal)
 */
export const truncatedNormal = (
  k: Key,
  shape: Shape,
  { mean = 0, stddev = 1, lower = -2, upper = 2 }: TruncatedNormalOptions = {},
): Tensor => {
  checkShape('truncatedNormal', shape)
  checkLocationScale('truncatedNormal', mean, stddev)
  if (Number.isNaN(lower) || Number.isNaN(upper) || !(lower < upper)) {
    throw new ArgumentError('truncatedNormal', `need lower < upper, got lower ${lower}, upper ${upper}`)
  }
  const mirrored = lower > 0
  const a = mirrored ? -upper : lower
  const b = mirrored ? -lower : upper
  const pa = normalCdf(a)
  const pb = normalCdf(b)
  if (!(pb > pa)) {
    throw new ArgumentError('truncatedNormal', `the interval [${lower}, ${upper}] has no probability in float64`)
  }
  const n = sizeOf(shape)
  const out = openUnitFractions(k, n)
  const mass = pb - pa
  for (let i = 0; i < n; i++) {
    const z = Math.min(b, Math.max(a, normalQuantile(pa + mass * (out[i] ?? 0.5))))
    out[i] = mean + stddev * (mirrored ? -z : z)
  }
  return fromData(out, shape)
}

/**
 * 0/1 samples, 1 with probability p: u < p for a 53-bit fraction u, so p = 0 never gives 1 and
 * p = 1 always does. p must be in [0, 1], else an ArgumentError.
 *
 * @throws {ArgumentError} for p outside [0, 1]
 * @example
 * random.bernoulli(random.key(0), 0.5, [8])  // [1, 1, 0, 0, 0, 1, 0, 0]
 */
export const bernoulli = (k: Key, p: number, shape: Shape): Tensor => {
  checkShape('bernoulli', shape)
  if (!(p >= 0 && p <= 1)) throw new ArgumentError('bernoulli', `p must be in [0, 1], got ${p}`)
  const n = sizeOf(shape)
  const out = unitFractions(k, n)
  for (let i = 0; i < n; i++) out[i] = (out[i] ?? 1) < p ? 1 : 0
  return fromData(out, shape)
}

/**
 * Integers uniform on [low, high), as a float64 tensor. Exactly unbiased: rejection sampling on
 * 53-bit draws (see `integersBelow` in ./draws.ts; a draw is rejected with probability below
 * (high − low) / 2^53). low and high must be safe integers with low < high and high − low ≤ 2^53.
 *
 * @throws {ArgumentError} unless low < high are safe integers with high − low ≤ 2^53
 * @example
 * random.randint(random.key(0), [5], 0, 10)  // [4, 3, 2, 0, 0]
 */
export const randint = (k: Key, shape: Shape, low: number, high: number): Tensor => {
  checkShape('randint', shape)
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || !(low < high) || high - low > TWO_POW_53) {
    throw new ArgumentError('randint', `need safe integers low < high with high - low ≤ 2^53, got low ${low}, high ${high}`)
  }
  const range = high - low
  const out = integersBelow(k, sizeOf(shape), () => range)
  if (low !== 0) for (let i = 0; i < out.length; i++) out[i] = low + (out[i] ?? 0)
  return fromData(out, shape)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const TWO_POW_53 = 9007199254740992

const checkLocationScale = (op: string, mean: number, stddev: number): void => {
  if (!Number.isFinite(mean) || !Number.isFinite(stddev) || stddev < 0) {
    throw new ArgumentError(op, `need a finite mean and a finite stddev ≥ 0, got mean ${mean}, stddev ${stddev}`)
  }
}

/** The largest float64 below a finite x (IEEE 754 nextDown). */
const floatBelow = (x: number): number => {
  if (x === 0) return -Number.MIN_VALUE
  const scratch = new Float64Array(1)
  const asInt = new BigInt64Array(scratch.buffer)
  scratch[0] = x
  asInt[0] = (asInt[0] ?? 0n) + (x > 0 ? -1n : 1n)
  return scratch[0] ?? x
}
