/**
 * Threefry-2x32 with 20 rounds: the block function under every random number in dualflow.
 *
 * Why this generator. Threefry (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as
 * 1, 2, 3", SC 2011) is counter-based: output block i is a keyed bijection of the counter i, so
 * there is no hidden state to carry, any element can be computed on its own, and a key can be split
 * into independent keys by encrypting counters under it. That is what an immutable, explicit-key
 * API needs. It is the generator JAX uses (`jax.random`, `threefry2x32`), it uses only 32-bit
 * addition, rotation and exclusive-or (exact in JavaScript with `>>> 0`, so the same bits come out
 * on every machine), and it has published known-answer vectors.
 *
 * Checked against the Random123 known-answer vectors for threefry2x32_20 (kat_vectors; the same
 * three JAX's `testThreefry2x32` uses), in test/random/threefry.test.ts:
 * - key (0, 0), counter (0, 0) → (0x6b200159, 0x99ba4efe)
 * - key (0xffffffff, 0xffffffff), counter (0xffffffff, 0xffffffff) → (0x1cb996fc, 0xbb002be7)
 * - key (0x13198a2e, 0x03707344), counter (0x243f6a88, 0x85a308d3) → (0xc4923a9c, 0x483df7a0)
 */
import { ArgumentError } from '../tensor/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Two unsigned 32-bit words: a key, a counter or an output block. */
export type Words2x32 = readonly [number, number]

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The Threefry-2x32-20 block function: encrypts a two-word counter under a two-word key.
 * Every word must be an integer in [0, 2^32); otherwise an ArgumentError.
 *
 * @example
 * random.threefry2x32([0, 0], [0, 0])  // [0x6b200159, 0x99ba4efe]
 */
export const threefry2x32 = (key: Words2x32, counter: Words2x32): Words2x32 => {
  checkWord('key[0]', key[0])
  checkWord('key[1]', key[1])
  checkWord('counter[0]', counter[0])
  checkWord('counter[1]', counter[1])
  const out = new Uint32Array(2)
  threefry2x32Into(out, 0, key[0], key[1], counter[0], counter[1])
  return [out[0] ?? 0, out[1] ?? 0]
}

/**
 * Kernel form of {@link threefry2x32}, for loops that fill a buffer: writes the two output words
 * at `out[offset]` and `out[offset + 1]`. No checks: the words must already be uint32 values and
 * `out` must be a buffer the caller has just allocated.
 */
export const threefry2x32Into = (
  out: Uint32Array,
  offset: number,
  k0: number,
  k1: number,
  c0: number,
  c1: number,
): void => {
  // Key schedule: the third key word is the parity word, so that no key schedule is all zero.
  // All three words as uint32 values (k0 and k1 already are: `>>> 0` changes no bits) so that the
  // optimizing compiler keeps the schedule in 32-bit registers: a key word picked from a mix of
  // tagged arguments and a computed word was boxed as a heap number at every call.
  const w0 = k0 >>> 0
  const w1 = k1 >>> 0
  const k2 = (SKEIN_KS_PARITY32 ^ w0 ^ w1) >>> 0
  let x0 = (c0 + w0) >>> 0
  let x1 = (c1 + w1) >>> 0
  // Five groups of four rounds; after each group a key injection (Skein's subkey schedule).
  for (let s = 1; s <= 5; s++) {
    const r = (s & 1) === 1 ? ROTATIONS_EVEN : ROTATIONS_ODD
    for (let i = 0; i < 4; i++) {
      const rot = r[i] ?? 0
      x0 = (x0 + x1) >>> 0
      x1 = ((x1 << rot) | (x1 >>> (32 - rot))) >>> 0
      x1 = (x1 ^ x0) >>> 0
    }
    const m = s % 3
    x0 = (x0 + (m === 0 ? w0 : m === 1 ? w1 : k2)) >>> 0
    x1 = (x1 + (m === 0 ? w1 : m === 1 ? k2 : w0) + s) >>> 0
  }
  out[offset] = x0
  out[offset + 1] = x1
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** Skein's key-schedule parity constant for 32-bit words (Random123's SKEIN_KS_PARITY32). */
const SKEIN_KS_PARITY32 = 0x1bd11bda

/** Rotation constants R_32x2 of Threefry-2x32: rounds 0–3 of each eight, then rounds 4–7. */
const ROTATIONS_EVEN: readonly number[] = [13, 15, 26, 6]
const ROTATIONS_ODD: readonly number[] = [17, 29, 16, 24]

const checkWord = (name: string, w: number): void => {
  if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) {
    throw new ArgumentError('threefry2x32', `${name} must be an integer in [0, 2^32), got ${w}`)
  }
}
