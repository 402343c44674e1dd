import { describe, expect, it } from 'vitest'
import * as nn from '../../src/nn/index.js'
import type { Layer } from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'

describe('summary', () => {
  const mlp = nn.sequential(nn.dense(12), nn.relu, nn.dense(8), nn.relu, nn.dense(1), nn.sigmoid)

  it('counts an 8-12-8-1 dense stack: 108 + 104 + 9 = 221 parameters', () => {
    const s = nn.summary(mlp, [8])
    expect(s.rows).toEqual([
      { layer: 'dense(12)', outputShape: [12], params: 108 },
      { layer: 'relu', outputShape: [12], params: 0 },
      { layer: 'dense(8)', outputShape: [8], params: 104 },
      { layer: 'relu', outputShape: [8], params: 0 },
      { layer: 'dense(1)', outputShape: [1], params: 9 },
      { layer: 'sigmoid', outputShape: [1], params: 0 },
    ])
    expect(s.totalParams).toBe(221)
    expect(s.trainableParams).toBe(221)
    expect(s.nonTrainableParams).toBe(0)
  })

  it('prints a Keras-like table with the batch dimension as None', () => {
    expect(nn.summary(mlp, [8]).text).toBe(
      [
        'Layer       Output shape   Params',
        '─────────────────────────────────',
        'dense(12)   (None, 12)        108',
        'relu        (None, 12)          0',
        'dense(8)    (None, 8)         104',
        'relu        (None, 8)           0',
        'dense(1)    (None, 1)           9',
        'sigmoid     (None, 1)           0',
        '─────────────────────────────────',
        'Total params: 221',
        'Trainable params: 221',
        'Non-trainable params: 0',
      ].join('\n'),
    )
  })

  it('counts batch-norm running statistics as non-trainable', () => {
    const s = nn.summary(nn.sequential(nn.dense(12), nn.batchNorm(), nn.relu), [8])
    expect(s.rows[1]).toEqual({ layer: 'batchNorm', outputShape: [12], params: 48 })
    expect(s.totalParams).toBe(108 + 48)
    expect(s.trainableParams).toBe(108 + 24)
    expect(s.nonTrainableParams).toBe(24)
    expect(s.text).toContain('Non-trainable params: 24')
  })

  it('lists nested combinators with their totals, their layers indented', () => {
    const model = nn.sequential(
      nn.flatten(),
      nn.sequential(nn.dense(4), nn.dropout(0.5)),
      nn.residual(nn.sequential(nn.dense(4), nn.tanh)),
      nn.parallel('concat', nn.dense(2), nn.dense(3)),
    )
    const s = nn.summary(model, [2, 3])
    expect(s.rows.map((r) => [r.layer, r.outputShape, r.params])).toEqual([
      ['flatten', [6], 0],
      ['sequential', [4], 28],
      ['  dense(4)', [4], 28],
      ['  dropout(0.5)', [4], 0],
      ['residual', [4], 20],
      ['  sequential', [4], 20],
      ['    dense(4)', [4], 20],
      ['    tanh', [4], 0],
      ['parallel(concat)', [5], 25],
      ['  dense(2)', [2], 10],
      ['  dense(3)', [3], 15],
    ])
    expect(s.totalParams).toBe(28 + 20 + 25)
  })

  it('shows a single layer, or a user combinator, as one row', () => {
    expect(nn.summary(nn.dense(3), [4]).rows).toEqual([{ layer: 'dense(3)', outputShape: [3], params: 15 }])
    const custom: Layer = { ...nn.sequential(nn.dense(2)), name: 'custom', spec: { kind: 'custom' } }
    expect(nn.summary(custom, [4]).rows).toEqual([{ layer: 'custom', outputShape: [2], params: 10 }])
    expect(nn.summary(nn.flatten(), []).text).toContain('(None, 1)')
  })

  it('equals the count of the initialised params for any key', () => {
    const { params, state } = mlp.init(random.key(123), [8])
    expect(nn.countOf(params) + nn.countOf(state)).toBe(nn.summary(mlp, [8]).totalParams)
  })

  it('reports init errors as init does', () => {
    expect(() => nn.summary(nn.sequential(nn.dense(4), nn.input([3])), [8])).toThrow(
      'sequential: layer 2 input([3]) expects input [3], got [4] from layer 1 dense(4)',
    )
  })
})
