/**
 * The laws of saving: decode ∘ encode is the identity, bit for bit, on any parameter trees; and
 * no corruption of a saved file makes decodeModel throw — it gives a Right that still fits the
 * model or a Left with a message.
 */
import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeModel, encodeModel, type SavedModel } from '../../src/io/index.js'
import * as random from '../../src/random/index.js'
import { fromArray } from '../../src/tensor/Tensor.js'
import { batchNorm, bitsOf, dense, EXTREMES, fixed, sequential, structureOf, treeArb, type FakeLayer } from './fakes.js'

const inputShapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 })

describe('decodeModel ∘ encodeModel', () => {
  it('is the identity, bit for bit, on generated parameter and state trees', () =>
    fc.assert(
      fc.property(treeArb, treeArb, inputShapeArb, (params, state, inputShape) => {
        const model = fixed(params, state)
        const result = decodeModel(encodeModel(model, { params, state, inputShape }), model)
        if (E.isLeft(result)) throw result.left
        expect(bitsOf(result.right.params)).toEqual(bitsOf(params))
        expect(bitsOf(result.right.state)).toEqual(bitsOf(state))
        expect(structureOf(result.right.params)).toEqual(structureOf(params))
        expect(structureOf(result.right.state)).toEqual(structureOf(state))
        expect(result.right.inputShape).toEqual(inputShape)
      }),
      { numRuns: 200 },
    ))
  it('carries -0, subnormals and the largest doubles exactly', () => {
    const values = [...EXTREMES, ...EXTREMES.map((x) => -x)]
    const params = { w: fromArray(values, [values.length]) }
    const model = fixed(params)
    const result = decodeModel(encodeModel(model, { params, state: {}, inputShape: [] }), model)
    if (E.isLeft(result)) throw result.left
    const back = result.right.params
    expect(bitsOf(back)).toEqual(bitsOf(params))
    const w = Array.isArray(back) ? undefined : Reflect.get(back, 'w')
    expect(Object.is(w?.data[1], -0)).toBe(true)
    expect(w?.data[2]).toBe(5e-324)
    expect(w?.data[6]).toBe(1.7976931348623157e308)
  })
  it('gives text that encodes to itself again (the encoding is canonical)', () =>
    fc.assert(
      fc.property(treeArb, (params) => {
        const model = fixed(params)
        const text = encodeModel(model, { params, state: {}, inputShape: [1] })
        const back = decodeModel(text, model)
        if (E.isLeft(back)) throw back.left
        expect(encodeModel(model, back.right)).toBe(text)
      }),
      { numRuns: 100 },
    ))
})

// ─── corruption ─────────────────────────────────────────────────────────────────────────────────

type Corruption =
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'duplicate'; readonly at: number }
  | { readonly kind: 'change'; readonly at: number; readonly char: string }
  | { readonly kind: 'insert'; readonly at: number; readonly char: string }
  | { readonly kind: 'truncate'; readonly at: number }

/** Characters that matter to JSON, numbers and base64, and any other. */
const charArb = fc.oneof(
  fc.constantFrom(...'{}[],:"\\-+.eE0123456789 \n/=AQgw_nulltrue'.split('')),
  fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
)

const corruptionArb: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('change' as const), at: fc.nat(), char: charArb }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: charArb }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
)

const corrupt = (text: string, c: Corruption): string => {
  if (text.length === 0) return text
  const i = c.at % text.length
  switch (c.kind) {
    case 'delete':
      return text.slice(0, i) + text.slice(i + 1)
    case 'duplicate':
      return text.slice(0, i + 1) + text.slice(i)
    case 'change':
      return text.slice(0, i) + c.char + text.slice(i + 1)
    case 'insert':
      return text.slice(0, i) + c.char + text.slice(i)
    case 'truncate':
      return text.slice(0, i)
  }
}

/** A Right must still fit the model: it saves again, and loads back to the same bits. */
const checkOutcome = (model: FakeLayer, result: ReturnType<typeof decodeModel>): void => {
  if (E.isLeft(result)) {
    expect(result.left.message).toMatch(/^decodeModel: at \$/)
    expect(result.left.path.startsWith('$')).toBe(true)
    expect(result.left.detail.length).toBeGreaterThan(0)
    return
  }
  const fresh = model.init(random.key(0), result.right.inputShape)
  expect(structureOf(result.right.params)).toEqual(structureOf(fresh.params))
  expect(structureOf(result.right.state)).toEqual(structureOf(fresh.state))
  const again = decodeModel(encodeModel(model, result.right), model)
  if (E.isLeft(again)) throw again.left
  expect(bitsOf(again.right.params)).toEqual(bitsOf(result.right.params))
}

describe('decodeModel on corrupted files', () => {
  const model = sequential(dense(2), batchNorm(), dense(1))
  const init = model.init(random.key(3), [3])
  const saved: SavedModel = { params: init.params, state: init.state, inputShape: [3] }
  const text = encodeModel(model, saved)

  it('never throws: a Right that still fits the model, or a Left with a message', () =>
    fc.assert(
      fc.property(fc.array(corruptionArb, { minLength: 1, maxLength: 4 }), (corruptions) => {
        const bad = corruptions.reduce(corrupt, text)
        checkOutcome(model, decodeModel(bad, model))
      }),
      { numRuns: 1000 },
    ))
  it('never throws on corrupted files of generated trees', () =>
    fc.assert(
      fc.property(treeArb, fc.array(corruptionArb, { minLength: 1, maxLength: 3 }), (params, corruptions) => {
        const m = fixed(params)
        const bad = corruptions.reduce(corrupt, encodeModel(m, { params, state: {}, inputShape: [2] }))
        checkOutcome(m, decodeModel(bad, m))
      }),
      { numRuns: 300 },
    ))
  it('detects most corruptions (the format is strict)', () => {
    const outcomes = fc.sample(fc.array(corruptionArb, { minLength: 1, maxLength: 4 }), { numRuns: 300, seed: 42 })
    const lefts = outcomes.filter((cs) => E.isLeft(decodeModel(cs.reduce(corrupt, text), model))).length
    // Whitespace edits and changed base64 digits can leave a valid file; most edits must not.
    expect(lefts).toBeGreaterThan(150)
  })
})
