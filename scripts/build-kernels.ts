/**
 * Regenerates src/tensor/kernels/wasm-module.ts from the WAT source in scripts/kernels/.
 *
 *   npm run build:kernels
 */
import { writeFileSync } from 'node:fs'
import { generatedModule, generatedPath } from './kernels/assemble.js'

const text = await generatedModule()
writeFileSync(generatedPath, text)
process.stdout.write(`wrote ${generatedPath} (${text.length} characters)\n`)
