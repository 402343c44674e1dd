import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bitDifference } from '../../laws/jit.js'
import * as ad from '../../src/ad/index.js'
import type { Value } from '../../src/ad/index.js'
import { codeGenerationAllowed, jit } from '../../src/jit/index.js'
import * as T from '../../src/tensor/index.js'

const step = (w: Value, x: Value): Value => ad.sum(ad.sigmoid(ad.add(ad.matmul(x, w), 0.5)))
const w = T.tensor([[0.5, -1], [2, 0.25], [-0.75, 1]])
const x = T.tensor([[1, -2, 3], [0.5, 4, -1]])

describe('jit: generated replay', () => {
  it('compiles a plan into generated code where allowed, the interpreted loop on request: the same bits', () => {
    expect(codeGenerationAllowed()).toBe(true)
    const generated = jit(ad.valueAndGrad(step), { replay: 'auto' })
    const loop = jit(ad.valueAndGrad(step), { replay: 'loop' })
    const expected = ad.valueAndGrad(step)(w, x)
    for (let i = 0; i < 3; i++) {
      expect(bitDifference(expected, generated(w, x))).toBeUndefined()
      expect(bitDifference(expected, loop(w, x))).toBeUndefined()
    }
    expect(generated.stats()).toMatchObject({ cached: 1, generated: 1 })
    expect(loop.stats()).toMatchObject({ cached: 1, generated: 0 })
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
