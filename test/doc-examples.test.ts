/**
 * Every `@example` in the doc comments of src/ runs, and the values it shows are true (STYLE.md §7).
 *
 * An example is the lines after `@example` up to the next `@tag` or the end of the comment. It runs
 * with every name of the public root module in scope (`tensor`, `add`, `grad`, … and the namespaces
 * `T`, `nn`, `losses`, `optim`, `train`, `data`, `random`, `tree`, `metrics`, `report`, `io`, `ad`),
 * plus `fc` (fast-check) and the boundary libraries the API takes and returns values of: `t` (io-ts,
 * for `data.parseCsv`'s row codecs) and `E` (fp-ts Either, for its results). A module's exports
 * that the root does not reach at all (internal kernels) are in scope under their own names in
 * that module's examples, since nothing else can call them. Names that would otherwise resolve to
 * the global object's inherited properties (`toString`, `valueOf`, …) are undefined, so an example
 * cannot pass by calling one of them by mistake.
 *
 * Each line is a statement (a statement may continue over several lines). Its trailing comment says
 * what is checked:
 *
 * - `expr  // <literal>` — the value must equal the literal: numbers (`NaN`, `Infinity`, `-0`, hex),
 *   `true`/`false`/`null`, quoted strings, arrays and objects of them. A Tensor is compared as
 *   `T.toArray` gives it, a typed array as an array. Integers compare exactly, other numbers within
 *   1e-12 relative; `// ≈ <literal>` within 1e-6 relative. Free text may follow the literal after
 *   ` — `, `(`, `,` or `=` (`// 5e-4 (warm-up)`).
 * - `expr  // throws …` or `// SomeError …` — the line must throw; a quoted message (`"…"`) must
 *   be contained in the error's message, and a named error class must be the error's name.
 * - any other comment (`// e.g. …`, `// 2 rows`), or none — the line must run without throwing.
 *
 * `const … = expr  // <literal>` checks the value of `expr` and keeps the declaration for later lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import * as root from '../src/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

interface Example {
  /** Path relative to src/, e.g. `tensor/linalg.ts`. */
  readonly file: string
  /** The export the comment documents, or the example's first line. */
  readonly name: string
  readonly lines: readonly string[]
}

type Literal = number | string | boolean | null | readonly Literal[] | { readonly [key: string]: Literal }

type Expectation =
  | { readonly kind: 'run' }
  | { readonly kind: 'value'; readonly expected: Literal; readonly tolerance: number }
  | { readonly kind: 'throws'; readonly message: string | undefined; readonly errorName: string | undefined }

interface Statement {
  readonly code: string
  readonly source: string
  readonly expectation: Expectation
}

// ─── extraction ─────────────────────────────────────────────────────────────────────────────────

const srcDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src')
// io, node and web examples read and write files, storage and URLs with values the prose names
// (`model`, `params`): their own tests (test/io, test/node, test/web) run those paths.
const excluded = ['io', 'node', 'web']

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry)
      if (statSync(path).isDirectory()) return excluded.includes(relative(srcDir, path)) ? [] : sourceFiles(path)
      return entry.endsWith('.ts') ? [path] : []
    })

const exampleBlocks = (comment: readonly string[]): string[][] => {
  const blocks: string[][] = []
  let current: string[] | undefined
  for (const line of comment) {
    const tag = /^@(\w+)\s?(.*)$/.exec(line.trim())
    if (tag !== null) {
      if (current !== undefined) blocks.push(current)
      current = tag[1] === 'example' ? (tag[2] === undefined || tag[2].trim() === '' ? [] : [tag[2]]) : undefined
    } else if (current !== undefined) {
      current.push(line)
    }
  }
  if (current !== undefined) blocks.push(current)
  return blocks.map((b) => {
    const lines = [...b]
    while (lines.length > 0 && (lines[lines.length - 1] ?? '').trim() === '') lines.pop()
    while (lines.length > 0 && (lines[0] ?? '').trim() === '') lines.shift()
    return lines
  })
}

const examplesOf = (path: string): Example[] => {
  const text = readFileSync(path, 'utf8')
  const file = relative(srcDir, path).split('\\').join('/')
  const out: Example[] = []
  for (const match of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const body = (match[1] ?? '').split('\n').map((l) => l.replace(/^\s*\*(?: |$)/, ''))
    const after = text.slice((match.index ?? 0) + match[0].length)
    const exported = /^\s*export\s+(?:declare\s+)?(?:async\s+)?(?:const|let|function\*?|class|interface|type|enum)\s+([\w$]+)/.exec(after)
    for (const lines of exampleBlocks(body)) {
      if (lines.length === 0) continue
      out.push({ file, name: exported?.[1] ?? (lines[0] ?? '').trim(), lines })
    }
  }
  return out
}

// ─── parsing a line ─────────────────────────────────────────────────────────────────────────────

/** Splits a line into code and its trailing `//` comment, ignoring `//` inside strings. */
const splitComment = (line: string): readonly [string, string | undefined] => {
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote !== undefined) {
      if (c === '\\') i++
      else if (c === quote) quote = undefined
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c
    } else if (c === '/' && line[i + 1] === '/') {
      return [line.slice(0, i).trimEnd(), line.slice(i + 2).trim()]
    }
  }
  return [line.trimEnd(), undefined]
}

/** A JSON-ish literal at the start of `s`: the value and the rest of the text, or undefined. */
const parseLiteral = (s: string): { readonly value: Literal; readonly rest: string } | undefined => {
  let i = 0
  const ws = (): void => {
    while (i < s.length && /\s/.test(s[i] ?? '')) i++
  }
  const fail = (): never => {
    throw new SyntaxError('not a literal')
  }
  const value = (): Literal => {
    ws()
    const rest = s.slice(i)
    const number = /^-?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|Infinity)(?![\w$.])/.exec(rest)
    if (number !== null) {
      i += number[0].length
      const text = number[0]
      const magnitude = text.replace(/^-/, '')
      const v = magnitude === 'Infinity' ? Infinity : Number(magnitude)
      return text.startsWith('-') ? -v : v
    }
    const word = /^(NaN|true|false|null)(?![\w$])/.exec(rest)
    if (word !== null) {
      i += word[0].length
      return word[1] === 'NaN' ? NaN : word[1] === 'null' ? null : word[1] === 'true'
    }
    const c = s[i]
    if (c === "'" || c === '"') return string()
    if (c === '[') {
      i++
      const items: Literal[] = []
      ws()
      while (s[i] !== ']') {
        items.push(value())
        ws()
        if (s[i] === ',') i++
        else if (s[i] !== ']') fail()
        ws()
      }
      i++
      return items
    }
    if (c === '{') {
      i++
      const record: Record<string, Literal> = {}
      ws()
      while (s[i] !== '}') {
        const key = s[i] === "'" || s[i] === '"' ? string() : identifier()
        ws()
        if (s[i] !== ':') fail()
        i++
        record[key] = value()
        ws()
        if (s[i] === ',') i++
        else if (s[i] !== '}') fail()
        ws()
      }
      i++
      return record
    }
    return fail()
  }
  const identifier = (): string => {
    const m = /^[A-Za-z_$][\w$]*/.exec(s.slice(i))
    if (m === null) return fail()
    i += m[0].length
    return m[0]
  }
  const string = (): string => {
    const quote = s[i]
    let out = ''
    i++
    while (i < s.length && s[i] !== quote) {
      if (s[i] === '\\') {
        const next = s[i + 1] ?? ''
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next
        i += 2
      } else {
        out += s[i]
        i++
      }
    }
    if (i >= s.length) fail()
    i++
    return out
  }
  try {
    const v = value()
    return { value: v, rest: s.slice(i) }
  } catch {
    return undefined
  }
}

const expectationOf = (comment: string | undefined): Expectation => {
  if (comment === undefined) return { kind: 'run' }
  const throws = /^(?:throws\b\s*([A-Z][\w$]*Error\b)?|([A-Z][\w$]*Error)\b)/.exec(comment)
  if (throws !== null) {
    const quoted = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/.exec(comment)
    return { kind: 'throws', message: quoted === null ? undefined : (quoted[1] ?? quoted[2]), errorName: throws[1] ?? throws[2] }
  }
  const approximate = comment.startsWith('≈')
  const parsed = parseLiteral(approximate ? comment.slice(1) : comment)
  if (parsed === undefined || !/^\s*(?:$|—|\(|,|=)/.test(parsed.rest)) return { kind: 'run' }
  return { kind: 'value', expected: parsed.value, tolerance: approximate ? 1e-6 : 1e-12 }
}

// Creates async functions from source text, so that examples may `await`.
const AsyncFunction: new (...args: string[]) => (...args: unknown[]) => Promise<unknown> = Object.getPrototypeOf(async () => {}).constructor

const compiles = (code: string): boolean => {
  try {
    new AsyncFunction(code)
    return true
  } catch {
    return false
  }
}

/** `const <pattern> = <init>` split at its first assignment `=`, or undefined. */
const declaration = (code: string): readonly [string, string] | undefined => {
  const m = /^(?:const|let|var)\s/.exec(code)
  if (m === null) return undefined
  for (let i = m[0].length; i < code.length; i++) {
    if (code[i] === '=' && !'=>'.includes(code[i + 1] ?? '') && !'=!<>'.includes(code[i - 1] ?? '')) {
      return [code.slice(0, i).trimEnd(), code.slice(i + 1).trim()]
    }
  }
  return undefined
}

/** The example's statements: lines joined until they compile, each with the comment of its last line. */
const statementsOf = (lines: readonly string[]): Statement[] => {
  const out: Statement[] = []
  let code: string[] = []
  let source: string[] = []
  lines.forEach((line, index) => {
    const [part, comment] = splitComment(line)
    if (part.trim() === '' && code.length === 0) return // a comment line on its own: prose
    code.push(part)
    source.push(line)
    const joined = code.join('\n').trim().replace(/;$/, '')
    if (compiles(joined) || index === lines.length - 1) {
      out.push({ code: joined, source: source.join('\n'), expectation: expectationOf(comment) })
      code = []
      source = []
    }
  })
  return out
}

/** The statement rewritten so that its check runs: `__check(i, (expr))`, `await __throws(i, …)`. */
const instrument = (s: Statement, index: number): string => {
  const decl = declaration(s.code)
  switch (s.expectation.kind) {
    case 'run':
      return `${s.code};`
    case 'value':
      return decl === undefined ? `__check(${index}, (${s.code}));` : `${decl[0]} = __check(${index}, (${decl[1]}));`
    case 'throws':
      return `await __throws(${index}, async () => { ${s.code}; });`
  }
}

// ─── comparing ──────────────────────────────────────────────────────────────────────────────────

/** The value as plain data: tensors as nested arrays, typed arrays as arrays, records by value. */
const plainOf = (v: unknown): unknown => {
  if (root.isTensor(v)) return root.toArray(v)
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>)
  if (Array.isArray(v)) return v.map(plainOf)
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainOf(x)]))
  }
  return v
}

const numbersMatch = (actual: number, expected: number, tolerance: number): boolean => {
  if (Number.isNaN(expected)) return Number.isNaN(actual)
  if (Object.is(expected, -0)) return Object.is(actual, -0)
  if (!Number.isFinite(expected) || (Number.isInteger(expected) && tolerance < 1e-9)) return actual === expected
  return Math.abs(actual - expected) <= tolerance * Math.max(Math.abs(actual), Math.abs(expected))
}

/** Where `actual` differs from `expected` (a path such as `[1].w[0]`), or undefined when they match. */
const mismatch = (actual: unknown, expected: Literal, tolerance: number, path = ''): string | undefined => {
  const here = path === '' ? 'the value' : path
  if (typeof expected === 'number') {
    return typeof actual === 'number' && numbersMatch(actual, expected, tolerance) ? undefined : here
  }
  if (expected === null || typeof expected !== 'object') return actual === expected ? undefined : here
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${here} (length)`
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(actual[i], expected[i] ?? null, tolerance, `${path}[${i}]`)
      if (m !== undefined) return m
    }
    return undefined
  }
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return here
  const record: Record<string, unknown> = { ...actual }
  const keys = Object.keys(expected)
  if (Object.keys(record).sort().join() !== [...keys].sort().join()) return `${here} (keys ${Object.keys(record).join(', ')})`
  for (const k of keys) {
    const m = mismatch(record[k], (expected as Record<string, Literal>)[k] ?? null, tolerance, `${path}.${k}`)
    if (m !== undefined) return m
  }
  return undefined
}

const show = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : Object.is(x, -0) ? '-0' : x))

// ─── running ────────────────────────────────────────────────────────────────────────────────────

const rootScope: Record<string, unknown> = { ...root, fc, t, E }

/** `toString` & co. resolve to Object.prototype through the global object: shadowed with undefined. */
const inherited = Object.fromEntries(
  Object.getOwnPropertyNames(Object.prototype)
    .filter((name) => /^[A-Za-z$][\w$]*$/.test(name) && !Object.hasOwn(rootScope, name))
    .map((name) => [name, undefined]),
)

/** Every value the root module reaches: its names and the members of its namespaces. */
const reachable = new Set<unknown>(
  Object.values(root).flatMap((v) => (typeof v === 'object' && v !== null && !root.isTensor(v) ? [v, ...Object.values(v)] : [v])),
)

const scopeOf = async (file: string): Promise<Record<string, unknown>> => {
  const module: Record<string, unknown> = await import(pathToFileURL(join(srcDir, file)).href)
  const internal = Object.entries(module).filter(([name, v]) => !Object.hasOwn(rootScope, name) && !reachable.has(v))
  return { ...inherited, ...rootScope, ...Object.fromEntries(internal) }
}

const run = async (example: Example): Promise<void> => {
  const statements = statementsOf(example.lines)
  const scope = await scopeOf(example.file)
  const check = (i: number, actual: unknown): unknown => {
    const s = statements[i]
    if (s?.expectation.kind !== 'value') return actual
    const plain = plainOf(actual)
    const where = mismatch(plain, s.expectation.expected, s.expectation.tolerance)
    if (where !== undefined) {
      throw new Error(`${s.source.trim()}\n  ${where} differs: expected ${show(s.expectation.expected)}, got ${show(plain)}`)
    }
    return actual
  }
  const throws = async (i: number, body: () => Promise<void>): Promise<void> => {
    const s = statements[i]
    let error: unknown
    try {
      await body()
    } catch (e) {
      error = e
    }
    if (error === undefined) throw new Error(`${s?.source.trim()}\n  was expected to throw, and ran`)
    if (s?.expectation.kind !== 'throws') return
    const message = error instanceof Error ? error.message : String(error)
    if (s.expectation.message !== undefined && !message.includes(s.expectation.message)) {
      throw new Error(`${s.source.trim()}\n  threw "${message}", which does not contain "${s.expectation.message}"`)
    }
    if (s.expectation.errorName !== undefined && !(error instanceof Error && error.name === s.expectation.errorName)) {
      throw new Error(`${s.source.trim()}\n  threw ${error instanceof Error ? error.name : typeof error}, not ${s.expectation.errorName}`)
    }
  }
  const body = statements.map(instrument).join('\n')
  const names = [...Object.keys(scope), '__check', '__throws']
  const f = new AsyncFunction(...names, body)
  await f(...Object.values(scope), check, throws)
}

// ─── tests ──────────────────────────────────────────────────────────────────────────────────────

const examples = sourceFiles(srcDir).flatMap(examplesOf)

describe('doc-comment examples', () => {
  it('finds the examples and reads their checks', () => {
    expect(examples.length).toBeGreaterThan(100)
    expect(expectationOf('[[1, 2], [3, 4]]')).toEqual({ kind: 'value', expected: [[1, 2], [3, 4]], tolerance: 1e-12 })
    expect(expectationOf("≈ { w: [-0.5, 1e-3] } (first step)")).toEqual({ kind: 'value', expected: { w: [-0.5, 1e-3] }, tolerance: 1e-6 })
    expect(expectationOf('2 rows')).toEqual({ kind: 'run' })
    expect(expectationOf('e.g. [1, 2]')).toEqual({ kind: 'run' })
    expect(expectationOf('throws ShapeError "inner"')).toEqual({ kind: 'throws', message: 'inner', errorName: 'ShapeError' })
    expect(mismatch([1, 2.0000001], [1, 2], 1e-6)).toBeUndefined()
    expect(mismatch([1, 2.0000001], [1, 2], 1e-12)).toBe('[1]')
    expect(mismatch(-0, 0, 1e-12)).toBeUndefined()
    expect(mismatch(0, -0, 1e-12)).toBe('the value')
    expect(mismatch({ w: [1], b: [2] }, { w: [1] }, 1e-12)).toBe('the value (keys w, b)')
    expect(expectationOf("[0x10, NaN, -Infinity, 'a\\'b'] — free text")).toEqual({ kind: 'value', expected: [16, NaN, -Infinity, "a'b"], tolerance: 1e-12 })
    expect(expectationOf('5e-4 (warm-up)')).toEqual({ kind: 'value', expected: 5e-4, tolerance: 1e-12 })
    expect(expectationOf('LayerError: bad')).toEqual({ kind: 'throws', message: undefined, errorName: 'LayerError' })
    expect(splitComment("f('a // b')  // 1")).toEqual(["f('a // b')", '1'])
    expect(statementsOf(['const x =', '  2  // 2', 'x  // 2']).map((s) => s.code)).toEqual(['const x =\n  2', 'x'])
  })

  it('fails an example whose value, throw or code is wrong', async () => {
    const example = (...lines: string[]): Example => ({ file: 'index.ts', name: 'probe', lines })
    await expect(run(example('add(1, 2)  // 3'))).resolves.toBeUndefined()
    await expect(run(example('add(1, 2)  // 4'))).rejects.toThrow('expected 4, got 3')
    await expect(run(example('vector([0.5])  // ≈ [0.5000001]'))).resolves.toBeUndefined()
    await expect(run(example('vector([0.5])  // [0.5000001]'))).rejects.toThrow('differs')
    await expect(run(example('add(1, 2)  // throws'))).rejects.toThrow('was expected to throw')
    await expect(run(example('matmul(zeros([2, 3]), zeros([4, 5]))  // throws ShapeError "inner dimensions 3 and 5"'))).rejects.toThrow('does not contain')
    await expect(run(example('toString(vector([1]))  // e.g. a string'))).rejects.toThrow()
    await expect(run(example('undefinedName(1)'))).rejects.toThrow(ReferenceError)
  })

  it('gives the everyday vocabulary an example each', () => {
    const documented = new Set(examples.map((e) => `${e.file}: ${e.name}`))
    const vocabulary = [
      'tensor/Tensor.ts: tensor',
      'ad/primitives/binary.ts: add',
      'ad/primitives/binary.ts: mul',
      'ad/primitives/matmul.ts: matmul',
      'ad/primitives/reduce.ts: sum',
      'ad/primitives/reduce.ts: mean',
      'ad/reverse.ts: grad',
      'ad/reverse.ts: valueAndGrad',
      'ad/reverse.ts: vjp',
      'ad/forward.ts: jvp',
      'ad/composite/softmax.ts: softmax',
      'nn/dense.ts: dense',
      'nn/combinators.ts: sequential',
      'losses/regression.ts: mse',
      'optim/optimizers.ts: sgd',
      'optim/optimizers.ts: adam',
      'train/fit.ts: fit',
      'data/encoding.ts: oneHot',
      'random/key.ts: key',
      'random/distributions.ts: uniform',
    ]
    expect(vocabulary.filter((name) => !documented.has(name))).toEqual([])
  })

  const seen = new Map<string, number>()
  for (const example of examples) {
    const title = `${example.file}: ${example.name}`
    const n = (seen.get(title) ?? 0) + 1
    seen.set(title, n)
    it(n === 1 ? title : `${title} (${n})`, () => run(example))
  }
})
