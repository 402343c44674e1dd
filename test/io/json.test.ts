import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { findJsonProblem, formatJsonPath, isJsonValue, jsonDifference, showJson, toJsonValue } from '../../src/io/json.js'
import { zeros } from '../../src/tensor/Tensor.js'

describe('findJsonProblem', () => {
  it('accepts JSON values, including an own __proto__ key', () => {
    expect(findJsonProblem(JSON.parse('{"a": [1, -0, null, true, "x", {"__proto__": {"b": 2}}]}'))).toBeUndefined()
  })
  it.each([
    [{ units: [1, Number.NaN] }, ['units', 1], 'NaN'],
    [{ rate: Number.POSITIVE_INFINITY }, ['rate'], 'Infinity'],
    [[undefined], [0], 'undefined'],
    [{ f: () => 1 }, ['f'], 'a function'],
    // a tensor is not JSON: it is found at its own place (its prototype carries the inspect hook)
    [{ t: zeros([1]) }, ['t'], 'a non-plain object'],
    [{ d: new Date(0) }, ['d'], 'a non-plain object'],
    [{ n: 1n }, ['n'], 'a bigint'],
  ])('rejects %o at %j', (value, path, detail) => {
    const problem = findJsonProblem(value)
    expect(problem?.path).toEqual(path)
    expect(problem?.detail).toContain(detail)
  })
  it('rejects cycles but not shared subtrees', () => {
    const shared = { a: 1 }
    expect(findJsonProblem({ x: shared, y: shared })).toBeUndefined()
    const cyclic: { self?: unknown } = {}
    cyclic.self = cyclic
    expect(findJsonProblem(cyclic)?.detail).toContain('cycle')
  })
  it('handles any nesting depth without overflowing the stack', () => {
    const depth = 200_000
    const deep = JSON.parse('['.repeat(depth) + ']'.repeat(depth))
    expect(isJsonValue(deep)).toBe(true)
  })
})

describe('toJsonValue', () => {
  it('leaves out record entries holding undefined, as JSON.stringify does', () => {
    expect(toJsonValue({ kind: 'dense', units: 12, bias: undefined })).toEqual(E.right({ kind: 'dense', units: 12 }))
  })
  it('still rejects undefined array elements and non-JSON values', () => {
    expect(E.isLeft(toJsonValue([undefined]))).toBe(true)
    expect(toJsonValue({ a: { b: Number.NaN } })).toEqual(E.left({ path: ['a', 'b'], detail: 'expected a finite number, got NaN' }))
  })
  it('copies __proto__ as an own key, not a prototype', () => {
    const copy = toJsonValue(JSON.parse('{"__proto__": {"polluted": 1}}'))
    expect(E.isRight(copy)).toBe(true)
    if (E.isRight(copy)) {
      const record: object = Object(copy.right)
      expect(Object.keys(record)).toEqual(['__proto__'])
      expect(Object.getPrototypeOf(record)).toBe(Object.prototype)
      expect(Reflect.get(record, 'polluted')).toBeUndefined()
    }
  })
})

describe('jsonDifference', () => {
  it('is undefined for equal values, whatever the key order', () => {
    expect(jsonDifference({ a: 1, b: [true, null] }, { b: [true, null], a: 1 })).toBeUndefined()
  })
  it.each([
    [{ kind: 'dense', units: 12 }, { kind: 'dense', units: 8 }, ['units'], 'expected 12, got 8'],
    [{ layers: [{ u: 1 }, { u: 2 }] }, { layers: [{ u: 1 }, { u: 3 }] }, ['layers', 1, 'u'], 'expected 2, got 3'],
    [{ a: 1, b: 2 }, { a: 1 }, ['b'], 'missing key'],
    [{ a: 1 }, { a: 1, c: 3 }, ['c'], 'unexpected key "c"'],
    [{ l: [1, 2] }, { l: [1] }, ['l', 1], 'shorter'],
    [{ l: [1] }, { l: [1, 2] }, ['l', 1], 'longer'],
    [{ l: [1] }, { l: { 0: 1 } }, ['l'], 'expected [1], got an object {0}'],
    [{ kind: 'relu' }, { kind: 'sigmoid' }, ['kind'], 'expected "relu", got "sigmoid"'],
    [{ m: 'x' }, { m: null }, ['m'], 'got null'],
    [{}, JSON.parse('{"__proto__": 1}'), ['__proto__'], 'unexpected key "__proto__"'],
  ])('%j vs %j differs at %j', (expected, actual, path, detail) => {
    const d = jsonDifference(expected, actual)
    expect(d?.path).toEqual(path)
    expect(d?.detail).toContain(detail)
  })
  it('treats 0 and -0 as equal (JSON cannot tell them apart)', () => {
    expect(jsonDifference({ x: 0 }, { x: -0 })).toBeUndefined()
  })
})

describe('formatJsonPath and showJson', () => {
  it('writes paths from $', () => {
    expect(formatJsonPath([])).toBe('$')
    expect(formatJsonPath(['tensors', 3, 'shape'])).toBe('$.tensors[3].shape')
    expect(formatJsonPath(['spec', 'conv 1', '0'])).toBe('$.spec["conv 1"]["0"]')
  })
  it('shows values briefly', () => {
    expect(showJson([12, 8])).toBe('[12, 8]')
    expect(showJson(-0)).toBe('-0')
    expect(showJson(undefined)).toBe('nothing (missing key)')
    expect(showJson('x'.repeat(50))).toContain('(50 characters)')
    expect(showJson([1, 'a'])).toBe('an array of length 2')
    expect(showJson({ kind: 'dense', units: 1 })).toBe('an object {kind, units}')
  })
})
