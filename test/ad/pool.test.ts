import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'
import * as arb from '../../laws/arbitraries.js'
import { gradientLaw, gradientLaws } from '../../laws/gradient.js'

// ─── a plain reference, written from the definition ────────────────────────────────────────────

interface Config {
  readonly spatial: 1 | 2
  readonly n: number
  readonly size: readonly number[]
  readonly c: number
  readonly pool: readonly number[]
  readonly strides: readonly number[]
  readonly padding: T.Padding
}

const padsOf = (cfg: Config): [number, number][] =>
  cfg.size.map((size, i) => {
    const k = cfg.pool[i] ?? 1
    const s = cfg.strides[i] ?? 1
    if (cfg.padding === 'valid') return [0, 0]
    if (cfg.padding !== 'same') return [cfg.padding[i]?.[0] ?? 0, cfg.padding[i]?.[1] ?? 0]
    const total = Math.max((Math.ceil(size / s) - 1) * s + k - size, 0)
    return [Math.floor(total / 2), total - Math.floor(total / 2)]
  })

const outSizes = (cfg: Config): number[] | undefined => {
  const pads = padsOf(cfg)
  const outs = cfg.size.map((size, i) => {
    const padded = size + (pads[i]?.[0] ?? 0) + (pads[i]?.[1] ?? 0)
    const k = cfg.pool[i] ?? 1
    return padded < k ? 0 : Math.floor((padded - k) / (cfg.strides[i] ?? 1)) + 1
  })
  return outs.some((o) => o < 1) ? undefined : outs
}

/** Each window's real (non-padded) entries, as flat indices into x, in row-major window order. */
const windows = (cfg: Config): number[][] => {
  const outs = outSizes(cfg) ?? []
  const pads = padsOf(cfg)
  const two = cfg.spatial === 2
  const [H, W] = two ? [cfg.size[0] ?? 1, cfg.size[1] ?? 1] : [1, cfg.size[0] ?? 1]
  const [Ho, Wo] = two ? [outs[0] ?? 1, outs[1] ?? 1] : [1, outs[0] ?? 1]
  const [KH, KW] = two ? [cfg.pool[0] ?? 1, cfg.pool[1] ?? 1] : [1, cfg.pool[0] ?? 1]
  const [SH, SW] = two ? [cfg.strides[0] ?? 1, cfg.strides[1] ?? 1] : [1, cfg.strides[0] ?? 1]
  const [PT, PL] = two ? [pads[0]?.[0] ?? 0, pads[1]?.[0] ?? 0] : [0, pads[0]?.[0] ?? 0]
  const result: number[][] = []
  for (let b = 0; b < cfg.n; b++)
    for (let oy = 0; oy < Ho; oy++)
      for (let ox = 0; ox < Wo; ox++)
        for (let ch = 0; ch < cfg.c; ch++) {
          const members: number[] = []
          for (let ky = 0; ky < KH; ky++)
            for (let kx = 0; kx < KW; kx++) {
              const iy = oy * SH - PT + ky
              const ix = ox * SW - PL + kx
              if (iy >= 0 && iy < H && ix >= 0 && ix < W) members.push(((b * H + iy) * W + ix) * cfg.c + ch)
            }
          result.push(members)
        }
  return result
}

const naiveMax = (cfg: Config, x: T.Tensor): number[] =>
  windows(cfg).map((m) => m.reduce((best, i) => (Number.isNaN(best) ? best : Number.isNaN(x.data[i] ?? 0) || (x.data[i] ?? 0) > best ? (x.data[i] ?? 0) : best), -Infinity))
const naiveAvg = (cfg: Config, x: T.Tensor): number[] => windows(cfg).map((m) => m.reduce((s, i) => s + (x.data[i] ?? 0), 0) / m.length)

// ─── arbitraries ────────────────────────────────────────────────────────────────────────────────

const configArb: fc.Arbitrary<Config> = fc
  .constantFrom<1 | 2>(1, 2)
  .chain((spatial) => {
    const axes = <A>(a: fc.Arbitrary<A>): fc.Arbitrary<A[]> => fc.array(a, { minLength: spatial, maxLength: spatial })
    return fc.record({
      spatial: fc.constant(spatial),
      n: fc.integer({ min: 1, max: 2 }),
      size: axes(fc.integer({ min: 1, max: spatial === 1 ? 8 : 5 })),
      c: fc.integer({ min: 1, max: 2 }),
      pool: axes(fc.integer({ min: 1, max: 3 })),
      strides: axes(fc.integer({ min: 1, max: 3 })),
      padding: fc.oneof(fc.constant<T.Padding>('valid'), fc.constant<T.Padding>('same'), axes(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })))),
    })
  })
  .filter((cfg) => {
    if (outSizes(cfg) === undefined) return false
    return typeof cfg.padding === 'string' || cfg.padding.every(([a, b], i) => a < (cfg.pool[i] ?? 1) && b < (cfg.pool[i] ?? 1))
  })

const xShape = (cfg: Config): T.Shape => [cfg.n, ...cfg.size, cfg.c]
const optionsOf = (cfg: Config): T.PoolOptions => ({ strides: cfg.strides, padding: cfg.padding })

/** Values 0.1 apart, all distinct: no window has a tie, so max pooling is differentiable there. */
const distinctOf = (shape: T.Shape): fc.Arbitrary<T.Tensor> => {
  const n = T.sizeOf(shape)
  return fc.shuffledSubarray(Array.from({ length: 2 * n + 4 }, (_, i) => i), { minLength: n, maxLength: n }).map((picks) => T.fromArray(picks.map((p) => (p - n) * 0.1), shape))
}

const forConfigs = (runs: number, law: (cfg: Config) => void): void => fc.assert(fc.property(configArb, law), { numRuns: runs })
const few = { numRuns: 4 }

// ─── tests ──────────────────────────────────────────────────────────────────────────────────────

describe('pooling values', () => {
  it('maxPool and avgPool equal their definitions over sizes, strides and paddings (1-D and 2-D)', () =>
    fc.assert(
      fc.property(configArb.chain((cfg) => fc.tuple(fc.constant(cfg), arb.tensorOf(xShape(cfg)))), ([cfg, x]) => {
        const shape = [cfg.n, ...(outSizes(cfg) ?? []), cfg.c]
        const max = T.maxPool(x, cfg.pool, optionsOf(cfg))
        const avg = T.avgPool(x, cfg.pool, optionsOf(cfg))
        expect(max.shape).toEqual(shape)
        expect(Array.from(max.data)).toEqual(naiveMax(cfg, x))
        expect(T.allClose(avg, T.fromArray(naiveAvg(cfg, x), shape), { rtol: 1e-12, atol: 1e-12 })).toBe(true)
      }),
      { numRuns: 200 },
    ))
  it('the strides default to the pool size (Keras)', () => {
    expect(T.toArray(T.maxPool(T.tensor([[[1], [5], [2], [4], [3], [0]]]), 2))).toEqual([[[5], [4], [3]]])
    expect(T.toArray(T.maxPool(T.tensor([[[1], [5], [2], [4], [3], [0]]]), 2, { strides: 1 }))).toEqual([[[5], [5], [4], [4], [3]]])
  })
  it("'same' average pooling divides by the real entries of each window, not the padded size", () => {
    // width 3, pool 2, stride 2: pads [0, 1]; windows [1, 2] and [3].
    expect(T.toArray(T.avgPool(T.tensor([[[1], [2], [3]]]), 2, { padding: 'same' }))).toEqual([[[1.5], [3]]])
  })
  it('a NaN in a window wins; a window without one is unaffected', () => {
    expect(T.toArray(T.maxPool(T.tensor([[[1], [NaN], [7], [2]]]), 2))).toEqual([[[NaN], [7]]])
    expect(T.toArray(T.maxPool(T.tensor([[[9], [NaN]]]), 2))).toEqual([[[NaN]]])
  })
})

describe('max pooling gradient', () => {
  it('goes to the first maximum in row-major window order: ties, the first takes all', () => {
    const g = ad.grad((x: ad.Value) => ad.sum(ad.maxPool(x, [2, 2])))(T.tensor([[[[3], [3]], [[1], [3]]]]))
    expect(T.toArray(g)).toEqual([[[[1], [0]], [[0], [0]]]])
  })
  it('overlapping windows accumulate on a shared maximum', () => {
    const g = ad.grad((x: ad.Value) => ad.sum(ad.maxPool(x, 3, { strides: 1 })))(T.tensor([[[0], [1], [9], [2], [0]]]))
    expect(T.toArray(g)).toEqual([[[0], [0], [3], [0], [0]]])
  })
  it('goes to the NaN when a window holds one', () => {
    const g = ad.grad((x: ad.Value) => ad.sum(ad.maxPool(x, 2)))(T.tensor([[[5], [NaN], [1], [2]]]))
    expect(T.toArray(g)).toEqual([[[0], [1], [0], [1]]])
  })
  it('matches the argmax the kernel reports', () => {
    expect(Array.from(T.maxPoolArgmax(T.tensor([[[1], [3], [2], [2]]]), 2))).toEqual([1, 2])
  })
})

describe('pooling obeys the gradient laws', () => {
  it('maxPool (inputs without ties)', () =>
    forConfigs(25, (cfg) => gradientLaws((x: ad.Value) => ad.maxPool(x, cfg.pool, optionsOf(cfg)), distinctOf(xShape(cfg)), few)))
  it('avgPool', () => forConfigs(25, (cfg) => gradientLaws((x: ad.Value) => ad.avgPool(x, cfg.pool, optionsOf(cfg)), arb.tensorOf(xShape(cfg)), few)))
  it('avgPoolTranspose', () =>
    forConfigs(20, (cfg) => {
      const outShape = [cfg.n, ...(outSizes(cfg) ?? []), cfg.c]
      gradientLaws((g: ad.Value) => ad.avgPoolTranspose(g, xShape(cfg), cfg.pool, optionsOf(cfg)), arb.tensorOf(outShape), few)
    }))
  it('second order through max pooling (grad of grad)', () =>
    forConfigs(15, (cfg) =>
      gradientLaw((x: ad.Value) => ad.grad((y: ad.Value) => ad.sum(ad.tanh(ad.maxPool(ad.mul(y, y), cfg.pool, optionsOf(cfg)))))(x), distinctOf(xShape(cfg)).map((t) => T.addScalar(t, 0.05 + T.sizeOf(t.shape) * 0.1)), few),
    ))
})

describe('pooling errors', () => {
  it('a window that does not fit names the op and the shapes', () => {
    expect(() => T.maxPool(T.zeros([1, 2, 2, 1]), 3)).toThrow("maxPool2d: [1,2,2,1]: window 3×3 does not fit the input 2×2 with padding 'valid'")
    expect(() => ad.grad((x: ad.Value) => ad.sum(ad.avgPool(x, 4)))(T.zeros([1, 3, 1]))).toThrow("avgPool1d: [1,3,1]: window 4 does not fit the input 3 with padding 'valid'")
  })
  it('padding as large as the window, and a rank without spatial axes', () => {
    expect(() => T.maxPool(T.zeros([1, 4, 1]), 2, { padding: [[2, 0]] })).toThrow('maxPool1d: padding 2,0 on axis 1 must be smaller than the pool size 2')
    expect(() => T.avgPool(T.zeros([4, 1]), 2)).toThrow('avgPool: [4,1]: expects input [batch, width, channels] or [batch, height, width, channels], got rank 2')
  })
})

describe('maxPoolScatter and maxPoolGather (the rules of max pooling)', () => {
  // Ties and NaN included: values from a small set, so windows often tie.
  const tied = fc
    .record({ n: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 2, max: 5 }), w: fc.integer({ min: 2, max: 5 }), c: fc.integer({ min: 1, max: 2 }) })
    .chain(({ n, h, w, c }) => fc.array(fc.constantFrom(0, 1, 2, Number.NaN), { minLength: n * h * w * c, maxLength: n * h * w * c }).map((v) => T.fromArray(v, [n, h, w, c])))
  it('equal scatterAdd and gather at maxPoolArgmax, bit for bit (overlapping windows, padding)', () =>
    fc.assert(
      fc.property(tied, fc.constantFrom(1, 2), fc.constantFrom<'valid' | 'same'>('valid', 'same'), (x, strides, padding) => {
        const options = { strides, padding }
        const argmax = Array.from(T.maxPoolArgmax(x, 2, options))
        const y = T.maxPool(x, 2, options)
        const g = T.fromArray(Array.from({ length: T.sizeOf(y.shape) }, (_, i) => Math.sin(i + 1)), y.shape)
        const scattered = T.reshape(T.scatterAdd([T.sizeOf(x.shape)], argmax, T.reshape(g, [-1])), x.shape)
        expect(Array.from(T.maxPoolScatter(g, x, 2, options).data)).toEqual(Array.from(scattered.data))
        const t = T.fromArray(Array.from({ length: T.sizeOf(x.shape) }, (_, i) => Math.cos(i)), x.shape)
        const gathered = T.reshape(T.gather(T.reshape(t, [-1]), argmax), y.shape)
        const ours = T.maxPoolGather(t, x, 2, options)
        expect(ours.shape).toEqual(y.shape)
        expect(Array.from(ours.data)).toEqual(Array.from(gathered.data))
      }),
      { numRuns: 60 },
    ))
  it('name the shapes that do not fit', () => {
    const x = T.zeros([1, 4, 1])
    expect(() => T.maxPoolScatter(T.zeros([1, 3, 1]), x, 2)).toThrow("maxPoolScatter: [1,3,1] x [1,4,1]: the cotangent must have maxPool's output shape [1,2,1]")
    expect(() => T.maxPoolGather(T.zeros([1, 3, 1]), x, 2)).toThrow('maxPoolGather: [1,3,1] x [1,4,1]: the tangent must have the shape of x')
  })
})
