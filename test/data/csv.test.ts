import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { CsvError, formatIssue, fromCsv, NumberFromCsv, parseCsv, type CsvIssue, type Dataset } from '../../src/data/index.js'

const Row = t.type({ name: t.string, age: NumberFromCsv })

const right = <A>(result: E.Either<CsvError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected a Right, got ${result.left.message}`)
  return result.right
}

const issues = <A>(result: E.Either<CsvError, A>): readonly CsvIssue[] => {
  if (E.isRight(result)) throw new Error('expected a Left')
  expect(result.left).toBeInstanceOf(CsvError)
  expect(result.left._tag).toBe('CsvError')
  return result.left.issues
}

const messages = <A>(result: E.Either<CsvError, A>): string[] => issues(result).map(formatIssue)

const values = (ds: Dataset): { x: number[]; y: number[]; xShape: readonly number[]; yShape: readonly number[] } => ({
  x: [...ds.x.data],
  y: [...ds.y.data],
  xShape: ds.x.shape,
  yShape: ds.y.shape,
})

describe('NumberFromCsv', () => {
  it.each([
    ['0', 0],
    ['-1.5e-3', -0.0015],
    ['+2', 2],
    ['.5', 0.5],
    ['5.', 5],
    ['-.25', -0.25],
    ['1E6', 1e6],
    ['1e+2', 100],
    ['007', 7],
    ['1e-400', 0],
  ])('accepts the decimal literal %j', (text, expected) => {
    expect(NumberFromCsv.decode(text)).toEqual(E.right(expected))
  })

  it.each(['12a', '', ' ', ' 1', '1 ', '0x10', '1e', '--1', '+-1', '.', '-', 'e5', '1.2.3', '1,5', 'NaN', 'Infinity', '-Infinity', '1e400', '0b1', '1_000', '١'])(
    'rejects %j',
    (text) => {
      expect(E.isLeft(NumberFromCsv.decode(text))).toBe(true)
    },
  )

  it('rejects values that are not strings and encodes numbers back to text', () => {
    expect(E.isLeft(NumberFromCsv.decode(3))).toBe(true)
    expect(NumberFromCsv.encode(-0.0015)).toBe('-0.0015')
  })

  it('decodes what it encodes, for every finite number (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(NumberFromCsv.decode(NumberFromCsv.encode(n))).toEqual(E.right(n))
      }),
      { numRuns: 300 },
    )
  })
})

describe('parseCsv', () => {
  it('decodes rows through the codec', () => {
    expect(right(parseCsv('name,age\nada,36\nbob,7', Row))).toEqual([
      { name: 'ada', age: 36 },
      { name: 'bob', age: 7 },
    ])
  })

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const text = 'name,age\n"Lovelace, Ada",36\n"say ""hi""",1\n"two\nlines",2\n'
    expect(right(parseCsv(text, Row)).map((r) => r.name)).toEqual(['Lovelace, Ada', 'say "hi"', 'two\nlines'])
  })

  it('reads CRLF line ends, a byte order mark and a trailing line break alike', () => {
    const expected = [{ name: 'ada', age: 36 }, { name: 'b\r\nc', age: 2 }]
    for (const text of [
      'name,age\nada,36\n"b\r\nc",2',
      'name,age\r\nada,36\r\n"b\r\nc",2\r\n',
      '\ufeffname,age\r\nada,36\r\n"b\r\nc",2\r\n',
      '\ufeffname,age\nada,36\n"b\r\nc",2\n',
    ]) {
      expect(right(parseCsv(text, Row))).toEqual(expected)
    }
  })

  it('gives no rows for a header alone', () => {
    expect(right(parseCsv('name,age\n', Row))).toEqual([])
    expect(right(parseCsv('name,age', Row))).toEqual([])
  })

  it('reports every bad field with its line and column', () => {
    const text = 'name,age\r\nada,36\r\nbob,12a\r\n"multi\r\nline",\r\neve, 4\r\n'
    expect(messages(parseCsv(text, Row))).toEqual([
      'line 3, column "age": expected a number, got "12a"',
      'line 4, column "age": expected a number, got ""',
      'line 6, column "age": expected a number, got " 4"',
    ])
  })

  it('reports a row with the wrong number of fields by its line', () => {
    expect(messages(parseCsv('name,age\nada,36,x\nbob\n\ncy,1\n', Row))).toEqual([
      'line 2: expected 2 fields, got 3',
      'line 3: expected 2 fields, got 1',
      'line 4: expected 2 fields, got 1',
    ])
  })

  it('reports an unterminated quote at the line where its row starts', () => {
    const [issue, ...rest] = issues(parseCsv('name,age\nada,36\n"bob,1\ncy,2\n', Row))
    expect(rest).toEqual([])
    expect(issue?.line).toBe(3)
    expect(issue?.detail).toMatch(/closing quote/)
  })

  it('reports a malformed closing quote', () => {
    expect(messages(parseCsv('name,age\n"ada"x,36\n', Row))[0]).toMatch(/^line 2: expected a delimiter or a line break after a closing quote/)
  })

  it('reports a column the codec needs but the header lacks, once, at line 1', () => {
    expect(messages(parseCsv('name,years\nada,36\nbob,7\n', Row))).toEqual([
      'line 1: expected the header to name column "age", got "name", "years"',
    ])
  })

  it('rejects an empty text, an empty column name and a repeated column name', () => {
    expect(messages(parseCsv('', Row))).toEqual(['line 1: expected a header line, got an empty text'])
    expect(messages(parseCsv('\ufeff', Row))).toEqual(['line 1: expected a header line, got an empty text'])
    expect(messages(parseCsv('name,,age\n', Row))).toEqual(['line 1: expected a name for column 2, got an empty name'])
    expect(messages(parseCsv('age,name,age\n', Row))).toEqual(['line 1, column "age": expected distinct column names, got this name twice'])
  })

  it('shortens long fields in messages', () => {
    const [message] = messages(parseCsv(`name,age\nada,${'9'.repeat(50)}x\n`, Row))
    expect(message).toBe(`line 2, column "age": expected a number, got "${'9'.repeat(40)}"… (51 characters)`)
  })

  it('lists every issue in the error, and the first twenty in its message', () => {
    const text = ['name,age', ...Array.from({ length: 25 }, (_, i) => `p${i},x${i}`)].join('\n')
    const result = parseCsv(text, Row)
    expect(issues(result)).toHaveLength(25)
    if (E.isRight(result)) throw new Error('expected a Left')
    expect(result.left.message).toContain('line 2, column "age": expected a number, got "x0"')
    expect(result.left.message).toContain('line 21, column "age"')
    expect(result.left.message).not.toContain('line 22, column "age"')
    expect(result.left.message).toContain('… and 5 more')
  })
})

describe('fromCsv', () => {
  it('builds x [n, features] and y [n, 1], features defaulting to every other column', () => {
    expect(values(right(fromCsv('a,b,label\n1,2,0\n3,4,1\n', { label: 'label' })))).toEqual({
      x: [1, 2, 3, 4],
      y: [0, 1],
      xShape: [2, 2],
      yShape: [2, 1],
    })
  })

  it('takes the features in the order given, and leaves other columns undecoded', () => {
    const text = 'id,b,a,label\nx1,2,1,0\nx2,4,3,1\n'
    expect(values(right(fromCsv(text, { label: 'label', features: ['a', 'b'] }))).x).toEqual([1, 2, 3, 4])
  })

  it('names the requested columns missing from the header', () => {
    expect(messages(fromCsv('a,b,label\n1,2,0\n', { label: 'outcome', features: ['a', 'c'] }))).toEqual([
      'line 1: expected the header to name columns "c", "outcome", got "a", "b", "label"',
    ])
  })

  it('reports every bad field, after quoted line breaks and CRLF', () => {
    const text = [
      'note,glucose,label',
      '"first\r\nsecond\r\nthird",1,0',
      'ok,12a,1',
      '"x",0x10,Infinity',
      'ok,2,1,9',
      'ok,"",0',
    ].join('\r\n')
    expect(messages(fromCsv(text, { label: 'label', features: ['glucose'] }))).toEqual([
      'line 5, column "glucose": expected a number, got "12a"',
      'line 6, column "glucose": expected a number, got "0x10"',
      'line 6, column "label": expected a number, got "Infinity"',
      'line 7: expected 3 fields, got 4',
      'line 8, column "glucose": expected a number, got ""',
    ])
  })

  it('gives x [0, features] for a header alone', () => {
    expect(values(right(fromCsv('a,label\n', { label: 'label' })))).toEqual({ x: [], y: [], xShape: [0, 1], yShape: [0, 1] })
  })
})

// ─── generated tables ─────────────────────────────────────────────────────────────────────────

/** A table of numbers, written as CSV text in one of many equivalent ways. */
const tables = fc
  .record({
    columns: fc.integer({ min: 1, max: 4 }),
    rows: fc.integer({ min: 0, max: 8 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    trailing: fc.boolean(),
  })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      cells: fc.array(
        fc.record({
          value: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
          quoted: fc.boolean(),
        }),
        { minLength: shape.rows * (shape.columns + 1), maxLength: shape.rows * (shape.columns + 1) },
      ),
      notes: fc.array(fc.stringMatching(/^[a-z,"\n\r ]{0,6}$/), { minLength: shape.rows, maxLength: shape.rows }),
    }),
  )
  .map(({ shape: { columns, rows, crlf, bom, trailing }, cells, notes }) => {
    const newline = crlf ? '\r\n' : '\n'
    const header = ['note', ...Array.from({ length: columns }, (_, j) => `c${j}`), 'label']
    const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`
    const lines = [header.join(',')]
    const x: number[] = []
    const y: number[] = []
    for (let r = 0; r < rows; r++) {
      const fields = [quote(notes[r] ?? '')]
      for (let j = 0; j <= columns; j++) {
        const cell = cells[r * (columns + 1) + j]
        const value = cell?.value ?? 0
        if (j < columns) x.push(value)
        else y.push(value)
        const written = NumberFromCsv.encode(value)
        fields.push(cell?.quoted === true ? quote(written) : written)
      }
      lines.push(fields.join(','))
    }
    const text = (bom ? '\ufeff' : '') + lines.join(newline) + (trailing ? newline : '')
    return { text, x, y, columns, rows, features: header.slice(1, -1) }
  })

/** A corruption of a text: characters deleted, duplicated or changed, or the text cut short. */
const corruptions = (text: string): fc.Arbitrary<string> => {
  const position = fc.integer({ min: 0, max: Math.max(0, text.length - 1) })
  const character = fc.constantFrom(',', '"', '\n', '\r', ' ', 'a', '-', '.', 'e', '0', '9', '\ufeff')
  const edit = fc.oneof(
    position.map((i) => (s: string) => s.slice(0, i) + s.slice(i + 1)),
    position.map((i) => (s: string) => s.slice(0, i + 1) + s.slice(i)),
    fc.tuple(position, character).map(([i, c]) => (s: string) => s.slice(0, i) + c + s.slice(i + 1)),
    position.map((i) => (s: string) => s.slice(0, i)),
  )
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce((s, f) => f(s), text))
}

describe('CSV on generated tables', () => {
  it('decodes every table, written in any of its forms, to its values (property)', () => {
    fc.assert(
      fc.property(tables, ({ text, x, y, columns, rows, features }) => {
        const ds = right(fromCsv(text, { label: 'label', features }))
        expect(values(ds)).toEqual({ x, y, xShape: [rows, columns], yShape: [rows, 1] })
      }),
      { numRuns: 200 },
    )
  })

  it('reports a bad field at the line of its row, however many line breaks precede it (property)', () => {
    fc.assert(
      fc.property(
        tables.filter((g) => g.rows > 0),
        fc.nat(),
        ({ text, rows, features }, pick) => {
          const body = text.replace(/^\ufeff/, '')
          // Find the start of each data row by parsing the notes: they are quoted and come first.
          const starts: number[] = []
          let inQuotes = false
          let line = 1
          const lineOfRow: number[] = []
          for (let i = 0; i < body.length; i++) {
            const ch = body[i]
            if (ch === '"') inQuotes = !inQuotes
            if (ch === '\n') {
              line++
              if (!inQuotes && i + 1 < body.length) {
                starts.push(i + 1)
                lineOfRow.push(line)
              }
            }
          }
          const row = pick % rows
          const start = starts[row] ?? 0
          const broken = body.slice(0, start) + body.slice(start).replace(/^("(?:[^"]|"")*"),/, '$1,12a')
          const result = fromCsv(broken, { label: 'label', features })
          expect(issues(result)[0]?.line).toBe(lineOfRow[row])
          expect(issues(result)[0]?.column).toBe('c0')
        },
      ),
      { numRuns: 200 },
    )
  })

  it('never throws on corrupted text: a Right, or a Left with issues and a message (property)', () => {
    fc.assert(
      fc.property(
        tables.chain((g) => fc.tuple(fc.constant(g), corruptions(g.text))),
        ([{ features }, corrupted]) => {
          const lines = Math.max(corrupted.split('\n').length, corrupted.split('\r').length)
          for (const result of [fromCsv(corrupted, { label: 'label', features }), parseCsv(corrupted, t.record(t.string, NumberFromCsv))]) {
            if (E.isLeft(result)) {
              expect(result.left.issues.length).toBeGreaterThan(0)
              expect(result.left.message.length).toBeGreaterThan(0)
              for (const issue of result.left.issues) {
                expect(issue.line).toBeGreaterThanOrEqual(1)
                expect(issue.line).toBeLessThanOrEqual(lines)
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
