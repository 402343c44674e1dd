/**
 * The layering of docs/ARCHITECTURE.md, checked on the sources: which module may import which,
 * and what the browser-safe core must not use.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = new URL('../src/', import.meta.url).pathname
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : []
  })
const files = filesUnder(root).map((path) => ({ module: relative(root, path).split('/')[0] ?? '', path, text: readFileSync(path, 'utf8') }))

/** The modules each module may import (besides itself). */
const allowed: Record<string, readonly string[]> = {
  tensor: [],
  random: ['tensor'],
  tree: ['tensor'],
  ad: ['tensor', 'tree'],
  jit: ['tensor', 'tree', 'ad', 'random'],
  nn: ['tensor', 'random', 'tree', 'ad'],
  losses: ['tensor', 'tree', 'ad'],
  optim: ['tensor', 'tree', 'ad'],
  metrics: ['tensor'],
  data: ['tensor', 'random'],
  train: ['tensor', 'random', 'tree', 'ad', 'jit', 'nn', 'losses', 'optim', 'metrics', 'data'],
  io: ['tensor', 'random', 'tree', 'ad', 'nn'],
  report: ['tensor', 'tree', 'ad', 'train'],
  node: ['tensor', 'random', 'tree', 'ad', 'nn', 'io', 'report', 'train'],
  web: ['tensor', 'random', 'tree', 'ad', 'nn', 'io', 'data'],
}

const importsOf = (text: string): string[] => [...text.matchAll(/from '(\.\.?\/[^']+)'/g)].map((m) => m[1] ?? '')

/**
 * The faces of a module that other modules may import: its index (what users write), its extend
 * face (what extenders use, published as dualflow/extend) and, for tensor, its internal face (the
 * trusted constructors and kernel machinery, not published).
 */
const faces = ['index.ts', 'extend.ts', 'internal.ts']

describe('architecture', () => {
  it('every module imports only the modules below it', () => {
    const violations = files.flatMap(({ module, path, text }) =>
      module === 'index.ts' || module === 'extend.ts'
        ? []
        : importsOf(text)
            .map((spec) => relative(root, join(path, '..', spec)).split('/')[0] ?? '')
            .filter((target) => target !== module && !(allowed[module] ?? []).includes(target))
            // The Node entry of the package root re-exports the root (and installs the threads).
            .filter((target) => !(relative(root, path) === 'node/main.ts' && target === 'index.js'))
            .map((target) => `${relative(root, path)} imports ${target}`),
    )
    expect(violations).toEqual([])
  })
  it('imports across modules go through the imported module\'s index (or its extend face), never past it', () => {
    const violations = files.flatMap(({ module, path, text }) =>
      importsOf(text)
        .map((spec) => relative(root, join(path, '..', spec.replace(/\.js$/, '.ts'))))
        .filter((target) => {
          const [targetModule, ...rest] = target.split('/')
          if (module === 'index.ts' || module === 'extend.ts' || targetModule === module || rest.length === 0) return false
          return !(rest.length === 1 && faces.includes(rest[0] ?? ''))
        })
        .map((target) => `${relative(root, path)} imports ${target}`),
    )
    expect(violations).toEqual([])
  })
  it('one tree: trees are walked by src/tree alone (no second tree module, no run-time flat-list detection, no flatModel)', () => {
    const names = files.map(({ path }) => relative(root, path))
    expect(names.filter((n) => /valueTree|tree\/flat\.ts/.test(n))).toEqual([])
    const code = (text: string): string => text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
    expect(files.filter(({ text }) => /\b(flatLists|flatModel|flattenValues|mapDuals|ValueRecord)\b/.test(code(text))).map(({ path }) => relative(root, path))).toEqual([])
    // Nothing in ad reaches for training, layers or optimizers (it calls the function it is given).
    expect(files.filter(({ module, text }) => module === 'ad' && /from '\.\.\/(train|nn|optim|losses)\//.test(text))).toEqual([])
  })
  it('one Loss type: defined in losses, used by train', () => {
    const definitions = files.filter(({ text }) => /export (type|interface) Loss\b/.test(text)).map(({ path }) => relative(root, path))
    expect(definitions).toEqual(['losses/Loss.ts'])
  })
  it('the root holds what users write; extension machinery is in dualflow/extend', async () => {
    const rootModule: Record<string, unknown> = await import('../src/index.js')
    const extend: Record<string, unknown> = await import('../src/extend.js')
    const machinery = ['bind', 'elementwisePrimitive', 'addPrimitive', 'mulPrimitive', 'softmaxKernel', 'unaryOverloads', 'binaryOp', 'fromKernel', 'allocate', 'valueLeaf']
    expect(machinery.filter((name) => name in rootModule)).toEqual([])
    expect(machinery.filter((name) => !(name in extend))).toEqual([])
    const ad = rootModule['ad']
    expect(machinery.filter((name) => typeof ad === 'object' && ad !== null && name in ad)).toEqual([])
    for (const word of ['tensor', 'add', 'matmul', 'grad', 'valueAndGrad', 'vjp', 'jvp', 'customVjp', 'nn', 'optim', 'train']) expect(rootModule).toHaveProperty(word)
  })
  it('the core below report uses no Node built-ins, clock, console or Math.random', () => {
    const core = files.filter(({ module }) => module !== 'report' && module !== 'node')
    const violations = core.flatMap(({ path, text }) =>
      [/from 'node:/, /\bprocess\./, /\bconsole\./, /Math\.random/, /Date\.now/, /performance\.now/]
        .filter((pattern) => pattern.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')))
        .map((pattern) => `${relative(root, path)}: ${pattern.source}`),
    )
    expect(violations).toEqual([])
  })
})
