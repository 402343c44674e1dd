import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeModel, encodeModel, ModelDecodeError, type ModelDecodeReason, type SavedModel } from '../../src/io/index.js'
import * as random from '../../src/random/index.js'
import { fromArray } from '../../src/tensor/Tensor.js'
import { isTree } from '../../src/tree/index.js'
import { batchNorm, bitsOf, dense, fixed, relu, sequential, structureOf } from './fakes.js'

const model = sequential(dense(3), relu, batchNorm(), dense(2))
const inputShape = [2]
const { params, state } = model.init(random.key(1), inputShape)
const saved: SavedModel = { params, state, inputShape }
const text = encodeModel(model, saved)

/** The saved file as a mutable JSON object, for making bad files. */
type Json = { [key: string]: Json } | Json[] | string | number | boolean | null
const fileJson = (): { [key: string]: Json } => JSON.parse(text)
const entries = (file: { [key: string]: Json }): Array<{ [key: string]: Json }> => {
  const list = file['tensors']
  if (!Array.isArray(list)) throw new Error('no tensors')
  return list.map((e) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new Error('bad entry')
    return e
  })
}
const dataOf = (values: readonly number[]): string => {
  const bytes = new Uint8Array(8 * values.length)
  const view = new DataView(bytes.buffer)
  values.forEach((x, i) => view.setFloat64(8 * i, x, true))
  return Buffer.from(bytes).toString('base64')
}

const expectLeft = (json: string, reason: ModelDecodeReason, path: string, detail: string): ModelDecodeError => {
  const result = decodeModel(json, model)
  if (E.isRight(result)) throw new Error(`expected a Left at ${path}, got a Right`)
  expect(result.left).toBeInstanceOf(ModelDecodeError)
  expect(result.left._tag).toBe('ModelDecodeError')
  expect({ reason: result.left.reason, path: result.left.path }).toEqual({ reason, path })
  expect(result.left.detail).toContain(detail)
  expect(result.left.message).toBe(`decodeModel: at ${path}: ${result.left.detail}`)
  return result.left
}

describe('decodeModel: a valid file', () => {
  it('gives back the parameters, state and input shape, bit for bit', () => {
    const result = decodeModel(text, model)
    if (E.isLeft(result)) throw result.left
    expect(bitsOf(result.right.params)).toEqual(bitsOf(params))
    expect(bitsOf(result.right.state)).toEqual(bitsOf(state))
    expect(result.right.inputShape).toEqual([2])
  })
  it('builds trees with exactly the structure init gives, not the file’s order', () => {
    const file = fileJson()
    file['tensors'] = entries(file).reverse()
    const result = decodeModel(JSON.stringify(file), model)
    if (E.isLeft(result)) throw result.left
    const fresh = model.init(random.key(99), inputShape)
    expect(structureOf(result.right.params)).toEqual(structureOf(fresh.params))
    expect(structureOf(result.right.state)).toEqual(structureOf(fresh.state))
    expect(isTree(result.right.params)).toBe(true)
  })
  it('accepts any whitespace and key order JSON allows', () => {
    const file = fileJson()
    const reordered = { tensors: file['tensors'] ?? null, spec: file['spec'] ?? null, inputShape: [2], version: 1, format: 'dualflow-model' }
    expect(E.isRight(decodeModel(JSON.stringify(reordered), model))).toBe(true)
    expect(E.isRight(decodeModel(`\n\t ${JSON.stringify(file, null, 7)}  \r\n`, model))).toBe(true)
  })
  it('keeps a __proto__ key an ordinary own key and touches no prototype', () => {
    const odd = fixed(
      Object.fromEntries([
        ['__proto__', fromArray([1, 2], [2])],
        ['constructor', fromArray([3], [1])],
        ['conv 1', [fromArray([4], [])]],
      ]),
    )
    const oddParams = odd.init(random.key(0), []).params
    const json = encodeModel(odd, { params: oddParams, state: {}, inputShape: [] })
    expect(json).toContain('"path":"params.__proto__"')
    const result = decodeModel(json, odd)
    if (E.isLeft(result)) throw result.left
    const p: object = Object(result.right.params)
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype)
    expect(Object.keys(p)).toEqual(['__proto__', 'constructor', 'conv 1'])
    expect(bitsOf(result.right.params)).toEqual(bitsOf(oddParams))
    expect(Reflect.get({}, 'shape')).toBeUndefined()
  })
})

describe('decodeModel: not JSON', () => {
  it.each([
    ['an empty text', ''],
    ['a truncated file', text.slice(0, text.length / 2)],
    ['a missing closing brace', text.trimEnd().slice(0, -1)],
    ['a trailing comma', text.replace('"version": 1,', '"version": 1,,')],
    ['NaN written out', text.replace('"version": 1', '"version": NaN')],
    ['a comment', `// model\n${text}`],
  ])('%s is a Left at $', (_name, json) => {
    expectLeft(json, 'json', '$', 'invalid JSON')
  })
})

describe('decodeModel: not a dualflow file of this version', () => {
  it('names another format', () => {
    expectLeft(text.replace('"dualflow-model"', '"keras"'), 'format', '$.format', 'expected "dualflow-model" (a dualflow model file), got "keras"')
  })
  it('names a missing format', () => {
    const file = fileJson()
    delete file['format']
    expectLeft(JSON.stringify(file), 'format', '$.format', 'got nothing (missing key)')
  })
  it.each([
    ['an array', '[1, "a"]', 'got an array of length 2'],
    ['null', 'null', 'got null'],
    ['a number', '3', 'got 3'],
    ['a string', '"model"', 'got "model"'],
  ])('names a file that is %s', (_name, json, detail) => {
    expectLeft(json, 'format', '$', detail)
  })
  it('names an unsupported version before anything else', () => {
    expectLeft('{"format": "dualflow-model", "version": 2, "weights": []}', 'version', '$.version', 'unsupported version 2: this dualflow reads version 1')
  })
  it.each([
    ['"1"', 'expected the version number 1, got "1"'],
    ['null', 'got null'],
    ['1.5', 'unsupported version 1.5'],
  ])('names a bad version %s', (version, detail) => {
    expectLeft(text.replace('"version": 1', `"version": ${version}`), 'version', '$.version', detail)
  })
})

describe('decodeModel: schema', () => {
  it('names an extra top-level key', () => {
    const file = { ...fileJson(), comment: 'trained on Tuesday' }
    expectLeft(JSON.stringify(file), 'schema', '$.comment', 'unexpected key "comment"')
  })
  it('names an extra key in a tensor entry', () => {
    const file = fileJson()
    const first = entries(file)[0]
    if (first !== undefined) first['dtype'] = 'float64'
    expectLeft(JSON.stringify(file), 'schema', '$.tensors[0].dtype', 'unexpected key "dtype"')
  })
  it('names a __proto__ key as an unexpected key, and it reaches no prototype', () => {
    const json = text.replace('"format"', '"__proto__": {"polluted": true}, "format"')
    expectLeft(json, 'schema', '$.__proto__', 'unexpected key "__proto__"')
    expect(Reflect.get({}, 'polluted')).toBeUndefined()
  })
  it('names a missing key', () => {
    const file = fileJson()
    delete file['inputShape']
    expectLeft(JSON.stringify(file), 'schema', '$.inputShape', 'got nothing (missing key)')
    const other = fileJson()
    delete entries(other)[2]?.['shape']
    expectLeft(JSON.stringify(other), 'schema', '$.tensors[2].shape', 'got nothing (missing key)')
  })
  it.each([
    ['a string dimension', '["3", 2]', '$.tensors[0].shape[0]', 'expected a dimension (a non-negative integer), got "3"'],
    ['a negative dimension', '[-2, 3]', '$.tensors[0].shape[0]', 'got -2'],
    ['a fractional dimension', '[2, 1.5]', '$.tensors[0].shape[1]', 'got 1.5'],
    ['an overflowing dimension', '[2, 1e400]', '$.tensors[0].shape[1]', 'got Infinity'],
    ['null', 'null', '$.tensors[0].shape', 'expected a shape (an array of non-negative integers), got null'],
  ])('names a shape with %s', (_name, shape, path, detail) => {
    const json = text.replace('"shape":[2,3]', `"shape":${shape}`)
    expectLeft(json, 'schema', path, detail)
  })
  it('names a non-number input shape', () => {
    expectLeft(text.replace('"inputShape": [2]', '"inputShape": [null]'), 'schema', '$.inputShape[0]', 'got null')
  })
  it('names data given as numbers rather than base64', () => {
    const file = fileJson()
    const first = entries(file)[1]
    if (first !== undefined) first['data'] = [0, 0, 0]
    expectLeft(JSON.stringify(file), 'schema', '$.tensors[1].data', "expected the tensor's values as base64 text, got [0, 0, 0]")
  })
  it('names invalid base64', () => {
    const file = fileJson()
    const first = entries(file)[1]
    if (first !== undefined) first['data'] = `AAAA ${'A'.repeat(27)}`
    expectLeft(JSON.stringify(file), 'schema', '$.tensors[1].data', 'invalid base64 at character 4')
  })
  it('names data of the wrong length', () => {
    const file = fileJson()
    const bias = entries(file)[1]
    if (bias !== undefined) bias['data'] = dataOf([1, 2])
    expectLeft(JSON.stringify(file), 'schema', '$.tensors[1].data', 'expected 3 float64 values (24 bytes) for shape [3], got 2 values (16 bytes)')
  })
  it('names data that is not whole float64 values', () => {
    const file = fileJson()
    const bias = entries(file)[1]
    if (bias !== undefined) bias['data'] = Buffer.from(new Uint8Array(23)).toString('base64')
    expectLeft(JSON.stringify(file), 'schema', '$.tensors[1].data', 'got 23 bytes')
  })
  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('names a %s value by its index', (name, value) => {
    const file = fileJson()
    const bias = entries(file)[1]
    if (bias !== undefined) bias['data'] = dataOf([0, 1, value])
    expectLeft(JSON.stringify(file), 'schema', '$.tensors[1].data', `value 2 is ${name}: a saved model holds finite numbers only`)
  })
  it('names a NaN with a payload, too', () => {
    const bytes = new Uint8Array(24)
    new DataView(bytes.buffer).setUint32(20, 0x7ff00001, true)
    const file = fileJson()
    const bias = entries(file)[1]
    if (bias !== undefined) bias['data'] = Buffer.from(bytes).toString('base64')
    expectLeft(JSON.stringify(file), 'schema', '$.tensors[1].data', 'value 2 is NaN')
  })
  it('names a non-finite number in the layer description', () => {
    const json = text.replace('"units":3', '"units":1e400')
    expectLeft(json, 'schema', '$.spec.layers[0].units', 'expected a finite number, got Infinity')
  })
  it('survives a deeply nested layer description without overflowing the stack', () => {
    const file = fileJson()
    const depth = 100_000
    const json = JSON.stringify(file).replace(/"spec":\{.*?\},"tensors"/, `"spec":${'['.repeat(depth)}${']'.repeat(depth)},"tensors"`)
    expect(json).toContain('[[[[')
    expectLeft(json, 'architecture', '$.spec', 'expected an object {kind, layers}, got an array of length 1')
  })
  it('names a tensor path that is not a string', () => {
    const file = fileJson()
    const first = entries(file)[0]
    if (first !== undefined) first['path'] = 7
    expectLeft(JSON.stringify(file), 'schema', '$.tensors[0].path', 'got 7')
  })
  it('names tensors that are not an array', () => {
    const file = { ...fileJson(), tensors: {} }
    expectLeft(JSON.stringify(file), 'schema', '$.tensors', 'expected an array of tensor entries, got an object {}')
  })
})

describe('decodeModel: another architecture', () => {
  it('names the first differing path of the layer description', () => {
    const other = sequential(dense(3), relu, batchNorm(), dense(1))
    const result = decodeModel(text, other)
    expect(E.isLeft(result) && result.left.path).toBe('$.spec.layers[3].units')
    expect(E.isLeft(result) && result.left.reason).toBe('architecture')
    expect(E.isLeft(result) && result.left.detail).toContain("differs from the model's: expected 1, got 2")
  })
  it('names a missing layer', () => {
    const other = sequential(dense(3), relu, batchNorm(), dense(2), relu)
    const result = decodeModel(text, other)
    expect(E.isLeft(result) && result.left.path).toBe('$.spec.layers[4]')
    expect(E.isLeft(result) && result.left.detail).toContain('shorter')
  })
  it('names another layer kind', () => {
    const other = sequential(dense(3), { ...relu, spec: { kind: 'sigmoid' } }, batchNorm(), dense(2))
    const result = decodeModel(text, other)
    expect(E.isLeft(result) && result.left.message).toBe(
      'decodeModel: at $.spec.layers[1].kind: the saved layer description differs from the model\'s: expected "sigmoid", got "relu"',
    )
  })
  it('names an input shape the model cannot be initialised for', () => {
    expectLeft(text.replace('"inputShape": [2]', '"inputShape": [2, 2]'), 'architecture', '$.inputShape', 'the model cannot be initialised for input shape [2, 2]')
  })
})

describe('decodeModel: tensors that do not fit', () => {
  it('names a wrong shape with the expected and the saved one', () => {
    const file = fileJson()
    const kernel = entries(file)[0]
    if (kernel !== undefined) kernel['shape'] = [3, 2]
    const error = expectLeft(JSON.stringify(file), 'tensors', '$.tensors[0].shape', 'expected [2, 3], got [3, 2]')
    expect(error.message).toBe('decodeModel: at $.tensors[0].shape: expected [2, 3], got [3, 2] (tensor "params[0].kernel")')
  })
  it('names shapes that differ because of another input shape', () => {
    expectLeft(text.replace('"inputShape": [2]', '"inputShape": [5]'), 'tensors', '$.tensors[0].shape', 'expected [5, 3], got [2, 3]')
  })
  it('names a missing tensor', () => {
    const file = fileJson()
    file['tensors'] = entries(file).filter((e) => e['path'] !== 'state[2].variance')
    expectLeft(JSON.stringify(file), 'tensors', '$.tensors', 'missing tensor "state[2].variance" of shape [3]: the file has 7 tensors, the model 8')
  })
  it('names an extra tensor', () => {
    const file = fileJson()
    file['tensors'] = [...entries(file), { path: 'params[1].kernel', shape: [1], data: dataOf([1]) }]
    expectLeft(JSON.stringify(file), 'tensors', '$.tensors[8].path', 'unexpected tensor "params[1].kernel": the model has no tensor at this path')
  })
  it('names a duplicated tensor', () => {
    const file = fileJson()
    const list = entries(file)
    file['tensors'] = [...list.slice(0, 3), list[1] ?? {}, ...list.slice(3)]
    expectLeft(JSON.stringify(file), 'tensors', '$.tensors[3].path', 'tensor "params[0].bias" appears twice (first at $.tensors[1])')
  })
  it('names a state tensor saved as a parameter', () => {
    const file = fileJson()
    const list = entries(file)
    const mean = list.find((e) => e['path'] === 'state[2].mean')
    if (mean !== undefined) mean['path'] = 'params[2].mean'
    expectLeft(JSON.stringify(file), 'tensors', '$.tensors[6].path', 'unexpected tensor "params[2].mean"')
  })
})

describe('allocation is bounded before anything is built (maxElements)', () => {
  let inits = 0
  const counting = { ...model, init: (key: random.Key, shape: readonly number[]) => { inits++; return model.init(key, shape) } }
  const decodeCounting = (json: string, options?: { readonly maxElements?: number }) => {
    inits = 0
    return decodeModel(json, counting, options)
  }
  it('a 400-byte file with "inputShape": [10000000] is refused before the model is built', () => {
    const file = fileJson()
    file['inputShape'] = [10000000]
    const result = decodeCounting(JSON.stringify(file))
    expect(inits).toBe(0)
    expect(E.isLeft(result) && result.left.reason).toBe('limits')
    expect(E.isLeft(result) && result.left.message).toBe('decodeModel: at $.inputShape: an input row of 10000000 elements is more than maxElements (4194304); pass a larger maxElements to load it')
  })
  it('a tensor shape, the tensor count and the total elements are bounded before any data is decoded', () => {
    const huge = fileJson()
    const first = entries(huge)[0]
    if (first !== undefined) first['shape'] = [100000, 100000]
    expectLeft(JSON.stringify(huge), 'limits', '$.tensors[0].shape', 'a tensor of 10000000000 elements is more than maxElements (4194304)')
    const long = fileJson()
    const entry = entries(long)[0]
    if (entry !== undefined) entry['data'] = 'A'.repeat(10_000)
    expectLeft(JSON.stringify(long), 'limits', '$.tensors[0].data', 'base64 text of 10000 characters cannot be the 6 values of shape [2, 3]')
    const result = decodeCounting(text, { maxElements: 5 })
    expect(inits).toBe(0)
    expect(E.isLeft(result) && result.left.reason).toBe('limits')
  })
  it('within the bound the file loads, and maxElements must be a positive integer', () => {
    expect(E.isRight(decodeCounting(text, { maxElements: 1000 }))).toBe(true)
    expect(inits).toBe(1)
    expect(() => decodeModel(text, model, { maxElements: 0 })).toThrow('decodeModel: maxElements must be a positive integer, got 0')
  })
})
