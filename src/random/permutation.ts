/**
 * Random orderings and subsets of 0..n−1: `permutation` (shuffling a dataset) and `choice`
 * (sampling indices with or without replacement).
 *
 * Both are driven by one key through unbiased bounded integers (./draws.ts), so the same key gives
 * the same ordering everywhere. The shuffle is the forward Fisher–Yates: at step i, swap position
 * i with a position drawn uniformly from i..n−1. Every permutation has probability exactly 1/n!
 * (given uniform draws), and the first `count` steps alone give a uniform sample without
 * replacement: `choice(k, n, count)` is the first `count` entries of `permutation(k, n)`.
 */
import { ArgumentError } from '../tensor/index.js'
import { integersBelow } from './draws.js'
import type { Key } from './key.js'
import { shuffleInto } from './shuffle.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link choice}. */
export interface ChoiceOptions {
  /** Sample with replacement (default false: distinct indices). */
  readonly replace?: boolean
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * A uniformly random permutation of 0..n−1 (forward Fisher–Yates). n must be a non-negative integer
 * no larger than 2^32, else an ArgumentError.
 *
 * @example
 * random.permutation(random.key(0), 5)  // [4, 0, 3, 2, 1]
 */
export const permutation = (k: Key, n: number): readonly number[] => {
  checkCount('permutation', 'n', n, MAX_N)
  return Object.freeze(shuffledPrefix(k, n, n))
}

/**
 * `count` indices drawn from 0..n−1: distinct (a uniformly random ordered subset) unless
 * `replace` is set, in which case independent and uniform. n and count must be non-negative
 * integers, count ≤ n without replacement, and n ≥ 1 when count > 0 with replacement.
 *
 * @param options the options, each with its default:
 * @param options.replace sample with replacement (default false)
 * @throws {ArgumentError} for an empty range, or more distinct indices than n without replacement
 * @example
 * random.choice(random.key(0), 10, 3)                      // [4, 2, 1] (distinct)
 * random.choice(random.key(0), 10, 3, { replace: true })   // [4, 3, 2] (repeats allowed)
 */
export const choice = (k: Key, n: number, count: number, { replace = false }: ChoiceOptions = {}): readonly number[] => {
  checkCount('choice', 'n', n, MAX_N)
  checkCount('choice', 'count', count, MAX_N)
  if (replace) {
    if (count > 0 && n < 1) throw new ArgumentError('choice', `cannot draw ${count} from an empty range (n = 0)`)
    return Object.freeze(Array.from(integersBelow(k, count, () => n)))
  }
  if (count > n) {
    throw new ArgumentError('choice', `cannot draw ${count} distinct indices from ${n} without replacement`)
  }
  return Object.freeze(shuffledPrefix(k, n, count))
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const MAX_N = 2 ** 32

const checkCount = (op: string, name: string, value: number, max: number): void => {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ArgumentError(op, `${name} must be an integer in [0, ${max}], got ${value}`)
  }
}

/** The first `count` entries of the forward Fisher–Yates shuffle of 0..n−1 (./shuffle.ts). */
const shuffledPrefix = (k: Key, n: number, count: number): number[] => {
  const order = new Array<number>(n)
  shuffleInto(order, n, count, k.words[0], k.words[1], new Uint32Array(4))
  return count === n ? order : order.slice(0, count)
}
