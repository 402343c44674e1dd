/**
 * Worker threads for large products: the same bits as one thread and as the JavaScript kernels,
 * for every layout, the fused affine map and several thread counts; and the switch back.
 */
import { afterAll, describe, expect, it } from 'vitest'
import * as T from '../../src/tensor/index.js'
import { useThreads } from '../../src/node/index.js'
import { THREADS_MIN_WORK } from '../../src/tensor/kernels/backend.js'
import { wasmAvailable } from '../../src/tensor/kernels/wasm.js'

const bits = (t: T.Tensor): bigint[] => [...new BigUint64Array(Float64Array.from(t.data).buffer)]

const filled = (shape: readonly number[], seed: number): T.Tensor => {
  const n = shape.reduce((a, b) => a * b, 1)
  return T.fromArray(Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * (1 + (i % 13))), shape)
}

/** Every product of the library on these operands, as raw bits. */
const products = (m: number, k: number, n: number): bigint[][] => {
  const a = filled([m, k], 1)
  const b = filled([k, n], 2)
  const bias = filled([n], 3)
  return [T.matmul(a, b), T.matmulTransA(T.transpose(a), b), T.matmulTransB(a, T.transpose(b)), T.affine(a, b, bias)].map(bits)
}

// Shapes above the threads' threshold, rows not a multiple of 4 or of the thread count.
const shapes = [
  [131, 129, 127],
  [37, 300, 200],
  [9, 517, 451],
  [256, 64, 130],
] as const

describe.runIf(wasmAvailable())('useThreads', () => {
  afterAll(() => {
    useThreads({ threads: 1 })
    T.useKernels('auto')
  })
  it('gives the bits of the JavaScript kernels for 2 and 3 threads', () => {
    for (const [m, k, n] of shapes) expect(m * k * n).toBeGreaterThanOrEqual(THREADS_MIN_WORK)
    const before = T.kernelsInUse().choice
    T.useKernels('js')
    const reference = shapes.map(([m, k, n]) => products(m, k, n))
    T.useKernels(before === 'js' ? 'auto' : before)
    for (const threads of [2, 3]) {
      expect(useThreads({ threads })).toBe(threads)
      expect(T.kernelsInUse().threads).toBe(threads)
      expect(shapes.map(([m, k, n]) => products(m, k, n))).toEqual(reference)
    }
    T.useKernels(before)
  })
  it('goes back to one thread', () => {
    useThreads({ threads: 2 })
    expect(useThreads({ threads: 1 })).toBe(1)
    expect(T.kernelsInUse().threads).toBe(1)
  })
  it('rejects a bad thread count with a typed error', () => {
    expect(() => useThreads({ threads: 0 })).toThrow(/useThreads: threads must be an integer from 1 to 64, got 0/)
    expect(() => useThreads({ threads: 1.5 })).toThrow(/useThreads/)
  })
})
