import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as data from '../../src/data/index.js'
import * as losses from '../../src/losses/index.js'
import * as nn from '../../src/nn/index.js'
import * as optim from '../../src/optim/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import * as train from '../../src/train/index.js'
import * as tree from '../../src/tree/index.js'
import { epochCut } from '../../src/train/cut.js'

const rowsOf = (ds: data.Dataset): number[][] => [Array.from(ds.x.data), Array.from(ds.y.data)]
const table = (n: number): data.Dataset =>
  data.dataset(
    T.tensor(Array.from({ length: n }, (_, i) => [i, -i])),
    T.tensor(Array.from({ length: n }, (_, i) => [i % 2])),
  )

describe('epochCut (fit reorders one cut in place every epoch)', () => {
  it('gives every epoch its rows in order or permuted by foldIn(key, epoch), fresh and gathered, as epochBatches does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 8 }), fc.nat(1000), fc.boolean(), (n, batchSize, seed, shuffled) => {
        const ds = table(n)
        const key = shuffled ? { key: random.key(seed) } : {}
        const cut = epochCut(ds, { batchSize, ...key })
        for (let epoch = 1; epoch <= 4; epoch++) {
          cut.reorder(epoch)
          // The definition: rows in order, or permutation(foldIn(key, epoch), n), cut in batches of batchSize.
          const order = shuffled ? random.permutation(random.foldIn(random.key(seed), epoch), n) : Array.from({ length: n }, (_, i) => i)
          const count = Math.ceil(n / batchSize)
          expect(cut.batches.count).toBe(count)
          for (let b = 0; b < count; b++) {
            const expected = rowsOf(data.take(ds, order.slice(b * batchSize, (b + 1) * batchSize)))
            expect(rowsOf(cut.batches.get(b))).toEqual(expected)
            expect(rowsOf(cut.gather(b))).toEqual(expected)
            expect(rowsOf(train.epochBatches(ds, { batchSize, epoch, ...key }).get(b))).toEqual(expected)
          }
        }
      }),
    )
  })

  it('gathers into the same buffers from epoch to epoch, and hands out fresh batches from get', () => {
    const ds = table(10)
    const cut = epochCut(ds, { batchSize: 4, key: random.key(3) })
    cut.reorder(1)
    const first = cut.gather(0)
    const fresh = cut.batches.get(0)
    const kept = rowsOf(fresh)
    cut.reorder(2)
    expect(cut.gather(0).x.data).toBe(first.x.data)
    expect(cut.gather(2).x.shape).toEqual([2, 2])
    expect(rowsOf(fresh)).toEqual(kept)
  })

  it('checks the epoch as foldIn does', () => {
    const cut = epochCut(table(4), { batchSize: 2, key: random.key(0) })
    expect(() => cut.reorder(1.5)).toThrow(/foldIn: data must be an integer/)
    expect(() => train.epochBatches(table(4), { batchSize: 2, key: random.key(0), epoch: -1 })).toThrow(/foldIn/)
  })
})

describe('fit owns its reused buffers and keys', () => {
  it('gives the same results when another fit runs inside it, between its epochs', () => {
    const model = nn.sequential(nn.dense(3), nn.relu, nn.dropout(0.2), nn.dense(1), nn.sigmoid)
    const options = (seed: number) => ({ loss: losses.mse, optimizer: optim.adam({ learningRate: 0.05 }), epochs: 6, batchSize: 3, key: random.key(seed) })
    const alone = train.fit(model, data.gates.xor, options(1))
    const innerAlone = train.fit(model, data.gates.xor, options(2))
    const inner: train.FitResult[] = []
    const outer = train.fit(model, data.gates.xor, {
      ...options(1),
      onEvent: (e) => {
        if (e.type === 'epochEnd' || e.type === 'batchEnd') inner.push(train.fit(model, data.gates.xor, options(2)))
      },
    })
    expect(outer.history).toEqual(alone.history)
    expect(tree.leaves(outer.params).map((l) => Array.from(l.value.data))).toEqual(tree.leaves(alone.params).map((l) => Array.from(l.value.data)))
    expect(inner.length).toBe(18)
    for (const r of inner) {
      expect(r.history).toEqual(innerAlone.history)
      expect(tree.leaves(r.params).map((l) => Array.from(l.value.data))).toEqual(tree.leaves(innerAlone.params).map((l) => Array.from(l.value.data)))
    }
  })
})
