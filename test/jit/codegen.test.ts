import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bitDifference } from '../../laws/jit.js'
import * as ad from '../../src/ad/index.js'
import type { Value } from '../../src/ad/index.js'
import { codeGenerationAllowed, FOLD_GENERATE_AFTER, GENERATE_AFTER, jit, jitFold, type Graph } from '../../src/jit/index.js'
import { fuseElementwise } from '../../src/jit/fuse.js'
import * as optim from '../../src/optim/index.js'
import * as T from '../../src/tensor/index.js'
import type { Tensor } from '../../src/tensor/index.js'

const step = (w: Value, x: Value): Value => ad.sum(ad.sigmoid(ad.add(ad.matmul(x, w), 0.5)))
const w = T.tensor([[0.5, -1], [2, 0.25], [-0.75, 1]])
const x = T.tensor([[1, -2, 3], [0.5, 4, -1]])

describe('jit: generated replay', () => {
  it('compiles a plan into generated code where allowed, the interpreted loop on request: the same bits', () => {
    expect(codeGenerationAllowed()).toBe(true)
    const generated = jit(ad.valueAndGrad(step), { replay: 'generated' })
    const loop = jit(ad.valueAndGrad(step), { replay: 'loop' })
    const expected = ad.valueAndGrad(step)(w, x)
    for (let i = 0; i < 3; i++) {
      expect(bitDifference(expected, generated(w, x))).toBeUndefined()
      expect(bitDifference(expected, loop(w, x))).toBeUndefined()
    }
    expect(generated.stats()).toMatchObject({ cached: 1, generated: 1 })
    expect(loop.stats()).toMatchObject({ cached: 1, generated: 0 })
  })
  it("'auto' replays in the interpreted loop first and generates a plan's code after GENERATE_AFTER replays", () => {
    const f = jit(ad.valueAndGrad(step), { replay: 'auto' })
    const expected = ad.valueAndGrad(step)(w, x)
    // The first call traces and runs the plan once: GENERATE_AFTER − 1 calls run it that often.
    for (let i = 0; i < GENERATE_AFTER - 1; i++) f(w, x)
    expect(f.stats()).toMatchObject({ replays: GENERATE_AFTER - 2, generated: 0 })
    expect(bitDifference(expected, f(w, x))).toBeUndefined()
    expect(f.stats()).toMatchObject({ generated: 1 })
    expect(bitDifference(expected, f(w, x))).toBeUndefined()
  })
  it("'auto' runs a fold as generated code after FOLD_GENERATE_AFTER steps, with the same bits; a rare plan stays in the loop", () => {
    const body = (v: Value, item: Value): readonly [Value, Value] => {
      const [loss, g] = ad.valueAndGrad((u: Value) => step(u, item))(v)
      return [ad.sub(v, ad.mul(g, 0.1)), loss]
    }
    const folded = jitFold(body, { replay: 'auto' })
    // Every 16th item has one row: a second plan, an eighth of the steps or less (it stays in the loop).
    const small = T.tensor([[1, -2, 3]])
    const items = Array.from({ length: 2 * FOLD_GENERATE_AFTER }, (_, i) => (i % 16 === 15 ? small : i % 2 === 0 ? x : T.scale(x, 2)))
    const out = folded(w, items, { emitted: 'last' })
    let carry: Value = w
    let loss: Value = T.scalar(0)
    for (const item of items) [carry, loss] = body(carry, item)
    expect(bitDifference(loss, out.emitted[0])).toBeUndefined()
    expect(bitDifference(carry, out.carry)).toBeUndefined()
    expect(folded.stats()).toMatchObject({ traces: 2, cached: 2, generated: 1 })
  })
  it('a whole training step (Adam: nodes with several outputs) runs as generated code, with the same bits', () => {
    const optimizer = optim.adam({ learningRate: 0.1 })
    const update = (w: Tensor, s: optim.AdamState, x: Tensor) => {
      const g = ad.grad((v: Value) => step(v, x))(w)
      const [u, next] = optimizer.update(g, s, w)
      return { w: optim.applyUpdates(w, u), s: next }
    }
    const compiled = jit(update, { replay: 'generated' })
    let a = { w, s: optimizer.init(w) }
    let b = a
    for (let i = 0; i < 3; i++) {
      a = update(a.w, a.s, x)
      b = compiled(b.w, b.s, x)
      expect(bitDifference(a, b)).toBeUndefined()
    }
    expect(compiled.stats()).toMatchObject({ cached: 1, generated: 1 })
  })
  it('where code generation is forbidden (a CSP without unsafe-eval) it falls back to the loop, with the same bits', () => {
    // A process that forbids generating code from strings, as a Content-Security-Policy without
    // 'unsafe-eval' does: new Function throws EvalError there.
    const script = `
      import * as ad from './src/ad/index.ts'
      import { codeGenerationAllowed, jit } from './src/jit/index.ts'
      import * as T from './src/tensor/index.ts'
      const w = T.tensor([[0.5, -1], [2, 0.25], [-0.75, 1]])
      const x = T.tensor([[1, -2, 3], [0.5, 4, -1]])
      const f = jit(ad.valueAndGrad((w, x) => ad.sum(ad.sigmoid(ad.add(ad.matmul(x, w), 0.5)))))
      f(w, x)
      const [v, g] = f(w, x)
      console.log(JSON.stringify({ allowed: codeGenerationAllowed(), generated: f.stats().generated, v: Array.from(v.data), g: Array.from(g.data) }))
    `
    const root = fileURLToPath(new URL('../..', import.meta.url))
    const run = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })
    expect(run.stderr).toBe('')
    const result: unknown = JSON.parse(run.stdout)
    const [v, g] = ad.valueAndGrad(step)(w, x)
    expect(result).toEqual({ allowed: false, generated: 0, v: Array.from(v.data), g: Array.from(g.data) })
  })
})

/** jit(f) with the fusion pass observed: the fused nodes' names of its last plan. */
const observed = <F extends (...args: never[]) => unknown>(f: F, generate = true): { readonly g: F; readonly fused: () => readonly string[] } => {
  let names: readonly string[] = []
  const g = jit(f, {
    replay: generate ? 'generated' : 'loop',
    fuse: (graph: Graph) => {
      const out = fuseElementwise(graph, generate)
      names = out.nodes.filter((n) => n.kind !== 'multi' && n.fused !== undefined).map((n) => n.name)
      return out
    },
  })
  return { g, fused: () => names }
}

describe('jit: exact element-wise fusion', () => {
  const special = T.tensor([[0, -0, Number.NaN, Infinity], [-Infinity, 1e-310, -3.5, 710]])
  const bias = T.vector([0.5, -0, Number.NaN, -1])
  const dense = (x: Value, b: Value): Value => ad.tanh(ad.add(ad.scale(ad.relu(ad.sub(x, 0.25)), 1.5), b))
  for (const generate of [true, false]) {
    it(`a chain with a scalar and a bias row is one loop with the interpreter's bits, special values included (${generate ? 'generated' : 'interpreted'} loop)`, () => {
      const { g, fused } = observed(dense, generate)
      for (const x of [special, T.tensor([[1, 2, 3, 4], [-1, -2, -3, -4]])]) expect(bitDifference(dense(x, bias), g(x, bias))).toBeUndefined()
      expect(fused()).toEqual(['fused(sub, relu, scale, add, tanh)'])
    })
    it(`gradients: the pullbacks' chains fuse too, with the same bits (${generate ? 'generated' : 'interpreted'} loop)`, () => {
      const loss = (x: Value, b: Value): Value => ad.sum(ad.mul(ad.sigmoid(ad.add(ad.mul(x, x), b)), 3))
      const { g, fused } = observed(ad.valueAndGrad(loss), generate)
      for (const x of [special, T.tensor([[1, 2, 3, 4], [-1, -2, -3, -4]])]) expect(bitDifference(ad.valueAndGrad(loss)(x, bias), g(x, bias))).toBeUndefined()
      expect(fused().length).toBeGreaterThan(0)
    })
  }
  it('an intermediate read elsewhere, or returned, is not fused away', () => {
    const shared = (x: Value): Value => {
      const e = ad.exp(x)
      return ad.add(ad.neg(e), ad.sum(e))
    }
    const returned = (x: Value): readonly Value[] => {
      const e = ad.exp(x)
      return [e, ad.neg(e)]
    }
    const a = observed(shared)
    const b = observed(returned)
    expect(bitDifference(shared(special), a.g(special))).toBeUndefined()
    expect(bitDifference(returned(special), b.g(special))).toBeUndefined()
    expect(a.fused()).toEqual(['fused(neg, add)'])
    expect(b.fused()).toEqual([])
  })
  it('a broadcast a loop cannot index element by element (a column) stays its own node', () => {
    const column = (x: Value, c: Value): Value => ad.exp(ad.add(ad.neg(x), c))
    const c = T.tensor([[1], [2]])
    const { g, fused } = observed(column)
    expect(bitDifference(column(special, c), g(special, c))).toBeUndefined()
    expect(fused()).toEqual([])
  })
})
