/**
 * The playground imports dualflow as its users do — `dualflow`, `dualflow/laws`, … — and each of
 * those names is resolved through the package's own `exports` map to the source file it is built
 * from (./dist/src/nn/index.js → ../src/nn/index.ts). So only public entry points can be imported,
 * no build of the library is needed first, and edits to the library reload the page. `base: './'`
 * makes the built files work from any static host, at any path.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))
const { exports } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { exports: Record<string, { import?: string; default?: string } | string> }

const alias = Object.entries(exports).flatMap(([subpath, target]) => {
  const file = typeof target === 'string' ? target : (target.import ?? target.default)
  if (file === undefined || !file.startsWith('./dist/')) return []
  const name = subpath === '.' ? 'dualflow' : `dualflow${subpath.slice(1)}`
  // Exact names only: 'dualflow/nn' must not match as a prefix of anything else.
  return [{ find: new RegExp(`^${name.replace('/', '\\/')}$`), replacement: `${root}${file.slice('./dist/'.length).replace(/\.js$/, '.ts')}` }]
})

export default defineConfig({
  base: './',
  resolve: {
    alias,
    // dualflow/laws and the page share one fast-check (the playground's).
    dedupe: ['fast-check'],
  },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  server: { host: '127.0.0.1' },
})
