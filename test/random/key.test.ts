import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bits, foldIn, isKey, key, keyFromWords, split } from '../../src/random/key.js'
import { threefry2x32 } from '../../src/random/threefry.js'

const seed = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })

// jax.random.split(jax.random.key(0), 4) under jax_threefry_partitionable (JAX's default).
const JAX_SPLIT_0 = [
  [1797259609, 2579123966],
  [928981903, 3453687069],
  [4146024105, 2718843009],
  [2467461003, 3840466878],
]

describe('key', () => {
  it('takes the high and low 32 bits of the seed, as jax.random.key', () => {
    expect(key(0).words).toEqual([0, 0])
    expect(key(42).words).toEqual([0, 42])
    expect(key(2 ** 32 + 7).words).toEqual([1, 7])
    expect(key(Number.MAX_SAFE_INTEGER).words).toEqual([0x1fffff, 0xffffffff])
  })

  it('round-trips through its words', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const k = key(s)
        expect(keyFromWords(k.words)).toEqual(k)
        expect(k.words[0] * 2 ** 32 + k.words[1]).toBe(s)
        expect(isKey(k)).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('is frozen', () => {
    const k = key(3)
    expect(Object.isFrozen(k)).toBe(true)
    expect(Object.isFrozen(k.words)).toBe(true)
  })

  it('rejects seeds that are not safe non-negative integers', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => key(bad)).toThrow(/key: seed must be a safe non-negative integer/)
    }
    expect(() => keyFromWords([0, 2 ** 32])).toThrow(/keyFromWords/)
    expect(isKey({ words: [0, 0] })).toBe(false)
  })
})

describe('split', () => {
  it('matches jax.random.split(jax.random.key(0))', () => {
    expect(split(key(0), 4).map((k) => k.words)).toEqual(JAX_SPLIT_0)
  })

  it('golden values for key(42)', () => {
    expect(split(key(42)).map((k) => k.words)).toEqual([
      [1832780943, 270669613],
      [64467757, 2916123636],
    ])
  })

  it('is deterministic, gives n distinct keys, none equal to the parent', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 1, max: 16 }), (s, n) => {
        const parent = key(s)
        const keys = split(parent, n)
        expect(keys).toHaveLength(n)
        expect(split(parent, n)).toEqual(keys)
        const distinct = new Set(keys.map((k) => k.words.join(':')))
        expect(distinct.size).toBe(n)
        expect(distinct.has(parent.words.join(':'))).toBe(false)
      }),
      { numRuns: 200 },
    )
  })

  it('key i does not depend on how many keys are asked for', () => {
    fc.assert(
      fc.property(seed, (s) => {
        expect(split(key(s), 5).slice(0, 2)).toEqual(split(key(s), 2))
      }),
      { numRuns: 100 },
    )
  })

  it('different seeds give different keys', () => {
    expect(split(key(0))[0]).not.toEqual(split(key(1))[0])
  })

  it('rejects n that is not an integer ≥ 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => split(key(0), bad)).toThrow(/split: n must be an integer/)
  })
})

describe('foldIn', () => {
  it('encrypts the counter (0, data), as jax.random.fold_in', () => {
    expect(foldIn(key(0), 1).words).toEqual(JAX_SPLIT_0[1])
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 0xffffffff }), (s, d) => {
        expect(foldIn(key(s), d).words).toEqual(threefry2x32(key(s).words, [0, d]))
      }),
      { numRuns: 100 },
    )
  })

  it('rejects data outside [0, 2^32)', () => {
    for (const bad of [-1, 2 ** 32, 0.5]) expect(() => foldIn(key(0), bad)).toThrow(/foldIn: data must be an integer/)
  })
})

describe('bits', () => {
  it("equals JAX's 64-bit random_bits for key(0), as (high, low) words", () => {
    // jax.random.bits(jax.random.key(0), (3,), dtype=uint64) with x64:
    // [0x6b20015999ba4efe, 0x375f238fcddb151d, 0xf71f4ea9a20e4081]
    expect(Array.from(bits(key(0), 6))).toEqual([0x6b200159, 0x99ba4efe, 0x375f238f, 0xcddb151d, 0xf71f4ea9, 0xa20e4081])
  })

  it('is a prefix-stable counter-mode stream; an odd count drops the last word', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 40 }), (s, n) => {
        const long = bits(key(s), 41)
        const short = bits(key(s), n)
        expect(short).toHaveLength(n)
        expect(Array.from(short)).toEqual(Array.from(long.subarray(0, n)))
      }),
      { numRuns: 100 },
    )
  })

  it('rejects a bad count', () => {
    expect(() => bits(key(0), -1)).toThrow(/bits: count/)
    expect(() => bits(key(0), 1.5)).toThrow(/bits: count/)
  })
})
