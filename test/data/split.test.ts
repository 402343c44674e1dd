import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { dataset, kFold, oneHot, rowCount, shuffle, trainTestSplit, type Dataset } from '../../src/data/index.js'
import { fromArray } from '../../src/tensor/index.js'
import { key } from '../../src/random/index.js'

/** n rows: x row i is [i], y row i is the class label given. */
const labelled = (labels: readonly number[]): Dataset =>
  dataset(fromArray(labels.map((_, i) => i), [labels.length, 1]), fromArray(labels, [labels.length, 1]))

const ids = (ds: Dataset): number[] => [...ds.x.data]

const sorted = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b)

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)

/** The label of each row of a `labelled` dataset, checking that y followed x. */
const labelsOf = (ds: Dataset, labels: readonly number[]): number[] =>
  ids(ds).map((id, r) => {
    expect(ds.y.data[r]).toBe(labels[id])
    return labels[id] ?? NaN
  })

const labelArrays = fc.integer({ min: 1, max: 5 }).chain((classes) => fc.array(fc.integer({ min: 0, max: classes - 1 }), { maxLength: 80 }))

describe('shuffle', () => {
  it('reorders rows with their targets, the same way for the same key (property)', () => {
    fc.assert(
      fc.property(labelArrays, fc.nat(), (labels, seed) => {
        const ds = labelled(labels)
        const shuffled = shuffle(ds, key(seed))
        labelsOf(shuffled, labels)
        expect(sorted(ids(shuffled))).toEqual(range(labels.length))
        expect(ids(shuffle(ds, key(seed)))).toEqual(ids(shuffled))
      }),
      { numRuns: 100 },
    )
  })
})

describe('trainTestSplit', () => {
  it('puts round(fraction · rows) rows in the test set and the rest in training (property)', () => {
    fc.assert(
      fc.property(labelArrays, fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), fc.boolean(), (labels, f, seed, stratify) => {
        const { train, test } = trainTestSplit(labelled(labels), f, key(seed), { stratify })
        expect(rowCount(test)).toBe(Math.round(f * labels.length))
        expect(sorted([...ids(train), ...ids(test)])).toEqual(range(labels.length))
        labelsOf(train, labels)
        labelsOf(test, labels)
      }),
      { numRuns: 200 },
    )
  })

  it('keeps every class proportion within one row when stratified (property)', () => {
    fc.assert(
      fc.property(labelArrays, fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), (labels, f, seed) => {
        const { test } = trainTestSplit(labelled(labels), f, key(seed), { stratify: true })
        const testLabels = labelsOf(test, labels)
        for (const c of new Set(labels)) {
          const inClass = labels.filter((l) => l === c).length
          const inTest = testLabels.filter((l) => l === c).length
          expect(Math.abs(inTest - f * inClass)).toBeLessThan(1)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('stratifies one-hot targets by class', () => {
    const labels = [...Array<number>(90).fill(0), ...Array<number>(10).fill(1)]
    const ds = dataset(fromArray(range(100), [100, 1]), oneHot(labels, 2))
    const { test } = trainTestSplit(ds, 0.3, key(3), { stratify: true })
    const positives = ids(test).filter((id) => labels[id] === 1).length
    expect(rowCount(test)).toBe(30)
    expect(positives).toBe(3)
  })

  it('is the same for the same key', () => {
    const ds = labelled(range(40).map((i) => i % 3))
    const a = trainTestSplit(ds, 0.25, key(9), { stratify: true })
    const b = trainTestSplit(ds, 0.25, key(9), { stratify: true })
    expect(ids(a.test)).toEqual(ids(b.test))
    expect(ids(a.train)).toEqual(ids(b.train))
  })

  it('rejects a fraction outside [0, 1]', () => {
    expect(() => trainTestSplit(labelled([0, 1]), 1.5, key(0))).toThrow('trainTestSplit: testFraction must be a number in [0, 1], got 1.5')
    expect(() => trainTestSplit(labelled([0, 1]), NaN, key(0))).toThrow(/got NaN/)
  })
})

describe('kFold', () => {
  it('makes k folds whose test parts partition the rows and whose training sets are the rest (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 60 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 2, max: n }), fc.nat())),
        ([n, k, seed]) => {
          const folds = kFold(labelled(range(n).map((i) => i % 2)), k, key(seed))
          expect(folds.length).toBe(k)
          const tests = folds.map((fold) => ids(fold.test))
          expect(sorted(tests.flat())).toEqual(range(n))
          const sizes = tests.map((t) => t.length)
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
          folds.forEach((fold, i) => {
            expect(sorted([...ids(fold.train), ...(tests[i] ?? [])])).toEqual(range(n))
            expect(fold.train.y.shape).toEqual([n - (tests[i]?.length ?? 0), 1])
          })
        },
      ),
      { numRuns: 150 },
    )
  })

  it('gives the larger folds first', () => {
    expect(kFold(labelled(range(10)), 4, key(0)).map((fold) => rowCount(fold.test))).toEqual([3, 3, 2, 2])
  })

  it('rejects k outside [2, rows]', () => {
    expect(() => kFold(labelled(range(3)), 4, key(0))).toThrow('kFold: k must be an integer in [2, 3] (the number of rows), got 4')
    expect(() => kFold(labelled(range(3)), 1, key(0))).toThrow(/got 1/)
    expect(() => kFold(labelled(range(3)), 2.5, key(0))).toThrow(/got 2.5/)
  })
})
