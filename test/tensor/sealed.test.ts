/**
 * Sealed memory: every tensor owns its buffer. What a user can reach from a tensor (its fields,
 * `data.buffer`, anything exported) shows no other tensor's values, and transferring or detaching
 * a buffer the user holds changes no other tensor and breaks no later op.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { checkSealed, sealedLaw } from '../../laws/purity.js'
import * as root from '../../src/index.js'
import * as ad from '../../src/ad/index.js'
import * as data from '../../src/data/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import type { Tensor } from '../../src/tensor/index.js'

/** A tensor's buffer, which the library allocates as a plain (transferable) ArrayBuffer. */
const ownBuffer = (t: Tensor): ArrayBuffer => {
  const b = t.data.buffer
  if (!(b instanceof ArrayBuffer)) throw new Error('expected an ArrayBuffer')
  return b
}
const one = (f: (x: Tensor) => unknown): ((...ts: Tensor[]) => unknown) => (...ts) => f(ts[0] ?? T.scalar(0))
const two = (f: (a: Tensor, b: Tensor) => unknown): ((...ts: Tensor[]) => unknown) => (...ts) => f(ts[0] ?? T.scalar(0), ts[1] ?? T.scalar(0))
const single = arb.tensor({ maxRank: 3, maxDim: 4 }).map((t) => [t] as const)
const ranked = arb.tensor({ minRank: 1, maxRank: 3, maxDim: 4 }).map((t) => [t] as const)
const matrix = arb.tensor({ minRank: 2, maxRank: 2, maxDim: 4 }).map((t) => [t] as const)
const pair = arb.tensorPair({ maxRank: 3, maxDim: 4 })

describe('what a user reaches from a tensor is that tensor’s memory only', () => {
  it('a 1-element result’s buffer holds 1 number, not a 64 KiB slab of other tensors', () => {
    const others = Array.from({ length: 20 }, (_, i) => T.add(T.vector([i, i]), T.scalar(1)))
    const t = T.add(T.scalar(1), T.scalar(2))
    expect(new Float64Array(t.data.buffer).length).toBe(1)
    expect(t.data.buffer.byteLength).toBe(8)
    expect(others.every((o) => o.data.buffer.byteLength === 16)).toBe(true)
  })
  it('transferring a result’s buffer changes no other tensor and breaks no later op', () => {
    const w = T.vector([1, 2, 3])
    const before = T.sum(T.broadcastTo(w, [100, 3]))
    const neighbours = Array.from({ length: 50 }, (_, i) => T.scale(w, i))
    const victim = T.add(w, T.scalar(1))
    const buffer = ownBuffer(victim)
    structuredClone(buffer, { transfer: [buffer] })
    expect(victim.data.length).toBe(0) // the user's own tensor is what they detached
    expect(T.item(before)).toBe(600)
    expect(neighbours.every((n, i) => n.data[2] === 3 * i)).toBe(true)
    expect(T.item(T.sum(T.broadcastTo(w, [100, 3])))).toBe(600)
    expect(Array.from(T.add(T.vector([1, 2]), T.scalar(1)).data)).toEqual([2, 3])
  })
  it('ops that keep the element order (reshape, expandDims, squeeze, flatten2d, sumTo) give a copy, not a view', () => {
    const x = T.vector([1, 2, 3, 4])
    for (const y of [T.reshape(x, [2, 2]), T.expandDims(x, 0), T.squeeze(T.reshape(x, [1, 4])), T.flatten2d(T.reshape(x, [2, 2])), T.sumTo(T.reshape(x, [1, 4]), [4])]) {
      expect(y.data.buffer).not.toBe(x.data.buffer)
    }
    const r = T.reshape(x, [2, 2])
    const buffer = ownBuffer(r)
    structuredClone(buffer, { transfer: [buffer] })
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4])
  })
  it('the aliasing constructors are not public: fromData and unsafeTensor are neither in T nor in the root', () => {
    const names = (ns: object): string[] => Object.keys(ns)
    expect(names(T)).not.toContain('fromData')
    expect(names(T)).not.toContain('unsafeTensor')
    expect(names(root)).not.toContain('fromData')
    expect(names(root.T)).not.toContain('fromData')
    expect(names(root.T)).not.toContain('unsafeTensor')
  })
  it('public constructors copy what they are given', () => {
    const values = new Float64Array([1, 2, 3])
    const t = T.fromArray(values, [3])
    values[0] = 99
    expect(t.data[0]).toBe(1)
    expect(t.data.buffer).not.toBe(values.buffer)
  })
})

describe('the sealing law holds for every op', () => {
  const unary: ReadonlyArray<readonly [string, (x: Tensor) => unknown]> = [
    ['neg', T.neg], ['abs', T.abs], ['sign', T.sign], ['exp', T.exp], ['log', T.log], ['log1p', T.log1p], ['expm1', T.expm1],
    ['sqrt', T.sqrt], ['square', T.square], ['reciprocal', T.reciprocal], ['tanh', T.tanh], ['sigmoid', T.sigmoid],
    ['softplus', T.softplus], ['relu', T.relu], ['leakyRelu', (x) => T.leakyRelu(x)], ['elu', (x) => T.elu(x)], ['erf', T.erf],
    ['gelu', T.gelu], ['sin', T.sin], ['cos', T.cos], ['step', T.step], ['scale', (x) => T.scale(x, 2)], ['addScalar', (x) => T.addScalar(x, 2)],
    ['powScalar', (x) => T.powScalar(x, 3)], ['clip', (x) => T.clip(x, -1, 1)], ['map', (x) => T.map(x, (v) => v + 1)],
    ['sum', (x) => T.sum(x)], ['mean', (x) => T.mean(x)], ['max', (x) => T.max(x)], ['min', (x) => T.min(x)], ['prod', (x) => T.prod(x)],
    ['variance', (x) => T.variance(x)], ['logSumExp', (x) => T.logSumExp(x)], ['argmax', (x) => T.argmax(x)], ['argmin', (x) => T.argmin(x)],
    ['reshape', (x) => T.reshape(x, [-1])], ['expandDims', (x) => T.expandDims(x, 0)], ['squeeze', (x) => T.squeeze(x)],
    ['transpose', (x) => T.transpose(x)], ['broadcastTo', (x) => T.broadcastTo(x, [2, ...x.shape])], ['sumTo', (x) => T.sumTo(x, [])],
    ['concat', (x) => T.concat([x, x], 0)], ['stack', (x) => T.stack([x, x])], ['pad', (x) => T.pad(x, x.shape.map(() => [1, 0] as const))],
    ['ad.sigmoid', (x) => ad.sigmoid(x)], ['ad.softmax', (x) => ad.softmax(x)],
    ['grad', (x) => ad.grad((y: ad.Value) => ad.sum(ad.mul(ad.reshape(y, [-1]), 2)))(x)],
    ['vjp', (x) => ad.vjp((y: ad.Value) => ad.add(y, y), x)[1](x)],
    ['jvp', (x) => ad.jvp((y: ad.Value) => ad.reshape(y, [-1]), x, x)],
  ]
  for (const [name, f] of unary) it(name, () => sealedLaw(name, one(f), name === 'concat' || name === 'ad.softmax' ? ranked : single, { numRuns: 30 }))

  const binary: ReadonlyArray<readonly [string, (a: Tensor, b: Tensor) => unknown]> = [
    ['add', T.add], ['sub', T.sub], ['mul', T.mul], ['mulStrongZero', T.mulStrongZero], ['div', T.div], ['pow', T.pow], ['maximum', T.maximum], ['minimum', T.minimum],
    ['equal', T.equal], ['less', T.less], ['where', (a, b) => T.where(T.greater(a, T.scalar(0)), a, b)],
    ['map2', (a, b) => T.map2('f', a, b, (x, y) => x + y)], ['ad.add', (a, b) => ad.add(a, b)],
    ['grad of a pair', (a, b) => ad.grad(([x, y]: readonly [ad.Value, ad.Value]) => ad.sum(ad.add(x, y)))([a, b])],
  ]
  for (const [name, f] of binary) it(name, () => sealedLaw(name, two(f), pair, { numRuns: 30 }))

  it('matrix ops: matmul, transposes, flatten2d, slice, gather, unstack', () => {
    sealedLaw('matmul', one((x) => T.matmul(x, T.transpose(x))), matrix, { numRuns: 20 })
    sealedLaw('flatten2d', one(T.flatten2d), matrix, { numRuns: 20 })
    sealedLaw('slice', one((x) => T.slice(x, [0, 0], [1, -1])), matrix, { numRuns: 20 })
    sealedLaw('gather', one((x) => T.gather(x, [0, 0], 0)), matrix, { numRuns: 20 })
    sealedLaw('unstack', one((x) => T.unstack(x, 0)), matrix, { numRuns: 20 })
    sealedLaw('dot', one((x) => T.dot(T.reshape(x, [-1]), T.reshape(x, [-1]))), matrix, { numRuns: 20 })
  })
  it('random, data and constructors', () => {
    const k = random.key(1)
    const results = [random.uniform(k, [3]), random.normal(k, [2, 2]), random.bernoulli(k, 0.5, [4]), random.permutation(k, 5), T.zeros([3]), T.ones([2]), T.eye(2), T.arange(4), T.linspace(0, 1, 3), T.tensor([[1, 2]]), T.vector([1])]
    expect(checkSealed(() => results, []).sealed).toBe(true)
    const ds = data.dataset(T.tensor([[1, 2], [3, 4], [5, 6]]), T.tensor([[0], [1], [0]]))
    expect(checkSealed(() => [data.take(ds, [2, 0]), data.oneHot([0, 2, 1], 3), data.standardize.fit(ds.x), data.minMaxScale.transform(data.minMaxScale.fit(ds.x), ds.x)], []).sealed).toBe(true)
  })
  it('the law catches a view on shared memory and an alias of an input', () => {
    const shared = new Float64Array(8)
    const view: Tensor = { shape: [2], data: new Float64Array(shared.buffer, 16, 2) }
    expect(checkSealed(() => view, []).violations.map((v) => v.kind)).toEqual(['offset'])
    const x = T.vector([1, 2])
    expect(checkSealed((a) => ({ shape: [1, 2], data: a?.data ?? x.data }), [x]).violations.map((v) => v.kind)).toEqual(['aliasesInput'])
    expect(checkSealed((a) => a, [x]).sealed).toBe(true) // the same tensor object is one value
    expect(fc.sample(single, 1).length).toBe(1)
  })
})
