/**
 * README.md shows code and output; these tests keep them honest.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { grad, mul, nn, sum, tensor } from '../src/index.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

describe('README', () => {
  it('shows the two commands', () => {
    expect(readme).toContain('npm install && npm start')
    expect(readme).toContain('npm test')
  })
  it('first contact: the gradient of Σ x² at [1, 2, 3] is [2, 4, 6]', () => {
    expect(readme).toContain('const g = grad((x) => sum(mul(x, x)))(tensor([1, 2, 3]))')
    expect(Array.from(grad((x) => sum(mul(x, x)))(tensor([1, 2, 3])).data)).toEqual([2, 4, 6])
  })
  it('shows the summary table that nn.summary prints for the Pima network', () => {
    const model = nn.sequential(nn.dense(12), nn.relu, nn.dense(8), nn.relu, nn.dense(1), nn.sigmoid)
    const printed = nn.summary(model, [8]).text.trimEnd().split('\n').map((l) => `// ${l}`.trimEnd())
    const lines = readme.split('\n').map((l) => l.trimEnd())
    const start = lines.indexOf(printed[0] ?? '')
    expect(start).toBeGreaterThan(0)
    expect(lines.slice(start, start + printed.length)).toEqual(printed)
  })
})

// Every TypeScript block of README.md also runs as written, against the packed package, in
// test/package/package.test.ts.

describe('README: checking your own gradient', () => {
  it('runs the three-line check as shown', async () => {
    const { gradientLaws, arb } = await import('../laws/index.js')
    const { sum, tanh, mul } = await import('../src/index.js')
    expect(readme).toContain('gradientLaws(f, arb.tensorOf([3, 2]))')
    const f = (x: import('../src/index.js').Value) => sum(tanh(mul(x, x)))
    expect(() => gradientLaws(f, arb.tensorOf([3, 2]))).not.toThrow()
    // and it would catch a wrong gradient: a primitive whose pullback is off by a factor 2
    const { customVjp, T } = await import('../src/index.js')
    const wrongSquare = customVjp({ name: 'wrongSquare', value: (x) => T.square(x), vjp: (g, [x]) => [mul(g, mul(x ?? 0, 4))], jvp: ([t], [x]) => mul(t ?? 0, mul(x ?? 0, 4)) })
    let failure: unknown
    try {
      gradientLaws((x: import('../src/index.js').Value) => sum(wrongSquare(x)), arb.tensorOf([3, 2]))
    } catch (e) {
      failure = e
    }
    expect(failure).toBeInstanceOf(Error)
    const cause = failure instanceof Error ? String(failure.cause) : ''
    expect(cause).toMatch(/gradient = finite differences fails/)
  })
})

describe('README: images', () => {
  it('every image it shows is in the repository', async () => {
    const { existsSync } = await import('node:fs')
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1] ?? '')
    expect(images.length).toBeGreaterThanOrEqual(3)
    expect(images.filter((path) => !existsSync(new URL(`../${path}`, import.meta.url)))).toEqual([])
  })
})
