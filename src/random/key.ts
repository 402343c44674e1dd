/**
 * Random keys: explicit, immutable, splittable.
 *
 * A key is two 32-bit words. Nothing random happens without one, and the same key gives the same
 * bits on every machine. A key is never advanced in place: `split` derives fresh keys from it and
 * `foldIn` mixes an integer into it, both by encrypting counters under the key with Threefry-2x32
 * (./threefry.ts). The derivations follow JAX's definitions under its current default
 * (`jax_threefry_partitionable`), so keys and raw bits agree with JAX's word for word:
 *
 * - `key(seed)` is `[high 32 bits of seed, low 32 bits of seed]` (`jax.random.key(seed)`);
 * - `split(k, n)[i]` is the block at counter `(0, i)` (so `foldIn(k, i)` equals `split(k, n)[i]`,
 *   as in JAX);
 * - `bits(k, 2m)` is JAX's 64-bit `random_bits(k, 64, (m,))`, each element as (high, low) words.
 *
 * Use a key for one purpose: split it first when you need several random things.
 */
import { ArgumentError } from '../tensor/index.js'
import { currentKeyTracer } from './keyTracer.js'
import { threefry2x32Into } from './threefry.js'
import { checkFoldInData, foldInWords } from './words.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A random key: two unsigned 32-bit words. Treat it as opaque; make one with `key(seed)`. */
export interface Key {
  readonly _tag: 'Key'
  readonly words: readonly [number, number]
}

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * The key for a seed: a safe non-negative integer (0 ≤ seed ≤ 2^53 − 1), else an ArgumentError.
 * The words are the seed's high and low 32 bits, as `jax.random.key(seed)` derives them.
 *
 * @throws {ArgumentError} for a seed that is not a safe non-negative integer
 * @example
 * random.key(42).words            // [0, 42]
 * random.key(2 ** 32 + 7).words   // [1, 7]
 */
export const key = (seed: number): Key => {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ArgumentError('key', `seed must be a safe non-negative integer, got ${seed}`)
  }
  return makeKey(Math.floor(seed / TWO_POW_32), seed >>> 0)
}

/**
 * A key from its two words (as `k.words` gives them back, e.g. after saving a training state).
 * Each word must be an integer in [0, 2^32), else an ArgumentError.
 *
 * @throws {ArgumentError} for words that are not integers in [0, 2^32)
 * @example
 * random.keyFromWords([0, 42])  // { _tag: 'Key', words: [0, 42] }, the same key as random.key(42)
 */
export const keyFromWords = (words: readonly [number, number]): Key => {
  for (const w of words) {
    if (!Number.isInteger(w) || w < 0 || w >= TWO_POW_32) {
      throw new ArgumentError('keyFromWords', `each word must be an integer in [0, 2^32), got [${words.join(', ')}]`)
    }
  }
  return makeKey(words[0], words[1])
}

// ─── guards ─────────────────────────────────────────────────────────────────────────────────────

/** True for a value shaped like a key. */
export const isKey = (u: unknown): u is Key =>
  typeof u === 'object' && u !== null && '_tag' in u && u._tag === 'Key' && 'words' in u && Array.isArray(u.words)

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * `n` new keys derived from `k` (default 2): key i is Threefry of the counter (0, i) under `k`.
 * `n` must be an integer in [1, 2^32), else an ArgumentError. The result does not depend on how
 * many keys are asked for: `split(k, 3)[1]` equals `split(k, 2)[1]`.
 *
 * @throws {ArgumentError} for n that is not an integer in [1, 2^32)
 * @example
 * const [paramsKey, dropoutKey] = random.split(random.key(0))
 * random.split(random.key(0)).map((k) => k.words)  // [[1797259609, 2579123966], [928981903, 3453687069]], as JAX
 */
export const split = (k: Key, n: number = 2): readonly Key[] => {
  if (!Number.isInteger(n) || n < 1 || n >= TWO_POW_32) {
    throw new ArgumentError('split', `n must be an integer in [1, 2^32), got ${n}`)
  }
  const tracer = currentKeyTracer()
  if (tracer !== undefined) {
    // split(k, n)[i] is foldIn(k, i): one recorded derivation per key.
    const first = tracer.derive(k, 'split', (parent) => foldIn(parent, 0))
    if (first !== undefined) {
      const traced = [first]
      for (let i = 1; i < n; i++) traced.push(tracer.derive(k, 'split', (parent) => foldIn(parent, i)) ?? first)
      return Object.freeze(traced)
    }
  }
  const out = new Uint32Array(2 * n)
  const [k0, k1] = k.words
  for (let i = 0; i < n; i++) threefry2x32Into(out, 2 * i, k0, k1, 0, i)
  const keys: Key[] = []
  for (let i = 0; i < n; i++) keys.push(makeKey(out[2 * i] ?? 0, out[2 * i + 1] ?? 0))
  return Object.freeze(keys)
}

/**
 * A key derived from `k` and an integer `data` in [0, 2^32) (else an ArgumentError): Threefry of
 * the counter (0, data) under `k`, as `jax.random.fold_in`. Use it to derive per-step or
 * per-example keys without splitting: `foldIn(k, step)`.
 *
 * @throws {ArgumentError} for data that is not an integer in [0, 2^32)
 * @example
 * random.foldIn(random.key(0), 1).words  // [928981903, 3453687069]
 */
export const foldIn = (k: Key, data: number): Key => {
  checkFoldInData(data)
  const traced = currentKeyTracer()?.derive(k, 'foldIn', (parent) => foldIn(parent, data))
  if (traced !== undefined) return traced
  foldInWords(FOLD_WORDS, k, data)
  return makeKey(FOLD_WORDS[0] ?? 0, FOLD_WORDS[1] ?? 0)
}

/** foldIn's two output words, read straight into the new key (a training loop derives a key per step: no buffer per call). */
const FOLD_WORDS = new Uint32Array(2)

/**
 * `count` random 32-bit words from `k`, in counter mode: block i (counter = the 64-bit integer i
 * as high and low words) gives words 2i and 2i + 1; an odd count drops the last word of the last
 * block. `count` must be a non-negative safe integer, else an ArgumentError.
 *
 * @throws {ArgumentError} for a count that is not a non-negative safe integer
 * @example
 * random.bits(random.key(0), 2)  // [0x6b200159, 0x99ba4efe] (a Uint32Array)
 */
export const bits = (k: Key, count: number): Uint32Array => {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new ArgumentError('bits', `count must be a non-negative safe integer, got ${count}`)
  }
  const blocks = Math.ceil(count / 2)
  const out = new Uint32Array(2 * blocks)
  const [k0, k1] = k.words
  for (let i = 0; i < blocks; i++) threefry2x32Into(out, 2 * i, k0, k1, Math.floor(i / TWO_POW_32), i >>> 0)
  return count === out.length ? out : out.slice(0, count)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const TWO_POW_32 = 4294967296


const makeKey = (w0: number, w1: number): Key => {
  const words: readonly [number, number] = [w0, w1]
  return Object.freeze({ _tag: 'Key', words: Object.freeze(words) })
}
