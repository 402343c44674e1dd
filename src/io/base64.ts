/**
 * Base64 (RFC 4648, section 4: the standard alphabet `A–Z a–z 0–9 + /` with `=` padding), written
 * out here so that the io core runs unchanged in browsers and in Node: no `Buffer`, no `atob`
 * (whose binary strings would need a second conversion).
 *
 * The decoder is strict, so that a saved model has exactly one spelling of its bytes and a damaged
 * one is noticed rather than read differently: the length must be a multiple of 4; padding is
 * `=` or `==` at the very end only; no whitespace or line breaks; and the bits that padding leaves
 * unused must be zero (RFC 4648, section 3.5, allows a decoder to insist on this). So
 * `decodeBase64(encodeBase64(bytes))` gives the bytes back, and `encodeBase64` of a decoded text
 * gives the text back.
 */
import { either as E } from 'fp-ts'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Why a text is not strict base64: the character offset where the problem is, and what it is. */
export interface Base64Problem {
  /** 0-based offset into the text. */
  readonly offset: number
  readonly detail: string
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The base64 text of some bytes, padded with `=` to a multiple of 4 characters.
 *
 * @example
 * encodeBase64(Uint8Array.of(104, 105))  // 'aGk='
 * encodeBase64(new Uint8Array(0))        // ''
 */
export const encodeBase64 = (bytes: Uint8Array): string => {
  const n = bytes.length
  const codes = new Uint8Array(4 * Math.ceil(n / 3))
  let o = 0
  let i = 0
  for (; i + 2 < n; i += 3) {
    const triple = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    codes[o++] = ALPHABET_CODES[triple >>> 18] ?? 0
    codes[o++] = ALPHABET_CODES[(triple >>> 12) & 63] ?? 0
    codes[o++] = ALPHABET_CODES[(triple >>> 6) & 63] ?? 0
    codes[o++] = ALPHABET_CODES[triple & 63] ?? 0
  }
  const rest = n - i
  if (rest > 0) {
    const triple = ((bytes[i] ?? 0) << 16) | (rest === 2 ? (bytes[i + 1] ?? 0) << 8 : 0)
    codes[o++] = ALPHABET_CODES[triple >>> 18] ?? 0
    codes[o++] = ALPHABET_CODES[(triple >>> 12) & 63] ?? 0
    codes[o++] = rest === 2 ? (ALPHABET_CODES[(triple >>> 6) & 63] ?? 0) : PAD
    codes[o++] = PAD
  }
  return asciiToString(codes)
}

/**
 * The bytes of a strict base64 text (see the module header for what strict means), or the first
 * problem found, with its offset.
 *
 * @example
 * decodeBase64('aGk=')  // right(Uint8Array [104, 105])
 * decodeBase64('aGk')   // left({ offset: 0, detail: 'expected a length that is a multiple of 4, got 3 characters' })
 */
export const decodeBase64 = (text: string): E.Either<Base64Problem, Uint8Array> => {
  const n = text.length
  if (n % 4 !== 0) {
    return E.left({ offset: 0, detail: `expected a length that is a multiple of 4, got ${n} characters` })
  }
  const padding = n === 0 ? 0 : text.charCodeAt(n - 1) !== PAD ? 0 : text.charCodeAt(n - 2) !== PAD ? 1 : 2
  const bytes = new Uint8Array((n / 4) * 3 - padding)
  const body = n - padding
  let o = 0
  let triple = 0
  for (let i = 0; i < body; i++) {
    const code = text.charCodeAt(i)
    const sextet = code < 128 ? (SEXTETS[code] ?? -1) : -1
    if (sextet < 0) {
      const what = code === PAD ? '"=" before the end (padding goes last)' : JSON.stringify(text.charAt(i))
      return E.left({ offset: i, detail: `expected a base64 character (A–Z, a–z, 0–9, +, /), got ${what}` })
    }
    triple = (triple << 6) | sextet
    if ((i & 3) === 3) {
      bytes[o++] = triple >>> 16
      bytes[o++] = (triple >>> 8) & 255
      bytes[o++] = triple & 255
      triple = 0
    }
  }
  if (padding > 0) {
    // The last group has 4 − padding characters holding 8·(3 − padding) bits; the rest must be 0.
    const unusedBits = padding === 1 ? 2 : 4
    if ((triple & ((1 << unusedBits) - 1)) !== 0) {
      return E.left({ offset: body - 1, detail: 'expected the bits before the padding to be zero (non-canonical base64)' })
    }
    const value = triple >>> unusedBits
    if (padding === 1) {
      bytes[o++] = value >>> 8
      bytes[o++] = value & 255
    } else bytes[o++] = value
  }
  return E.right(bytes)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

const PAD = 61 // '='

const ALPHABET_CODES: Uint8Array = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0))

/** The 6-bit value of each ASCII code, −1 for codes outside the alphabet. */
const SEXTETS: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1)
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i
  return table
})()

/**
 * The string of ASCII codes. `TextDecoder` (in every browser and in Node) does it natively, about
 * ten times faster than `String.fromCharCode` over chunks; ASCII is valid UTF-8 and decodes to
 * itself, so the UTF-8 decoder every implementation has is enough.
 */
const asciiToString = (codes: Uint8Array): string => ASCII.decode(codes)

const ASCII = new TextDecoder('utf-8')
