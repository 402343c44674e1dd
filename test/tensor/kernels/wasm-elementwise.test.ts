/**
 * The WebAssembly element-wise and optimizer loops agree with the JavaScript loops bit for bit:
 * + − × ÷ between arrays and scalars (the loops behind add, sub, mul, div and their broadcasts),
 * x², 1/x, x·s, x + s, and the Adam and momentum updates — over generated lengths (0, 1, odd,
 * even: the WAT loops go in pairs with a scalar tail), offsets, and values with NaN, ±∞ and ±0.
 *
 * NaN is compared as "is NaN", every other value by its 64 bits (so −0 ≠ +0): ECMAScript leaves
 * the bits of a NaN stored into a Float64Array to the engine, so no JavaScript loop promises a
 * NaN payload to compare against.
 */
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { wasmAvailable } from '../../../src/tensor/kernels/wasm.js'
import { ELEMENTWISE_MAX_LENGTH, kernelsInUse, matmulKernel, onWasm, useKernels, WASM_MAX_BYTES, type KernelChoice } from '../../../src/tensor/kernels/backend.js'
import { matmulInto } from '../../../src/tensor/kernels/matmul.js'
import * as K from '../../../src/tensor/kernels/elementwise.js'
import { adamInto, momentumInto } from '../../../src/tensor/kernels/optimizer.js'
import * as T from '../../../src/tensor/index.js'
import { optim } from '../../../src/index.js'
import type { Tree } from '../../../src/tree/index.js'

/** Each entry's bits, NaNs as one marker (see the module comment). */
const bits = (x: Float64Array): (bigint | 'NaN')[] => {
  const raw = new BigUint64Array(x.buffer, x.byteOffset, x.length)
  return [...x].map((v, i) => (Number.isNaN(v) ? 'NaN' : (raw[i] ?? 0n)))
}

const value = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 1, -1, 1e-300, 1e300, 0.1, 3) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity) },
)
const values = (length: number): fc.Arbitrary<Float64Array> => fc.array(value, { minLength: length, maxLength: length }).map((xs) => Float64Array.from(xs))
const length = fc.oneof(fc.constantFrom(0, 1, 2, 3), fc.integer({ min: 0, max: 41 }))

/** The tree as a tensor (the optimizers here update a single tensor). */
const leaf = (t: Tree): T.Tensor => {
  if (!T.isTensor(t)) throw new Error('expected a tensor')
  return t
}

/** Runs `f` under each backend; returns the JavaScript and the WebAssembly results. */
const both = <R>(f: () => R): readonly [R, R] => {
  useKernels('js')
  const js = f()
  useKernels('wasm')
  return [js, f()]
}

let before: KernelChoice = 'auto'
beforeEach(() => {
  before = kernelsInUse().choice
})
afterEach(() => {
  useKernels(before)
})

describe.runIf(wasmAvailable())('WebAssembly element-wise loops', () => {
  const ops = { add: K.addLoops, sub: K.subLoops, mul: K.mulLoops, div: K.divLoops } as const
  for (const [name, loops] of Object.entries(ops)) {
    it(`${name}: array–array, array–scalar and scalar–array runs give the JavaScript bits`, () => {
      fc.assert(
        fc.property(
          fc.record({ n: length, ao: fc.nat(3), bo: fc.nat(3), o: fc.nat(3) }).chain((p) =>
            fc.record({ p: fc.constant(p), a: values(p.ao + p.n + 1), b: values(p.bo + p.n + 1), s: value }),
          ),
          ({ p: { n, ao, bo, o }, a, b, s }) => {
            const run = (mode: 'vv' | 'vs' | 'sv'): Float64Array => {
              // Guard entries around the run must stay 7: the loops write exactly n entries at o.
              const out = new Float64Array(o + n + 2).fill(7)
              if (mode === 'vv') loops.vv(out, o, a, ao, b, bo, n)
              else if (mode === 'vs') loops.vs(out, o, a, ao, s, n)
              else loops.sv(out, o, s, b, bo, n)
              return out
            }
            for (const mode of ['vv', 'vs', 'sv'] as const) {
              const [js, wasm] = both(() => run(mode))
              expect(bits(wasm)).toEqual(bits(js))
            }
          },
        ),
        { numRuns: 80 },
      )
    })
  }
  it('x², 1/x, x·s, x + s and relu give the JavaScript bits', () => {
    fc.assert(
      fc.property(length.chain((n) => fc.record({ x: values(n), s: value })), ({ x, s }) => {
        const [js, wasm] = both(() => [K.squareLoop(x), K.reciprocalLoop(x), K.scaleLoop(x, s), K.addScalarLoop(x, s), K.reluLoop(x)].map(bits))
        expect(wasm).toEqual(js)
      }),
      { numRuns: 150 },
    )
  })
  it("relu's pullback g · (x > 0 ? 1 : 0) gives the JavaScript bits", () => {
    fc.assert(
      fc.property(length.chain((n) => fc.record({ g: values(n), x: values(n) })), ({ g, x }) => {
        const [js, wasm] = both(() => {
          const out = new Float64Array(g.length)
          K.reluVjpLoop(g, x, out)
          return bits(out)
        })
        expect(wasm).toEqual(js)
      }),
      { numRuns: 150 },
    )
  })
  it('Adam: the update and both moments give the JavaScript bits', () => {
    fc.assert(
      fc.property(
        length.chain((n) =>
          fc.record({
            g: values(n),
            m0: values(n),
            v0: values(n).map((v) => v.map(Math.abs)),
            beta1: fc.double({ min: 0, max: 0.999, noNaN: true }),
            beta2: fc.double({ min: 0, max: 0.9999, noNaN: true }),
            t: fc.integer({ min: 1, max: 1000 }),
            eps: fc.constantFrom(1e-8, 1e-3, 1e-300),
          }),
        ),
        ({ g, m0, v0, beta1, beta2, t, eps }) => {
          const c = { beta1, beta2, oneMinusBeta1: 1 - beta1, oneMinusBeta2: 1 - beta2, eps }
          const [js, wasm] = both(() => {
            const out = [new Float64Array(g.length), new Float64Array(g.length), new Float64Array(g.length)] as const
            adamInto(g, m0, v0, out[0], out[1], out[2], c, 1 - beta1 ** t, 1 - beta2 ** t)
            return out.map(bits)
          })
          expect(wasm).toEqual(js)
        },
      ),
      { numRuns: 150 },
    )
  })
  it('momentum, plain and Nesterov, gives the JavaScript bits', () => {
    fc.assert(
      fc.property(length.chain((n) => fc.record({ g: values(n), v0: values(n), decay: fc.double({ min: 0, max: 0.999, noNaN: true }) })), ({ g, v0, decay }) => {
        const [js, wasm] = both(() => {
          const plain = new Float64Array(g.length)
          momentumInto(g, v0, plain, undefined, decay)
          const v1 = new Float64Array(g.length)
          const u = new Float64Array(g.length)
          momentumInto(g, v0, v1, u, decay)
          return [plain, v1, u].map(bits)
        })
        expect(wasm).toEqual(js)
      }),
      { numRuns: 150 },
    )
  })
  it('public ops and optimizers over long arrays: the same bits under js, wasm and auto', () => {
    const n = 1031
    const a = T.fromArray(Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 10 ** ((i % 9) - 4)), [n])
    const b = T.fromArray(Float64Array.from({ length: n }, (_, i) => (i % 11 === 0 ? -0 : Math.cos(i * 1.3))), [n])
    const row = T.fromArray(Float64Array.from({ length: 300 }, (_, i) => i / 7 - 20), [300])
    const grid = T.fromArray(Float64Array.from({ length: 4 * 300 }, (_, i) => Math.tan(i)), [4, 300])
    const adam = optim.adam({ learningRate: 0.01 })
    const nesterov = optim.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true })
    const run = (choice: KernelChoice): (bigint | 'NaN')[][] => {
      useKernels(choice)
      const [adamUpdate, adamState] = adam.update(b, adam.init(a), a)
      const [adamAgain] = adam.update(a, adamState, a)
      const [sgdUpdate] = nesterov.update(b, nesterov.init(a), a)
      const outs = [T.add(a, b), T.sub(a, b), T.mul(a, b), T.div(a, b), T.add(grid, row), T.div(row, grid), T.scale(a, 0.3), T.addScalar(a, 2), T.square(b), T.reciprocal(b), T.relu(a), ...[adamUpdate, adamAgain, sgdUpdate].map(leaf)]
      return outs.map((t) => bits(Float64Array.from(t.data)))
    }
    const reference = run('js')
    expect(run('wasm')).toEqual(reference)
    expect(run('auto')).toEqual(reference)
  })
})

describe('memory caps', () => {
  it('sends arrays and products too big for WebAssembly memory to JavaScript, even under wasm', () => {
    if (wasmAvailable()) {
      useKernels('wasm')
      expect(onWasm(ELEMENTWISE_MAX_LENGTH)).toBe(true)
      expect(onWasm(1)).toBe(true)
    }
    expect(onWasm(ELEMENTWISE_MAX_LENGTH + 1)).toBe(false)
    // 2¹⁴×2¹⁴ by 2¹⁴×1: 2³¹ bytes of operands, past the cap (the kernel is chosen, nothing is allocated).
    expect(8 * (2 ** 28 + 2 ** 14 + 2 ** 14 + 1)).toBeGreaterThan(WASM_MAX_BYTES)
    expect(matmulKernel('ab', 2 ** 14, 2 ** 14, 1)).toBe(matmulInto)
    expect(matmulKernel('ab', 64, 64, 64) === matmulInto).toBe(!wasmAvailable())
  })
})
