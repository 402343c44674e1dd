import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Float64Base64, ModelFileCodec, ShapeCodec, TensorEntryCodec } from '../../src/io/index.js'
import { finiteDouble } from './fakes.js'

const messageOf = (result: E.Either<ReadonlyArray<{ readonly message?: string | undefined }>, unknown>): string =>
  E.isLeft(result) ? (result.left[0]?.message ?? '') : ''

describe('Float64Base64', () => {
  it('encodes 1 as the bytes 00 00 00 00 00 00 F0 3F', () => {
    expect(Float64Base64.encode(Float64Array.of(1))).toBe('AAAAAAAA8D8=')
    expect(Float64Base64.encode(new Float64Array(0))).toBe('')
  })
  it('decodes what it encodes, bit for bit', () =>
    fc.assert(
      fc.property(fc.array(finiteDouble, { maxLength: 20 }), (values) => {
        const back = Float64Base64.decode(Float64Base64.encode(Float64Array.from(values)))
        if (E.isLeft(back)) return false
        return back.right.length === values.length && values.every((x, i) => Object.is(x, back.right[i]))
      }),
      { numRuns: 300 },
    ))
  it('rejects non-finite values, odd byte counts and non-strings', () => {
    expect(messageOf(Float64Base64.decode(Float64Base64.encode(Float64Array.of(1, Number.NaN))))).toContain('value 1 is NaN')
    expect(messageOf(Float64Base64.decode('AAAA'))).toContain('got 3 bytes')
    expect(messageOf(Float64Base64.decode(0))).toContain('base64 text')
  })
})

describe('ShapeCodec and TensorEntryCodec', () => {
  it('accepts shapes of non-negative safe integers only', () => {
    expect(ShapeCodec.decode([])).toEqual(E.right([]))
    expect(ShapeCodec.decode([0, 3])).toEqual(E.right([0, 3]))
    for (const bad of [[-1], [0.5], [2 ** 53], ['1'], [null], {}, '3']) expect(E.isLeft(ShapeCodec.decode(bad))).toBe(true)
  })
  it('checks that the data has as many values as the shape has elements', () => {
    const entry = { path: 'params.w', shape: [2], data: Float64Base64.encode(Float64Array.of(1, 2, 3)) }
    expect(messageOf(TensorEntryCodec.decode(entry))).toBe('expected 2 float64 values (16 bytes) for shape [2], got 3 values (24 bytes)')
    expect(E.isRight(TensorEntryCodec.decode({ ...entry, shape: [3] }))).toBe(true)
    expect(E.isRight(TensorEntryCodec.decode({ path: 'params.e', shape: [0, 4], data: '' }))).toBe(true)
  })
})

describe('ModelFileCodec', () => {
  const file = {
    format: 'dualflow-model',
    version: 1,
    inputShape: [2],
    spec: { kind: 'dense', units: 1 },
    tensors: [{ path: 'params.kernel', shape: [2, 1], data: Float64Base64.encode(Float64Array.of(0.5, -0)) }],
  }
  it('decodes a file without a model and encodes it back', () => {
    const decoded = ModelFileCodec.decode(file)
    if (E.isLeft(decoded)) throw new Error('expected a Right')
    expect(Object.is(decoded.right.tensors[0]?.data[1], -0)).toBe(true)
    expect(ModelFileCodec.encode(decoded.right)).toEqual(file)
  })
  it('rejects unknown keys instead of dropping them', () => {
    expect(messageOf(ModelFileCodec.decode({ ...file, extra: 1 }))).toContain('unexpected key "extra"')
    const withProto = JSON.parse(JSON.stringify(file).replace('{', '{"__proto__":{"x":1},'))
    expect(messageOf(ModelFileCodec.decode(withProto))).toContain('unexpected key "__proto__"')
  })
})
