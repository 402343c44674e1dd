import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as ad from '../../src/ad/index.js'
import * as T from '../../src/tensor/index.js'
import * as arb from '../../laws/arbitraries.js'
import { forwardReverseLaw, gradientLaw, gradientLaws } from '../../laws/gradient.js'

// ─── a plain reference, written from the definition ────────────────────────────────────────────

interface Config {
  readonly spatial: 1 | 2
  readonly n: number
  readonly size: readonly number[]
  readonly c: number
  readonly f: number
  readonly k: readonly number[]
  readonly options: T.ConvOptions
}

/** Explicit [before, after] per axis for any padding, by the Keras rule for 'same'. */
const padsOf = (cfg: Config): [number, number][] => {
  const { padding = 'valid', strides = 1, dilation = 1 } = cfg.options
  return cfg.size.map((size, i) => {
    if (padding === 'valid') return [0, 0]
    if (padding !== 'same') return [padding[i]?.[0] ?? 0, padding[i]?.[1] ?? 0]
    const s = typeof strides === 'number' ? strides : (strides[i] ?? 1)
    const d = typeof dilation === 'number' ? dilation : (dilation[i] ?? 1)
    const k = cfg.k[i] ?? 1
    const out = Math.ceil(size / s)
    const total = Math.max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return [Math.floor(total / 2), total - Math.floor(total / 2)]
  })
}

const axisOf = (v: T.PerAxis | undefined, i: number): number => (v === undefined ? 1 : typeof v === 'number' ? v : (v[i] ?? 1))

/** Output sizes, or undefined when the window does not fit. */
const outSizes = (cfg: Config): number[] | undefined => {
  const pads = padsOf(cfg)
  const outs = cfg.size.map((size, i) => {
    const extent = ((cfg.k[i] ?? 1) - 1) * axisOf(cfg.options.dilation, i) + 1
    const padded = size + (pads[i]?.[0] ?? 0) + (pads[i]?.[1] ?? 0)
    return padded < extent ? 0 : Math.floor((padded - extent) / axisOf(cfg.options.strides, i)) + 1
  })
  return outs.some((o) => o < 1) ? undefined : outs
}

/** conv by its definition: y[b, o…, f] = Σ_{taps, ch} x[b, o·s − pad + tap·d, ch] · w[taps, ch, f]. */
const naiveConv = (cfg: Config, x: T.Tensor, w: T.Tensor): T.Tensor => {
  const outs = outSizes(cfg) ?? []
  const pads = padsOf(cfg)
  const [H, W] = cfg.spatial === 2 ? [cfg.size[0] ?? 1, cfg.size[1] ?? 1] : [1, cfg.size[0] ?? 1]
  const [Ho, Wo] = cfg.spatial === 2 ? [outs[0] ?? 1, outs[1] ?? 1] : [1, outs[0] ?? 1]
  const [KH, KW] = cfg.spatial === 2 ? [cfg.k[0] ?? 1, cfg.k[1] ?? 1] : [1, cfg.k[0] ?? 1]
  const [SH, SW] = cfg.spatial === 2 ? [axisOf(cfg.options.strides, 0), axisOf(cfg.options.strides, 1)] : [1, axisOf(cfg.options.strides, 0)]
  const [DH, DW] = cfg.spatial === 2 ? [axisOf(cfg.options.dilation, 0), axisOf(cfg.options.dilation, 1)] : [1, axisOf(cfg.options.dilation, 0)]
  const [PT, PL] = cfg.spatial === 2 ? [pads[0]?.[0] ?? 0, pads[1]?.[0] ?? 0] : [0, pads[0]?.[0] ?? 0]
  const out: number[] = []
  for (let b = 0; b < cfg.n; b++)
    for (let oy = 0; oy < Ho; oy++)
      for (let ox = 0; ox < Wo; ox++)
        for (let f = 0; f < cfg.f; f++) {
          let s = 0
          for (let ky = 0; ky < KH; ky++)
            for (let kx = 0; kx < KW; kx++)
              for (let ch = 0; ch < cfg.c; ch++) {
                const iy = oy * SH - PT + ky * DH
                const ix = ox * SW - PL + kx * DW
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue
                s += (x.data[((b * H + iy) * W + ix) * cfg.c + ch] ?? 0) * (w.data[((ky * KW + kx) * cfg.c + ch) * cfg.f + f] ?? 0)
              }
          out.push(s)
        }
  return T.fromArray(out, [cfg.n, ...outs, cfg.f])
}

// ─── arbitraries ────────────────────────────────────────────────────────────────────────────────

const paddingArb = (spatial: number): fc.Arbitrary<T.Padding> =>
  fc.oneof(
    fc.constant<T.Padding>('valid'),
    fc.constant<T.Padding>('same'),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), { minLength: spatial, maxLength: spatial }),
  )

const perAxisArb = (spatial: number, max: number): fc.Arbitrary<T.PerAxis> =>
  fc.oneof(fc.integer({ min: 1, max }), fc.array(fc.integer({ min: 1, max }), { minLength: spatial, maxLength: spatial }))

/** A convolution problem that fits: rank, sizes, channels, window, strides, dilation, padding. */
const configArb: fc.Arbitrary<Config> = fc
  .constantFrom<1 | 2>(1, 2)
  .chain((spatial) =>
    fc.record({
      spatial: fc.constant(spatial),
      n: fc.integer({ min: 1, max: 2 }),
      size: fc.array(fc.integer({ min: 1, max: spatial === 1 ? 7 : 5 }), { minLength: spatial, maxLength: spatial }),
      c: fc.integer({ min: 1, max: 3 }),
      f: fc.integer({ min: 1, max: 3 }),
      k: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: spatial, maxLength: spatial }),
      options: fc.record({ strides: perAxisArb(spatial, 3), dilation: perAxisArb(spatial, 2), padding: paddingArb(spatial) }),
    }),
  )
  .filter((cfg) => outSizes(cfg) !== undefined)

const xShape = (cfg: Config): T.Shape => [cfg.n, ...cfg.size, cfg.c]
const kShape = (cfg: Config): T.Shape => [...cfg.k, cfg.c, cfg.f]
const yShape = (cfg: Config): T.Shape => [cfg.n, ...(outSizes(cfg) ?? []), cfg.f]
const values = { min: -2, max: 2 }

const problemArb = configArb.chain((cfg) => fc.tuple(fc.constant(cfg), arb.tensorOf(xShape(cfg), values), arb.tensorOf(kShape(cfg), values)))

// ─── tests ──────────────────────────────────────────────────────────────────────────────────────

type Pair = readonly [ad.Value, ad.Value]

describe('conv values', () => {
  it('equals the definition over strides, dilations and paddings (1-D and 2-D)', () =>
    fc.assert(
      fc.property(problemArb, ([cfg, x, w]) => {
        const y = T.conv(x, w, cfg.options)
        expect(y.shape).toEqual(yShape(cfg))
        expect(T.allClose(y, naiveConv(cfg, x, w), { rtol: 1e-12, atol: 1e-12 })).toBe(true)
      }),
      { numRuns: 200 },
    ))
  it("'same' keeps ⌈in / stride⌉ positions and puts the odd unit of padding at the end (Keras)", () => {
    expect(T.samePadding(4, 2, 1, 1)).toEqual([0, 1])
    expect(T.samePadding(5, 3, 2, 1)).toEqual([1, 1])
    expect(T.samePadding(6, 3, 2, 1)).toEqual([0, 1])
    expect(T.samePadding(7, 3, 1, 2)).toEqual([2, 2])
    // Input [1, 2, 3, 4], window [1, 1]: pads [0, 1] → y = [1+2, 2+3, 3+4, 4+0].
    expect(T.toArray(T.conv(T.tensor([[[1], [2], [3], [4]]]), T.tensor([[[1]], [[1]]]), { padding: 'same' }))).toEqual([[[3], [5], [7], [4]]])
  })
  it('a 1×1 kernel is a matrix product over channels', () => {
    const x = T.tensor([[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]])
    const w = T.tensor([[[[1, 0, 2], [0, 1, 3]]]])
    expect(T.toArray(T.conv(x, w))).toEqual(T.toArray(T.reshape(T.matmul(T.reshape(x, [4, 2]), T.reshape(w, [2, 3])), [1, 2, 2, 3])))
  })
  it('its two gradient products are its adjoints: ⟨c, conv(x, w)⟩ = ⟨BI(c, w), x⟩ = ⟨BF(x, c), w⟩', () =>
    fc.assert(
      fc.property(problemArb.chain(([cfg, x, w]) => fc.tuple(fc.constant(cfg), fc.constant(x), fc.constant(w), arb.tensorOf(yShape(cfg), values))), ([cfg, x, w, c]) => {
        const inner = (a: T.Tensor, b: T.Tensor): number => T.item(T.sum(T.mul(a, b)))
        const lhs = inner(c, T.conv(x, w, cfg.options))
        const tol = 1e-10 * (1 + Math.abs(lhs))
        expect(Math.abs(inner(T.convBackpropInput(c, w, x.shape, cfg.options), x) - lhs)).toBeLessThan(tol)
        expect(Math.abs(inner(T.convBackpropFilter(x, c, w.shape, cfg.options), w) - lhs)).toBeLessThan(tol)
      }),
      { numRuns: 100 },
    ))
  it('takes the batch in chunks without changing a value (a batch above the chunk size)', () => {
    // 2 × 30 × 30 × 9-tap rows of 1 channel: with the 2^20-row chunk, a batch of 140 splits in two.
    const x = T.fromArray(Array.from({ length: 140 * 30 * 30 }, (_, i) => Math.sin(i)), [140, 30, 30, 1])
    const w = T.fromArray([1, -2, 3, 0.5, 0.25, -1, 2, 1, -0.5], [3, 3, 1, 1])
    const whole = T.conv(x, w, { padding: 'same' })
    const parts = T.concat([T.conv(T.slice(x, [0, 0, 0, 0], [70, 30, 30, 1]), w, { padding: 'same' }), T.conv(T.slice(x, [70, 0, 0, 0], [70, 30, 30, 1]), w, { padding: 'same' })])
    expect(Array.from(whole.data)).toEqual(Array.from(parts.data))
  })
})

/**
 * The law runners draw trees of tensors; a problem's options are not tensors, so each law runs
 * inside a property over drawn configurations, with a few draws of values per configuration.
 */
const forConfigs = (runs: number, law: (cfg: Config) => void): void => fc.assert(fc.property(configArb, law), { numRuns: runs })
const few = { numRuns: 4 }

describe('conv obeys the gradient laws', () => {
  it('in the input and the kernel', () =>
    forConfigs(25, (cfg) =>
      gradientLaws(([x, w]: Pair) => ad.conv(x, w, cfg.options), fc.tuple(arb.tensorOf(xShape(cfg), values), arb.tensorOf(kShape(cfg), values)), few),
    ))
  it('convBackpropInput (the transposed convolution) in the cotangent and the kernel', () =>
    forConfigs(20, (cfg) =>
      gradientLaws(
        ([g, w]: Pair) => ad.convBackpropInput(g, w, xShape(cfg), cfg.options),
        fc.tuple(arb.tensorOf(yShape(cfg), values), arb.tensorOf(kShape(cfg), values)),
        few,
      ),
    ))
  it('convBackpropFilter in the input and the cotangent', () =>
    forConfigs(20, (cfg) =>
      gradientLaws(
        ([x, g]: Pair) => ad.convBackpropFilter(x, g, kShape(cfg), cfg.options),
        fc.tuple(arb.tensorOf(xShape(cfg), values), arb.tensorOf(yShape(cfg), values)),
        few,
      ),
    ))
  it('second order: the gradient of a conv network is differentiable again (grad of grad)', () =>
    forConfigs(15, (cfg) =>
      gradientLaw(
        ([x, w]: Pair) => ad.grad(([a, b]: Pair) => ad.sum(ad.tanh(ad.conv(a, b, cfg.options))))([x, w])[1],
        fc.tuple(arb.tensorOf(xShape(cfg), values), arb.tensorOf(kShape(cfg), values)),
        few,
      ),
    ))
  it('forward over reverse: jvp of the input gradient equals its reverse mode', () =>
    forConfigs(10, (cfg) =>
      forwardReverseLaw(
        ([x, w]: Pair) => ad.grad(([a, b]: Pair) => ad.sum(ad.tanh(ad.conv(a, b, cfg.options))))([x, w])[0],
        fc.tuple(arb.tensorOf(xShape(cfg), values), arb.tensorOf(kShape(cfg), values)),
        few,
      ),
    ))
})

describe('conv errors', () => {
  it('a window that does not fit names the op, the shapes and the padding', () => {
    expect(() => T.conv(T.zeros([1, 2, 2, 1]), T.zeros([3, 3, 1, 4]))).toThrow("conv2d: [1,2,2,1] x [3,3,1,4]: window 3×3 does not fit the input 2×2 with padding 'valid'")
    expect(() => T.conv(T.zeros([1, 4, 1]), T.zeros([3, 1, 1]), { dilation: 2 })).toThrow("conv1d: [1,4,1] x [3,1,1]: window 3 (dilation 2) does not fit the input 4 with padding 'valid'")
  })
  it('channel and rank mismatches, for Duals too', () => {
    expect(() => ad.grad((x: ad.Value) => ad.sum(ad.conv(x, T.zeros([3, 3, 2, 4]))))(T.zeros([1, 5, 5, 1]))).toThrow(
      'conv2d: [1,5,5,1] x [3,3,2,4]: the kernel takes 2 input channels, the input has 1',
    )
    expect(() => T.conv(T.zeros([5, 5]), T.zeros([3, 1, 1]))).toThrow('conv: [5,5] x [3,1,1]: expects input [batch, width, channels]')
    expect(() => T.conv(T.zeros([1, 5, 1]), T.zeros([3, 3, 1, 1]))).toThrow('conv1d: [1,5,1] x [3,3,1,1]: the kernel must have rank 3')
    expect(() => T.conv(T.zeros([1, 5, 1]), T.zeros([3, 1, 1]), { strides: 0 })).toThrow('conv1d: strides must be a positive integer')
  })
})

