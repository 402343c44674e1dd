import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeModel, encodeModel, encodeModelObject, ModelEncodeError, type SavedModel } from '../../src/io/index.js'
import * as random from '../../src/random/index.js'
import { fromArray, scalar, vector, zeros } from '../../src/tensor/Tensor.js'
import type { Tree } from '../../src/tree/index.js'
import { batchNorm, dense, fixed, relu, sequential, type FakeLayer } from './fakes.js'

const model = sequential(dense(3), relu, batchNorm())
const asList = (t: Tree): readonly Tree[] => {
  if (!Array.isArray(t)) throw new Error('expected an array tree')
  return t
}
const initialised = model.init(random.key(0), [2])
const params = asList(initialised.params)
const state = asList(initialised.state)
const saved: SavedModel = { params, state, inputShape: [2] }

const expectThrow = (f: () => unknown, path: string, detail: string): void => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ModelEncodeError)
    if (e instanceof ModelEncodeError) {
      expect(e.path).toBe(path)
      expect(e.detail).toContain(detail)
      expect(e.message).toBe(`encodeModel: at ${path}: ${e.detail}`)
    }
    return
  }
  throw new Error('expected a ModelEncodeError')
}

describe('encodeModel', () => {
  it('writes the format, version, input shape, layer description and every tensor', () => {
    const text = encodeModel(model, saved)
    const file = JSON.parse(text)
    expect(Object.keys(file)).toEqual(['format', 'version', 'inputShape', 'spec', 'tensors'])
    expect(file.format).toBe('dualflow-model')
    expect(file.version).toBe(1)
    expect(file.inputShape).toEqual([2])
    expect(file.spec).toEqual(model.spec)
    expect(file.tensors.map((t: { path: string; shape: number[] }) => [t.path, t.shape])).toEqual([
      ['params[0].kernel', [2, 3]],
      ['params[0].bias', [3]],
      ['params[2].gamma', [3]],
      ['params[2].beta', [3]],
      ['state[2].mean', [3]],
      ['state[2].variance', [3]],
    ])
  })
  it('writes one line per field and per tensor, ending in a newline', () => {
    const lines = encodeModel(model, saved).split('\n')
    expect(lines[0]).toBe('{')
    expect(lines[1]).toBe('  "format": "dualflow-model",')
    expect(lines.filter((l) => l.startsWith('    {"path":'))).toHaveLength(6)
    expect(lines[lines.length - 1]).toBe('')
  })
  it('writes values as base64 of little-endian float64 bytes', () => {
    const m = fixed({ a: scalar(0), b: vector([0, 0, 0]) })
    const text = encodeModel(m, { params: { a: scalar(1), b: vector([-0, Number.MAX_VALUE, Number.MIN_VALUE]) }, state: {}, inputShape: [] })
    const data = JSON.parse(text).tensors.map((t: { data: string }) => t.data)
    // 1 = 0x3FF0000000000000: bytes 00 00 00 00 00 00 F0 3F.
    expect(data[0]).toBe('AAAAAAAA8D8=')
    const bytes = Buffer.from(data[1], 'base64')
    expect([...bytes]).toEqual([0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xef, 0x7f, 1, 0, 0, 0, 0, 0, 0, 0])
  })
  it('writes an empty tensor list for a model without tensors', () => {
    const text = encodeModel(relu, { params: {}, state: {}, inputShape: [4] })
    expect(text).toContain('"tensors": []')
    expect(E.isRight(decodeModel(text, relu))).toBe(true)
  })
  it('does not depend on the key order of the given trees', () => {
    const [kernel, bias] = [random.normal(random.key(0), [2, 3]), zeros([3])]
    const inOrder = [{ kernel, bias }, ...params.slice(1)]
    const reordered = [{ bias, kernel }, ...params.slice(1)]
    expect(encodeModel(model, { ...saved, params: reordered })).toBe(encodeModel(model, { ...saved, params: inOrder }))
  })
  it('leaves out layer-description entries holding undefined, as JSON does', () => {
    // Object(…) lets a spec that LayerSpec's type forbids through, as plain JavaScript could pass it.
    const m: FakeLayer = { ...dense(2), spec: Object({ kind: 'dense', units: 2, activation: undefined }) }
    const p = m.init(random.key(0), [1])
    const text = encodeModel(m, { params: p.params, state: p.state, inputShape: [1] })
    expect(JSON.parse(text).spec).toEqual({ kind: 'dense', units: 2 })
    expect(E.isRight(decodeModel(text, m))).toBe(true)
  })
  it('encodeModelObject is the parsed text', () => {
    expect(encodeModelObject(model, saved)).toEqual(JSON.parse(encodeModel(model, saved)))
  })
})

describe('encodeModel: misuse throws a ModelEncodeError', () => {
  it('names a missing tensor', () => {
    expectThrow(() => encodeModel(model, { ...saved, state: [{}, {}, {}] }), 'state[2].mean', 'missing tensor: the model has a tensor of shape [3] here')
  })
  it('names an extra tensor', () => {
    expectThrow(() => encodeModel(model, { ...saved, state: [{}, { extra: zeros([1]) }, ...state.slice(2)] }), 'state[1].extra', 'unexpected tensor [1]')
  })
  it('names a wrong shape', () => {
    const swapped = [{ kernel: zeros([3, 2]), bias: zeros([3]) }, ...params.slice(1)]
    expectThrow(() => encodeModel(model, { ...saved, params: swapped }), 'params[0].kernel', 'expected shape [2,3], got [3,2]')
  })
  it('names parameters made for another input shape', () => {
    expectThrow(() => encodeModel(model, { ...saved, inputShape: [4] }), 'params[0].kernel', 'expected shape [4,3], got [2,3]')
  })
  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('names a %s value', (name, value) => {
    const bad = [{ kernel: zeros([2, 3]), bias: fromArray([0, value, 0], [3]) }, ...params.slice(1)]
    expectThrow(() => encodeModel(model, { ...saved, params: bad }), 'params[0].bias', `value 1 is ${name}`)
  })
  it('names a layer description that is not JSON', () => {
    expectThrow(() => encodeModel({ ...model, spec: { kind: 'x', rate: Number.NaN } }, saved), 'spec.rate', 'model.spec must be JSON')
    expectThrow(() => encodeModel({ ...model, spec: Object({ kind: 'x', f: [() => 1] }) }, saved), 'spec.f[0]', 'a function')
  })
  it.each([[[-1]], [[1.5]], [[Number.NaN]]])('names an input shape %j', (inputShape) => {
    expectThrow(() => encodeModel(model, { ...saved, inputShape }), 'inputShape', 'expected a shape')
  })
  it('names params that are not a tree', () => {
    const notATree: unknown = { kernel: [1, 2] }
    expectThrow(() => encodeModel(model, { ...saved, params: Object(notATree) }), 'params', 'expected a tree of plain tensors')
  })
})
