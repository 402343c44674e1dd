/**
 * The fast subset of the mutation suite (the full one is `npm run mutants`): for a representative
 * subject of each family — element-wise, binary with broadcasting, selection, reduction, product,
 * composite, loss, layers — every applicable wrong rule is caught by the public gradient laws
 * with default options, in each of two seeds, and f's own rules through the same wrapper pass.
 */
import { describe, expect, it } from 'vitest'
import { control, formatKillTable, kindsFor, killTable, mutate, standardKinds, tableHolds } from '../../laws/mutation.js'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'
import { subjects } from './subjects.js'

const fast = ['tanh', 'mul', 'where (a away from 0)', 'max (distinct values)', 'matmul', 'softmax', 'binaryCrossEntropy', 'dense(3) layer', 'batchNorm layer (training)', 'sign (away from 0)']

describe('mutation testing of the gradient laws (fast subset)', () => {
  for (const name of fast) {
    const subject = subjects.find((s) => s.name === name)
    it(`${name}: every wrong rule is caught in seeds 1 and 2, the control passes`, () => {
      expect(subject).toBeDefined()
      if (subject === undefined) return
      const rows = killTable([subject], [1, 2])
      expect(tableHolds(rows), formatKillTable(rows)).toBe(true)
    })
  }
  it('the table lists every subject of the full suite with its applicable kinds', () => {
    expect(subjects.length).toBeGreaterThan(60)
    const matmul = subjects.find((s) => s.name === 'matmul')
    expect(matmul === undefined ? [] : kindsFor(matmul).map((k) => k.name)).toContain('transposed')
    const tanh = subjects.find((s) => s.name === 'tanh')
    expect(tanh === undefined ? [] : kindsFor(tanh).map((k) => k.name)).not.toContain('swap')
    expect(standardKinds.map((k) => k.name)).toEqual(['vjp×2', 'vjp×1.01', 'vjp−', 'both×1.01', 'both−', 'swap', 'jvp×2', 'jvp−', 'transposed'])
  })
  it('a mutant keeps the value and distorts only the rules', () => {
    const x = T.tensor([0.5, -1])
    const f = (y: ad.Value): ad.Value => ad.sum(ad.tanh(y))
    const double = standardKinds.find((k) => k.name === 'vjp×2') ?? control
    expect(ad.primalTensor(mutate(f, double)(x))).toEqual(f(x))
    expect(ad.grad(mutate(f, double))(x)).toEqual(T.scale(ad.grad(f)(x), 2))
    expect(ad.grad(mutate(f, control))(x)).toEqual(ad.grad(f)(x))
  })
})
