/**
 * docs/EXTENDING.md runs: its code blocks, as one module (imports of `dualflow`, `dualflow/extend`
 * and `dualflow/laws` pointed at this package's sources), are imported here — the law runners in
 * them throw if a law fails — and the values its comments show are checked.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { moduleOfBlocks } from './types/codeBlocks.js'

const repo = new URL('../', import.meta.url).pathname
const page = readFileSync(join(repo, 'docs/EXTENDING.md'), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'dualflow-extending-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const toArray = (t: unknown): unknown => (typeof t === 'object' && t !== null && 'data' in t && t.data instanceof Float64Array ? Array.from(t.data) : t)

describe('docs/EXTENDING.md', () => {
  it('runs: the new ops give the values shown and obey the laws', async () => {
    const code = moduleOfBlocks(page, ['export { y, g, h, l, s, scaleShape }'])
      .replaceAll("from 'dualflow/extend'", `from '${join(repo, 'src/extend.ts')}'`)
      .replaceAll("from 'dualflow/laws'", `from '${join(repo, 'laws/index.ts')}'`)
      .replaceAll("from 'dualflow'", `from '${join(repo, 'src/index.ts')}'`)
    const file = join(dir, 'extending.ts')
    writeFileSync(file, code)
    const m: Record<string, unknown> = await import(pathToFileURL(file).href)
    expect(toArray(m.y)).toEqual([0.5, -0.75])
    expect(toArray(m.g)).toEqual([0.25])
    expect(toArray(m.h)).toEqual([5, 13])
    expect(toArray(m.l)).toEqual([0.25, -2])
    expect(toArray(m.s)).toEqual([0.25, 4])
    expect(m.scaleShape).toEqual([2])
  }, 120_000)
})
