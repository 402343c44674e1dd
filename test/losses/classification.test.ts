import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaws } from '../../laws/gradient.js'
import * as ad from '../../src/ad/index.js'
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, categoricalCrossEntropy, hinge, softmaxCrossEntropy } from '../../src/losses/index.js'
import type { Loss } from '../../src/losses/index.js'
import * as T from '../../src/tensor/index.js'
import type { Tensor } from '../../src/tensor/index.js'

type Pair = { readonly p: Tensor; readonly t: Tensor }

const value = (v: ad.Value): number => T.item(ad.primalTensor(v))
const finite = (t: Tensor): boolean => t.data.every(Number.isFinite)

/** Predictions in [pMin, pMax] and targets in [0, 1] of one random shape. */
const pairIn = (pMin: number, pMax: number, shapes = arb.shape({ maxRank: 3, maxDim: 4 })): fc.Arbitrary<Pair> =>
  shapes.chain((s) => fc.tuple(arb.tensorOf(s, { min: pMin, max: pMax }), arb.tensorOf(s, { min: 0, max: 1 })).map(([p, t]) => ({ p, t })))

const matrixShapes = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }))

/** Logits [n, classes] in [−5, 5] with integer labels [n]. */
const logitsAndLabels = (minClasses = 1): fc.Arbitrary<{ readonly z: Tensor; readonly labels: readonly number[]; readonly classes: number }> =>
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: minClasses, max: 5 })).chain(([n, classes]) =>
    fc
      .tuple(arb.tensorOf([n, classes], { min: -5, max: 5 }), fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: n, maxLength: n }))
      .map(([z, labels]) => ({ z, labels, classes })),
  )

const oneHot = (labels: readonly number[], classes: number): Tensor =>
  T.fromArray(labels.flatMap((l) => Array.from({ length: classes }, (_, c) => (c === l ? 1 : 0))), [labels.length, classes])

/** σ on plain numbers, for reference values. */
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))

describe('binaryCrossEntropy', () => {
  it('has known values', () => {
    expect(value(binaryCrossEntropy(T.vector([0.9, 0.2]), T.vector([1, 0])))).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 14)
    expect(value(binaryCrossEntropy(T.vector([0.9, 0.2]), T.vector([1, 0]), { reduction: 'sum' }))).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)), 14)
    // Soft target: −[0.3 log 0.6 + 0.7 log 0.4]
    expect(value(binaryCrossEntropy(T.scalar(0.6), T.scalar(0.3)))).toBeCloseTo(-(0.3 * Math.log(0.6) + 0.7 * Math.log(0.4)), 14)
  })
  it('has the gradient (p − t) / (p(1 − p)) / n inside the clamp', () => {
    const g = ad.grad((p: ad.Value) => binaryCrossEntropy(p, T.vector([1, 0])))(T.vector([0.8, 0.25]))
    expect(g.data[0]).toBeCloseTo((0.8 - 1) / (0.8 * 0.2) / 2, 12)
    expect(g.data[1]).toBeCloseTo(0.25 / (0.25 * 0.75) / 2, 12)
  })
  it('obeys the gradient laws in predictions and targets (probabilities in [0.05, 0.95])', () =>
    gradientLaws((x: Pair) => binaryCrossEntropy(x.p, x.t), pairIn(0.05, 0.95)))
  it('clamps probabilities 0 and 1 to [1e-7, 1 − 1e-7]: finite loss, zero gradient in p, finite gradient in t', () => {
    const [v, g] = ad.valueAndGrad((x: Pair) => binaryCrossEntropy(x.p, x.t, { reduction: 'sum' }))({ p: T.vector([0, 1, 0, 1]), t: T.vector([1, 0, 0, 1]) })
    // Wrong and certain: −log(1e-7) each; right and certain: −log(1 − 1e-7) each.
    // 1 − 1e-7 rounds in float64, so the clamped value is known to about 1e-9.
    expect(value(v)).toBeCloseTo(-2 * Math.log(1e-7) - 2 * Math.log1p(-1e-7), 6)
    expect(Array.from(g.p.data, (x) => x + 0)).toEqual([0, 0, 0, 0]) // + 0 folds −0 into 0
    expect(finite(g.t)).toBe(true)
  })
})

describe('binaryCrossEntropyWithLogits', () => {
  it('has known values', () => {
    expect(value(binaryCrossEntropyWithLogits(T.vector([0]), T.vector([1])))).toBeCloseTo(Math.LN2, 15)
    const z = [2, -1, 0.5]
    const t = [1, 0, 0.25]
    const expected = z.map((zi, i) => -((t[i] ?? 0) * Math.log(sigmoid(zi)) + (1 - (t[i] ?? 0)) * Math.log(1 - sigmoid(zi)))).reduce((a, b) => a + b) / 3
    expect(value(binaryCrossEntropyWithLogits(T.vector(z), T.vector(t)))).toBeCloseTo(expected, 14)
  })
  it('has the exact gradient σ(z) − t, also at z = 0', () => {
    const g = ad.grad((z: ad.Value) => binaryCrossEntropyWithLogits(z, T.vector([1, 0, 1]), { reduction: 'sum' }))(T.vector([0, 0, 3]))
    expect(Array.from(g.data)).toEqual([-0.5, 0.5, sigmoid(3) - 1])
  })
  it('equals binaryCrossEntropy of sigmoid(z) for moderate logits', () =>
    fc.assert(
      fc.property(pairIn(-5, 5), ({ p: z, t }) => {
        expect(value(binaryCrossEntropyWithLogits(z, t))).toBeCloseTo(value(binaryCrossEntropy(T.sigmoid(z), t)), 9)
      }),
    ))
  it('obeys the gradient laws in logits and targets (logits in [−5, 5])', () => gradientLaws((x: Pair) => binaryCrossEntropyWithLogits(x.p, x.t), pairIn(-5, 5)))
  it('is exact for logits of ±1e4', () => {
    const [v, g] = ad.valueAndGrad((z: ad.Value) => binaryCrossEntropyWithLogits(z, T.vector([0, 1, 1, 0]), { reduction: 'sum' }))(T.vector([1e4, -1e4, 1e4, -1e4]))
    expect(value(v)).toBe(2e4)
    expect(Array.from(g.data)).toEqual([1, -1, 0, 0])
  })
})

describe('softmaxCrossEntropy', () => {
  it('has known values', () => {
    expect(value(softmaxCrossEntropy(T.tensor([[0, 0]]), T.vector([1])))).toBeCloseTo(Math.LN2, 15)
    expect(value(softmaxCrossEntropy(T.tensor([[0, 0]]), T.tensor([[0, 1]])))).toBeCloseTo(Math.LN2, 15)
    // Rows: −log softmax([1, 2, 3])[2] and −log softmax([0, 0, ln 3])[0]
    const lse1 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3))
    const row1 = lse1 - 3
    const row2 = Math.log(5)
    const z = T.tensor([[1, 2, 3], [0, 0, Math.log(3)]])
    expect(value(softmaxCrossEntropy(z, T.vector([2, 0])))).toBeCloseTo((row1 + row2) / 2, 14)
    expect(value(softmaxCrossEntropy(z, T.vector([2, 0]), { reduction: 'sum' }))).toBeCloseTo(row1 + row2, 14)
  })
  it('has the gradient (softmax(z) − y) / n', () => {
    const z = T.tensor([[0, Math.log(3)], [0, 0]])
    const g = ad.grad((v: ad.Value) => softmaxCrossEntropy(v, T.vector([0, 1])))(z)
    const expected = [(0.25 - 1) / 2, 0.75 / 2, 0.5 / 2, (0.5 - 1) / 2]
    g.data.forEach((x, i) => expect(x).toBeCloseTo(expected[i] ?? Number.NaN, 14))
  })
  it('gives the same value and gradient for integer labels [n], labels [n,1] and one-hot targets', () =>
    fc.assert(
      fc.property(logitsAndLabels(), ({ z, labels, classes }) => {
        const asVector = T.vector(labels)
        const asColumn = T.fromArray(labels, [labels.length, 1])
        const asOneHot = oneHot(labels, classes)
        const f = (t: Tensor) => ad.valueAndGrad((v: ad.Value) => softmaxCrossEntropy(v, t))(z)
        const [v1, g1] = f(asVector)
        const [v2, g2] = f(asColumn)
        const [v3, g3] = f(asOneHot)
        expect(value(v2)).toBe(value(v1))
        expect(value(v3)).toBe(value(v1))
        expect(Array.from(g2.data)).toEqual(Array.from(g1.data))
        expect(Array.from(g3.data)).toEqual(Array.from(g1.data))
      }),
    ))
  it('obeys the gradient laws in logits and soft targets', () =>
    gradientLaws((x: Pair) => softmaxCrossEntropy(x.p, x.t), pairIn(-5, 5, matrixShapes.map(([n, c]) => [n, c]))))
  it('obeys the gradient laws in logits with integer labels', () => {
    const labels = T.vector([0, 2, 1, 2])
    gradientLaws((z: ad.Value) => softmaxCrossEntropy(z, labels), arb.tensorOf([4, 3], { min: -5, max: 5 }))
  })
  it('is finite, with finite gradients, for logits of ±1e4', () => {
    const z = T.tensor([[1e4, -1e4, 0], [-1e4, -1e4, -1e4], [1e4, 1e4, -1e4]])
    const [v, g] = ad.valueAndGrad((x: ad.Value) => softmaxCrossEntropy(x, T.vector([1, 2, 0])))(z)
    expect(value(v)).toBeCloseTo((2e4 + Math.log(3) + Math.LN2) / 3, 9)
    expect(finite(g)).toBe(true)
    const [vh, gh] = ad.valueAndGrad((x: Pair) => softmaxCrossEntropy(x.p, x.t))({ p: z, t: oneHot([1, 2, 0], 3) })
    expect(Number.isFinite(value(vh))).toBe(true)
    expect(finite(gh.p) && finite(gh.t)).toBe(true)
  })
  it('rejects labels that are not integers in [0, classes), naming the row', () => {
    const z = T.zeros([3, 3])
    expect(() => softmaxCrossEntropy(z, T.vector([0, 1, 3]))).toThrow('softmaxCrossEntropy: label 3 in row 2 is not an integer in [0, 3)')
    expect(() => softmaxCrossEntropy(z, T.vector([0, 1.5, 2]))).toThrow('softmaxCrossEntropy: label 1.5 in row 1 is not an integer in [0, 3)')
    expect(() => softmaxCrossEntropy(z, T.vector([-1, 1, 2]))).toThrow('label -1 in row 0')
    expect(() => softmaxCrossEntropy(z, T.vector([0, Number.NaN, 2]))).toThrow('label NaN in row 1')
    expect(() => softmaxCrossEntropy(z, T.vector([0, 1, 2]))).not.toThrow()
  })
  it('rejects targets of the wrong shape and logits that are not a matrix', () => {
    expect(() => softmaxCrossEntropy(T.zeros([3, 4]), T.zeros([3, 2]))).toThrow(
      'softmaxCrossEntropy: [3,4] x [3,2]: targets must be one-hot [3,4] or integer class labels [3] or [3,1]',
    )
    expect(() => softmaxCrossEntropy(T.zeros([3, 4]), T.zeros([2]))).toThrow(T.ShapeError)
    expect(() => softmaxCrossEntropy(T.zeros([4]), T.zeros([4]))).toThrow('softmaxCrossEntropy: [4] x [4]: predictions must be [n, classes] (rank 2)')
  })
})

describe('categoricalCrossEntropy', () => {
  it('has known values', () => {
    expect(value(categoricalCrossEntropy(T.tensor([[0.25, 0.75]]), T.vector([1])))).toBeCloseTo(-Math.log(0.75), 15)
    expect(value(categoricalCrossEntropy(T.tensor([[0.25, 0.75], [0.5, 0.5]]), T.tensor([[1, 0], [0.5, 0.5]])))).toBeCloseTo(
      (-Math.log(0.25) - Math.log(0.5)) / 2,
      14,
    )
  })
  // With two classes or more and logits in [−5, 5], every softmax probability is inside the clamp
  // range [1e-7, 1 − 1e-7] (one class gives p = 1, clamped: the losses then differ by 1e-7).
  it('equals softmaxCrossEntropy of the logits for p = softmax(z)', () =>
    fc.assert(
      fc.property(logitsAndLabels(2), ({ z, labels }) => {
        const t = T.vector(labels)
        expect(value(categoricalCrossEntropy(ad.softmax(z), t))).toBeCloseTo(value(softmaxCrossEntropy(z, t)), 9)
      }),
    ))
  it('obeys the gradient laws in probabilities (in [0.05, 0.95]) and targets', () =>
    gradientLaws((x: Pair) => categoricalCrossEntropy(x.p, x.t), pairIn(0.05, 0.95, matrixShapes.map(([n, c]) => [n, c]))))
  it('is finite for probabilities of exactly 0 and 1, with zero gradient where clamped', () => {
    const p = T.tensor([[0, 1], [1, 0]])
    const [v, g] = ad.valueAndGrad((x: Pair) => categoricalCrossEntropy(x.p, x.t, { reduction: 'sum' }))({ p, t: T.tensor([[1, 0], [1, 0]]) })
    expect(value(v)).toBeCloseTo(-Math.log(1e-7) - Math.log1p(-1e-7), 6)
    expect(Array.from(g.p.data, (x) => x + 0)).toEqual([0, 0, 0, 0])
    expect(finite(g.t)).toBe(true)
  })
  it('rejects bad labels and shapes like softmaxCrossEntropy', () => {
    expect(() => categoricalCrossEntropy(T.full([2, 2], 0.5), T.vector([0, 2]))).toThrow('categoricalCrossEntropy: label 2 in row 1 is not an integer in [0, 2)')
    expect(() => categoricalCrossEntropy(T.full([2, 2], 0.5), T.zeros([2, 3]))).toThrow(/categoricalCrossEntropy: \[2,2\] x \[2,3\]/)
  })
})

describe('hinge', () => {
  it('has known values', () => {
    expect(value(hinge(T.vector([0.5, -2]), T.vector([1, -1])))).toBe(0.25)
    expect(value(hinge(T.vector([0.5, -2, 3, 0]), T.vector([1, -1, -1, 1]), { reduction: 'sum' }))).toBe(0.5 + 0 + 4 + 1)
  })
  it('reads targets in {0, 1} as {−1, 1}', () =>
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(arb.tensorOf([n], { min: -3, max: 3 }), fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }))),
        ([z, bits]) => value(hinge(z, T.vector(bits))) === value(hinge(z, T.vector(bits.map((b) => 2 * b - 1)))),
      ),
    ))
  it('has the gradient −t/n where t·z < 1 and 0 beyond the margin', () => {
    const g = ad.grad((z: ad.Value) => hinge(z, T.vector([1, -1, 1, -1])))(T.vector([0.5, 0.5, 2, -3]))
    expect(Array.from(g.data, (x) => x + 0)).toEqual([-0.25, 0.25, 0, 0])
  })
  it('obeys the gradient laws in the scores, away from the hinge t·z = 1', () => {
    const t = T.tensor([[1, -1, 1], [-1, -1, 1]])
    // z = t·(1 − d) puts 1 − t·z = d, at least 0.1 from the kink.
    const scores = arb.awayFromZeroTensorOf([2, 3], 0.1, { max: 4 }).map((d) => T.mul(t, T.sub(T.scalar(1), d)))
    gradientLaws((z: ad.Value) => hinge(z, t), scores)
  })
  it('is finite for scores of ±1e4', () => {
    const [v, g] = ad.valueAndGrad((z: ad.Value) => hinge(z, T.vector([1, 1, -1, -1])))(T.vector([1e4, -1e4, 1e4, -1e4]))
    expect(value(v)).toBeCloseTo((0 + 10001 + 10001 + 0) / 4, 9)
    expect(finite(g)).toBe(true)
  })
  it('rejects targets that are not labels, and a mix of −1 and 0', () => {
    expect(() => hinge(T.zeros([3]), T.vector([1, 0.5, -1]))).toThrow('hinge: target 0.5 at index 1 is not a label: use -1 and 1 (or 0 and 1)')
    expect(() => hinge(T.zeros([3]), T.vector([1, 0, -1]))).toThrow('hinge: targets mix -1 (at index 2) and 0 (at index 1): use -1 and 1, or 0 and 1')
    expect(() => hinge(T.zeros([2, 1]), T.zeros([2]))).toThrow('hinge: [2,1] x [2]: predictions and targets must have the same shape')
  })
})

describe('every classification loss', () => {
  const cases: ReadonlyArray<readonly [string, Loss, Tensor, Tensor]> = [
    ['binaryCrossEntropy', binaryCrossEntropy, T.tensor([[0], [1], [0], [1]]), T.tensor([[1], [0], [0], [1]])],
    ['binaryCrossEntropyWithLogits', binaryCrossEntropyWithLogits, T.tensor([[1e4], [-1e4], [1e4], [-1e4]]), T.tensor([[0], [1], [1], [0]])],
    ['softmaxCrossEntropy', softmaxCrossEntropy, T.tensor([[1e4, -1e4], [-1e4, 1e4]]), T.tensor([[0, 1], [0, 1]])],
    ['categoricalCrossEntropy', categoricalCrossEntropy, T.tensor([[0, 1], [1, 0]]), T.tensor([[1, 0], [1, 0]])],
    ['hinge', hinge, T.tensor([[1e4], [-1e4]]), T.tensor([[1], [1]])],
  ]
  for (const [name, loss, p, t] of cases) {
    it(`${name}: finite value and finite gradients at extreme inputs`, () => {
      const [v, g] = ad.valueAndGrad((x: Pair) => loss(x.p, x.t))({ p, t })
      expect(Number.isFinite(value(v))).toBe(true)
      expect(finite(g.p)).toBe(true)
      expect(finite(g.t)).toBe(true)
      expect(ad.shapeOf(v)).toEqual([])
    })
    it(`${name}: names itself and both shapes on a mismatch`, () => {
      expect(() => loss(T.zeros([2, 2]), T.zeros([3, 1]))).toThrow(new RegExp(`^${name}: \\[2,2\\] x \\[3,1\\]: `))
    })
  }
})
