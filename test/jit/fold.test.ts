import { describe, expect, it } from 'vitest'
import { bitDifference, checkFoldEqual, iterateFold } from '../../laws/jit.js'
import { checkSealed } from '../../laws/purity.js'
import * as ad from '../../src/ad/index.js'
import type { Value } from '../../src/ad/index.js'
import { constantOp } from '../../src/ad/extend.js'
import { jitFold, JitError } from '../../src/jit/index.js'
import * as losses from '../../src/losses/index.js'
import * as nn from '../../src/nn/index.js'
import * as optim from '../../src/optim/index.js'
import * as random from '../../src/random/index.js'
import type { Key } from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import type { Tensor } from '../../src/tensor/index.js'
import * as tree from '../../src/tree/index.js'

/** A training step as a fold body: batch norm (model state), dropout (the item's key), Adam (its state, step counts included). */
const model = nn.sequential(nn.dense(5), nn.batchNorm(), nn.relu, nn.dropout(0.3), nn.dense(1))
const optimizer = optim.adam({ learningRate: 0.05 })
const init = model.init(random.key(1), [3])
const { leaves, treedef } = tree.flatten(init.params)
type State = typeof init.state
interface Carry {
  readonly params: readonly Tensor[]
  readonly state: State
  readonly opt: ReturnType<typeof optimizer.init>
}
interface Batch {
  readonly x: Tensor
  readonly y: Tensor
  readonly key: Key
}
const trainBody = (c: Carry, b: Batch): readonly [Carry, { readonly loss: Value; readonly predictions: Value }] => {
  const objective = (ps: readonly Tensor[]): readonly [Value, { readonly state: State; readonly predictions: Value }] => {
    const values: readonly Value[] = ps
    const out = model.apply(tree.unflatten(treedef, values, { freeze: false }), c.state, b.x, { training: true, key: b.key })
    return [losses.mse(out.y, b.y), { state: out.state, predictions: out.y }]
  }
  const [[loss, aux], grads] = ad.valueAndGradWithAux(objective)(c.params)
  const [updates, opt] = optimizer.update(grads, c.opt, c.params)
  return [{ params: optim.applyUpdates(c.params, updates), state: aux.state, opt }, { loss, predictions: aux.predictions }]
}
const batch = (rows: number, i: number): Batch => {
  const k = random.key(100 + i)
  const [kx, ky] = random.split(k, 2)
  if (kx === undefined || ky === undefined) throw new Error('two keys')
  return { x: random.normal(kx, [rows, 3]), y: random.normal(ky, [rows, 1]), key: random.foldIn(random.key(7), i) }
}
const start: Carry = { params: leaves, state: init.state, opt: optimizer.init(leaves) }

/** Every tensor under a value, in order. */
const tensorsIn = (u: unknown, out: Tensor[] = []): Tensor[] => {
  if (T.isTensor(u)) out.push(u)
  else if (Array.isArray(u)) for (const v of u) tensorsIn(v, out)
  else if (typeof u === 'object' && u !== null) for (const v of Object.values(u)) tensorsIn(v, out)
  return out
}
const primal = (v: Value): Tensor => ad.primalTensor(v)
const snapshot = (u: unknown): number[][] => tensorsIn(u).map((t) => Array.from(t.data))

describe('jitFold: equal to iterating f', () => {
  it('a training step (batch norm statistics, dropout keys, Adam state) with a signature switch mid-fold, bit for bit', () => {
    const items = [batch(4, 0), batch(4, 1), batch(4, 2), batch(2, 3), batch(4, 4), batch(4, 5), batch(2, 6)]
    const folded = jitFold(trainBody)
    const expected = iterateFold(trainBody, start, items)
    const before = snapshot(start)
    const actual = folded(start, items)
    expect(bitDifference(expected, actual)).toBeUndefined()
    // The caller's carry is only read.
    expect(snapshot(start)).toEqual(before)
    // Two signatures (4 and 2 rows): two traces, every other step a replay; nothing ran directly.
    expect(folded.stats()).toMatchObject({ traces: 2, replays: 7, direct: 0, cached: 2, readsKeys: false })
    // Another fold with the same function replays the cached plans.
    expect(bitDifference(expected, folded(start, items))).toBeUndefined()
    expect(folded.stats().traces).toBe(2)
  })
  it('keys in the carry are dynamic words: split each step, used by an op, emitted', () => {
    const drop = nn.dropout(0.5)
    const body = (c: { readonly key: Key; readonly x: Value }, y: Tensor): readonly [{ readonly key: Key; readonly x: Value }, Key] => {
      const [next, use] = random.split(c.key, 2)
      if (next === undefined || use === undefined) throw new Error('two keys')
      const x = ad.add(drop.apply({}, {}, c.x, { training: true, key: use }).y, y)
      return [{ key: next, x }, use]
    }
    const ys = [0, 1, 2, 3, 4].map((i) => T.vector([i, 1, -i, 2]))
    const folded = jitFold(body)
    const init0 = { key: random.key(3), x: T.vector([1, 2, 3, 4]) }
    expect(bitDifference(iterateFold(body, init0, ys), folded(init0, ys))).toBeUndefined()
    expect(folded.stats()).toMatchObject({ traces: 1, replays: 5, readsKeys: false })
  })
  it('a key read in JavaScript still works (each step traces, as jit would)', () => {
    const body = (c: { readonly key: Key; readonly x: Value }, y: Tensor): readonly [{ readonly key: Key; readonly x: Value }, Value] => {
      const [next, use] = random.split(c.key, 2)
      if (next === undefined || use === undefined) throw new Error('two keys')
      const x = ad.add(ad.mul(c.x, random.normal(use, [2])), y)
      return [{ key: next, x }, ad.sum(x)]
    }
    const ys = [0, 1, 2].map((i) => T.vector([i, 1]))
    const folded = jitFold(body)
    const init0 = { key: random.key(4), x: T.vector([1, 2]) }
    expect(checkFoldEqual(body, init0, ys)).toBeUndefined()
    expect(folded(init0, ys).carry.x).toBeDefined()
    expect(folded.stats().readsKeys).toBe(true)
  })
  it('outputs that are inputs passed through, appear twice, or are constants are copied: all equal', () => {
    const constant = T.vector([5, 6])
    const body = (c: readonly [Value, Value, Value, Value], x: Tensor): readonly [readonly [Value, Value, Value, Value], readonly [Value, Value]] => {
      const y = ad.mul(ad.add(c[0], c[1]), x)
      return [[y, y, x, constant], [y, c[2]]]
    }
    const xs = [T.vector([1, 2]), T.vector([0.5, -1]), T.vector([3, 3])]
    const init0 = [T.vector([1, 1]), T.vector([2, 3]), T.vector([0, 0]), T.vector([0, 0])] as const
    expect(checkFoldEqual(body, init0, xs)).toBeUndefined()
    const out = jitFold(body)(init0, xs)
    expect(T.toArray(primal(out.carry[3]))).toEqual([5, 6])
    // Two leaves of one value come back as two tensors, sharing nothing.
    expect(out.carry[0]).not.toBe(out.carry[1])
    expect(primal(out.carry[0]).data.buffer).not.toBe(primal(out.carry[1]).data.buffer)
  })
  it('items that switch between recent plans, differ in structure or key order, or are one record rewritten: each replays its own plan, bit for bit', () => {
    type Item = Value | readonly Value[] | { readonly [k: string]: Value }
    // Each leaf weighted by its place, so a leaf bound to the wrong input changes the bits (traced leaves are Duals).
    const leavesOf = (x: Item): readonly Value[] => (ad.isDual(x) || T.isTensor(x) ? [x] : Array.isArray(x) ? x : Object.values(x))
    const body = (c: Value, x: Item): readonly [Value, Value] => {
      let next = ad.mul(c, T.scalar(0.5))
      leavesOf(x).forEach((t, i) => (next = ad.add(next, ad.mul(ad.sum(t), T.scalar(i + 1)))))
      return [next, ad.sum(next)]
    }
    const v = (...xs: number[]): Tensor => T.vector(xs)
    const items: Item[] = [
      { a: v(1, 2) },
      { a: v(3, 4) },
      { a: v(1, 2), b: v(5) },
      { a: v(2, 2) },
      { b: v(5), a: v(1, 2) },
      { a: v(1, 2), b: v(5) },
      [v(1, 2)],
      { a: v(1, 2, 3) },
      { a: v(0, 1) },
      v(7, 8),
      { c: v(1, 2) },
      { a: v(1, 2), b: v(6) },
      { a: v(9, 9) },
    ]
    expect(checkFoldEqual(body, T.scalar(1), items)).toBeUndefined()
    const folded = jitFold(body, { cacheSize: 16 })
    folded(T.scalar(1), items)
    // One trace per signature: {a:[2]}, {a,b}, {b,a}, [[2]], {a:[3]}, [2], {c:[2]}; every switch back replays.
    expect(folded.stats()).toMatchObject({ traces: 7, replays: items.length, direct: 0 })
    // One record rewritten between steps (as train's runner does): matched anew at every step.
    const record: { a: Tensor; b?: Tensor } = { a: v(1, 2) }
    const run = folded.start(T.scalar(1))
    const expected = [T.scalar(1)]
    const sequence: (() => void)[] = [
      () => (record.a = v(3, 1)),
      () => (record.b = v(2)),
      () => (record.a = v(1, 1, 1)),
      () => delete record.b,
      () => (record.a = v(4, 4)),
    ]
    let carry: Value = T.scalar(1)
    for (const change of sequence) {
      change()
      run.step(record)
      carry = body(carry, { ...record } as Item)[0]
      expected.push(primal(carry))
      expect(T.toArray(primal(run.carry()))).toEqual(T.toArray(primal(carry)))
    }
  })
  it('under a differentiation (Dual arguments) iterates f directly: gradients as iterating gives', () => {
    const body = (c: Value, x: Tensor): readonly [Value, Value] => [ad.tanh(ad.mul(c, x)), ad.sum(c)]
    const xs = [T.vector([1, 2]), T.vector([0.5, -1])]
    const folded = jitFold(body)
    const viaFold = ad.grad((w: Value) => ad.sum(folded(w, xs).carry))(T.vector([0.3, 0.7]))
    const viaLoop = ad.grad((w: Value) => ad.sum(iterateFold(body, w, xs).carry))(T.vector([0.3, 0.7]))
    expect(bitDifference(viaLoop, viaFold)).toBeUndefined()
    expect(folded.stats()).toMatchObject({ direct: 2, traces: 0 })
  })
})

describe('jitFold: purity and memory', () => {
  it('returned tensors own their memory: sealed, shared with nothing, and later steps do not change them', () => {
    const body = (c: readonly [Value, Value], x: Value): readonly [readonly [Value, Value], Value] => [[ad.add(c[0], x), ad.mul(c[1], x)], ad.add(c[0], c[1])]
    const folded = jitFold(body)
    const sealed = checkSealed((a, b, x1, x2, x3) => folded([a, b], [x1, x2, x3]), [T.vector([1, 2]), T.vector([3, 4]), T.vector([1, 1]), T.vector([2, 2]), T.vector([3, 3])])
    expect(sealed.sealed).toBe(true)
    const run = folded.start([T.vector([1, 2]), T.vector([3, 4])])
    run.step(T.vector([1, 1]))
    run.step(T.vector([2, 2]))
    const mid = run.carry()
    const midEmitted = run.emitted()
    const seen = snapshot([mid, midEmitted])
    for (let i = 0; i < 5; i++) run.step(T.vector([i, -i]))
    expect(snapshot([mid, midEmitted])).toEqual(seen)
    expect(run.steps()).toBe(7)
  })
  it('previous() is the carry the last step read; scalar() reads a one-element emission without a tensor', () => {
    const body = (c: Value, x: Tensor): readonly [Value, { readonly total: Value; readonly all: Value }] => [ad.add(c, x), { total: ad.sum(c), all: c }]
    const xs = [T.vector([1, 2]), T.vector([3, 4]), T.vector([5, 6])]
    const run = jitFold(body).start(T.vector([0, 0]))
    expect(() => run.emitted()).toThrow(JitError)
    expect(run.previous()).toBe(run.carry())
    for (const x of xs) run.step(x)
    expect(T.toArray(primal(run.previous()))).toEqual([4, 6])
    expect(T.toArray(primal(run.carry()))).toEqual([9, 12])
    expect(run.scalar()).toBe(10)
    expect(run.scalar(0)).toBe(T.toArray(primal(run.emitted().total)))
    expect(() => run.scalar(1)).toThrow(/shape|elements/)
    expect(() => run.scalar(2)).toThrow(/2 tensor leaves/)
  })
  it("the emissions kept are the caller's choice", () => {
    const body = (c: Value, x: Tensor): readonly [Value, Value] => [ad.add(c, x), ad.sum(x)]
    const xs = [T.vector([1]), T.vector([2]), T.vector([3])]
    const folded = jitFold(body)
    expect(folded(T.vector([0]), xs, { emitted: 'none' }).emitted).toEqual([])
    expect(folded(T.vector([0]), xs, { emitted: 'last' }).emitted.map((e) => T.toArray(primal(e)))).toEqual([3])
    expect(folded(T.vector([0]), xs).emitted.map((e) => T.toArray(primal(e)))).toEqual([1, 2, 3])
  })
  it('the plan cache is bounded as jit\'s', () => {
    const body = (c: Value, x: Tensor): readonly [Value, Value] => [ad.add(c, ad.sum(x)), ad.sum(x)]
    const folded = jitFold(body, { cacheSize: 1 })
    folded(T.scalar(0), [T.vector([1]), T.vector([1, 2]), T.vector([1])])
    expect(folded.stats()).toMatchObject({ traces: 3, cached: 1 })
    expect(() => jitFold(body, { cacheSize: 0 })).toThrow(JitError)
  })
})

describe('jitFold: errors', () => {
  it('a body that is not a pair, or changes the carry\'s structure, fails with a JitError saying so', () => {
    const notPair = jitFold((c: Value, x: Tensor) => ad.add(c, x) as unknown as readonly [Value, Value])
    expect(() => notPair(T.vector([1]), [T.vector([1])])).toThrow(/pair \[carry, emitted\]/)
    const grows = jitFold((c: Value, x: Tensor): readonly [Value, Value] => [ad.concat([c, x], 0), c])
    expect(() => grows(T.vector([1]), [T.vector([1])])).toThrow(/given \[?T\[1\]\]?, returned \[?T\[2\]/)
  })
  it('a branch on a traced value fails as jit does, and leaves the run where it was', () => {
    const body = (c: Value, x: Tensor): readonly [Value, Value] => {
      const first = ad.primalTensor(c).data[0] ?? 0
      return [first > 0 ? ad.add(c, x) : ad.sub(c, x), c]
    }
    const run = jitFold(body).start(T.vector([1]))
    expect(() => run.step(T.vector([2]))).toThrow(JitError)
    expect(run.steps()).toBe(0)
    expect(T.toArray(primal(run.carry()))).toEqual([1])
  })
})

describe('jitFold: a replay that fails', () => {
  it('an output whose shape depends on values fails the step with a JitError; the carry stays the one before it', () => {
    // Keeps the first k elements, k read from the data when it runs: a shape the trace cannot know.
    const firstK = constantOp('test.firstK', ([a]: readonly Tensor[]) => {
      const data = a?.data ?? new Float64Array(0)
      const k = Math.max(1, Math.min(data.length, Math.round(data[0] ?? 1)))
      return T.tensor(Array.from(data.slice(0, k)))
    })
    const body = (c: Value, x: Tensor): readonly [Value, Value] => [ad.add(c, x), ad.sum(firstK([ad.add(c, x)], undefined))]
    const run = jitFold(body).start(T.vector([1, 0, 0]))
    run.step(T.vector([0, 1, 1]))
    run.step(T.vector([0, 1, 1]))
    expect(T.toArray(primal(run.carry()))).toEqual([1, 2, 2])
    // The carry's first element becomes 3: the kept length changes on replay.
    expect(() => run.step(T.vector([2, 0, 0]))).toThrow(/depends on the input values/)
    expect(run.steps()).toBe(2)
    expect(T.toArray(primal(run.carry()))).toEqual([1, 2, 2])
    // The set that held the carry before the last step was partly written: previous() is now the carry itself, never a half-written one.
    expect(T.toArray(primal(run.previous()))).toEqual([1, 2, 2])
  })
})
