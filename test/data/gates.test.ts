import { describe, it, expect } from 'vitest'
import { gates } from '../../src/data/index.js'

describe('gates', () => {
  const inputs = [0, 0, 0, 1, 1, 0, 1, 1]
  it.each([
    ['and', [0, 0, 0, 1]],
    ['or', [0, 1, 1, 1]],
    ['xor', [0, 1, 1, 0]],
    ['nand', [1, 1, 1, 0]],
  ] as const)('%s has the truth table over [[0,0],[0,1],[1,0],[1,1]]', (name, truth) => {
    const ds = gates[name]
    expect(ds.x.shape).toEqual([4, 2])
    expect(ds.y.shape).toEqual([4, 1])
    expect([...ds.x.data]).toEqual(inputs)
    expect([...ds.y.data]).toEqual(truth)
  })
})
