/**
 * CSV at the boundary: text in, an `Either` out, with every bad row reported by line and column.
 *
 * `parseCsv(text, rowCodec)` reads a header line and data rows, hands each row to an io-ts codec
 * as a record from column name to the field's text, and returns the decoded rows. `fromCsv(text,
 * { label, features })` builds a `Dataset` of numbers from chosen columns. Both return a `Left`
 * listing every problem at once (`line 17, column "glucose": expected a number, got "12a"`).
 *
 * Parsing is done by papaparse (https://www.papaparse.com): a maintained parser with no
 * dependencies that runs unchanged in browsers and in Node (its only Node hook, a stream
 * wrapper, is loaded lazily when a Node stream is passed, which we never do). It handles RFC 4180
 * quoting (`"a ""quoted"", field"`, line breaks inside quotes), CRLF, LF and CR line ends. Its
 * per-row cursor lets us map every row to its line in the file. csv-parse was the other candidate:
 * its main entry is built on Node's `stream.Transform` and `Buffer`, and its browser build ships
 * polyfills for both — it works, but it is heavier for a core that must run in a browser.
 *
 * The rules, strictest reasonable reading of RFC 4180:
 * - The delimiter is always `,` (never guessed) and the quote is `"`, doubled to escape it.
 * - A UTF-8 byte order mark at the start is dropped; one line break at the end of the file is
 *   allowed and ignored. Any other empty line is a row with one empty field (for a table of more
 *   than one column, a wrong field count).
 * - Line numbers are 1-based lines of the file: the header is line 1, and a row is reported at
 *   the line where it starts, counting the line breaks inside quoted fields before it.
 * - The header's names must be non-empty and distinct. Every row must have as many fields as the
 *   header. Fields are not trimmed.
 * - Numbers are decoded by `NumberFromCsv`: decimal literals only (see there).
 */
import Papa, { type ParseError } from 'papaparse'
import { either as E } from 'fp-ts'
import * as t from 'io-ts'
import { fromData } from '../tensor/internal.js'
import { dataset, type Dataset } from './Dataset.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** One problem in a CSV text: where it is and what was expected there. */
export interface CsvIssue {
  /** 1-based line of the file where the row starts (the header is line 1). */
  readonly line: number
  /** The column's name in the header, when the problem is in one field. */
  readonly column: string | undefined
  /** What was expected and what was found: `expected a number, got "12a"`. */
  readonly detail: string
}

/** A CSV text that could not be decoded: every issue found, in line order. */
export class CsvError extends Error {
  readonly _tag = 'CsvError' as const
  constructor(readonly issues: readonly CsvIssue[]) {
    super(formatIssues(issues))
    this.name = 'CsvError'
  }
}

/** A decoded row's fields by column name, as the row codec receives them. */
export type CsvRecord = Readonly<Record<string, string>>

/** Which columns of a CSV table become the dataset: `y` is `label`, `x` is `features`. */
export interface FromCsvOptions {
  /** Column holding the target; becomes y of shape [n, 1]. */
  readonly label: string
  /** Columns of x in this order (default: every column except `label`, in header order). */
  readonly features?: readonly string[]
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The data rows of a CSV text, each decoded by `rowCodec` from a record of the row's fields.
 *
 * Returns a Left listing every problem: syntax (an unterminated quote), a wrong number of fields,
 * a field the codec rejects (reported with its column), a column the codec needs that the header
 * lacks (reported once, at line 1). A header with no data rows gives an empty array.
 *
 * @example
 * const Row = t.type({ name: t.string, age: data.NumberFromCsv })
 * data.parseCsv('name,age\nada,36\n', Row)  // { _tag: 'Right', right: [{ name: 'ada', age: 36 }] }
 * E.mapLeft((e) => e.issues.map(data.formatIssue))(data.parseCsv('name,age\nbob,x\n', Row))  // { _tag: 'Left', left: ['line 2, column "age": expected a number, got "x"'] }
 */
export const parseCsv = <A>(text: string, rowCodec: t.Decoder<CsvRecord, A>): E.Either<CsvError, readonly A[]> => {
  const table = readTable(text)
  if (E.isLeft(table)) return table
  const { header, rows, issues } = table.right
  const columns = new Set(header)
  const missing = new Set<string>()
  const decoded: A[] = []
  for (const row of rows) {
    const record: CsvRecord = Object.fromEntries(header.map((name, i) => [name, row.fields[i] ?? '']))
    const result = rowCodec.decode(record)
    if (E.isRight(result)) {
      decoded.push(result.right)
      continue
    }
    for (const error of result.left) {
      const keys = error.context.map((entry) => entry.key).filter((key) => key !== '')
      const column = keys.find((key) => columns.has(key))
      const deepest = keys[keys.length - 1]
      if (column === undefined && deepest !== undefined && error.value === undefined) {
        missing.add(deepest)
        continue
      }
      const expected = error.message ?? `expected ${error.context[error.context.length - 1]?.type.name ?? 'a valid row'}`
      issues.push({ line: row.line, column, detail: `${expected}, got ${show(error.value)}` })
    }
  }
  if (missing.size > 0) issues.push(missingColumns([...missing], header))
  return issues.length > 0 ? E.left(new CsvError(sortByLine(issues))) : E.right(decoded)
}

/**
 * A dataset from a CSV table of numbers: x [n, features] from the feature columns, y [n, 1] from
 * the label column, every field decoded by `NumberFromCsv`. Columns that are not chosen are not
 * decoded (they may hold text). A Left names the requested columns missing from the header, and
 * every bad field by line and column.
 *
 * @example
 * data.fromCsv('a,b,label\n1,2,0\n3,4,1\n', { label: 'label' })  // { _tag: 'Right', right: { x: [[1, 2], [3, 4]], y: [[0], [1]] } }
 */
export const fromCsv = (text: string, options: FromCsvOptions): E.Either<CsvError, Dataset> => {
  const table = readTable(text)
  if (E.isLeft(table)) return table
  const { header, rows, issues } = table.right
  const { label } = options
  const features = options.features ?? header.filter((name) => name !== label)
  const absent = [...features, label].filter((name, i, all) => !header.includes(name) && all.indexOf(name) === i)
  if (absent.length > 0) return E.left(new CsvError(sortByLine([missingColumns(absent, header), ...issues])))
  const featureIndex = features.map((name) => header.indexOf(name))
  const labelIndex = header.indexOf(label)
  const width = features.length
  const x = new Float64Array(rows.length * width)
  const y = new Float64Array(rows.length)
  const read = (line: number, field: string | undefined, column: number): number => {
    const result = NumberFromCsv.decode(field)
    if (E.isRight(result)) return result.right
    const expected = result.left[0]?.message ?? 'expected a number'
    issues.push({ line, column: header[column], detail: `${expected}, got ${show(field)}` })
    return NaN
  }
  rows.forEach((row, r) => {
    featureIndex.forEach((column, j) => {
      x[r * width + j] = read(row.line, row.fields[column], column)
    })
    y[r] = read(row.line, row.fields[labelIndex], labelIndex)
  })
  if (issues.length > 0) return E.left(new CsvError(sortByLine(issues)))
  return E.right(dataset(fromData(x, [rows.length, width]), fromData(y, [rows.length, 1])))
}

/**
 * One issue as a line of text: `line 17, column "glucose": expected a number, got "12a"`.
 */
export const formatIssue = ({ line, column, detail }: CsvIssue): string =>
  `line ${line}${column === undefined ? '' : `, column ${JSON.stringify(column)}`}: ${detail}`

// ─── instances ──────────────────────────────────────────────────────────────────────────────────

/**
 * A number written as a decimal literal: an optional sign, digits with an optional fraction (or a
 * fraction alone), and an optional exponent — `0`, `+2`, `-1.5e-3`, `.5`, `5.`, `1E6`.
 *
 * Unlike `Number` and `parseFloat`, it rejects everything else: `""`, `" "`, `" 1"` (fields are
 * not trimmed), `12a`, `0x10`, `1e`, `--1`, `1,5`, and also `NaN`, `Infinity` and values that
 * overflow float64 (`1e400`): a missing or infinite value must be handled by the caller, not
 * decoded as a number. Values that underflow round to 0 as usual.
 *
 * @example
 * data.NumberFromCsv.decode('-1.5e-3')  // { _tag: 'Right', right: -0.0015 }
 * E.isLeft(data.NumberFromCsv.decode('12a'))  // true (expected a number)
 */
export const NumberFromCsv: t.Type<number, string, unknown> = new t.Type<number, string, unknown>(
  'NumberFromCsv',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (u, c) => {
    if (typeof u !== 'string' || !DECIMAL.test(u)) return t.failure(u, c, 'expected a number')
    const n = Number(u)
    return Number.isFinite(n) ? t.success(n) : t.failure(u, c, 'expected a number within the float64 range')
  },
  // String(-0) is "0": keep the sign so that decode ∘ encode is the identity.
  (n) => (Object.is(n, -0) ? '-0' : String(n)),
)

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** Decimal literals; each part is unambiguous, so a failing match cannot backtrack badly. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

/** How many issues the error message spells out; `issues` always holds them all. */
const MESSAGE_ISSUES = 20

/** How much of a bad field a message quotes. */
const SHOWN_CHARACTERS = 40

interface Row {
  readonly line: number
  readonly fields: readonly string[]
}

interface Table {
  readonly header: readonly string[]
  /** Rows with the right number of fields and no syntax error. */
  readonly rows: readonly Row[]
  /** Syntax and field-count problems found so far; decoding appends to them. */
  readonly issues: CsvIssue[]
}

/** Splits the text into a checked header and rows; a Left only when the header itself is bad. */
const readTable = (text: string): E.Either<CsvError, Table> => {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const parsed: Array<{ fields: readonly string[]; start: number; errors: readonly ParseError[] }> = []
  let start = 0
  let linebreak = '\n'
  Papa.parse<string[]>(body, {
    delimiter: ',',
    quoteChar: '"',
    escapeChar: '"',
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
    step: (result) => {
      parsed.push({ fields: result.data, start, errors: result.errors })
      start = result.meta.cursor
      if (result.meta.linebreak === '\r') linebreak = '\r'
    },
  })
  // A final line break makes papaparse report one more, empty row that starts at the very end.
  const last = parsed[parsed.length - 1]
  if (last !== undefined && parsed.length > 1 && last.start >= body.length && last.fields.length === 1 && last.fields[0] === '') {
    parsed.pop()
  }
  const lines = lineCounter(body, linebreak)
  const headerRow = parsed[0]
  if (headerRow === undefined) {
    return E.left(new CsvError([{ line: 1, column: undefined, detail: 'expected a header line, got an empty text' }]))
  }
  const header = headerRow.fields
  const headerIssues: CsvIssue[] = syntaxIssues(1, headerRow.errors)
  header.forEach((name, i) => {
    if (name === '') headerIssues.push({ line: 1, column: undefined, detail: `expected a name for column ${i + 1}, got an empty name` })
    else if (header.indexOf(name) !== i) headerIssues.push({ line: 1, column: name, detail: 'expected distinct column names, got this name twice' })
  })
  if (headerIssues.length > 0) return E.left(new CsvError(headerIssues))
  const rows: Row[] = []
  const issues: CsvIssue[] = []
  for (const { fields, start: offset, errors } of parsed.slice(1)) {
    const line = lines(offset)
    if (errors.length > 0) issues.push(...syntaxIssues(line, errors))
    else if (fields.length !== header.length) {
      issues.push({ line, column: undefined, detail: `expected ${header.length} fields, got ${fields.length}` })
    } else rows.push({ line, fields })
  }
  return E.right({ header, rows, issues })
}

/**
 * The 1-based line at each offset, for offsets asked in increasing order: one pass over the
 * text in total.
 */
const lineCounter = (body: string, linebreak: string): ((offset: number) => number) => {
  const breakChar = linebreak === '\r' ? '\r' : '\n'
  let position = 0
  let line = 1
  return (offset) => {
    for (; position < offset && position < body.length; position++) if (body[position] === breakChar) line++
    return line
  }
}

const syntaxIssues = (line: number, errors: readonly ParseError[]): CsvIssue[] => {
  const codes = [...new Set(errors.map((error) => error.code))]
  return codes.map((code) => ({ line, column: undefined, detail: SYNTAX[code] }))
}

const SYNTAX: Readonly<Record<ParseError['code'], string>> = {
  MissingQuotes: 'expected a closing quote, got the end of the text (unterminated quoted field)',
  InvalidQuotes: 'expected a delimiter or a line break after a closing quote',
  UndetectableDelimiter: 'expected comma-separated fields',
  TooFewFields: 'expected more fields',
  TooManyFields: 'expected fewer fields',
}

const missingColumns = (names: readonly string[], header: readonly string[]): CsvIssue => ({
  line: 1,
  column: undefined,
  detail: `expected the header to name ${names.length === 1 ? 'column' : 'columns'} ${names.map((n) => JSON.stringify(n)).join(', ')}, got ${header.map((n) => JSON.stringify(n)).join(', ')}`,
})

const show = (value: unknown): string => {
  if (value === undefined) return 'nothing'
  if (typeof value !== 'string') return String(value)
  const quoted = JSON.stringify(value.length > SHOWN_CHARACTERS ? value.slice(0, SHOWN_CHARACTERS) : value)
  return value.length > SHOWN_CHARACTERS ? `${quoted}… (${value.length} characters)` : quoted
}

const sortByLine = (issues: readonly CsvIssue[]): readonly CsvIssue[] =>
  [...issues].sort((a, b) => a.line - b.line)

const formatIssues = (issues: readonly CsvIssue[]): string => {
  const shown = issues.slice(0, MESSAGE_ISSUES).map(formatIssue)
  const more = issues.length > MESSAGE_ISSUES ? [`… and ${issues.length - MESSAGE_ISSUES} more`] : []
  return ['invalid CSV:', ...shown, ...more].join('\n  ')
}
