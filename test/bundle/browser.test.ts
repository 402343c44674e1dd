/**
 * Everything in src/ below `node` runs where there is no `process` (a browser, a worker): the
 * whole public surface but `dualflow/node` is bundled for the browser and run in a fresh V8
 * context given only what browsers and workers have too (console, timers, performance, text
 * codecs) — no process, require, Buffer or global. Training with `report.terminalReporter()` and its
 * default sink there writes lines to the console instead of throwing `process is not defined`.
 */
import { createContext, runInContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { bundle } from './esbuild.js'

const program = `
import { data, losses, nn, optim, random, report, train } from 'dualflow'
import { gradientLaws } from 'dualflow/laws'
const onEvent = report.terminalReporter()
train.fit(nn.sequential(nn.dense(2), nn.tanh, nn.dense(1)), data.circles(random.key(0), { samples: 20 }), { loss: losses.mse, optimizer: optim.sgd({ learningRate: 0.1 }), epochs: 2, key: random.key(1), onEvent })
globalThis.done = typeof gradientLaws
`

describe('the core in a browser', () => {
  it('runs with no process object, and terminalReporter writes to the console', async () => {
    const { code } = await bundle(program, 'iife')
    const lines: string[] = []
    const context = createContext({ console: { log: (line: string) => lines.push(line) }, setTimeout, clearTimeout, queueMicrotask, performance, TextEncoder, TextDecoder })
    for (const name of ['process', 'require', 'Buffer', 'global']) expect(runInContext(`typeof ${name}`, context)).toBe('undefined')
    runInContext(code, context)
    expect(runInContext('done', context)).toBe('function')
    expect(lines).toHaveLength(4)
    expect(lines[0]).toBe('Epoch 1/2')
    expect(lines[1]).toMatch(/^20\/20 \[=+\] loss: \d\.\d{4}$/)
    expect(lines[2]).toBe('Epoch 2/2')
  })
})
