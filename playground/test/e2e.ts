/**
 * The playground in a real Chromium (the system's, driven by playwright-core; nothing is
 * downloaded). Serves the built files (playground/dist, from `npm run build:playground`) under a
 * sub-path, as a static host would, and checks:
 *  - the page loads with no console errors;
 *  - XOR with one hidden layer of 4 tanh units, trained to step 1000 from a link, reaches test
 *    loss < 0.05, and the boundary canvas is blue where class 1 lies and orange where class 0 does;
 *  - the backprop panel shows exactly the steps (same ops, same count) that dualflow's
 *    traceBackward gives in Node for the same weights and point;
 *  - "prove the gradients" reports every generated case passed;
 *  - reloading the link reproduces the same losses, to the last digit;
 *  - the spiral trains, and the screenshots are saved to a temporary directory (printed).
 *
 *   npm run test:browser        (CHROMIUM=/path/to/chromium to use another binary)
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { losses, nn, tensor, traceBackward, vector } from 'dualflow'
import { lossPoint, start, step } from '../src/engine.js'
import { defaults, formatSettings, parseSettings } from '../src/settings.js'

const started = performance.now()
const dist = new URL('../dist/', import.meta.url).pathname
const executablePath = process.env['CHROMIUM'] ?? '/usr/bin/chromium'
if (!existsSync(join(dist, 'index.html'))) throw new Error(`no build in ${dist}: run npm run build:playground first`)
if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM)`)

// ─── a static host, serving the build under /some/sub/path/ ─────────────────────────────────────

const base = '/hosted/playground/'
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' }
const server: Server = createServer((req, res) => {
  const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/')
  const relative = path.startsWith(base) ? path.slice(base.length) || 'index.html' : undefined
  const file = relative === undefined ? undefined : normalize(join(dist, relative))
  if (file === undefined || !file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end()
    return
  }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file))
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const address = server.address()
const port = typeof address === 'object' && address !== null ? address.port : 0
const origin = `http://127.0.0.1:${port}${base}`

const shots = mkdtempSync(join(tmpdir(), 'dualflow-playground-'))
const browser = await chromium.launch({
  executablePath,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // No --user-data-dir: playwright's launch() gives every run a fresh temporary profile itself.
  ],
})

const problems: string[] = []
const xorQuery = '?dataset=xor&noise=0&test=0.5&samples=400&features=x1,x2&hidden=4&activation=tanh&optimizer=adam&lr=0.03&l1=0&l2=0&batch=10&key=7&steps=1000'
const check = async (name: string, body: () => Promise<void>): Promise<void> => {
  const t = performance.now()
  try {
    await body()
    console.log(`ok   ${name} (${((performance.now() - t) / 1000).toFixed(1)} s)`)
  } catch (e) {
    problems.push(name)
    console.log(`FAIL ${name}\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
  }
}


const trained = async (page: Page, steps: number): Promise<void> => {
  await page.waitForFunction((n) => document.getElementById('step-count')?.textContent === String(n) && document.body.dataset['state'] === 'paused', steps, {
    timeout: 90_000,
  })
}

const losses_ = async (page: Page): Promise<{ train: string; test: string }> => ({
  train: (await page.textContent('#train-loss')) ?? '',
  test: (await page.textContent('#test-loss')) ?? '',
})

/** The colour of the boundary canvas at plane point (a, b). */
const colourAt = (page: Page, a: number, b: number): Promise<[number, number, number]> =>
  page.evaluate(
    ([a, b]) => {
      const canvas = document.getElementById('boundary')
      if (!(canvas instanceof HTMLCanvasElement)) throw new Error('no boundary canvas')
      const extent = 4
      const px = Math.round(((a + extent) / (2 * extent)) * canvas.width)
      const py = Math.round(((extent - b) / (2 * extent)) * canvas.height)
      const d = canvas.getContext('2d')?.getImageData(px, py, 1, 1).data
      return [d?.[0] ?? 0, d?.[1] ?? 0, d?.[2] ?? 0] as [number, number, number]
    },
    [a, b] as const,
  )

await check('a link round-trips every setting, and bad values fall back to the defaults', async () => {
  assert.equal(formatSettings(parseSettings(xorQuery)), xorQuery.replaceAll(',', '%2C'))
  const odd = parseSettings('?dataset=moons&noise=-1&hidden=4,99&lr=abc&batch=2.5&features=x9&steps=-3&key=12')
  assert.deepEqual(odd, { ...defaults, key: 12 })
})

await check('the build holds no Pima table, CSV parser, io-ts or chart code (tree-shaken away)', async () => {
  const built = ['assets'].flatMap((d) => readdirSync(join(dist, d)).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dist, d, f), 'utf8'))).join('\n')
  // Each marker is checked against its package first, so a renamed marker cannot pass silently.
  const markers = [
    ['pregnancies,glucose', '../../src/data/bundled/pimaCsv.ts'],
    ['BAD_DELIMITERS', '../../node_modules/papaparse/papaparse.js'],
    ['┼', '../../node_modules/asciichart/asciichart.js'],
    ['getFunctionName', '../../node_modules/io-ts/es6/index.js'],
  ] as const
  for (const [marker, source] of markers) {
    assert.ok(readFileSync(new URL(source, import.meta.url), 'utf8').includes(marker), `${marker} not in ${source}`)
    assert.ok(!built.includes(marker), `the build contains ${marker} (from ${source})`)
  }
})

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1100 } })
  const page = await context.newPage()
  const consoleErrors: string[] = []
  page.on('console', (m) => (m.type() === 'error' ? consoleErrors.push(m.text()) : undefined))
  page.on('pageerror', (e) => consoleErrors.push(e.message))

  let firstLosses = { train: '', test: '' }

  await check('loads with no console errors, and trains XOR (4 tanh units) from a link to test loss < 0.05', async () => {
    await page.goto(`${origin}${xorQuery}`)
    await trained(page, 1000)
    firstLosses = await losses_(page)
    console.log(`     step 1000: training loss ${firstLosses.train}, test loss ${firstLosses.test}`)
    assert.ok(Number(firstLosses.test) < 0.05, `test loss ${firstLosses.test}`)
    assert.equal((await page.textContent('#status')) ?? '', '')
    assert.deepEqual(consoleErrors, [])
    await page.screenshot({ path: join(shots, 'xor-trained.png'), fullPage: true })
    await page.locator('main').screenshot({ path: join(shots, 'xor-main.png') })
    await page.locator('.plane').screenshot({ path: join(shots, 'xor-boundary.png') })
  })

  await check('the boundary canvas shows class 1 (blue) and class 0 (orange) where the classes are', async () => {
    for (const [a, b, cls] of [[2, 2, 1], [-2, -2, 1], [2, -2, 0], [-2, 2, 0], [1.2, 2.5, 1], [-2.5, 1.2, 0]] as const) {
      const [r, , bl] = await colourAt(page, a, b)
      assert.ok(cls === 1 ? bl > r + 60 : r > bl + 60, `at (${a}, ${b}) expected class ${cls}, got rgb ${r}, ${bl}`)
    }
  })

  await check('the backprop panel shows the steps traceBackward gives for the same weights and point', async () => {
    await page.click('#points', { position: { x: 240, y: 80 } }) // near (2, 2): class 1
    await page.waitForSelector('.bp-step')
    const shown = await page.$$eval('.bp-step .op', (ops) => ops.map((o) => o.textContent ?? ''))
    const view = await page.evaluate(() => {
      const p: unknown = Reflect.get(globalThis, 'playground')
      return JSON.parse(JSON.stringify(p)) as {
        weights: { kernel: number[][]; bias: number[] }[]
        trace: { point: [number, number]; label: number; loss: number }
      }
    })
    // The same network, built here in Node from dualflow directly, with the weights the page drew.
    const model = nn.sequential(nn.dense(4), nn.tanh, nn.dense(1), nn.sigmoid)
    const [w1, w2] = view.weights
    assert.ok(w1 !== undefined && w2 !== undefined)
    const params = [{ kernel: tensor(w1.kernel), bias: vector(w1.bias) }, {}, { kernel: tensor(w2.kernel), bias: vector(w2.bias) }, {}] as const
    const x = tensor([[view.trace.point[0], view.trace.point[1]]])
    const y = tensor([[view.trace.label]])
    const reference = traceBackward((p: typeof params) => losses.binaryCrossEntropy(model.apply(p, [{}, {}, {}, {}], x, { training: false }).y, y), params)
    assert.ok(shown.length > 0)
    assert.equal(shown.length, reference.steps.length)
    assert.deepEqual(shown, reference.steps.map((s) => s.op))
    console.log(`     ${shown.length} backward steps: ${shown.join(' ')}`)
    // Walk to the hidden layer's affine step and check that it lights that layer.
    const hiddenAffine = shown.lastIndexOf('affine')
    for (let i = 0; i <= hiddenAffine; i++) await page.click('#bp-next')
    assert.equal(await page.textContent('#bp-count'), `step ${hiddenAffine + 1} of ${shown.length}`)
    assert.equal(await page.locator('.network-drawing canvas.lit').count(), 4)
    await page.locator('.panels').screenshot({ path: join(shots, 'backprop-panel.png') })
    await page.screenshot({ path: join(shots, 'backprop-page.png'), fullPage: true })
  })

  await check('"prove the gradients" passes every generated case', async () => {
    await page.click('#prove-button')
    await page.waitForSelector('#prove-result[data-holds]', { timeout: 60_000 })
    const [passed, runs, holds] = await page.$eval('#prove-result', (el) => [el.getAttribute('data-passed'), el.getAttribute('data-runs'), el.getAttribute('data-holds')])
    console.log(`     ${passed} of ${runs} cases passed`)
    assert.equal(holds, 'true')
    assert.equal(runs, '300')
    assert.equal(passed, runs)
    await page.locator('#prove').screenshot({ path: join(shots, 'prove.png') })
  })

  await check('"prove the gradients" catches a planted wrong derivative and shows the counterexample', async () => {
    const broken = await browser.newPage()
    await broken.goto(`${origin}${xorQuery.replace('activation=tanh', 'activation=wrongTanh').replace('steps=1000', 'steps=0')}`)
    await broken.waitForFunction(() => document.body.dataset['state'] === 'paused')
    await broken.click('#prove-button')
    await broken.waitForSelector('#prove-result[data-holds]', { timeout: 60_000 })
    const [passed, runs, holds] = await broken.$eval('#prove-result', (el) => [el.getAttribute('data-passed'), el.getAttribute('data-runs'), el.getAttribute('data-holds')])
    const failure = (await broken.textContent('#prove-result .fail')) ?? ''
    console.log(`     ${passed} of ${runs} cases passed; ${failure.slice(0, 120)}…`)
    assert.equal(holds, 'false')
    assert.ok(Number(passed) < Number(runs))
    assert.match(failure, /reverse mode = finite differences: \d+\/100 cases passed/)
    assert.match(failure, /gradient = finite differences fails: expected .* got .*Counterexample: /s)
    await broken.locator('#prove').screenshot({ path: join(shots, 'prove-counterexample.png') })
    await broken.close()
  })

  await check('reloading the link reproduces the same losses to the last digit', async () => {
    assert.ok(page.url().includes('steps=1000'), page.url())
    await page.reload()
    await trained(page, 1000)
    assert.deepEqual(await losses_(page), firstLosses)
    assert.deepEqual(consoleErrors, [])
  })

  await check('how this Chromium and this Node compare (printed, not asserted: a fact about engines)', async () => {
    // Node replays the same link through the same engine module.
    let run = start(parseSettings(xorQuery.replace('&steps=1000', '')))
    for (let i = 0; i < 1000; i++) run = step(run)
    const inNode = lossPoint(run)
    const same = String(inNode.train) === firstLosses.train && String(inNode.test) === firstLosses.test
    console.log(`     XOR link at step 1000 in Node ${process.versions.node}: training ${inNode.train}, test ${inNode.test} (${same ? 'the same bits as Chromium' : 'differs from Chromium'})`)
    // As source text, so that Node and the page run the very same code (tsx would add helpers to a function).
    const probe = `(() => {
      const fns = { exp: Math.exp, log: Math.log, tanh: Math.tanh, sin: Math.sin, pow: (x) => Math.pow(x, 1.37) }
      const out = {}
      for (const [name, f] of Object.entries(fns)) {
        const values = []
        let x = 0.1234567
        for (let i = 0; i < 100000; i++) {
          x = (x * 1.0000123 + 0.37) % 20
          values.push(f(name === 'log' || name === 'pow' ? x + 1e-3 : x - 10))
        }
        out[name] = values
      }
      return out
    })()`
    const chrome: Record<string, number[]> = await page.evaluate(probe)
    const node: Record<string, number[]> = new Function(`return ${probe}`)()
    const counts = Object.entries(node).map(([name, values]) => `${name} ${values.filter((v, i) => !Object.is(v, chrome[name]?.[i])).length}`)
    console.log(`     Math results that differ in bits between the two engines, of 100000 inputs each: ${counts.join(', ')}`)
  })

  await check('trains the spiral (two hidden layers of 8, sin features) and draws its boundary', async () => {
    await page.goto(`${origin}?dataset=spiral&noise=0&test=0.3&samples=400&features=x1,x2,sinx1,sinx2&hidden=8,8&activation=tanh&optimizer=adam&lr=0.03&l1=0&l2=0&batch=10&key=1&steps=1500`)
    await trained(page, 1500)
    const l = await losses_(page)
    console.log(`     step 1500: training loss ${l.train}, test loss ${l.test}`)
    assert.ok(Number(l.train) < 0.3, `training loss ${l.train}`)
    await page.screenshot({ path: join(shots, 'spiral-trained.png'), fullPage: true })
    await page.locator('main').screenshot({ path: join(shots, 'spiral-main.png') })
    await page.locator('.plane').screenshot({ path: join(shots, 'spiral-boundary.png') })
    assert.deepEqual(consoleErrors, [])
  })
} finally {
  await browser.close()
  server.close()
}

console.log(`screenshots: ${shots}`)
console.log(`${problems.length === 0 ? 'all passed' : `${problems.length} failed`} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
if (problems.length > 0) process.exitCode = 1
