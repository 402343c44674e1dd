/**
 * The page: controls that edit the settings (kept in the URL), and drawings of what the worker
 * sends back. All training happens in the worker; the page only draws.
 */
import type { Backprop, DenseWeights, ShownStep } from './engine.js'
import type { LawReport } from './laws.js'
import type { Request, Response } from './protocol.js'
import {
  activationNames,
  datasetNames,
  extent,
  featureLabels,
  featureNames,
  formatSettings,
  optimizerNames,
  parseSettings,
  type FeatureName,
  type Settings,
} from './settings.js'

// ─── elements ───────────────────────────────────────────────────────────────────────────────────

const byId = <E extends HTMLElement>(id: string, kind: new () => E): E => {
  const el = document.getElementById(id)
  if (!(el instanceof kind)) throw new Error(`#${id} is missing`)
  return el
}

const ui = {
  reset: byId('reset', HTMLButtonElement),
  play: byId('play', HTMLButtonElement),
  step: byId('step', HTMLButtonElement),
  stepCount: byId('step-count', HTMLOutputElement),
  learningRate: byId('learningRate', HTMLSelectElement),
  optimizer: byId('optimizer', HTMLSelectElement),
  activation: byId('activation', HTMLSelectElement),
  l1: byId('l1', HTMLSelectElement),
  l2: byId('l2', HTMLSelectElement),
  batchSize: byId('batchSize', HTMLSelectElement),
  key: byId('key', HTMLInputElement),
  datasets: byId('datasets', HTMLDivElement),
  noise: byId('noise', HTMLInputElement),
  noiseValue: byId('noise-value', HTMLOutputElement),
  testFraction: byId('testFraction', HTMLInputElement),
  testValue: byId('test-value', HTMLOutputElement),
  samples: byId('samples', HTMLSelectElement),
  features: byId('features', HTMLDivElement),
  addLayer: byId('add-layer', HTMLButtonElement),
  removeLayer: byId('remove-layer', HTMLButtonElement),
  layerCount: byId('layer-count', HTMLOutputElement),
  network: byId('network', HTMLDivElement),
  trainLoss: byId('train-loss', HTMLOutputElement),
  testLoss: byId('test-loss', HTMLOutputElement),
  curves: byId('curves', HTMLCanvasElement),
  boundary: byId('boundary', HTMLCanvasElement),
  points: byId('points', HTMLCanvasElement),
  bpForward: byId('backprop-forward', HTMLDivElement),
  bpSteps: byId('backprop-steps', HTMLOListElement),
  bpPrev: byId('bp-prev', HTMLButtonElement),
  bpNext: byId('bp-next', HTMLButtonElement),
  bpCount: byId('bp-count', HTMLOutputElement),
  proveRuns: byId('prove-runs', HTMLSelectElement),
  proveButton: byId('prove-button', HTMLButtonElement),
  proveResult: byId('prove-result', HTMLDivElement),
  status: byId('status', HTMLParagraphElement),
}

const context2d = (canvas: HTMLCanvasElement): CanvasRenderingContext2D => {
  const c = canvas.getContext('2d')
  if (c === null) throw new Error('no 2-D canvas')
  return c
}

// ─── state ──────────────────────────────────────────────────────────────────────────────────────

let settings: Settings = parseSettings(location.search)
let playing = false
let step = 0
let points: { train: [number, number, number][]; test: [number, number, number][] } = { train: [], test: [] }
let lastWeights: DenseWeights[] = []
let lastNeurons: number[][][] = []
let trace: Backprop | undefined
let traceStep = 0
let current = -1

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
const send = (message: Request): void => worker.postMessage(message)

/** The URL holds every setting; `steps` is written only while paused (what a link replays). */
const writeUrl = (): void => history.replaceState(null, '', formatSettings({ ...settings, steps: playing ? undefined : step }))

const restart = (next: Settings): void => {
  settings = { ...next, steps: undefined }
  playing = false
  trace = undefined
  current = -1
  renderControls()
  renderBackprop()
  ui.proveResult.textContent = ''
  send({ type: 'reset', settings })
  writeUrl()
}

// ─── colours ────────────────────────────────────────────────────────────────────────────────────

const orange = [245, 147, 34] as const
const blue = [8, 119, 189] as const

/** Orange (0) through white (0.5) to blue (1). */
const colourOf = (p: number): readonly [number, number, number] => {
  const t = Math.max(0, Math.min(1, p))
  const [end, s] = t < 0.5 ? [orange, 1 - 2 * t] : [blue, 2 * t - 1]
  return [255 + (end[0] - 255) * s, 255 + (end[1] - 255) * s, 255 + (end[2] - 255) * s]
}

/** A res × res map of values (already in [0, 1], or scaled by `scale` around 0) drawn onto a canvas. */
const paintMap = (canvas: HTMLCanvasElement, values: readonly number[], signed: boolean): void => {
  const res = Math.round(Math.sqrt(values.length))
  if (res === 0) return
  const image = new ImageData(res, res)
  const scale = signed ? Math.max(1e-9, ...values.map(Math.abs)) : 1
  values.forEach((v, i) => {
    const [r, g, b] = colourOf(signed ? 0.5 + 0.5 * (v / scale) : v)
    image.data.set([r, g, b, 255], 4 * i)
  })
  const off = document.createElement('canvas')
  off.width = res
  off.height = res
  context2d(off).putImageData(image, 0, 0)
  const c = context2d(canvas)
  c.imageSmoothingEnabled = true
  c.clearRect(0, 0, canvas.width, canvas.height)
  c.drawImage(off, 0, 0, canvas.width, canvas.height)
}

// ─── controls ───────────────────────────────────────────────────────────────────────────────────

const optionLabels: Record<string, string> = { wrongTanh: 'tanh, wrong derivative (a planted bug)' }

const fillSelect = (select: HTMLSelectElement, values: readonly (string | number)[], value: string | number): void => {
  const all = values.map(String).includes(String(value)) ? values : [...values, value]
  select.replaceChildren(...all.map((v) => new Option(optionLabels[String(v)] ?? String(v), String(v), false, String(v) === String(value))))
}

const renderControls = (): void => {
  fillSelect(ui.learningRate, [0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3], settings.learningRate)
  fillSelect(ui.optimizer, optimizerNames, settings.optimizer)
  fillSelect(ui.activation, activationNames, settings.activation)
  fillSelect(ui.l1, [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1], settings.l1)
  fillSelect(ui.l2, [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1], settings.l2)
  fillSelect(ui.batchSize, [1, 5, 10, 20, 30, 50, 100], settings.batchSize)
  fillSelect(ui.samples, [100, 200, 400, 800], settings.samples)
  ui.key.value = String(settings.key)
  ui.noise.value = String(settings.noise)
  ui.noiseValue.value = String(settings.noise)
  ui.testFraction.value = String(settings.testFraction)
  ui.testValue.value = `${Math.round(settings.testFraction * 100)}%`
  ui.datasets.replaceChildren(
    ...datasetNames.map((name) => {
      const b = document.createElement('button')
      b.textContent = name
      b.dataset['dataset'] = name
      b.className = name === settings.dataset ? 'on' : ''
      b.onclick = () => restart({ ...settings, dataset: name })
      return b
    }),
  )
  ui.features.replaceChildren(
    ...featureNames.map((name) => {
      const label = document.createElement('label')
      const box = document.createElement('input')
      box.type = 'checkbox'
      box.checked = settings.features.includes(name)
      box.dataset['feature'] = name
      box.onchange = () => {
        const features = featureNames.filter((f): f is FeatureName => (f === name ? box.checked : settings.features.includes(f)))
        if (features.length === 0) box.checked = true
        else restart({ ...settings, features })
      }
      label.append(box, document.createTextNode(featureLabels[name]))
      return label
    }),
  )
  ui.layerCount.value = String(settings.hidden.length)
  ui.play.textContent = playing ? '❚❚ pause' : '▶ play'
}

const onSelect = (select: HTMLSelectElement, update: (value: string) => Partial<Settings>): void => {
  select.onchange = () => restart({ ...settings, ...update(select.value) })
}
onSelect(ui.learningRate, (v) => ({ learningRate: Number(v) }))
onSelect(ui.optimizer, (v) => ({ optimizer: optimizerNames.find((n) => n === v) ?? settings.optimizer }))
onSelect(ui.activation, (v) => ({ activation: activationNames.find((n) => n === v) ?? settings.activation }))
onSelect(ui.l1, (v) => ({ l1: Number(v) }))
onSelect(ui.l2, (v) => ({ l2: Number(v) }))
onSelect(ui.batchSize, (v) => ({ batchSize: Number(v) }))
onSelect(ui.samples, (v) => ({ samples: Number(v) }))
ui.key.onchange = () => {
  const k = Number(ui.key.value)
  if (Number.isInteger(k) && k >= 0 && k < 2 ** 32) restart({ ...settings, key: k })
}
ui.noise.onchange = () => restart({ ...settings, noise: Number(ui.noise.value) })
ui.testFraction.onchange = () => restart({ ...settings, testFraction: Number(ui.testFraction.value) })
ui.addLayer.onclick = () => settings.hidden.length < 6 && restart({ ...settings, hidden: [...settings.hidden, 2] })
ui.removeLayer.onclick = () => settings.hidden.length > 0 && restart({ ...settings, hidden: settings.hidden.slice(0, -1) })
ui.reset.onclick = () => restart(settings)
ui.play.onclick = () => {
  playing = !playing
  send({ type: playing ? 'play' : 'pause' })
  renderControls()
}
ui.step.onclick = () => send({ type: 'step' })

// ─── the network drawing ────────────────────────────────────────────────────────────────────────

const nodeSize = 40
const columnGap = 110
const rowGap = 56

const layout = (): { columns: number[]; x: (col: number) => number; y: (col: number, unit: number) => number; height: number } => {
  const columns = [settings.features.length, ...settings.hidden, 1]
  const tallest = Math.max(...columns)
  const height = tallest * rowGap + 30
  return {
    columns,
    x: (col) => 10 + col * columnGap,
    y: (col, unit) => 24 + (height - 24 - (columns[col] ?? 0) * rowGap) / 2 + unit * rowGap,
    height,
  }
}

const svgNs = 'http://www.w3.org/2000/svg'

/** Dense layer k (1-based) or 'loss' lit by the current backprop step. */
const litLayer = (): number | 'loss' | undefined => (trace === undefined ? undefined : trace.steps[current]?.layer)

const renderNetwork = (): void => {
  const { columns, x, y, height } = layout()
  const width = x(columns.length - 1) + nodeSize + 20
  ui.network.style.height = `${height + 30}px`
  const svg = document.createElementNS(svgNs, 'svg')
  svg.setAttribute('width', String(width))
  svg.setAttribute('height', String(height + 30))
  const lit = litLayer()
  const maxWeight = Math.max(1e-9, ...lastWeights.flatMap((w) => w.kernel.flat().map(Math.abs)))
  lastWeights.forEach((w, layer) => {
    w.kernel.forEach((row, i) =>
      row.forEach((value, j) => {
        const line = document.createElementNS(svgNs, 'line')
        line.setAttribute('x1', String(x(layer) + nodeSize))
        line.setAttribute('y1', String(y(layer, i) + nodeSize / 2))
        line.setAttribute('x2', String(x(layer + 1)))
        line.setAttribute('y2', String(y(layer + 1, j) + nodeSize / 2))
        line.setAttribute('stroke', value >= 0 ? '#0877bd' : '#f59322')
        line.setAttribute('stroke-width', String(0.5 + 6 * (Math.abs(value) / maxWeight)))
        line.setAttribute('stroke-opacity', lit === undefined || lit === layer + 1 ? '0.9' : '0.25')
        if (lit === layer + 1) line.setAttribute('class', 'lit')
        const title = document.createElementNS(svgNs, 'title')
        title.textContent = `w = ${value}`
        line.append(title)
        svg.append(line)
      }),
    )
  })
  const children: Element[] = [svg]
  columns.forEach((units, col) => {
    const label = document.createElement('div')
    label.className = 'column-label'
    label.style.left = `${x(col)}px`
    label.style.top = '0px'
    label.textContent = col === 0 ? 'features' : col === columns.length - 1 ? 'output' : `hidden ${col}`
    children.push(label)
    for (let u = 0; u < units; u++) {
      const c = document.createElement('canvas')
      c.width = 24
      c.height = 24
      c.style.left = `${x(col)}px`
      c.style.top = `${y(col, u)}px`
      c.title = col === 0 ? featureLabels[settings.features[u] ?? 'x1'] : `layer ${col}, unit ${u + 1}`
      const isLit = (lit === 'loss' && col === columns.length - 1) || (typeof lit === 'number' && lit === col)
      if (isLit) c.className = 'lit'
      const map = lastNeurons[col]?.[u]
      if (map !== undefined) paintMap(c, map, col !== columns.length - 1 && !(settings.activation === 'sigmoid' && col > 0))
      children.push(c)
    }
    if (col > 0 && col < columns.length - 1) {
      const controls = document.createElement('div')
      controls.className = 'unit-controls'
      controls.style.left = `${x(col)}px`
      controls.style.top = `${height + 6}px`
      const plus = document.createElement('button')
      plus.textContent = '+'
      plus.onclick = () => (units < 8 ? restart({ ...settings, hidden: settings.hidden.map((h, i) => (i === col - 1 ? h + 1 : h)) }) : undefined)
      const minus = document.createElement('button')
      minus.textContent = '−'
      minus.onclick = () => (units > 1 ? restart({ ...settings, hidden: settings.hidden.map((h, i) => (i === col - 1 ? h - 1 : h)) }) : undefined)
      controls.append(plus, minus, document.createTextNode(` ${units}`))
      children.push(controls)
    }
  })
  ui.network.replaceChildren(...children)
  // The input-feature thumbnails of the data column show the same maps.
  ui.features.querySelectorAll('label').forEach((label, i) => {
    const name = featureNames[i]
    const index = name === undefined ? -1 : settings.features.indexOf(name)
    const old = label.querySelector('canvas')
    const map = lastNeurons[0]?.[index]
    if (index < 0 || map === undefined) {
      old?.remove()
      return
    }
    const c = old ?? document.createElement('canvas')
    c.width = 24
    c.height = 24
    paintMap(c, map, true)
    if (old === null) label.prepend(c)
  })
}

// ─── output: curves, boundary, points ───────────────────────────────────────────────────────────

const renderCurves = (history: readonly { step: number; train: number; test: number }[]): void => {
  const c = context2d(ui.curves)
  const { width, height } = ui.curves
  c.clearRect(0, 0, width, height)
  if (history.length < 2) return
  const maxLoss = Math.max(...history.map((h) => Math.max(h.train, h.test)), 1e-9)
  const lastStep = history[history.length - 1]?.step ?? 1
  for (const [key, colour] of [['train', '#999'], ['test', '#222']] as const) {
    c.beginPath()
    history.forEach((h, i) => {
      const px = (h.step / Math.max(1, lastStep)) * (width - 2) + 1
      const py = height - 2 - (h[key] / maxLoss) * (height - 4)
      if (i === 0) c.moveTo(px, py)
      else c.lineTo(px, py)
    })
    c.strokeStyle = colour
    c.lineWidth = 1.5
    c.stroke()
  }
}

const toPixel = (v: number, size: number): number => ((v + extent) / (2 * extent)) * size
const fromPixel = (p: number, size: number): number => (p / size) * 2 * extent - extent

const renderPoints = (): void => {
  const c = context2d(ui.points)
  const { width, height } = ui.points
  c.clearRect(0, 0, width, height)
  const dot = ([a, b, label]: [number, number, number], test: boolean): void => {
    c.beginPath()
    c.arc(toPixel(a, width), height - toPixel(b, height), 3.5, 0, 2 * Math.PI)
    c.fillStyle = label === 1 ? 'rgb(8,119,189)' : 'rgb(245,147,34)'
    c.strokeStyle = test ? '#000' : '#fff'
    c.lineWidth = test ? 1.5 : 1
    c.fill()
    c.stroke()
  }
  points.train.forEach((p) => dot(p, false))
  points.test.forEach((p) => dot(p, true))
  if (trace !== undefined) {
    c.beginPath()
    c.arc(toPixel(trace.point[0], width), height - toPixel(trace.point[1], height), 9, 0, 2 * Math.PI)
    c.strokeStyle = '#c2185b'
    c.lineWidth = 2.5
    c.stroke()
  }
}

ui.points.onclick = (event) => {
  const rect = ui.points.getBoundingClientRect()
  const a = fromPixel(((event.clientX - rect.left) / rect.width) * ui.points.width, ui.points.width)
  const b = -fromPixel(((event.clientY - rect.top) / rect.height) * ui.points.height, ui.points.height)
  const nearest = [...points.train, ...points.test].reduce<[number, number, number] | undefined>(
    (best, p) => (best === undefined || Math.hypot(p[0] - a, p[1] - b) < Math.hypot(best[0] - a, best[1] - b) ? p : best),
    undefined,
  )
  if (nearest === undefined) return
  send({ type: 'backprop', point: [nearest[0], nearest[1]], label: nearest[2] })
}

// ─── backprop panel ─────────────────────────────────────────────────────────────────────────────

const fmt = (v: number): string => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4) || v === 0 ? v.toPrecision(4) : v.toExponential(2)
const fmtArray = (values: readonly number[]): string =>
  `[${values.slice(0, 8).map(fmt).join(', ')}${values.length > 8 ? `, … ${values.length - 8} more` : ''}]`
const layerName = (layer: number | 'loss'): string =>
  layer === 'loss' ? 'loss' : layer === settings.hidden.length + 1 ? 'output layer' : `hidden layer ${layer}`

const renderBackprop = (): void => {
  if (trace === undefined) {
    ui.bpForward.textContent = 'Click a point on the output plane.'
    ui.bpSteps.replaceChildren()
    ui.bpCount.value = ''
    return
  }
  const t = trace
  const f = t.forward
  ui.bpForward.innerHTML = ''
  const lines = [
    `point (${fmt(t.point[0])}, ${fmt(t.point[1])}), class ${t.label}, with the weights of step ${traceStep}`,
    `forward: features ${fmtArray(f[0] ?? [])}`,
    ...f.slice(1, -1).map((h, i) => `  → hidden ${i + 1} ${fmtArray(h)}`),
    `  → probability of class 1 ${fmtArray(f[f.length - 1] ?? [])}`,
    `loss −log p(class ${t.label}) = ${t.loss}`,
    `backward: ${t.steps.length} steps from traceBackward, newest node first; each pullback takes the cotangent at its op's output and sends cotangents to its inputs.`,
  ]
  for (const line of lines) {
    const div = document.createElement('div')
    div.textContent = line
    ui.bpForward.append(div)
  }
  ui.bpSteps.replaceChildren(
    ...t.steps.map((s: ShownStep, i) => {
      const li = document.createElement('li')
      li.className = `bp-step${i === current ? ' current' : ''}`
      li.dataset['layer'] = String(s.layer)
      const op = document.createElement('span')
      op.className = 'op'
      op.textContent = s.op
      const where = document.createElement('span')
      where.className = 'layer'
      where.textContent = ` (${layerName(s.layer)}) ${s.inputShapes.map((sh) => `[${sh.join(',')}]`).join(' ')} → [${s.outputShape.join(',')}]`
      const detail = document.createElement('div')
      detail.textContent = `cotangent in ${fmtArray(s.cotangentIn)}  →  out ${s.cotangentsOut.map((c) => (c === null ? 'constant' : fmtArray(c))).join('; ')}`
      li.append(op, where, detail)
      li.onclick = () => select(i)
      return li
    }),
  )
  ui.bpCount.value = current < 0 ? `${t.steps.length} steps` : `step ${current + 1} of ${t.steps.length}`
}

const select = (i: number): void => {
  if (trace === undefined) return
  current = Math.max(0, Math.min(trace.steps.length - 1, i))
  renderBackprop()
  renderNetwork()
  ui.bpSteps.children[current]?.scrollIntoView({ block: 'nearest' })
}
ui.bpNext.onclick = () => select(current + 1)
ui.bpPrev.onclick = () => select(current - 1)

// ─── prove panel ────────────────────────────────────────────────────────────────────────────────

ui.proveButton.onclick = () => {
  ui.proveResult.textContent = 'running…'
  ui.proveResult.removeAttribute('data-passed')
  send({ type: 'prove', runs: Number(ui.proveRuns.value) })
}

const renderProof = (at: number, reports: readonly LawReport[]): void => {
  const passed = reports.reduce((s, r) => s + r.passed, 0)
  const runs = reports.reduce((s, r) => s + r.runs, 0)
  ui.proveResult.dataset['passed'] = String(passed)
  ui.proveResult.dataset['runs'] = String(runs)
  ui.proveResult.dataset['holds'] = String(reports.every((r) => r.holds))
  const head = document.createElement('p')
  head.textContent = `At step ${at}: ${passed} of ${runs} generated cases passed.`
  ui.proveResult.replaceChildren(
    head,
    ...reports.map((r) => {
      const div = document.createElement('div')
      div.className = r.holds ? 'ok' : 'fail'
      div.textContent = `${r.holds ? '✓' : '✗'} ${r.law}: ${r.passed}/${r.runs} cases passed`
      if (r.counterexample !== undefined) {
        const pre = document.createElement('pre')
        pre.textContent = r.counterexample
        div.append(pre)
      }
      return div
    }),
  )
}

// ─── a read-only view for the console and the browser test ─────────────────────────────────────

/** `playground` in the devtools console: the settings, the weights last drawn and the last backward trace. */
const expose = (): void => {
  Object.assign(globalThis, { playground: Object.freeze({ settings, step, weights: lastWeights, trace }) })
}

// ─── messages from the worker ───────────────────────────────────────────────────────────────────

worker.onmessage = (event: MessageEvent<Response>) => {
  const m = event.data
  switch (m.type) {
    case 'points':
      points = { train: m.train, test: m.test }
      renderPoints()
      return
    case 'frame': {
      step = m.step
      const wasPlaying = playing
      playing = m.playing
      ui.stepCount.value = String(m.step)
      const last = m.history[m.history.length - 1]
      ui.trainLoss.value = last === undefined ? '–' : String(last.train)
      ui.testLoss.value = last === undefined ? '–' : String(last.test)
      ui.trainLoss.dataset['step'] = String(m.step)
      lastWeights = m.weights
      lastNeurons = m.neurons
      paintMap(ui.boundary, m.boundary, false)
      renderCurves(m.history)
      if (wasPlaying !== playing) renderControls()
      renderNetwork()
      if (!playing) writeUrl()
      expose()
      document.body.dataset['state'] = playing ? 'playing' : 'paused'
      return
    }
    case 'backprop':
      trace = m.result
      traceStep = m.step
      current = -1
      expose()
      renderBackprop()
      renderNetwork()
      renderPoints()
      return
    case 'prove':
      renderProof(m.step, m.reports)
      return
    case 'error':
      ui.status.textContent = m.message
      return
  }
}
worker.onerror = (event) => {
  ui.status.textContent = `worker: ${event.message}`
}

renderControls()
send({ type: 'reset', settings })
playing = settings.steps !== undefined && settings.steps > 0
