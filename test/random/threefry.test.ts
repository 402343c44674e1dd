import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { threefry2x32, threefry2x32Into } from '../../src/random/threefry.js'

// Random123 known-answer vectors for threefry2x32_20 (kat_vectors), as JAX's testThreefry2x32 uses
// them: [key, counter, expected output].
const KAT: ReadonlyArray<readonly [readonly [number, number], readonly [number, number], readonly [number, number]]> = [
  [[0x00000000, 0x00000000], [0x00000000, 0x00000000], [0x6b200159, 0x99ba4efe]],
  [[0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x1cb996fc, 0xbb002be7]],
  [[0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3], [0xc4923a9c, 0x483df7a0]],
]

const word = fc.integer({ min: 0, max: 0xffffffff })

describe('threefry2x32', () => {
  it.each(KAT)('matches the Random123 vector for key %j, counter %j', (k, c, expected) => {
    expect(threefry2x32(k, c)).toEqual(expected)
  })

  it('the kernel form writes the same words at the offset', () => {
    for (const [k, c, expected] of KAT) {
      const out = new Uint32Array(4)
      threefry2x32Into(out, 2, k[0], k[1], c[0], c[1])
      expect(Array.from(out)).toEqual([0, 0, ...expected])
    }
  })

  it('returns uint32 words and is deterministic', () => {
    fc.assert(
      fc.property(word, word, word, word, (k0, k1, c0, c1) => {
        const a = threefry2x32([k0, k1], [c0, c1])
        const b = threefry2x32([k0, k1], [c0, c1])
        expect(a).toEqual(b)
        for (const w of a) expect(Number.isInteger(w) && w >= 0 && w <= 0xffffffff).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('is injective in the counter (a bijection for a fixed key): neighbouring counters differ', () => {
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 0xfffffffe }), (k0, k1, c) => {
        expect(threefry2x32([k0, k1], [0, c])).not.toEqual(threefry2x32([k0, k1], [0, c + 1]))
      }),
      { numRuns: 200 },
    )
  })

  it('rejects words that are not uint32', () => {
    expect(() => threefry2x32([-1, 0], [0, 0])).toThrow(/threefry2x32: key\[0\] must be an integer in \[0, 2\^32\)/)
    expect(() => threefry2x32([0, 0], [0, 2 ** 32])).toThrow(/counter\[1\]/)
    expect(() => threefry2x32([0, 0.5], [0, 0])).toThrow(/key\[1\]/)
  })
})
