/**
 * The WebAssembly SIMD kernels agree with the JavaScript kernels bit for bit, for the three
 * layouts and the fused affine map, over generated shapes (0, 1, sizes that are not multiples of
 * the 4×4 tile, and shapes that cross the WAT kernel's k-blocks and column panels).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { matmulInto, matmulTransAInto, matmulTransBInto, type MatmulKernel } from '../../../src/tensor/kernels/matmul.js'
import { wasmAffine, wasmAvailable, wasmMatmul, type MatmulLayout } from '../../../src/tensor/kernels/wasm.js'
import { kernelsInUse, useKernels } from '../../../src/tensor/kernels/backend.js'
import * as T from '../../../src/tensor/index.js'

const js: Record<MatmulLayout, MatmulKernel> = { ab: matmulInto, atb: matmulTransAInto, abt: matmulTransBInto }
const layouts: readonly MatmulLayout[] = ['ab', 'atb', 'abt']

/** The raw bits of every entry, so that −0 and +0 differ and NaNs compare by payload. */
const bits = (x: Float64Array): bigint[] => [...new BigUint64Array(x.buffer, x.byteOffset, x.length)]

/** Values that stress rounding: wide magnitudes, signed zeros, and exact small integers. */
const value = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1, -1, 1e-300, 1e300, 0.1) },
)

const values = (length: number): fc.Arbitrary<Float64Array> => fc.array(value, { minLength: length, maxLength: length }).map((xs) => Float64Array.from(xs))

/** Values of many magnitudes (≈ 1e-6 … 1e6, both signs, some exact zeros) from a seed, by an LCG. */
const seeded = (length: number, seed: number): Float64Array => {
  const out = new Float64Array(length)
  let state = seed >>> 0
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    const u = state / 4294967296
    out[i] = i % 17 === 0 ? 0 : (u - 0.5) * 10 ** ((state % 13) - 6)
  }
  return out
}

const dim = fc.oneof(fc.constantFrom(0, 1, 4, 5), fc.integer({ min: 0, max: 23 }))

/** Runs one layout on both backends over the same operands (with offsets and guard entries) and compares every bit of C. */
const agree = (layout: MatmulLayout, m: number, k: number, n: number, a: Float64Array, b: Float64Array, offsets: readonly [number, number, number]): void => {
  const [ao, bo, co] = offsets
  const expected = new Float64Array(co + m * n + 2).fill(7)
  const actual = new Float64Array(co + m * n + 2).fill(7)
  js[layout](a, ao, b, bo, expected, co, m, k, n)
  wasmMatmul(layout)(a, ao, b, bo, actual, co, m, k, n)
  expect(bits(actual)).toEqual(bits(expected))
}

const problem = (maxDim: fc.Arbitrary<number>) =>
  fc
    .record({ m: maxDim, k: maxDim, n: maxDim, ao: fc.nat(3), bo: fc.nat(3), co: fc.nat(3) })
    .chain(({ m, k, n, ao, bo, co }) =>
      fc.record({ m: fc.constant(m), k: fc.constant(k), n: fc.constant(n), offsets: fc.constant([ao, bo, co] as const), a: values(ao + m * k + 1), b: values(bo + k * n + 1) }),
    )

describe.runIf(wasmAvailable())('WebAssembly SIMD kernels', () => {
  for (const layout of layouts) {
    it(`${layout}: same bits as the JavaScript kernel over generated shapes`, () => {
      fc.assert(fc.property(problem(dim), ({ m, k, n, a, b, offsets }) => agree(layout, m, k, n, a, b, offsets)), { numRuns: 150 })
    })
    it(`${layout}: same bits across k-blocks (k > 256) and column panels (n > 256)`, () => {
      // Fixed large shapes (the WAT kernel blocks k by 256 and columns by 256), values from a
      // generated seed: drawing 10⁵ doubles one by one through fast-check would take seconds.
      for (const [m, k, n] of [[6, 517, 9], [9, 300, 263], [4, 256, 4], [13, 257, 514]] as const) {
        fc.assert(fc.property(fc.integer(), (seed) => agree(layout, m, k, n, seeded(m * k + 2, seed), seeded(k * n + 1, seed + 1), [2, 1, 3])), { numRuns: 3 })
      }
    })
  }
  it('NaN and infinities propagate where the JavaScript kernel has them', () => {
    const a = Float64Array.of(Number.NaN, 1, Infinity, 2, 3, 4, 5, 6, -Infinity, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
    const b = Float64Array.from({ length: 20 }, (_, i) => i - 3)
    for (const layout of layouts) {
      const expected = new Float64Array(25)
      const actual = new Float64Array(25)
      js[layout](a, 0, b, 0, expected, 0, 5, 4, 5)
      wasmMatmul(layout)(a, 0, b, 0, actual, 0, 5, 4, 5)
      expect([...actual].map(String)).toEqual([...expected].map(String))
    }
  })
  it('affine: same bits as product-then-bias in JavaScript', () => {
    fc.assert(
      fc.property(
        problem(dim).chain((p) => fc.record({ p: fc.constant(p), bias: values(p.n) })),
        ({ p: { m, k, n, a, b }, bias }) => {
          const expected = new Float64Array(m * n)
          matmulInto(a, 0, b, 0, expected, 0, m, k, n)
          for (let i = 0; i < m * n; i++) expected[i] = (expected[i] ?? 0) + (bias[i % n] ?? 0)
          const actual = new Float64Array(m * n)
          wasmAffine(a, b, bias, actual, m, k, n)
          expect(bits(actual)).toEqual(bits(expected))
        },
      ),
      { numRuns: 100 },
    )
  })
  it('leaves its inputs untouched and returns arrays that are not views on its memory', () => {
    const before = kernelsInUse().choice
    try {
      useKernels('wasm')
      const a = T.tensor([[1, 2, 3], [4, 5, 6]])
      const b = T.tensor([[1, 0], [0, 1], [1, 1]])
      const c = T.matmul(a, b)
      expect(T.toArray(c)).toEqual([[4, 5], [10, 11]])
      expect(T.toArray(a)).toEqual([[1, 2, 3], [4, 5, 6]])
      // A later product overwrites the module's memory and grows it (which would detach any view
      // on it): the first result is unchanged and still readable, so it is not such a view.
      const big = T.fromArray(Float64Array.from({ length: 700 * 700 }, (_, i) => i % 7), [700, 700])
      expect(T.matmul(big, big).shape).toEqual([700, 700])
      expect(c.data.byteLength).toBe(32)
      expect(T.toArray(c)).toEqual([[4, 5], [10, 11]])
      // The kernels keep one view on the memory: after the growth they must use the new buffer's.
      expect(T.toArray(T.matmul(a, b))).toEqual([[4, 5], [10, 11]])
    } finally {
      useKernels(before)
    }
  })
})

describe('kernel choice', () => {
  it('rejects an unknown choice with a typed error', () => {
    // @ts-expect-error — a value outside KernelChoice, as untyped JavaScript could pass it.
    expect(() => useKernels('gpu')).toThrow(/useKernels: expected 'auto', 'js' or 'wasm', got "gpu"/)
  })
  it('gives the same bits from matmul, matmulTransA, matmulTransB and affine whatever the backend', () => {
    const before = kernelsInUse().choice
    const x = T.fromArray(Float64Array.from({ length: 37 * 29 }, (_, i) => Math.sin(i) * 3), [37, 29])
    const w = T.fromArray(Float64Array.from({ length: 29 * 31 }, (_, i) => Math.cos(i) / 7), [29, 31])
    const bias = T.fromArray(Float64Array.from({ length: 31 }, (_, i) => i / 3), [31])
    const run = (choice: 'js' | 'wasm' | 'auto') => {
      useKernels(choice)
      return [T.matmul(x, w), T.matmulTransA(T.transpose(x), w), T.matmulTransB(x, T.transpose(w)), T.affine(x, w, bias)].map((t) => bits(Float64Array.from(t.data)))
    }
    try {
      const reference = run('js')
      for (const choice of wasmAvailable() ? (['wasm', 'auto'] as const) : (['auto'] as const)) expect(run(choice)).toEqual(reference)
    } finally {
      useKernels(before)
    }
  })
})
