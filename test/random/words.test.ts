import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { boundedDraw, integersBelow } from '../../src/random/draws.js'
import { bits, foldIn, key, keyFromWords, split, type Key } from '../../src/random/key.js'
import { choice, permutation } from '../../src/random/permutation.js'
import { foldInWords, reusedKey, shuffleInto } from '../../src/random/internal.js'

// The allocation-free forms (src/random/words.ts, shuffle.ts) against the definitions they replace,
// written out here as they were: a key split in two, the first key's whole stream drawn with `bits`,
// a rejected draw redrawn from block i of foldIn(retries, attempt), and the offsets applied after.

const seed = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })
const TWO_POW_53 = 2 ** 53

const referenceIntegersBelow = (k: Key, count: number, bound: (i: number) => number): number[] => {
  const [first = k, retries = k] = split(k, 2)
  const words = bits(first, 2 * count)
  const out: number[] = []
  for (let i = 0; i < count; i++) {
    const b = bound(i)
    const limit = TWO_POW_53 - (TWO_POW_53 % b)
    let draw = (words[2 * i] ?? 0) * 2 ** 21 + ((words[2 * i + 1] ?? 0) >>> 11)
    for (let attempt = 1; draw >= limit && attempt <= 64; attempt++) {
      const kk = foldIn(retries, attempt)
      const block = bits(kk, 2 * (i + 1))
      draw = (block[2 * i] ?? 0) * 2 ** 21 + ((block[2 * i + 1] ?? 0) >>> 11)
    }
    out.push(draw % b)
  }
  return out
}

const referencePermutation = (k: Key, n: number): number[] => {
  const steps = Math.max(n - 1, 0)
  const offsets = referenceIntegersBelow(k, steps, (i) => n - i)
  const order = Array.from({ length: n }, (_, i) => i)
  for (let i = 0; i < steps; i++) {
    const j = i + (offsets[i] ?? 0)
    const held = order[i] ?? i
    order[i] = order[j] ?? j
    order[j] = held
  }
  return order
}

describe('allocation-free draws and shuffles', () => {
  it('integersBelow draws what the whole-stream definition draws, rejections included', () => {
    // A bound just over 2^52 rejects about half of all draws: the retry path runs on most elements.
    const bounds = [(i: number) => 10 - (i % 10), () => 2 ** 32, () => 2 ** 52 + 1, () => TWO_POW_53]
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: bounds.length - 1 }), (s, count, which) => {
        const bound = bounds[which] ?? (() => 1)
        expect(Array.from(integersBelow(key(s), count, bound))).toEqual(referenceIntegersBelow(key(s), count, bound))
      }),
    )
  })

  it('boundedDraw leaves the retry path after at most 64 attempts with a value below the bound', () => {
    const scratch = new Uint32Array(2)
    for (let i = 0; i < 200; i++) expect(boundedDraw(1, 2, 3, 4, i, 2 ** 52 + 1, scratch)).toBeLessThan(2 ** 52 + 1)
  })

  it('shuffleInto is permutation, choice and the reference shuffle, into a reused buffer', () => {
    const order = new Uint32Array(64)
    const scratch = new Uint32Array(4)
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 64 }), fc.nat(), (s, n, c) => {
        const k = key(s)
        const count = n === 0 ? 0 : c % (n + 1)
        shuffleInto(order, n, n, k.words[0], k.words[1], scratch)
        const whole = Array.from(order.subarray(0, n))
        expect(whole).toEqual(permutation(k, n))
        expect(whole).toEqual(referencePermutation(k, n))
        shuffleInto(order, n, count, k.words[0], k.words[1], scratch)
        expect(Array.from(order.subarray(0, count))).toEqual(choice(k, n, count))
      }),
    )
  })

  it('foldInWords and reusedKey give foldIn’s words; the reused record is rewritten, not replaced', () => {
    const reused = reusedKey()
    const out = new Uint32Array(2)
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 2 ** 32 - 1 }), (s, data) => {
        const expected = foldIn(key(s), data).words
        foldInWords(out, key(s), data)
        expect(Array.from(out)).toEqual([...expected])
        const k = reused.foldIn(key(s), data)
        expect(k).toEqual(keyFromWords(expected))
        expect(reused.foldIn(key(s), data === 0 ? 1 : 0)).toBe(k)
        expect(k.words).not.toEqual(expected)
      }),
    )
  })
})
