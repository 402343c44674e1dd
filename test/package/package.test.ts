/**
 * The packed tarball, installed in fresh ESM and CommonJS projects (TypeScript `module: nodenext`,
 * strict, the package's own declarations checked): every subpath of `exports` type-checks and runs
 * under `import` and under `require`, and exports what the sources export.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compile, consumer, moduleSubpaths, pack, packageJson, repo, runNode, specifier, type Packed } from './consumer.js'

let packed: Packed | undefined
const packedOrFail = (): Packed => {
  if (packed === undefined) throw new Error('the package was not packed (see beforeAll)')
  return packed
}

beforeAll(() => {
  packed = pack()
}, 120_000)

afterAll(() => {
  if (packed !== undefined) rmSync(packed.root, { recursive: true, force: true })
})

const subpaths = moduleSubpaths()
const identifier = (i: number): string => `m${i}`

/** The export names of each subpath, printed as one JSON line, with one real computation. */
const program = (kind: 'esm' | 'cjs'): string => {
  const imports = subpaths.map((s, i) =>
    kind === 'esm' ? `import * as ${identifier(i)} from '${specifier(s)}'` : `import ${identifier(i)} = require('${specifier(s)}')`,
  )
  const json =
    kind === 'esm'
      ? `import pkg from '${packageJson().name}/package.json' with { type: 'json' }`
      : `import pkg = require('${packageJson().name}/package.json')`
  return [
    ...imports,
    json,
    `const modules: Record<string, object> = { ${subpaths.map((s, i) => `'${s}': ${identifier(i)}`).join(', ')} }`,
    `const exportNames = Object.fromEntries(Object.entries(modules).map(([k, m]) => [k, Object.keys(m).filter((n) => n !== 'default').sort()]))`,
    `const g = ${identifier(0)}.grad((x) => ${identifier(0)}.sum(${identifier(0)}.mul(x, x)))(${identifier(0)}.tensor([1, 2, 3]))`,
    `const caught = (() => { try { ${identifier(0)}.add(${identifier(0)}.tensor([1, 2]), ${identifier(0)}.tensor([1, 2, 3])); return 'no error' } catch (e) { return e instanceof Error ? e.constructor.name : 'not an Error' } })()`,
    `console.log(JSON.stringify({ exportNames, version: pkg.version, gradient: Array.from(g.data), caught }))`,
    '',
  ].join('\n')
}

interface Printed {
  readonly exportNames: Readonly<Record<string, readonly string[]>>
  readonly version: string
  readonly gradient: readonly number[]
  readonly caught: string
}

/** Saves a model with dualflow/node (the process that has the model's code), and prints its predictions. */
const saveProgram = `import { nn, random, tensor, train, tree } from 'dualflow'
import { saveModel } from 'dualflow/node'
const model = nn.sequential(nn.dense(6), nn.batchNorm(), nn.relu, nn.residual(nn.dense(6)), nn.dense(2), nn.softmax())
const { params, state } = model.init(random.key(42), [3])
const written = await saveModel(process.argv[2] ?? '', model, { params, state, inputShape: [3] })
if (written._tag === 'Left') throw written.left
if (!tree.isTree(params) || !tree.isTree(state)) throw new Error('init made Duals')
console.log(JSON.stringify({ name: model.name, y: Array.from(train.predict(model, params, state, tensor([[1, 2, 3], [-1, 0, 1]])).data) }))
`

/** Loads it in another process that imports only dualflow: the architecture comes from the file. */
const loadProgram = `import { readFileSync } from 'node:fs'
import { io, tensor, train, isLeft } from 'dualflow'
const restored = io.restoreModel(readFileSync(process.argv[2] ?? '', 'utf8'))
if (isLeft(restored)) throw restored.left
const { model, params, state } = restored.right
console.log(JSON.stringify({ name: model.name, y: Array.from(train.predict(model, params, state, tensor([[1, 2, 3], [-1, 0, 1]])).data) }))
`

/** A TypeScript block of README.md: its code and the output its comments claim. */
interface ReadmeBlock {
  readonly code: string
  /** The first line, to name the block. */
  readonly title: string
  /** What stdout must be, line by line: each `console.log`'s trailing comment, or the comment lines right after it. */
  readonly expected: readonly string[]
}

const readmeBlocks: readonly ReadmeBlock[] = [...readFileSync(path.join(repo, 'README.md'), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => {
  const code = m[1] ?? ''
  const lines = code.split('\n')
  const expected: string[] = []
  lines.forEach((line, i) => {
    if (!/^\s*console\.log\(/.test(line)) return
    const trailing = /\s\/\/ (.*)$/.exec(line)
    if (trailing !== null) {
      expected.push(trailing[1] ?? '')
      return
    }
    const following: string[] = []
    for (let j = i + 1; j < lines.length && /^\/\/ ?/.test(lines[j] ?? ''); j++) following.push((lines[j] ?? '').replace(/^\/\/ ?/, ''))
    if (following.length === 0) throw new Error(`README: console.log without the output it prints (a trailing // comment or comment lines after it): ${line}`)
    expected.push(...following)
  })
  return { code, title: lines.find((l) => l.trim() !== '' && !l.startsWith('import')) ?? lines[0] ?? '', expected }
})

const consumers = new Map<'esm' | 'cjs', string | Error>()
/** The consumer project of a kind, made and compiled once (a failure is remembered and thrown again). */
const consumerOf = (kind: 'esm' | 'cjs'): string => {
  const made = consumers.get(kind) ?? makeConsumer(kind)
  consumers.set(kind, made)
  if (made instanceof Error) throw made
  return made
}

const makeConsumer = (kind: 'esm' | 'cjs'): string | Error => {
  const dir = consumer(packedOrFail(), `consumer-${kind}`, { type: kind === 'esm' ? 'module' : 'commonjs', link: ['fast-check', '@types/node'] })
  writeFileSync(path.join(dir, 'src', 'main.ts'), program(kind))
  if (kind === 'esm') {
    writeFileSync(path.join(dir, 'src', 'save.ts'), saveProgram)
    writeFileSync(path.join(dir, 'src', 'load.ts'), loadProgram)
    readmeBlocks.forEach((block, i) => writeFileSync(path.join(dir, 'src', `readme-${i}.ts`), block.code))
    // The browser's own IndexedDB and fetch fit dualflow/web's structural types (this project has
    // the DOM library; the CommonJS one has none, and its declarations must not need it).
    writeFileSync(
      path.join(dir, 'src', 'dom.ts'),
      `/// <reference lib="dom" />\nimport type { FetchLike, IdbFactory } from 'dualflow/web'\nexport const factory: IdbFactory = indexedDB\nexport const fetcher: FetchLike = fetch\n`,
    )
  }
  try {
    const output = compile(dir)
    return output === '' ? dir : new Error(`tsc printed:\n${output}`)
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e))
  }
}

const runConsumer = (kind: 'esm' | 'cjs'): { readonly printed: Printed; readonly stderr: string } => {
  const { stdout, stderr } = runNode(consumerOf(kind), 'main.js')
  return { printed: JSON.parse(stdout), stderr }
}

/** The export names of the sources behind each subpath (its `types` path mapped back to the .ts file). */
const sourceExportNames = async (): Promise<Record<string, readonly string[]>> => {
  const entries = await Promise.all(
    subpaths.map(async (s) => {
      const conditions = packageJson().exports[s]
      const types = typeof conditions === 'object' && conditions !== null && 'types' in conditions ? String(conditions.types) : ''
      const source = path.join(repo, types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts'))
      const m: Record<string, unknown> = await import(source)
      return [s, Object.keys(m).filter((n) => n !== 'default').sort()] as const
    }),
  )
  return Object.fromEntries(entries)
}

describe('the packed package', { timeout: 120_000 }, () => {
  it('ships the built code, its declarations and maps, and the sources the maps point at', () => {
    const files = new Set(packedOrFail().files)
    for (const s of subpaths) {
      const conditions = packageJson().exports[s]
      expect(conditions).toBeTypeOf('object')
      for (const target of Object.values(conditions as Record<string, string>)) expect(files, `${s} → ${target}`).toContain(target.replace(/^\.\//, ''))
    }
    expect(files).toContain('LICENSE')
    expect(files).toContain('CHANGELOG.md')
    expect([...files].some((f) => f.startsWith('test/') || f.startsWith('bench/'))).toBe(false)
  })

  it('has a declaration map beside every declaration, and every source map points at a shipped file', () => {
    const { files } = packedOrFail()
    const shipped = new Set(files)
    const declarations = files.filter((f) => f.endsWith('.d.ts'))
    expect(declarations.length).toBeGreaterThan(10)
    for (const d of declarations) expect(shipped, d).toContain(`${d}.map`)
    const maps = files.filter((f) => f.endsWith('.map'))
    expect(maps.length).toBeGreaterThan(2 * declarations.length - 1)
    for (const m of maps) {
      const map: { readonly sources: readonly string[]; readonly sourceRoot?: string } = JSON.parse(
        readFileSync(path.join(packedOrFail().root, 'package', m), 'utf8'),
      )
      expect(map.sources.length, m).toBeGreaterThan(0)
      for (const source of map.sources) {
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(m), map.sourceRoot ?? '', source))
        expect(shipped, `${m} → ${source}`).toContain(resolved)
      }
    }
  })

  it('imports every subpath from an ESM project (tsc nodenext, strict) and runs', async () => {
    const { printed } = runConsumer('esm')
    expect(printed.gradient).toEqual([2, 4, 6])
    expect(printed.caught).not.toBe('no error')
    expect(printed.caught).not.toBe('not an Error')
    expect(printed.version).toBe(packageJson()['version'])
    expect(printed.exportNames).toEqual(await sourceExportNames())
  })

  it('requires every subpath from a CommonJS project (tsc nodenext, strict) and runs, with no warning', async () => {
    const { printed, stderr } = runConsumer('cjs')
    expect(printed.gradient).toEqual([2, 4, 6])
    expect(printed.caught).not.toBe('no error')
    expect(printed.version).toBe(packageJson()['version'])
    expect(printed.exportNames).toEqual(await sourceExportNames())
    expect(stderr).toBe('')
  })

  it('finds the README blocks, each with imports of its own', () => {
    expect(readmeBlocks.length).toBeGreaterThanOrEqual(4)
    for (const block of readmeBlocks) expect(block.code).toMatch(/^import .* from 'dualflow'/m)
  })

  it.each(readmeBlocks.map((b, i) => [i, b.title, b] as const))('README block %i runs as written and prints what it shows (%s)', (i, _title, block) => {
    const { stdout } = runNode(consumerOf('esm'), `readme-${i}.js`)
    const printed = stdout.trimEnd() === '' ? [] : stdout.trimEnd().split('\n').map((l) => l.trimEnd())
    expect(printed).toEqual(block.expected.map((l) => l.trimEnd()))
  })

  it('dualflow/laws without fast-check fails with the command that installs it, under import and under require', () => {
    const dir = consumer(packedOrFail(), 'consumer-without-fast-check', { type: 'module' })
    writeFileSync(path.join(dir, 'esm.mjs'), "await import('dualflow/laws')\n")
    writeFileSync(path.join(dir, 'cjs.cjs'), "require('dualflow/laws')\n")
    for (const file of ['esm.mjs', 'cjs.cjs']) {
      const result = spawnSync(process.execPath, [path.join(dir, file)], { cwd: dir, encoding: 'utf8' })
      expect(result.status, file).not.toBe(0)
      expect(result.stderr, file).toContain('dualflow/laws needs the fast-check package')
      expect(result.stderr, file).toContain('npm i -D fast-check')
    }
    // the rest of the package does not need it
    writeFileSync(path.join(dir, 'root.mjs'), "const { grad, sum, tensor } = await import('dualflow')\nconsole.log(grad(sum)(tensor([1, 2])).data.length)\n")
    expect(spawnSync(process.execPath, [path.join(dir, 'root.mjs')], { cwd: dir, encoding: 'utf8' }).stdout).toBe('2\n')
  })

  it('loads a model saved by another process, importing only dualflow (the file rebuilds the architecture)', () => {
    const dir = consumerOf('esm')
    const file = path.join(packedOrFail().root, 'saved-model.json')
    const saved: unknown = JSON.parse(runNode(dir, 'save.js', [file]).stdout)
    const loaded: unknown = JSON.parse(runNode(dir, 'load.js', [file]).stdout)
    expect(loaded).toEqual(saved)
    expect(loaded).toMatchObject({ name: 'sequential' })
  })
})
