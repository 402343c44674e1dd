import { describe, expect, it } from 'vitest'
import * as report from '../../src/report/index.js'
import type { EpochLog } from '../../src/train/index.js'

const history: EpochLog[] = [1, 2, 3].map((epoch) => ({
  epoch,
  loss: 1 / epoch,
  metrics: { accuracy: 0.5 + epoch / 10 },
  validation: { loss: 1.2 / epoch, metrics: { accuracy: 0.45 + epoch / 10 } },
}))

describe('charts', () => {
  it('turns a history into loss and metric curves, validation included', () => {
    const { loss, metrics } = report.historySeries(history)
    expect(loss.map((s) => s.name)).toEqual(['loss', 'val_loss'])
    expect(metrics.map((s) => s.name)).toEqual(['accuracy', 'val_accuracy'])
    expect(loss[0]?.values).toEqual([1, 0.5, 1 / 3])
  })
  it('renders an SVG document with every series in its legend', async () => {
    const { loss } = report.historySeries(history)
    const svg = await report.curvesSvg(loss, { title: 'loss' })
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('val_loss')
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
  })
  it('draws an ASCII curve whose first and last labels are the extremes', () => {
    const lines = report.asciiCurve([3, 2, 1], { height: 4 }).split('\n')
    expect(lines).toHaveLength(5)
    expect(lines[0]).toContain('3.0000')
    expect(lines[lines.length - 1]).toContain('1.0000')
  })
  it('says so when there is nothing to draw', () => {
    expect(report.asciiCurve([NaN])).toBe('(no finite values)')
    expect(report.asciiCurve([0.25])).toBe('(one value: 0.2500)')
  })
})
