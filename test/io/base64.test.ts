import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeBase64, encodeBase64 } from '../../src/io/base64.js'

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0))

// RFC 4648, section 10.
const VECTORS: ReadonlyArray<readonly [string, string]> = [
  ['', ''],
  ['f', 'Zg=='],
  ['fo', 'Zm8='],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg=='],
  ['fooba', 'Zm9vYmE='],
  ['foobar', 'Zm9vYmFy'],
]

describe('encodeBase64', () => {
  it('gives the RFC 4648 test vectors', () => {
    for (const [plain, coded] of VECTORS) expect(encodeBase64(bytes(plain))).toBe(coded)
  })
  it('agrees with Node’s Buffer on any bytes', () =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => encodeBase64(b) === Buffer.from(b).toString('base64')),
      { numRuns: 300 },
    ))
  it('handles long inputs (several chunks)', () => {
    const b = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) & 255)
    expect(encodeBase64(b)).toBe(Buffer.from(b).toString('base64'))
  })
})

describe('decodeBase64', () => {
  it('decodes the RFC 4648 test vectors', () => {
    for (const [plain, coded] of VECTORS) expect(decodeBase64(coded)).toEqual(E.right(bytes(plain)))
  })
  it('inverts encodeBase64', () =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const back = decodeBase64(encodeBase64(b))
        return E.isRight(back) && Buffer.from(back.right).equals(Buffer.from(b))
      }),
      { numRuns: 300 },
    ))
  it('accepts only canonical text: whatever it decodes encodes back to the same text', () =>
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AZaz09+/=Qgw!'.split('')), maxLength: 16 }), (s) => {
        const decoded = decodeBase64(s)
        return E.isLeft(decoded) || encodeBase64(decoded.right) === s
      }),
      { numRuns: 1000 },
    ))
  it.each([
    ['Zm9', 0, 'multiple of 4'],
    ['Zm9v\n', 0, 'multiple of 4'],
    ['Zm 9', 2, 'got " "'],
    ['Zm9!', 3, 'got "!"'],
    ['Zm-_', 2, 'got "-"'],
    ['Zg=a', 2, 'before the end'],
    ['Z===', 1, 'before the end'],
    ['====', 0, 'before the end'],
    ['Zh==', 1, 'non-canonical'],
    ['Zm9=', 2, 'non-canonical'],
    ['Zm9vé===', 4, 'got "é"'],
  ])('rejects %j (offset %i: %s)', (text, offset, detail) => {
    const result = decodeBase64(text)
    expect(E.isLeft(result)).toBe(true)
    if (E.isLeft(result)) {
      expect(result.left.offset).toBe(offset)
      expect(result.left.detail).toContain(detail)
    }
  })
})
