/**
 * What an application that trains a network pays in bytes. The program below trains XOR with nn,
 * optim and train through the public entry points; its minified bundle must stay ≤ 54 KB gzip
 * (it was 68.7 KB before the package declared `"sideEffects": false` and imported fp-ts through
 * its bundler-friendly entry). The measured sizes are printed.
 *
 * The bound was 40 KB until two features that every `fit` runs landed together: the WebAssembly
 * element-wise, relu and optimizer loops (the embedded module went from 1.4 KB to 4 KB of bytes,
 * 5.4 KB of base64, which gzip hardly shrinks) and whole training steps compiled by `jit` (traced
 * keys, traced optimizer updates). The program measured 41.7 KB gzip with both (117 KB minified); 44 KB kept the guard
 * against accidental imports (a dataset, io-ts, a second fp-ts) tight, since each of those costs
 * more than the remaining margin. Main measured 43.2 KB after nodes with several outputs; then
 * `fit` came to fold its compiled step with `jitFold` (issue 14: the fold, the epoch's step
 * runner, batches gathered into reused buffers — all on every `fit`'s path): 47.1 KB gzip
 * (fold.ts alone is 8 KB minified). 48 KB kept the same tight margin.
 * Then 48 → 51 KB: jit's generated replay and exact element-wise fusion (jit/fuse.ts, the code
 * generators of replay.ts, the element functions; on every `jit`'s path) add 2.6 KB gzip (42.0 →
 * 44.6 KB before the fold landed, 50.3 KB after it); 51 KB keeps the margin.
 * Then 51 → 54 KB: inline code in jit's generated replay (jit/inline.ts, the sources written next
 * to the kernels: products, sums, copies, transposes, the optimizers' loops; the tiering of folds;
 * on every `fit`'s path, since a fold now runs generated code too) adds 2.8 KB gzip (main 50.3 →
 * 53.1 KB, measured on both after the merge); 54 KB keeps about the margin 51 kept.
 *
 * Subpath imports (`dualflow/nn`) are the form that tree-shakes in every bundler. With the root
 * form (`import { nn } from 'dualflow'`), esbuild keeps every namespace object whole (its
 * documented limitation, evanw/esbuild#1420); Rollup and Rolldown (Vite) do not — the playground
 * build imports the root and is checked for the Pima text by its own test.
 */
import { describe, expect, it } from 'vitest'
import { bundle, inputsOf } from './esbuild.js'

const program = (imports: string) => `
${imports}
const model = nn.sequential(nn.dense(4), nn.tanh, nn.dense(1), nn.sigmoid)
const result = train.fit(model, data.gates.xor, { loss: losses.binaryCrossEntropy, optimizer: optim.adam({ learningRate: 0.05 }), epochs: 300, batchSize: 4, key: random.key(1) })
globalThis.xorLoss = result.history[result.history.length - 1].loss
`

const subpaths = program(
  ['data', 'losses', 'nn', 'optim', 'random', 'train'].map((m) => `import * as ${m} from 'dualflow/${m}'`).join('\n'),
)
const rootImport = program(`import { data, losses, nn, optim, random, train } from 'dualflow'`)

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`

describe('bundle size', () => {
  it('a program training XOR with nn, optim and train is at most 54 KB gzip', async () => {
    const b = await bundle(subpaths)
    console.log(`XOR program, subpath imports: ${kb(b.code.length)} minified, ${kb(b.gzipBytes)} gzip`)
    expect(b.gzipBytes).toBeLessThanOrEqual(54 * 1024)
  })
  it('leaves out the Pima text, the CSV parser, io-ts and the charts when they are not used', async () => {
    const b = await bundle(subpaths)
    expect(b.code).not.toContain('pregnancies,glucose')
    expect(inputsOf(b).filter((f) => /pimaCsv|papaparse|io-ts|asciichart/.test(f))).toEqual([])
  })
  it('holds one copy of fp-ts (its ES modules, as io-ts uses), even with every module in', async () => {
    const b = await bundle(rootImport)
    console.log(`XOR program, root import (esbuild keeps whole namespaces): ${kb(b.code.length)} minified, ${kb(b.gzipBytes)} gzip`)
    const fpts = inputsOf(b).filter((f) => f.includes('node_modules/fp-ts/'))
    expect(fpts.length).toBeGreaterThan(0)
    expect(fpts.filter((f) => !f.startsWith('node_modules/fp-ts/es6/'))).toEqual([])
  })
})
