import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import { checkPurity, describePurity, purityLaw } from '../../laws/purity.js'
import { add, neg } from '../../src/tensor/elementwise.js'
import { sum } from '../../src/tensor/reduce.js'
import { fromArray, vector, type Tensor } from '../../src/tensor/Tensor.js'

/** Writes into the first element of a tensor: the narrowing makes the write type-check without a cast. */
const poke = (t: Tensor, index: number, value: number): void => {
  if (t.data instanceof Float64Array) t.data[index] = value
}

describe('checkPurity', () => {
  it('passes a pure function and records the input shapes', () => {
    const result = checkPurity((a, b) => add(a ?? vector([]), b ?? vector([])), [vector([1, 2]), fromArray([3], [1, 1])])
    expect(result).toEqual({ pure: true, shapes: [[2], [1, 1]], violations: [] })
  })

  it('detects a function that writes into its input', () => {
    const impure = (x?: Tensor): Tensor => {
      if (x !== undefined) poke(x, 1, 42)
      return vector([])
    }
    const result = checkPurity(impure, [vector([0, 1, 2]), vector([5])])
    expect(result.pure).toBe(false)
    expect(result.violations).toEqual([{ input: 0, shape: [3], kind: 'data', index: 1, before: 1, after: 42, changed: 1 }])
  })

  it('detects a write into the second input only, and counts the changed elements', () => {
    const result = checkPurity(
      (_a, b) => {
        if (b === undefined) return
        for (let i = 0; i < b.data.length; i++) poke(b, i, 9)
      },
      [vector([1]), vector([1, 2, 9])],
    )
    expect(result.violations.map((v) => [v.input, v.kind, v.index, v.changed])).toEqual([[1, 'data', 0, 2]])
  })

  it('compares with Object.is: −0 written over 0 is caught, NaN left as NaN is not', () => {
    expect(checkPurity((x) => poke(x ?? vector([]), 0, -0), [vector([0])]).pure).toBe(false)
    expect(checkPurity((x) => poke(x ?? vector([]), 0, NaN), [vector([NaN])]).pure).toBe(true)
    expect(checkPurity((x) => poke(x ?? vector([]), 0, 1), [vector([NaN])]).pure).toBe(false)
  })

  it('detects a shape changed in place and a field reassigned', () => {
    const shape = [2]
    const loose = { shape, data: new Float64Array(2) }
    expect(checkPurity(() => shape.push(1), [loose]).violations.map((v) => v.kind)).toEqual(['shape'])
    const other = { shape: [2], data: new Float64Array(2) }
    const replaced = checkPurity(() => {
      other.data = new Float64Array(2)
    }, [other])
    expect(replaced.violations.map((v) => v.kind)).toEqual(['dataReplaced'])
  })

  it('treats the same tensor passed twice like any other input', () => {
    const x = vector([1, 2])
    expect(checkPurity((a, b) => add(a ?? x, b ?? x), [x, x]).pure).toBe(true)
  })

  it('lets an exception from the function propagate', () => {
    expect(() => checkPurity(() => add(vector([1, 2]), vector([1, 2, 3])), [])).toThrow('add: [2] x [3]')
  })

  it('describes what changed', () => {
    const result = checkPurity((x) => poke(x ?? vector([]), 2, 7), [fromArray([0, 0, 0, 0], [2, 2])])
    expect(describePurity('poke', result)).toBe('poke mutated its inputs: input 0 [2,2]: data changed in place, first at 2: 0 -> 7; 1 differ')
    expect(describePurity('neg', checkPurity((x) => neg(x ?? vector([])), [vector([1])]))).toBe('neg left its inputs [1] unchanged')
  })
})

describe('purityLaw', () => {
  it('passes pure functions', () => {
    purityLaw('add', add, arb.tensorPair())
    purityLaw('sum', (x) => sum(x ?? vector([])), arb.tensor().map((x) => [x]))
  })

  it('fails, with a counterexample, for a function that mutates its input', () => {
    const sneaky = (x?: Tensor): number => {
      if (x !== undefined && x.data.length > 0) poke(x, 0, (x.data[0] ?? 0) + 1)
      return 0
    }
    expect(() => purityLaw('sneaky', sneaky, arb.tensor({ minRank: 1 }).map((x) => [x]), { numRuns: 20 })).toThrow(
      /sneaky mutated its inputs: input 0/,
    )
  })

  it('only fails on the inputs where the mutation happens', () => {
    // Mutates only tensors with more than 3 elements; the law must find one.
    const sometimes = (x?: Tensor): void => {
      if (x !== undefined && x.data.length > 3) poke(x, 3, Number.NaN)
    }
    expect(() => purityLaw('sometimes', sometimes, arb.tensor().map((x) => [x]))).toThrow(/sometimes mutated its inputs/)
    expect(() =>
      purityLaw('never', sometimes, arb.tensor({ maxRank: 1, maxDim: 3 }).map((x) => [x]), { numRuns: 50 }),
    ).not.toThrow()
  })

  it('reports the drawn inputs untouched: the function under test gets copies', () => {
    const drawn = vector([1, 2])
    expect(() =>
      purityLaw('poke', (x) => poke(x ?? vector([]), 0, 5), fc.constant([drawn]), { numRuns: 1 }),
    ).toThrow('poke mutated its inputs: input 0 [2]: data changed in place, first at 0: 1 -> 5; 1 differ')
    expect(Array.from(drawn.data)).toEqual([1, 2])
  })

  it('keeps a tensor passed twice shared in the copies', () => {
    const x = vector([1])
    expect(() =>
      purityLaw('alias', (a, b) => {
        if (a !== b) throw new Error('the copies lost the aliasing')
      }, fc.constant([x, x]), { numRuns: 1 }),
    ).not.toThrow()
  })

  it('runs the requested number of times', () => {
    let calls = 0
    purityLaw('count', () => calls++, fc.constant([vector([1])]), { numRuns: 37 })
    expect(calls).toBe(37)
  })
})
