/**
 * The property suites under fresh fast-check seeds (`npm run test:seeds -- N`, default 5): every
 * test file that uses fast-check or the laws is run N times, each time under a new random seed
 * (FC_SEED, read by test/setup.ts). Prints each seed as it goes and, for a failing seed, the
 * failing tests, so that `FC_SEED=<seed> npx vitest run <file>` replays it. Exits 1 when any seed
 * fails. CI keeps its fixed seed; this is how fresh inputs are tried on purpose.
 */
import { spawnSync } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const count = Number(process.argv[2] ?? '5')
if (!Number.isInteger(count) || count < 1) throw new Error(`the number of seeds must be a positive integer, got ${process.argv[2]}`)

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name)
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.test.ts') ? [p] : []
  })
const suites = filesUnder('test').filter((f) => /from 'fast-check'|laws\//.test(readFileSync(f, 'utf8')))

interface JsonReport {
  readonly testResults?: ReadonlyArray<{ readonly name?: string; readonly assertionResults?: ReadonlyArray<{ readonly status?: string; readonly fullName?: string }> }>
}

const scratch = mkdtempSync(path.join(tmpdir(), 'dualflow-seeds-'))
const failing: Array<{ readonly seed: number; readonly tests: readonly string[] }> = []
process.stdout.write(`${suites.length} property suites × ${count} fresh seeds\n`)
for (let i = 0; i < count; i++) {
  const seed = randomInt(-(2 ** 31), 2 ** 31 - 1)
  const report = path.join(scratch, `seed-${i}.json`)
  const env = { ...process.env, FC_SEED: String(seed), CI: 'false' }
  const run = spawnSync('npx', ['vitest', 'run', '--reporter=json', `--outputFile=${report}`, ...suites], { env, encoding: 'utf8' })
  let tests: string[] = []
  try {
    const parsed: JsonReport = JSON.parse(readFileSync(report, 'utf8'))
    tests = (parsed.testResults ?? []).flatMap((file) =>
      (file.assertionResults ?? []).filter((a) => a.status === 'failed').map((a) => `${path.relative(process.cwd(), file.name ?? '')} > ${a.fullName ?? '?'}`),
    )
  } catch {
    tests = [`no report (vitest exited with ${run.status}): ${run.stderr.slice(-500)}`]
  }
  if (run.status !== 0 && tests.length === 0) tests = [`vitest exited with ${run.status}`]
  process.stdout.write(`seed ${seed}: ${tests.length === 0 ? 'pass' : `FAIL\n  ${tests.join('\n  ')}`}\n`)
  if (tests.length > 0) failing.push({ seed, tests })
}
rmSync(scratch, { recursive: true, force: true })
process.stdout.write(failing.length === 0 ? `all ${count} seeds pass\n` : `${failing.length} of ${count} seeds fail: ${failing.map((f) => f.seed).join(', ')}\n`)
process.exit(failing.length === 0 ? 0 : 1)
