import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { bitDifference, checkJitEqual } from '../../laws/jit.js'
import { checkSealed } from '../../laws/purity.js'
import * as ad from '../../src/ad/index.js'
import { constantMultiOp, constantOp } from '../../src/ad/extend.js'
import type { Value } from '../../src/ad/index.js'
import { jit, JitError, type Graph } from '../../src/jit/index.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import type { Tensor } from '../../src/tensor/index.js'

const x = T.tensor([[1, -2, 3], [0.5, 4, -1]])
const y = T.tensor([[2, 1, -3], [1.5, -4, 2]])

describe('jit: tracing, caching, replay', () => {
  it('traces once per signature and replays; new shapes and static values trace again', () => {
    const f = jit((a: Value, s: number) => ad.sum(ad.mul(ad.tanh(a), s)))
    f(x, 2)
    f(y, 2)
    expect(f.stats()).toMatchObject({ traces: 1, replays: 1 })
    f(T.vector([1, 2]), 2)
    f(x, 3)
    expect(f.stats()).toMatchObject({ traces: 3, replays: 1, cached: 3 })
    expect(bitDifference(ad.sum(ad.mul(ad.tanh(y), 3)), f(y, 3))).toBeUndefined()
  })
  it('a structure that differs only in a record key or a static value is a different signature', () => {
    const f = jit((o: { readonly [k: string]: Value | number }) => ad.add(T.scalar(1), Object.values(o).reduce<Value>((acc, v) => ad.add(acc, v), T.scalar(0))))
    expect(ad.primalTensor(f({ a: T.scalar(2) })).data[0]).toBe(3)
    expect(ad.primalTensor(f({ b: T.scalar(5) })).data[0]).toBe(6)
    expect(ad.primalTensor(f({ a: T.scalar(2), n: 1 })).data[0]).toBe(4)
    expect(ad.primalTensor(f({ a: T.scalar(2), n: 2 })).data[0]).toBe(5)
    expect(ad.primalTensor(f({ a: T.scalar(7), n: 2 })).data[0]).toBe(10)
    expect(f.stats()).toMatchObject({ traces: 4, replays: 1 })
  })
  it('keeps at most cacheSize plans, least recently used dropped first', () => {
    const f = jit((a: Value) => ad.exp(a), { cacheSize: 2 })
    f(T.vector([1]))
    f(T.vector([1, 2]))
    f(T.vector([1]))
    f(T.vector([1, 2, 3]))
    expect(f.stats()).toMatchObject({ cached: 2, traces: 3, replays: 1 })
    f(T.vector([1]))
    expect(f.stats()).toMatchObject({ traces: 3, replays: 2 })
    f(T.vector([1, 2]))
    expect(f.stats().traces).toBe(4)
    expect(() => jit((a: Value) => a, { cacheSize: 0 })).toThrow(JitError)
  })
  it('the cache is bounded in bytes too: least recently used plans go, never the newest', () => {
    // exp's output is an intermediate (planned); the sum is the output. n elements: 8n bytes.
    const f = jit((a: Value) => ad.sum(ad.exp(a)), { cacheBytes: 100 })
    f(T.zeros([4]))
    f(T.zeros([6]))
    expect(f.stats()).toMatchObject({ cached: 2, bytes: 80 })
    f(T.zeros([20]))
    // 160 bytes alone, over the bound: kept, as the newest; the others dropped.
    expect(f.stats()).toMatchObject({ cached: 1, bytes: 160 })
    f(T.zeros([4]))
    expect(f.stats()).toMatchObject({ cached: 1, bytes: 32, traces: 4 })
    expect(bitDifference(ad.sum(ad.exp(x)), f(x))).toBeUndefined()
    expect(() => jit((a: Value) => a, { cacheBytes: 0 })).toThrow(/cacheBytes must be a positive number, got 0/)
    expect(() => jit((a: Value) => a, { cacheBytes: Number.NaN })).toThrow(JitError)
  })
  it('returns fresh tensors and leaves its inputs untouched', () => {
    const f = jit((p: { readonly w: Value }) => ({ out: ad.add(p.w, 1), same: p.w }))
    const w = T.vector([1, 2, 3])
    const before = Array.from(w.data)
    const r1 = { out: ad.primalTensor(f({ w }).out), same: ad.primalTensor(f({ w }).same) }
    const r2 = { out: ad.primalTensor(f({ w }).out) }
    expect(r1.out.data).not.toBe(r2.out.data)
    expect(r1.same.data).not.toBe(w.data)
    expect(Array.from(r1.same.data)).toEqual(before)
    expect(Array.from(w.data)).toEqual(before)
    expect(Array.from(r2.out.data)).toEqual([2, 3, 4])
  })
  it('equals the interpreter on grad, valueAndGrad, vjp and jvp of a tree', () => {
    const loss = (p: { readonly w: Value; readonly b: readonly [Value] }): Value => ad.mean(ad.square(ad.sub(ad.add(ad.matmul(x, p.w), p.b[0]), 1)))
    const p = { w: T.tensor([[1], [2], [-1]]), b: [T.vector([0.5])] as const }
    const q = { w: T.tensor([[0.1], [-2], [3]]), b: [T.vector([-1])] as const }
    expect(checkJitEqual((t: typeof p) => ad.grad(loss)(t), [p], [q])).toBeUndefined()
    expect(checkJitEqual((t: typeof p) => ad.valueAndGrad(loss)(t), [p], [q])).toBeUndefined()
    expect(checkJitEqual((t: typeof p, v: typeof p) => ad.jvp(loss, t, v), [p, q], [q, p])).toBeUndefined()
    expect(checkJitEqual((a: Tensor, g: Tensor) => ad.vjp((u: Value) => ad.sigmoid(ad.mul(u, u)), a)[1](g), [x, y], [y, x])).toBeUndefined()
  })
  it('products large enough for the WebAssembly kernels replay the same bits (same entry points)', () => {
    const xs = random.normal(random.key(1), [16, 32])
    const p = { w: random.normal(random.key(2), [32, 16]), b: random.normal(random.key(3), [16]) }
    const q = { w: random.normal(random.key(4), [32, 16]), b: random.normal(random.key(5), [16]) }
    const loss = (t: { readonly w: Value; readonly b: Value }): Value => ad.sum(ad.tanh(ad.affine(xs, ad.matmul(t.w, ad.matmulTransA(t.w, t.w)), t.b)))
    expect(checkJitEqual((t: typeof p) => ad.valueAndGrad(loss)(t), [p], [q])).toBeUndefined()
  })
  it('stopGradient and customVjp work under it', () => {
    const cube = ad.customVjp({ name: 'cube', value: (a) => T.powScalar(a, 3), vjp: (g, [a]) => [ad.mul(g, ad.mul(3, ad.mul(a ?? 0, a ?? 0)))] })
    const f = (a: Value): Value => ad.sum(ad.add(ad.mul(ad.stopGradient(a), a), cube(a)))
    expect(checkJitEqual((a: Tensor) => ad.valueAndGrad(f)(a), [x], [y])).toBeUndefined()
  })
  it('a random key passed as an argument: dynamic unless read, then part of the signature', () => {
    const unread = jit((a: Value, _k: random.Key) => ad.exp(a))
    unread(x, random.key(1))
    unread(x, random.key(2))
    expect(unread.stats()).toMatchObject({ traces: 1, replays: 1, readsKeys: false })
    const noisy = (a: Value, k: random.Key): Value => ad.add(a, random.normal(k, [2, 3]))
    const read = jit(noisy)
    for (const k of [random.key(1), random.key(2), random.key(1)]) expect(bitDifference(noisy(x, k), read(x, k))).toBeUndefined()
    expect(read.stats()).toMatchObject({ traces: 3, readsKeys: true })
  })
  it('keys derived inside (split, foldIn) and dropout masks drawn from them are part of the plan: one trace for every key', () => {
    const layer = nn.sequential(nn.dense(4), nn.dropout(0.5), nn.relu, nn.dropout(0.25))
    const { params, state } = layer.init(random.key(0), [3])
    const step = (p: typeof params, k: random.Key) => {
      const [k1, k2] = random.split(random.foldIn(k, 7))
      const out = ad.valueAndGrad((q: typeof params) => ad.sum(ad.square(layer.apply(q, state, x, { training: true, key: k1 ?? k }).y)))(p)
      // A derived key is an output too: rebuilt from its words on every replay.
      return [out, k2]
    }
    const compiled = jit(step)
    for (const seed of [1, 2, 3, 2, 40]) expect(bitDifference(step(params, random.key(seed)), compiled(params, random.key(seed)))).toBeUndefined()
    expect(compiled.stats()).toMatchObject({ traces: 1, replays: 4, readsKeys: false })
    const [, k2] = compiled(params, random.key(5))
    expect(random.isKey(k2) && k2.words).toEqual(random.split(random.foldIn(random.key(5), 7))[1]?.words)
  })
  it('a derived key whose words are read in JavaScript makes its argument key static again (still the same bits)', () => {
    const order = (k: random.Key): Value => ad.scale(T.vector(random.permutation(random.foldIn(k, 3), 4)), 1)
    const compiled = jit(order)
    for (const seed of [1, 2, 1]) expect(bitDifference(order(random.key(seed)), compiled(random.key(seed)))).toBeUndefined()
    expect(compiled.stats()).toMatchObject({ readsKeys: true })
  })
  it('layer state: batch norm in training mode gives the same output and moving statistics', () => {
    const layer = nn.batchNorm()
    const { params, state } = layer.init(random.key(0), [3])
    const step = (p: typeof params, s: typeof state, input: Tensor) =>
      ad.valueAndGradWithAux((q: typeof params) => {
        const out = layer.apply(q, s, input, { training: true })
        return [ad.sum(ad.square(out.y)), out.state] as const
      })(p)
    expect(checkJitEqual(step, [params, state, x], [params, state, y])).toBeUndefined()
  })
  it('a conv over several im2col chunks replays the same bits, and its plan holds no buffer per chunk', () => {
    // 3 images of 100×100×6 with a 3×3 kernel: 98·98·54 ≈ 519 000 im2col entries an image, so
    // T.conv takes 2 images, then 1, per chunk (of at most 2^20 entries).
    const images = random.normal(random.key(16), [3, 100, 100, 6])
    const other = random.normal(random.key(17), [3, 100, 100, 6])
    const kernel = random.normal(random.key(18), [3, 3, 6, 2])
    const outputBytesOf = (padding: 'valid' | 'same'): number => 3 * (padding === 'valid' ? 98 * 98 : 100 * 100) * 2 * 8
    for (const padding of ['valid', 'same'] as const) {
      const f = (k: Value, a: Value): Value => ad.relu(ad.conv(a, k, { padding }))
      expect(checkJitEqual(f, [kernel, images], [kernel, other])).toBeUndefined()
      // Both pullbacks (convBackpropInput and convBackpropFilter) over the same chunks.
      const both = (k: Tensor, a: Tensor) => ad.valueAndGrad((ka: readonly Value[]) => ad.sum(ad.tanh(ad.conv(ka[1] ?? a, ka[0] ?? k, { padding }))))([k, a])
      expect(checkJitEqual(both, [kernel, images], [kernel, other])).toBeUndefined()
      const step = jit(both)
      step(kernel, images)
      // Planned: conv's output, tanh's, and the cotangents in between; no buffer per chunk.
      expect(step.stats().bytes).toBeLessThan(6 * outputBytesOf(padding) + 8 * images.data.length)
      // conv's output an intermediate: the plan holds it (and relu's is fresh), not the chunks' im2col and products.
      const g = jit((k: Value, a: Value): Value => ad.relu(ad.conv(a, k, { padding })))
      g(kernel, images)
      const outputBytes = outputBytesOf(padding)
      expect(g.stats().bytes).toBe(outputBytes)
      // Replayed on other values, into buffers that held the first call's: im2col's padded entries
      // must be zero again (its buffer is zero-filled only when padding is reached), forward and backward.
      const small = random.normal(random.key(19), [2, 5, 5, 2])
      const smallOther = random.normal(random.key(20), [2, 5, 5, 2])
      const smallKernel = random.normal(random.key(21), [3, 3, 2, 2])
      const loss = (k: Tensor, a: Tensor) => ad.valueAndGrad((qb: readonly Value[]) => ad.sum(ad.tanh(ad.conv(qb[1] ?? a, qb[0] ?? k, { padding }))))([k, a])
      expect(checkJitEqual(loss, [smallKernel, small], [smallKernel, smallOther])).toBeUndefined()
    }
  })
  it('a plan keeps none of the values its trace computed, nor the temporaries of its kernels', async () => {
    setFlagsFromString('--expose-gc')
    const gc: unknown = runInNewContext('gc')
    if (typeof gc !== 'function') throw new Error('no gc')
    // An op whose kernel, while traced, tells us (weakly) of its input, its temporary and its output.
    const seen: WeakRef<object>[] = []
    const op = constantOp('test.twice', ([a]: readonly Tensor[]) => {
      const t = T.scale(a ?? T.scalar(0), 3)
      const y = T.add(t, T.neg(a ?? T.scalar(0)))
      seen.push(new WeakRef(t.data), new WeakRef(y.data))
      return y
    })
    const f = jit((a: Value) => ad.sum(ad.exp(op([ad.tanh(a)], undefined))))
    expect(bitDifference(f(x), ad.sum(ad.exp(op([ad.tanh(x)], undefined))))).toBeUndefined()
    const traced = seen.slice(0, 2)
    // WeakRefs made in a job hold their targets until it ends.
    await new Promise((resolve) => setTimeout(resolve, 0))
    gc()
    expect(traced.map((r) => r.deref())).toEqual([undefined, undefined])
    expect(f.stats().cached).toBe(1)
  })
  it('conv, pooling and scan (issue 15) replay the same bits: values, gradients, tangents and second order', () => {
    const images = random.normal(random.key(6), [2, 6, 2])
    const other = random.normal(random.key(7), [2, 6, 2])
    const kernel = random.normal(random.key(8), [3, 2, 3])
    const conv = (k: Value, a: Value): Value => ad.sum(ad.tanh(ad.conv(a, k)))
    expect(checkJitEqual((k: Tensor, a: Tensor) => ad.valueAndGrad((q: Value) => conv(q, a))(k), [kernel, images], [kernel, other])).toBeUndefined()
    // Max pooling's pullback and tangent find the maxima when they run (on the replayed values).
    const pooled = (a: Value): Value => ad.sum(ad.square(ad.maxPool(a, 2, { strides: 1 })))
    expect(checkJitEqual((a: Tensor) => ad.valueAndGrad(pooled)(a), [images], [other])).toBeUndefined()
    expect(checkJitEqual((a: Tensor, t: Tensor) => ad.jvp((b: Value) => ad.maxPool(b, 2), a, t), [images, other], [other, images])).toBeUndefined()
    expect(checkJitEqual((a: Tensor) => ad.grad((b: Value) => ad.sum(ad.grad(pooled)(b)))(a), [images], [other])).toBeUndefined()
    expect(checkJitEqual((a: Tensor) => ad.valueAndGrad((b: Value) => ad.sum(ad.square(ad.avgPool(b, 2))))(a), [images], [other])).toBeUndefined()
    // scan: the probe that learns the step's shapes runs on zeros of a tracer's shape.
    const body = (c: Value, xi: Value, w: Value): [Value, Value] => [ad.tanh(ad.add(ad.mul(c, w), xi)), c]
    const folded = (w: Value, a: Value): Value => {
      const [last, all] = ad.scan(body, ad.sum(a, { axis: 0 }), a, w)
      return ad.add(ad.sum(last), ad.sum(all))
    }
    const w = random.normal(random.key(9), [6, 2])
    expect(checkJitEqual((a: Tensor) => ad.scan(body, ad.sum(a, { axis: 0 }), a, w), [images], [other])).toBeUndefined()
    expect(checkJitEqual((q: Tensor, a: Tensor) => ad.valueAndGrad((v: Value) => folded(v, a))(q), [w, images], [w, other])).toBeUndefined()
    expect(checkJitEqual((q: Tensor, t: Tensor) => ad.jvp((v: Value) => folded(v, images), q, t), [w, w], [w, T.neg(w)])).toBeUndefined()
  })
  it('sealed memory (issue 11): every tensor a replay hands back owns a buffer of exactly its size', () => {
    const f = (a: Tensor, b: Tensor) => {
      const [value, grads] = ad.valueAndGrad((p: readonly Value[]) => ad.sum(ad.tanh(ad.add(ad.mul(p[0] ?? a, p[1] ?? b), 1))))([a, b])
      return { value, grads, passed: a, reshaped: ad.reshape(ad.exp(a), [-1]), sum: ad.sum(b, { axis: 0 }) }
    }
    const compiled = jit(f)
    // The trace's own call, a replay, and a replay on other values.
    for (const inputs of [[x, y], [x, y], [y, x]] as const) expect(checkSealed(compiled, [...inputs]).violations).toEqual([])
  })
  it('under a differentiation it runs f directly (jit inside grad)', () => {
    const inner = jit((a: Value) => ad.sum(ad.sin(a)))
    const g = ad.grad((a: Value) => inner(a))(x)
    expect(bitDifference(ad.grad((a: Value) => ad.sum(ad.sin(a)))(x), g)).toBeUndefined()
    expect(inner.stats().direct).toBe(1)
  })
})

describe('jit: what cannot be traced fails loudly, naming the op', () => {
  it('a JavaScript branch on a value', () => {
    const f = jit((a: Value) => (T.item(ad.primalTensor(ad.sum(a))) > 0 ? a : ad.neg(a)))
    expect(() => f(x)).toThrow(JitError)
    expect(() => f(x)).toThrow(/jit: sum: the values of a traced tensor of shape \[\] \(made by sum\) were read/)
  })
  it('reading .data of an argument', () => {
    const f = jit((a: Value) => ad.mul(a, ad.primalTensor(a).data[0] ?? 0))
    expect(() => f(x)).toThrow(/jit: input: the values of a traced tensor of shape \[2,3\]/)
  })
  it('probing .data of a tracer itself (optional chaining on what looks like a tensor) throws, never reads undefined', () => {
    // A tracer is a Dual: without its throwing `data`, `?.` would give undefined and freeze 0 into the plan.
    const probe = (a: Value): Value => ad.mul(a, Reflect.get(a, 'data')?.[0] ?? 0)
    expect(() => jit(probe)(x)).toThrow(/jit: input: the values of a traced tensor of shape \[2,3\]/)
    expect(() => jit((a: Value) => probe(ad.exp(a)))(x)).toThrow(/jit: exp: the values of a traced tensor of shape \[2,3\] \(made by exp\)/)
    // A tracer is still told from a tensor, and spreads and keys see a plain Dual.
    jit((a: Value) => {
      expect(ad.isDual(a)).toBe(true)
      expect(ad.isValue(a)).toBe(true)
      // The guard asks for a shape before it looks at data: a tracer is not a tensor, and asking does not throw.
      expect(T.isTensor(a)).toBe(false)
      expect(Object.keys(a)).not.toContain('data')
      return a
    })(x)
  })
  it('argmax (a value-dependent index) is an error under jit, not a frozen answer', () => {
    expect(() => jit((a: Value) => ad.argmax(a))(x)).toThrow(JitError)
  })
  it('a traced value that escapes its function', () => {
    let leaked: Value | undefined
    const f = jit((a: Value) => {
      leaked = ad.exp(a)
      return leaked
    })
    f(x)
    const g = jit((a: Value) => ad.add(a, leaked ?? 0))
    expect(() => g(x)).toThrow(/jit: add: a value traced by another jit call reached this op: a traced value escaped/)
  })
})

describe('jit: nodes with several outputs', () => {
  // A kernel with three outputs (a + b, a − b, a·b), counting its runs; specialised or not.
  const counted = (specialised: boolean) => {
    const runs = { value: 0, specialised: 0 }
    const kernel = (xs: readonly Tensor[]): readonly Tensor[] => {
      runs.value++
      const [a, b] = [xs[0] ?? T.scalar(0), xs[1] ?? T.scalar(0)]
      return [T.add(a, b), T.sub(a, b), T.mul(a, b)]
    }
    const specialize = () => (data: readonly T.ReadonlyFloat64Array[], outs: readonly Float64Array[]) => {
      runs.specialised++
      const [a, b] = [data[0] ?? new Float64Array(0), data[1] ?? new Float64Array(0)]
      const [s, d, p] = outs
      if (s === undefined || d === undefined || p === undefined) throw new Error('three outputs')
      for (let i = 0; i < a.length; i++) {
        s[i] = (a[i] ?? 0) + (b[i] ?? 0)
        d[i] = (a[i] ?? 0) - (b[i] ?? 0)
        p[i] = (a[i] ?? 0) * (b[i] ?? 0)
      }
    }
    return { op: specialised ? constantMultiOp('sumDiffProduct', kernel, specialize) : constantMultiOp('sumDiffProduct', kernel), runs }
  }
  for (const specialised of [true, false]) {
    it(`${specialised ? 'specialised' : 'through its value'}: one node, run once per replay, each output in its own buffer or handed out fresh`, () => {
      const { op, runs } = counted(specialised)
      // s and p are intermediates (read by later ops), d goes to the caller.
      const f = (a: Value, b: Value) => {
        const [s, d, p] = op([a, b], undefined)
        return { d: d ?? a, out: ad.mul(ad.exp(s ?? a), p ?? a) }
      }
      let graph: Graph | undefined
      // Without element-wise fusion, which would fuse exp(s) into the product (no buffer for it):
      // this test counts the multi-output node's buffers.
      const compiled = jit(f, {
        rewrite: (g) => {
          graph = g
          return g
        },
        fuse: false,
      })
      const first = compiled(x, y)
      expect(graph?.nodes.filter((n) => n.kind === 'multi').map((n) => n.name)).toEqual(['sumDiffProduct'])
      const before = { ...runs }
      const second = compiled(y, x)
      // One run of the kernel per replay, for all three outputs.
      expect(runs.value + runs.specialised - before.value - before.specialised).toBe(1)
      expect(specialised ? runs.specialised - before.specialised : runs.value - before.value).toBe(1)
      // The same bits as the interpreter; the first call's outputs untouched by the second.
      expect(bitDifference(f(x, y), first)).toBeUndefined()
      expect(bitDifference(f(y, x), second)).toBeUndefined()
      // The plan holds s and p (and exp(s)), each x's size, not a buffer per output per node; d is fresh.
      expect(compiled.stats().bytes).toBe(3 * 8 * x.data.length)
      expect(ad.primalTensor(first.d).data).not.toBe(ad.primalTensor(second.d).data)
    })
  }
  it('a node whose outputs are all unread is dropped; one read output keeps it, the others get scratch', () => {
    const { op, runs } = counted(true)
    const dead = jit((a: Value, b: Value) => {
      op([a, b], undefined)
      return ad.exp(a)
    })
    dead(x, y)
    dead(y, x)
    expect(runs.specialised).toBe(0)
    const one = jit((a: Value, b: Value) => ad.exp(op([a, b], undefined)[2] ?? a))
    expect(bitDifference(ad.exp(T.mul(y, x)), one(y, x))).toBeUndefined()
    expect(bitDifference(ad.exp(T.mul(x, y)), one(x, y))).toBeUndefined()
  })
  it('a plan keeps none of the values its trace computed through it', async () => {
    setFlagsFromString('--expose-gc')
    const gc: unknown = runInNewContext('gc')
    if (typeof gc !== 'function') throw new Error('no gc')
    const seen: WeakRef<object>[] = []
    const op = constantMultiOp('test.pair', ([a]: readonly Tensor[]) => {
      const pair = [T.scale(a ?? T.scalar(0), 3), T.neg(a ?? T.scalar(0))]
      for (const t of pair) seen.push(new WeakRef(t.data))
      return pair
    })
    const f = jit((a: Value) => {
      const [p, q] = op([ad.tanh(a)], undefined)
      return ad.sum(ad.mul(p ?? a, q ?? a))
    })
    f(x)
    const traced = seen.slice(0, 2)
    await new Promise((resolve) => setTimeout(resolve, 0))
    gc()
    expect(traced.map((r) => r.deref())).toEqual([undefined, undefined])
    expect(f.stats().cached).toBe(1)
  })
  it('its outputs are constants of every differentiation inside the function', () => {
    const { op } = counted(true)
    const f = (a: Tensor, b: Tensor) => ad.valueAndGrad((v: Value) => ad.sum(ad.mul(v, op([v, b], undefined)[2] ?? v)))(a)
    expect(checkJitEqual(f, [x, y], [y, x])).toBeUndefined()
    // d/da Σ a·c with c = a·b held constant: c itself.
    expect(bitDifference(f(x, y)[1], T.mul(x, y))).toBeUndefined()
  })
})
