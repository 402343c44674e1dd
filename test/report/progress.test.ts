import { describe, expect, it } from 'vitest'
import * as report from '../../src/report/index.js'
import type { TrainEvent } from '../../src/train/index.js'

const epochLog = { epoch: 3, loss: 0.47132, metrics: { accuracy: 0.77864 }, seconds: 0.2 }

describe('progress formatting', () => {
  it('draws the Keras bar', () => {
    expect(report.formatBar(768, 768)).toBe(`[${'='.repeat(30)}]`)
    expect(report.formatBar(0, 768, 10)).toBe('[>.........]')
    expect(report.formatBar(384, 768, 10)).toBe('[=====>....]')
  })
  it('formats a finished epoch like Keras', () => {
    expect(report.formatEpochLine(epochLog, 768)).toBe(`768/768 [${'='.repeat(30)}] 200ms loss: 0.4713 accuracy: 0.7786`)
  })
  it('adds validation values', () => {
    const line = report.formatValues({ ...epochLog, validation: { loss: 0.5, metrics: { accuracy: 0.75 } } })
    expect(line).toBe('loss: 0.4713 accuracy: 0.7786 val_loss: 0.5000 val_accuracy: 0.7500')
  })
  it('shows an ETA while an epoch runs', () => {
    const event: Extract<TrainEvent, { type: 'batchEnd' }> = { type: 'batchEnd', epoch: 1, epochs: 2, batch: 1, batches: 2, seen: 384, samples: 768, loss: 0.5, elapsedSeconds: 2 }
    expect(report.formatRunningLine(event, 10)).toBe('384/768 [=====>....] ETA: 2.0s loss: 0.5000')
  })
  it('formats durations', () => {
    expect(report.formatSeconds(0.045)).toBe('45ms')
    expect(report.formatSeconds(1.23)).toBe('1.2s')
    expect(report.formatSeconds(185)).toBe('3m 05s')
  })
})

describe('terminalReporter', () => {
  const events: TrainEvent[] = [
    { type: 'trainStart', epochs: 1, samples: 4, batchesPerEpoch: 2 },
    { type: 'epochStart', epoch: 1, epochs: 1 },
    { type: 'batchEnd', epoch: 1, epochs: 1, batch: 1, batches: 2, seen: 2, samples: 4, loss: 0.9, elapsedSeconds: 0.01 },
    { type: 'batchEnd', epoch: 1, epochs: 1, batch: 2, batches: 2, seen: 4, samples: 4, loss: 0.8, elapsedSeconds: 0.02 },
    { type: 'epochEnd', epochs: 1, log: { epoch: 1, loss: 0.8, metrics: {} } },
    { type: 'trainEnd', history: [], stoppedEarly: false },
  ]
  const capture = (isTTY: boolean): string => {
    let out = ''
    const onEvent = report.terminalReporter({ sink: { write: (t: string) => (out += t), isTTY }, width: 10 })
    events.forEach(onEvent)
    return out
  }
  it('writes one line per epoch when the output is not a terminal', () => {
    expect(capture(false)).toBe('Epoch 1/1\n4/4 [==========] loss: 0.8000\n')
  })
  it('redraws the running line in place on a terminal', () => {
    const out = capture(true)
    expect(out).toContain('\r2/4 [=====>....]')
    expect(out.endsWith('\r\x1b[K4/4 [==========] loss: 0.8000\n')).toBe(true)
  })
})
