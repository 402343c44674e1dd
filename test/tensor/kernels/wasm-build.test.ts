/**
 * The embedded WebAssembly kernels are current: assembling the WAT source again gives exactly the
 * committed src/tensor/kernels/wasm-module.ts (run `npm run build:kernels` after changing the
 * source). wabt assembles the module in well under a second.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { generatedModule, generatedPath } from '../../../scripts/kernels/assemble.js'

describe('build:kernels', () => {
  it('the committed module is what the WAT source assembles to', async () => {
    const committed = readFileSync(new URL(`../../../${generatedPath}`, import.meta.url), 'utf8')
    expect(committed).toBe(await generatedModule())
  })
})
