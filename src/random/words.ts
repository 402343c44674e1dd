/**
 * Key derivations and shuffles written into buffers their caller owns, for the library's own loops
 * that run them once per step or per epoch (train's folded epochs): the same words and orders as
 * `foldIn` and `permutation`, which are built on them, without an allocation per call. Not
 * published (`random/internal.ts` re-exports them); the public forms allocate fresh values.
 */
import { ArgumentError } from '../tensor/index.js'
import type { Key } from './key.js'
import { threefry2x32Into } from './threefry.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A key record whose words a loop rewrites in place, for a loop that derives a key per step and
 * hands it to a compiled step that reads its words during the call and keeps nothing: `foldIn(k,
 * data)` makes the record that key — bit for bit `random.foldIn(k, data)`'s words — and returns it,
 * allocating nothing. The record belongs to its maker (one training run); it must never reach code
 * that could keep it, since its words change.
 */
export interface ReusedKey {
  /** Makes the record foldIn(k, data) (data an integer in [0, 2^32), unchecked) and returns it. */
  readonly foldIn: (k: Key, data: number) => Key
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The words of `foldIn(k, data)` written at out[0] and out[1]: Threefry of the counter (0, data)
 * under k. No checks and no key tracer: `data` must already be an integer in [0, 2^32), and the
 * caller must not be inside a trace (`foldIn` checks both before it calls this).
 */
export const foldInWords = (out: Uint32Array, k: Key, data: number): void => threefry2x32Into(out, 0, k.words[0], k.words[1], 0, data)

/**
 * `foldIn`'s check of its data: an integer in [0, 2^32), else an ArgumentError naming foldIn (for
 * callers of `foldInWords` whose data comes from outside, such as an epoch number).
 *
 * @throws {ArgumentError} for data that is not an integer in [0, 2^32)
 */
export const checkFoldInData = (data: number): void => {
  if (!Number.isInteger(data) || data < 0 || data >= 4294967296) {
    throw new ArgumentError('foldIn', `data must be an integer in [0, 2^32), got ${data}`)
  }
}

/** A fresh `ReusedKey` (its words are [0, 0] until its first `foldIn`). */
export const reusedKey = (): ReusedKey => {
  const words: [number, number] = [0, 0]
  const record: Key = { _tag: 'Key', words }
  const scratch = new Uint32Array(2)
  return {
    foldIn: (k, data) => {
      foldInWords(scratch, k, data)
      words[0] = scratch[0] ?? 0
      words[1] = scratch[1] ?? 0
      return record
    },
  }
}
