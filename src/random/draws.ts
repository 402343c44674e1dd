/**
 * From key-stream words to draws: fractions in [0, 1) and (0, 1), and unbiased integers below a
 * bound. Internal to `random`; the distributions and permutations are built on these.
 *
 * Element i of a draw is made from block i of the key's counter-mode stream (`bits`), read as the
 * 64-bit integer K = high·2^32 + low, as JAX reads its 64-bit random bits.
 */
import { bits, split, type Key } from './key.js'
import { threefry2x32Into } from './threefry.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * `count` fractions (K >> 11) / 2^53: the top 53 bits of each block, uniform on the grid
 * {0, 2^−53, …, 1 − 2^−53} ⊂ [0, 1). Every float64 in [0.5, 1) is reachable.
 */
export const unitFractions = (k: Key, count: number): Float64Array => {
  const words = bits(k, 2 * count)
  const out = new Float64Array(count)
  for (let i = 0; i < count; i++) out[i] = top53(words[2 * i] ?? 0, words[2 * i + 1] ?? 0) * TWO_POW_MINUS_53
  return out
}

/**
 * `count` fractions ((K >> 12) + ½) / 2^52: the midpoints of a 2^52-cell grid, so in (0, 1)
 * strictly, exactly representable, and symmetric (u and 1 − u are equally likely). For inverse-CDF
 * sampling, where 0 and 1 would map to infinities.
 */
export const openUnitFractions = (k: Key, count: number): Float64Array => {
  const words = bits(k, 2 * count)
  const out = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const hi = words[2 * i] ?? 0
    const lo = words[2 * i + 1] ?? 0
    out[i] = (hi * TWO_POW_20 + (lo >>> 12) + 0.5) * TWO_POW_MINUS_52
  }
  return out
}

/**
 * `count` integers, element i uniform on [0, bound(i)), exactly: rejection sampling on 53-bit
 * draws. A draw K53 is accepted when it falls below the largest multiple of the bound that fits in
 * 2^53, and then K53 mod bound is unbiased. First draws come from the stream of `split(k)[0]`; a
 * rejected element i is redrawn from block i of `foldIn(split(k)[1], attempt)`, attempt = 1, 2, …,
 * so no two draws share a counter under one key. A draw is rejected with probability below
 * bound / 2^53 (below 2^−21 for bounds up to 2^32), so redraws are rare; after 64 attempts (a
 * chance below 2^−64 even for the largest bound) the last draw is used modulo the bound, so the
 * loop always ends. Each bound must be an integer in [1, 2^53]; the caller checks.
 */
export const integersBelow = (k: Key, count: number, bound: (i: number) => number): Float64Array => {
  const [first = k, retries = k] = split(k, 2)
  const [f0, f1] = first.words
  const [r0, r1] = retries.words
  const out = new Float64Array(count)
  const scratch = new Uint32Array(2)
  for (let i = 0; i < count; i++) out[i] = boundedDraw(f0, f1, r0, r1, i, bound(i), scratch)
  return out
}

/**
 * Element i of `integersBelow`'s draws, uniform on [0, b): block i of the stream of the key with
 * words (f0, f1) — `split(k)[0]` — redrawn on rejection from block i of `foldIn(retries, attempt)`,
 * with retries' words (r0, r1) — `split(k)[1]`. `scratch` (two words, the caller's) is overwritten;
 * nothing is allocated, so a shuffle run every epoch (train's folded epochs) can call it per element.
 */
export const boundedDraw = (f0: number, f1: number, r0: number, r1: number, i: number, b: number, scratch: Uint32Array): number => {
  const hi = Math.floor(i / TWO_POW_32)
  const lo = i >>> 0
  threefry2x32Into(scratch, 0, f0, f1, hi, lo)
  const limit = TWO_POW_53 - (TWO_POW_53 % b)
  let draw = top53(scratch[0] ?? 0, scratch[1] ?? 0)
  for (let attempt = 1; draw >= limit && attempt <= MAX_ATTEMPTS; attempt++) {
    // foldIn(retries, attempt), then its block i.
    threefry2x32Into(scratch, 0, r0, r1, 0, attempt)
    threefry2x32Into(scratch, 0, scratch[0] ?? 0, scratch[1] ?? 0, hi, lo)
    draw = top53(scratch[0] ?? 0, scratch[1] ?? 0)
  }
  return draw % b
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const TWO_POW_20 = 1048576
const TWO_POW_21 = 2097152
const TWO_POW_32 = 4294967296
const TWO_POW_53 = 9007199254740992
const TWO_POW_MINUS_52 = 2.220446049250313e-16
const TWO_POW_MINUS_53 = 1.1102230246251565e-16
const MAX_ATTEMPTS = 64

/** The top 53 bits of the 64-bit integer hi·2^32 + lo, as an exact float64 integer in [0, 2^53). */
const top53 = (hi: number, lo: number): number => hi * TWO_POW_21 + (lo >>> 11)
