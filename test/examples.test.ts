/**
 * Every example runs in its --quick form and its key claim holds. Each example ends with exactly
 * one JSON line that summarises it; these tests read that line.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll } from 'vitest'
import { describe, expect, it } from 'vitest'

interface Summary {
  readonly example: string
  readonly [key: string]: unknown
}

/** Charts of the examples go here, never into the working tree's ./out. */
const outDir = mkdtempSync(path.join(tmpdir(), 'dualflow-examples-'))
afterAll(() => rmSync(outDir, { recursive: true, force: true }))

/** Modification times of the working tree's ./out, to check that the examples leave it alone. */
const outTimes = (): string =>
  existsSync('out') ? readdirSync('out').map((f) => `${f}:${statSync(path.join('out', f)).mtimeMs}`).join(',') : ''
const before = outTimes()

const run = (name: string): Summary => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', `examples/${name}.ts`, '--quick', '--out', outDir], {
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  })
  const lines = out.trimEnd().split('\n')
  const last = lines[lines.length - 1] ?? ''
  const jsonLines = lines.filter((l) => l.startsWith('{"example"'))
  expect(jsonLines).toHaveLength(1)
  const summary: Summary = JSON.parse(last)
  expect(summary.example).toBe(name)
  return summary
}

describe('examples (--quick)', { timeout: 300_000 }, () => {
  it('forward-pass: hidden values 5 and 1, output 9', () => {
    const s = run('forward-pass')
    expect(s['hidden']).toEqual([5, 1])
    expect(s['output']).toBe(9)
  })
  it('backprop-trace: the traced backward pass matches grad and the delta rule', () => {
    expect(run('backprop-trace')['matches']).toBe(true)
  })
  it('mnist: above 85% test accuracy after one epoch', () => {
    const s = run('mnist')
    const accuracy = (s['testAccuracy'] as Record<string, number>)['784-128-10'] ?? 0
    expect(accuracy).toBeGreaterThan(0.85)
  })
})

describe('examples without training loops (--quick)', { timeout: 300_000 }, () => {
  it('perceptron-gates: AND and OR learned, XOR not', () => {
    const s = run('perceptron-gates')
    expect(s['accuracy']).toMatchObject({ and: 1, or: 1 })
    expect((s['accuracy'] as Record<string, number>)['xor']).toBeLessThan(1)
  })
  it('two-layer-net: outputs close to the targets, hand-written backprop equals grad', () => {
    const s = run('two-layer-net')
    expect(s['handEqualsGrad']).toBe(true)
    expect(s['maxError']).toBeLessThan(0.05)
  })
})

describe('examples that train (--quick)', { timeout: 300_000 }, () => {
  it('xor: every network reaches 100% for the documented key, ReLU ones included', () => {
    const s = run('xor')
    expect(s['accuracy']).toEqual({ 'logistic-2': 1, 'relu-2': 1, 'relu-3': 1 })
  })
  it('pima: above 70% training accuracy', () => {
    const s = run('pima')
    expect(s['trainingAccuracy']).toBeGreaterThan(0.7)
    expect(s['heldOutAccuracy']).toBeGreaterThan(0.65)
  })
  it('optimizers: every optimizer lowers the loss below the ln 2 of a coin flip', () => {
    const s = run('optimizers')
    for (const loss of Object.values(s['finalLoss'] as Record<string, number>)) expect(loss).toBeLessThan(Math.LN2)
  })
  it('the examples write their charts under a temporary directory, not into ./out', () => {
    expect(readdirSync(outDir).sort()).toEqual(expect.arrayContaining(['optimizers-loss.svg', 'pima-loss.svg']))
    expect(outTimes()).toBe(before)
  })
  it('regularization: reports train and test accuracy for all four variants', () => {
    const s = run('regularization')
    const results = s['results'] as Record<string, { train: number; test: number }>
    expect(Object.keys(results).sort()).toEqual(['batchNorm', 'dropout', 'l2', 'plain'])
    for (const r of Object.values(results)) expect(r.test).toBeGreaterThan(0.5)
  })
})

describe('convolutional and recurrent examples (--quick)', { timeout: 300_000 }, () => {
  it('rnn-binary-addition: every held-out 8-bit sum right after two epochs', () => {
    const s = run('rnn-binary-addition')
    expect(s['heldOutAccuracy']).toBe(1)
  })
  it('lstm-adding-problem: on 10-step sequences the LSTM and the GRU beat a quarter of the baseline, and both beat the SimpleRNN', () => {
    const s = run('lstm-adding-problem')
    const mse = s['testMse'] as Record<string, number>
    const quarter = (s['baseline'] as number) / 4
    expect(mse['lstm']).toBeLessThan(quarter)
    expect(mse['gru']).toBeLessThan(quarter)
    expect(mse['simpleRnn']).toBeGreaterThan(Math.max(mse['lstm'] ?? 0, mse['gru'] ?? 0))
  })
  it('cnn-mnist: above 60% test accuracy after one epoch on 1 500 digits', () => {
    const s = run('cnn-mnist')
    expect(s['testAccuracy']).toBeGreaterThan(0.6)
  })
})
