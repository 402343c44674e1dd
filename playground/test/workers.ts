/**
 * dualflow/web's `useWorkers` in a real Chromium (the system's, driven by playwright-core, as the
 * playground's e2e.ts; nothing is downloaded). A page bundled from dualflow (esbuild, through the
 * package's `exports`) is served twice: once cross-origin isolated (COOP same-origin, COEP
 * require-corp) and once without those headers. Checks:
 *  - isolated, inside a module Worker: `useWorkers({ threads: 2 })` and `{ threads: 3 }` start Web
 *    Workers, a 300×300 product and an affine map above the threads' threshold give the bits of
 *    the JavaScript kernels, and `{ threads: 1 }` goes back;
 *  - isolated, on the page's main thread (where `Atomics.wait` throws): resolves to 1;
 *  - not isolated (no SharedArrayBuffer), in a Worker: resolves to 1, same bits.
 *
 *   npm run test:browser:workers      (part of npm run test:browser; CHROMIUM=/path/to/chromium to use another binary)
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { chromium } from 'playwright-core'
import { bundle } from '../../test/bundle/esbuild.js'

const executablePath = process.env['CHROMIUM'] ?? '/usr/bin/chromium'
if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM)`)

// ─── the page ───────────────────────────────────────────────────────────────────────────────────

/** Runs in a module Worker: products under 1, 2 and 3 threads against the JavaScript kernels. */
const workerSource = `
import { T, fromArray, matmul } from 'dualflow'
import { useWorkers } from 'dualflow/web'
const n = 300
const a = fromArray(Float64Array.from({ length: n * n }, (_, i) => Math.sin(i) * (1 + (i % 7))), [n, n])
const b = fromArray(Float64Array.from({ length: n * n }, (_, i) => Math.cos(i * 0.3)), [n, n])
const bias = fromArray(Float64Array.from({ length: n }, (_, i) => i / 3), [n])
const bits = (t) => Array.from(new BigUint64Array(Float64Array.from(t.data).buffer), String).join(',')
const products = () => [matmul(a, b), T.matmulTransA(a, b), T.affine(a, b, bias)].map(bits)
T.useKernels('js')
const reference = products()
T.useKernels('auto')
const two = await useWorkers({ threads: 2 })
const twoInUse = T.kernelsInUse().threads
const twoSame = products().every((p, i) => p === reference[i])
const three = await useWorkers({ threads: 3 })
const threeSame = products().every((p, i) => p === reference[i])
const one = await useWorkers({ threads: 1 })
const oneInUse = T.kernelsInUse().threads
const oneSame = products().every((p, i) => p === reference[i])
postMessage({ isolated: globalThis.crossOriginIsolated === true, wasm: T.kernelsInUse().wasm, two, twoInUse, twoSame, three, threeSame, one, oneInUse, oneSame })
`

/** Runs on the page: useWorkers on the main thread, then the worker above. */
const mainSource = `
import { useWorkers } from 'dualflow/web'
const main = await useWorkers({ threads: 2 })
const worker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' })
worker.onmessage = (event) => { globalThis.result = { main, worker: event.data } }
worker.onerror = (event) => { globalThis.result = { error: String(event.message) } }
`

const files: Record<string, { readonly type: string; readonly body: string }> = {
  'index.html': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>workers</title><link rel="icon" href="data:,"><script type="module" src="main.js"></script>' },
  'main.js': { type: 'text/javascript', body: (await bundle(mainSource)).code },
  'worker.js': { type: 'text/javascript', body: (await bundle(workerSource)).code },
}

// ─── a static host: /isolated/ with COOP and COEP, /plain/ without ──────────────────────────────

const server: Server = createServer((req, res) => {
  const [, mode, name] = /^\/(isolated|plain)\/([\w.]*)$/.exec((req.url ?? '/').split('?')[0] ?? '/') ?? []
  const file = files[name === '' || name === undefined ? 'index.html' : name]
  if (mode === undefined || file === undefined) {
    res.writeHead(404).end()
    return
  }
  const isolation = mode === 'isolated' ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {}
  res.writeHead(200, { 'content-type': file.type, ...isolation }).end(file.body)
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const address = server.address()
const port = typeof address === 'object' && address !== null ? address.port : 0

const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] })
const problems: string[] = []
try {
  const page = await browser.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined))
  const run = async (mode: 'isolated' | 'plain'): Promise<unknown> => {
    await page.goto(`http://127.0.0.1:${port}/${mode}/`)
    await page.waitForFunction(() => Reflect.get(globalThis, 'result') !== undefined, undefined, { timeout: 60_000 })
    return page.evaluate(() => Reflect.get(globalThis, 'result'))
  }
  const check = async (name: string, body: () => Promise<void>): Promise<void> => {
    try {
      await body()
      console.log(`ok   ${name}`)
    } catch (e) {
      problems.push(name)
      console.log(`FAIL ${name}\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
    }
  }
  await check('isolated page: 2 and 3 Web Workers in a Worker, the JavaScript kernels\' bits; 1 on the main thread', async () => {
    assert.deepEqual(await run('isolated'), {
      main: 1,
      worker: { isolated: true, wasm: true, two: 2, twoInUse: 2, twoSame: true, three: 3, threeSame: true, one: 1, oneInUse: 1, oneSame: true },
    })
  })
  await check('page without COOP/COEP: no shared memory, so 1 thread, same bits', async () => {
    assert.deepEqual(await run('plain'), {
      main: 1,
      worker: { isolated: false, wasm: true, two: 1, twoInUse: 1, twoSame: true, three: 1, threeSame: true, one: 1, oneInUse: 1, oneSame: true },
    })
  })
  await check('no page errors', async () => {
    assert.deepEqual(errors, [])
  })
} finally {
  await browser.close()
  server.close()
}
if (problems.length > 0) {
  console.log(`${problems.length} check(s) failed: ${problems.join('; ')}`)
  process.exit(1)
}
