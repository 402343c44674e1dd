import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as arb from '../../laws/arbitraries.js'
import * as nn from '../../src/nn/index.js'
import type { Initializer } from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'

const k0 = random.key(0)

const randomInitializers: readonly (readonly [string, Initializer])[] = [
  ['uniform()', nn.uniform()],
  ['normal()', nn.normal()],
  ['glorotUniform', nn.glorotUniform],
  ['glorotNormal', nn.glorotNormal],
  ['heUniform', nn.heUniform],
  ['heNormal', nn.heNormal],
  ['lecunUniform', nn.lecunUniform],
  ['lecunNormal', nn.lecunNormal],
]

describe('constant initializers', () => {
  it('zeros, ones and constant(v) fill the shape', () => {
    fc.assert(
      fc.property(arb.shape({ maxRank: 3 }), fc.double({ min: -5, max: 5, noNaN: true }), (shape, v) => {
        expect(nn.zeros(k0, shape)).toEqual(T.zeros(shape))
        expect(nn.ones(k0, shape)).toEqual(T.ones(shape))
        expect(nn.constant(v)(k0, shape)).toEqual(T.full(shape, v))
      }),
      { numRuns: 100 },
    )
  })
})

describe('random initializers', () => {
  for (const [name, init] of randomInitializers) {
    it(`${name}: same key → bit-identical, different keys → different`, () => {
      fc.assert(
        fc.property(fc.nat(), fc.nat(), arb.shape({ minRank: 1, maxRank: 4, minDim: 2, maxDim: 4 }), (a, b, shape) => {
          const t = init(random.key(a), shape)
          expect(t.shape).toEqual(shape)
          expect(init(random.key(a), shape)).toEqual(t)
          if (a !== b) expect(init(random.key(b), shape)).not.toEqual(t)
        }),
        { numRuns: 100 },
      )
    })
  }

  it('uniform and normal take their options (Keras defaults ±0.05 and stddev 0.05)', () => {
    const u = nn.uniform()(k0, [100, 100])
    expect(T.item(T.min(u))).toBeGreaterThanOrEqual(-0.05)
    expect(T.item(T.max(u))).toBeLessThan(0.05)
    const v = nn.uniform({ min: 2, max: 3 })(k0, [1000])
    expect(T.item(T.min(v))).toBeGreaterThanOrEqual(2)
    const n = nn.normal({ mean: 0.75, stddev: 0.01 })(k0, [200, 200])
    expect(T.item(T.mean(n))).toBeCloseTo(0.75, 3)
    expect(Math.sqrt(T.item(T.variance(n)))).toBeCloseTo(0.01, 3)
    expect(Math.sqrt(T.item(T.variance(nn.normal()(k0, [200, 200]))))).toBeCloseTo(0.05, 3)
  })
})

describe('variance scaling', () => {
  it('computes fans as Keras does', () => {
    expect(nn.fans([])).toEqual({ fanIn: 1, fanOut: 1 })
    expect(nn.fans([7])).toEqual({ fanIn: 7, fanOut: 7 })
    expect(nn.fans([8, 12])).toEqual({ fanIn: 8, fanOut: 12 })
    expect(nn.fans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 })
    expect(nn.fans([5, 4, 6])).toEqual({ fanIn: 20, fanOut: 30 })
    expect(nn.fans([0, 4])).toEqual({ fanIn: 1, fanOut: 4 })
  })

  // The sample variance of 40 000 draws has a relative standard error of about √(2/n) ≈ 0.7%
  // (normal) or less (uniform), so 10% is far outside chance.
  const cases: readonly (readonly [string, Initializer, number])[] = [
    ['glorotUniform', nn.glorotUniform, 2 / (200 + 200)],
    ['glorotNormal', nn.glorotNormal, 2 / (200 + 200)],
    ['heUniform', nn.heUniform, 2 / 200],
    ['heNormal', nn.heNormal, 2 / 200],
    ['lecunUniform', nn.lecunUniform, 1 / 200],
    ['lecunNormal', nn.lecunNormal, 1 / 200],
  ]
  for (const [name, init, variance] of cases) {
    it(`${name}: the sample variance of a 200×200 kernel is within 10% of the formula`, () => {
      for (const seed of [0, 1, 2]) {
        const w = init(random.key(seed), [200, 200])
        expect(Math.abs(T.item(T.mean(w)))).toBeLessThan(0.05 * Math.sqrt(variance))
        expect(Math.abs(T.item(T.variance(w)) / variance - 1)).toBeLessThan(0.1)
      }
    })
  }

  it('uses the fans of the shape: a 100×400 glorot kernel has variance 2/500', () => {
    const w = nn.glorotUniform(k0, [100, 400])
    expect(Math.abs(T.item(T.variance(w)) / (2 / 500) - 1)).toBeLessThan(0.1)
    expect(T.item(T.max(T.abs(w)))).toBeLessThanOrEqual(Math.sqrt(6 / 500))
  })

  it('truncates the normal variants at two standard deviations of the untruncated normal', () => {
    const w = nn.heNormal(k0, [300, 100])
    const sigma = Math.sqrt(2 / 300) / 0.87962566103423978
    expect(T.item(T.max(T.abs(w)))).toBeLessThanOrEqual(2 * sigma)
  })
})
