/**
 * The training loop, off the page's thread. It holds one Run, folds `step` over it while playing,
 * and posts a frame (losses, boundary, neuron maps, weights) every `stepsPerFrame` steps. The
 * number of steps per frame is fixed, never timed, so step n is the same state whatever the
 * machine's speed: a link with `steps=n` replays to exactly that state.
 */
import { backprop, lossPoint, neuronMaps, start, step, weightsOf, type LossPoint, type Run } from './engine.js'
import { proveGradients } from './laws.js'
import type { Request, Response } from './protocol.js'

const stepsPerFrame = 10
const boundaryResolution = 80
const neuronResolution = 24

let run: Run | undefined
let history: LossPoint[] = []
let playing = false
let target: number | undefined

const post = (message: Response): void => postMessage(message)

const frame = (r: Run): void => {
  const last = history[history.length - 1]
  if (last === undefined || last.step !== r.state.step) history.push(lossPoint(r))
  const boundary = neuronMaps(r, boundaryResolution)
  post({
    type: 'frame',
    step: r.state.step,
    playing,
    history,
    boundary: boundary[boundary.length - 1]?.[0] ?? [],
    neurons: neuronMaps(r, neuronResolution),
    weights: weightsOf(r),
  })
}

const advance = (): void => {
  if (run === undefined || !playing) return
  const todo = target === undefined ? stepsPerFrame : Math.min(stepsPerFrame, target - run.state.step)
  for (let i = 0; i < todo; i++) run = step(run)
  if (target !== undefined && run.state.step >= target) {
    playing = false
    target = undefined
  }
  frame(run)
  if (playing) setTimeout(advance, 0)
}

onmessage = (event: MessageEvent<Request>) => {
  const m = event.data
  try {
    switch (m.type) {
      case 'reset': {
        run = start(m.settings)
        history = []
        target = m.settings.steps
        playing = target !== undefined && target > 0
        post({ type: 'points', train: pointsOf(run.trainPoints), test: pointsOf(run.testPoints) })
        frame(run)
        if (playing) setTimeout(advance, 0)
        return
      }
      case 'play':
        if (playing || run === undefined) return
        playing = true
        target = undefined
        setTimeout(advance, 0)
        return
      case 'pause':
        playing = false
        target = undefined
        if (run !== undefined) frame(run)
        return
      case 'step':
        if (run === undefined) return
        playing = false
        target = undefined
        run = step(run)
        frame(run)
        return
      case 'backprop':
        if (run === undefined) return
        post({ type: 'backprop', step: run.state.step, result: backprop(run, m.point, m.label) })
        return
      case 'prove':
        if (run === undefined) return
        post({ type: 'prove', step: run.state.step, reports: proveGradients(run, m.runs) })
        return
    }
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) })
  }
}

const pointsOf = (p: Run['trainPoints']): [number, number, number][] =>
  Array.from({ length: p.y.data.length }, (_, i) => [p.x.data[2 * i] ?? 0, p.x.data[2 * i + 1] ?? 0, p.y.data[i] ?? 0])
