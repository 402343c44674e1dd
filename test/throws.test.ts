/**
 * Every exported function of src/ that throws a typed error itself says so: its doc comment has a
 * `@throws {SomeError}` tag for each error class it throws directly (`throw new SomeError(…)` in
 * its own body). Errors thrown by the functions it calls are named where that helps the reader,
 * but are not required here. The API reference (`npm run docs`) shows the tags.
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

interface Declaration {
  readonly name: string
  readonly doc: string
  readonly body: string
}

/** Top-level exported functions and constants: their doc comment and their text up to the next top-level item. */
const declarationsOf = (text: string): Declaration[] => {
  const found = [...text.matchAll(/(\/\*\*(?:(?!\*\/)[\s\S])*?\*\/\s*)?^export (?:const|function|async function) (\w+)/gm)]
  return found.map((m, i) => {
    const start = (m.index ?? 0) + m[0].length
    const rest = text.slice(start)
    const next = /\n(?:export |const |function |class |\/\*\*|\/\/ ───)/.exec(rest)
    return { name: m[2] ?? '', doc: m[1] ?? '', body: rest.slice(0, next === null ? rest.length : next.index) }
  })
}

const missing = filesUnder(root).flatMap((path) => {
  const declarations = declarationsOf(readFileSync(path, 'utf8'))
  return declarations.flatMap(({ name, body }) => {
    const thrown = new Set([...body.matchAll(/throw new (\w+Error)\b/g)].map((m) => m[1] ?? ''))
    // An overloaded function has its comment on its first signature.
    const docs = declarations.filter((d) => d.name === name).map((d) => d.doc).join('\n')
    const named = new Set([...docs.matchAll(/@throws\s*\{(\w+)\}/g)].map((m) => m[1] ?? ''))
    return [...thrown].filter((e) => !named.has(e)).map((e) => `${relative(root, path)}: ${name} throws ${e} without a @throws {${e}} tag`)
  })
})

describe('@throws tags', () => {
  it('name every typed error an exported function throws itself', () => {
    expect(missing).toEqual([])
  })
  it('are found by the scan (it is not vacuous)', () => {
    const sample = declarationsOf('/** Doc. */\nexport const f = () => {\n  throw new ShapeError("f", [], "bad")\n}\n')
    expect(sample.map((d) => d.name)).toEqual(['f'])
    expect(sample[0]?.body).toContain('throw new ShapeError')
  })
})
