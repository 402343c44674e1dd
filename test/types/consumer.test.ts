/**
 * Types as a user's project sees them: the README's code blocks, docs/EXTENDING.md's, and the typed-layer tests, are
 * compiled by `tsc` in a strict consumer project (a temporary directory whose `dualflow` imports
 * resolve, through `paths`, to this package's sources as its `exports` map lays them out). No cast
 * appears in the README; the compile must give no error. A wrong parameter key must be an error.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { moduleOfBlocks } from './codeBlocks.js'

const repo = new URL('../../', import.meta.url).pathname
const readme = readFileSync(join(repo, 'README.md'), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'dualflow-consumer-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** `dualflow` and `dualflow/<sub>` mapped to the sources of what package.json exports. */
const paths = (): Record<string, string[]> => {
  const pkg: unknown = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'))
  const exportsMap = typeof pkg === 'object' && pkg !== null && 'exports' in pkg ? pkg.exports : {}
  const out: Record<string, string[]> = {}
  for (const [sub, target] of Object.entries(exportsMap ?? {})) {
    const types: unknown = typeof target === 'object' && target !== null && 'types' in target ? target.types : undefined
    if (typeof types !== 'string') continue
    out[sub === '.' ? 'dualflow' : `dualflow/${sub.slice(2)}`] = [join(repo, types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts'))]
  }
  return out
}

/** The README's TypeScript blocks, each a module of its own (each has its own imports). */
const readmeBlocks = (): readonly string[] => [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => `${m[1] ?? ''}\nexport {}\n`)

const compile = (files: Record<string, string>): readonly ts.Diagnostic[] => {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    paths: paths(),
  }
  const program = ts.createProgram({ rootNames: Object.keys(files).map((f) => join(dir, f)), options })
  return ts.getPreEmitDiagnostics(program)
}

const show = (ds: readonly ts.Diagnostic[]): string[] =>
  ds.map((d) => `${d.file === undefined ? '' : `${d.file.fileName.replace(dir, '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: `}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)

const wrongKey = [
  "import { nn, random } from 'dualflow'",
  'const { params } = nn.sequential(nn.dense(12), nn.relu).init(random.key(0), [8])',
  'export const ok = params[0].kernel.shape',
  'export const wrong = params[0].kernal',
].join('\n')

describe('a strict consumer project', () => {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'))
  mkdirSync(join(dir, 'out'), { recursive: true })
  const blocks = readmeBlocks()
  const readmeFiles = Object.fromEntries(blocks.map((code, i) => [`readme-${i}.ts`, code]))
  const extending = moduleOfBlocks(readFileSync(join(repo, 'docs/EXTENDING.md'), 'utf8'), ['export {}'])
  const typeTests = readFileSync(join(repo, 'test/nn/types.test.ts'), 'utf8').replaceAll("'../../src/", `'${join(repo, 'src')}/`)
  // One program for the three files (a compile of the sources takes seconds).
  let diagnostics: readonly string[] = []
  beforeAll(() => {
    diagnostics = show(compile({ ...readmeFiles, 'types.test.ts': typeTests, 'wrong.ts': wrongKey, 'extending.ts': extending }))
  }, 120_000)
  const of = (file: string): readonly string[] => diagnostics.filter((d) => d.startsWith(`/${file}:`) || !d.startsWith('/'))

  it('compiles the README examples without a cast or an error', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4)
    const body = blocks.flatMap((code) => code.split('\n')).filter((line) => !line.startsWith('import '))
    expect(body.filter((line) => /\bas\s+(?!const\b)[A-Za-z]|primalTensor|<[A-Z]\w*>\s*\(/.test(line))).toEqual([])
    expect(blocks.flatMap((_, i) => of(`readme-${i}.ts`))).toEqual([])
  })

  it('compiles docs/EXTENDING.md (a new op through dualflow/extend)', () => {
    expect(of('extending.ts')).toEqual([])
  })

  it('compiles the typed-layer tests (so each @ts-expect-error there is still an error)', () => {
    expect(of('types.test.ts')).toEqual([])
  })

  it('rejects a wrong parameter key, naming it', () => {
    const errors = of('wrong.ts')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/wrong\.ts:4: Property 'kernal' does not exist/)
  })
})
