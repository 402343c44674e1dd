/**
 * The full mutation suite (`npm run mutants`): every subject of test/mutants/subjects.ts, every
 * applicable wrong rule of laws/mutation.ts, through the public gradient laws with default options,
 * for seeds 1..N (default 20). Prints the kill table; exits 1 unless every control passes and every
 * non-equivalent mutant is caught in every seed.
 *
 *   npm run mutants                 all subjects, 20 seeds
 *   npm run mutants -- 30           30 seeds
 *   npm run mutants -- 20 matmul    subjects whose name contains "matmul"
 */
import { formatKillTable, killTable, tableHolds } from '../laws/mutation.js'
import { subjects } from '../test/mutants/subjects.js'

const [count = '20', filter = ''] = process.argv.slice(2)
const n = Number(count)
if (!Number.isInteger(n) || n < 1) throw new Error(`the number of seeds must be a positive integer, got ${count}`)
const seeds = Array.from({ length: n }, (_, i) => i + 1)
const chosen = subjects.filter((s) => s.name.includes(filter))
const started = performance.now()
process.stderr.write(`${chosen.length} subjects × seeds 1..${n}\n`)
const rows = killTable(chosen, seeds, {
  onRow: (r) => {
    if (r.kind === 'control' && r.caught > 0) process.stderr.write(`control of ${r.subject} failed\n`)
    else if (r.kind !== 'control' && r.equivalent === undefined && r.caught < r.seeds) process.stderr.write(`${r.subject} ${r.kind} survived seeds ${r.survivedSeeds.join(',')}\n`)
  },
})
process.stdout.write(`${formatKillTable(rows)}\n(${((performance.now() - started) / 1000).toFixed(1)} s)\n`)
process.exit(tableHolds(rows) ? 0 : 1)
