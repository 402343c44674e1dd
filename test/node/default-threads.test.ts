/**
 * Threads by default under Node: the package root's Node entry (src/node/main.ts) installs a lazy
 * pool for the cores available; a large product then runs on the workers with the bits of the
 * JavaScript kernel (a small one starts no worker), and the process exits on its own as soon as its work is done (the workers
 * are unref'd). Run in a child process, as a user's script would be. And where workers cannot
 * start, the default pool falls back to the calling thread (same bits) and takes itself out.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { wasmAvailable } from '../../src/tensor/kernels/wasm.js'
import { installParallelMatmul } from '../../src/tensor/kernels/backend.js'
import { lazyPool } from '../../src/node/threads.js'
import * as T from '../../src/tensor/index.js'

const entry = pathToFileURL(path.resolve(import.meta.dirname, '../../src/node/main.ts')).href

const script = `
import * as df from ${JSON.stringify(entry)}
import { existsSync, readFileSync } from 'node:fs'
const { T } = df
// The OS threads of this process (Linux): workers add theirs when the pool starts.
const osThreads = () => existsSync('/proc/self/status') ? Number(/Threads:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) : -1
const before = T.kernelsInUse().threads
const osBefore = osThreads()
const small = df.matmul(df.ones([8, 8]), df.ones([8, 8]))
const osAfterSmall = osThreads()
const n = 300
const a = df.fromArray(Float64Array.from({ length: n * n }, (_, i) => Math.sin(i)), [n, n])
const b = df.fromArray(Float64Array.from({ length: n * n }, (_, i) => Math.cos(i * 0.7)), [n, n])
const threaded = df.matmul(a, b)
const after = T.kernelsInUse().threads
const osAfter = osThreads()
T.useKernels('js')
const reference = df.matmul(a, b)
const bits = (t) => Array.from(new BigUint64Array(Float64Array.from(t.data).buffer), String)
console.log(JSON.stringify({
  before,
  after,
  same: JSON.stringify(bits(threaded)) === JSON.stringify(bits(reference)),
  smallStartsNoWorker: osAfterSmall === osBefore && small.shape.length === 2,
  largeStartedWorkers: osBefore === -1 || before === 1 || osAfter > osBefore,
}))
`

describe.runIf(wasmAvailable())('threads by default (Node entry of the package root)', () => {
  it('splits a large product over the cores available, same bits, and the process exits by itself', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dualflow-threads-'))
    try {
      const file = path.join(dir, 'default-threads.mjs')
      writeFileSync(file, script)
      const started = performance.now()
      const result = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 60_000 })
      const seconds = (performance.now() - started) / 1000
      expect(result.stderr).toBe('')
      expect(result.signal).toBeNull()
      expect(result.status).toBe(0)
      const expected = Math.min(os.availableParallelism(), 64)
      expect(JSON.parse(result.stdout)).toEqual({ before: expected, after: expected, same: true, smallStartsNoWorker: true, largeStartedWorkers: true })
      // Not a speed assertion: a process held open by its workers would run into the 60 s timeout.
      expect(seconds).toBeLessThan(60)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe.runIf(wasmAvailable())('the default pool when workers cannot start', () => {
  it('runs the product on the calling thread, same bits, and takes itself out of the core', () => {
    const a = T.fromArray(Float64Array.from({ length: 200 * 150 }, (_, i) => Math.sin(i)), [200, 150])
    const b = T.fromArray(Float64Array.from({ length: 150 * 120 }, (_, i) => Math.cos(i * 0.3)), [150, 120])
    const bias = T.fromArray(Float64Array.from({ length: 120 }, (_, i) => i / 7), [120])
    const before = T.kernelsInUse().choice
    T.useKernels('js')
    const reference = [T.matmul(a, b), T.affine(a, b, bias)].map((t) => [...t.data])
    T.useKernels('auto')
    let attempts = 0
    try {
      installParallelMatmul(
        lazyPool(2, () => {
          attempts++
          throw new Error('no workers here')
        }),
      )
      expect(T.kernelsInUse().threads).toBe(2)
      expect([...T.matmul(a, b).data]).toEqual(reference[0])
      expect(T.kernelsInUse().threads).toBe(1)
      expect([...T.affine(a, b, bias).data]).toEqual(reference[1])
      expect(attempts).toBe(1)
      // The affine map's first product, through the fallback with a bias.
      installParallelMatmul(lazyPool(2, () => { throw new Error('no workers here') }))
      expect([...T.affine(a, b, bias).data]).toEqual(reference[1])
    } finally {
      installParallelMatmul(undefined)
      T.useKernels(before)
    }
  })
})
