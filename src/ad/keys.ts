/**
 * Random keys as values of a computation (issue 14): a `jit` trace makes the words of the keys it
 * is given (and of the keys derived from them) traced values, so that a layer drawing randomness
 * from its key through an op stays compiled — the plan draws fresh bits from each call's key.
 */
import * as T from '../tensor/index.js'
import { isDual, type Value } from './Dual.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Where a `jit` trace keeps a traced key's words (a tracer of shape [2]) on the key object. */
export const TRACED_KEY_WORDS: unique symbol = Symbol('dualflow.jit.keyWords')

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The words of a random key as a tensor of shape [2] (float64, exact for 32-bit words): under
 * `jit`, the traced value of a key that is an argument of the compiled function or derived from
 * one, so that an op computing from it (a `constantOp` drawing a mask) is recorded into the plan
 * and replays with each call's key; otherwise a plain tensor of `k.words`.
 *
 * @example
 * keyWords(random.key(42))  // [0, 42]
 */
export const keyWords = (k: { readonly words: readonly [number, number] }): Value => {
  const traced: unknown = Reflect.get(k, TRACED_KEY_WORDS)
  if (isDual(traced)) return traced
  return T.vector([k.words[0], k.words[1]])
}
