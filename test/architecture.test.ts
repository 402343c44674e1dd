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
  ad: ['tensor'],
  jit: ['tensor', 'ad'],
  nn: ['tensor', 'random', 'tree', 'ad'],
  losses: ['tensor', 'tree', 'ad'],
  optim: ['tensor', 'tree'],
  metrics: ['tensor'],
  data: ['tensor', 'random'],
  train: ['tensor', 'random', 'tree', 'ad', 'jit', 'nn', 'losses', 'optim', 'metrics', 'data'],
  io: ['tensor', 'random', 'tree', 'ad', 'nn'],
  report: ['tensor', 'tree', 'ad', 'train'],
  node: ['tensor', 'random', 'tree', 'ad', 'nn', 'io', 'report', 'train'],
  web: ['tensor', 'random', 'tree', 'ad', 'nn', 'io', 'data'],
}

const importsOf = (text: string): string[] => [...text.matchAll(/from '(\.\.?\/[^']+)'/g)].map((m) => m[1] ?? '')

describe('architecture', () => {
  it('every module imports only the modules below it', () => {
    const violations = files.flatMap(({ module, path, text }) =>
      module === 'index.ts'
        ? []
        : importsOf(text)
            .map((spec) => relative(root, join(path, '..', spec)).split('/')[0] ?? '')
            .filter((target) => target !== module && !(allowed[module] ?? []).includes(target))
            .map((target) => `${relative(root, path)} imports ${target}`),
    )
    expect(violations).toEqual([])
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
