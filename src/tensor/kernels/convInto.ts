/**
 * The convolution's loops: the batch in chunks so that the im2col buffer stays under about 8 MB,
 * and `conv` and its two adjoints fixed to one geometry, writing into a given output. `T.conv`,
 * `T.convBackpropInput` and `T.convBackpropFilter` (../conv.ts) allocate their output and run these;
 * a compiled plan runs them on its planned output buffer (issue 14). Each kernel owns one chunk's
 * scratch, reused across chunks and calls, and writes each chunk's product straight into its rows
 * of the output — so a plan holds no buffer per chunk (before, a CNN's forward pass over 2 000
 * images held 2.3 GB of them).
 */
import type { ReadonlyFloat64Array } from '../Tensor.js'
import type { WindowGeometry } from '../window.js'
import { matmulKernel } from './backend.js'
import { col2imAdd, im2col } from './window.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * `conv` of an input of geometry `g` with a kernel of `filters` output channels, as a loop
 * `(x, kernel, out)` writing the output `[n, (ho,) wo, filters]` into `out` (every element). Holds
 * one chunk's im2col scratch (allocated on its first call, at most about 8 MB or one batch element).
 */
export const convInto = (g: WindowGeometry, filters: number): ((x: ReadonlyFloat64Array, kernel: ReadonlyFloat64Array, out: Float64Array) => void) => {
  const k = g.kh * g.kw * g.c
  const f = filters
  if (isPointwise(g)) {
    const rows = g.n * g.h * g.w
    const product = matmulKernel('ab', rows, k, f)
    return (x, kernel, out) => {
      out.fill(0)
      if (rows * f > 0) product(x, 0, kernel, 0, out, 0, rows, k, f)
    }
  }
  let scratch: Float64Array | undefined
  const covered = coversInput(g)
  return (x, kernel, out) => {
    forChunks(g, (chunk, first) => {
      const rows = chunk.n * g.ho * g.wo
      if (scratch === undefined) scratch = new Float64Array(Math.min(chunkLength(g), g.n) * g.ho * g.wo * k)
      // Zeroed as a fresh allocation is where im2col leaves padded positions alone.
      const cols = scratch.subarray(0, rows * k)
      if (!covered) cols.fill(0)
      im2col(x.subarray(first * g.h * g.w * g.c), chunk, cols)
      const at = first * g.ho * g.wo * f
      out.fill(0, at, at + rows * f)
      if (rows * f > 0) matmulKernel('ab', rows, k, f)(cols, 0, kernel, 0, out, at, rows, k, f)
    })
  }
}

/**
 * `convBackpropInput` fixed to geometry `g` (of the input) and `filters`, as a loop `(gradient,
 * kernel, out)` writing the input-shaped result into `out` (every element): per chunk the same
 * product g·Kᵀ into one chunk's scratch, added back by `col2imAdd` as `convBackpropInput` does.
 */
export const convBackpropInputInto = (g: WindowGeometry, filters: number): ((gradient: ReadonlyFloat64Array, kernel: ReadonlyFloat64Array, out: Float64Array) => void) => {
  const k = g.kh * g.kw * g.c
  const f = filters
  if (isPointwise(g)) {
    const rows = g.n * g.h * g.w
    const product = matmulKernel('abt', rows, f, k)
    return (gradient, kernel, out) => {
      out.fill(0)
      if (rows * k > 0) product(gradient, 0, kernel, 0, out, 0, rows, f, k)
    }
  }
  let scratch: Float64Array | undefined
  return (gradient, kernel, out) => {
    out.fill(0)
    forChunks(g, (chunk, first) => {
      const rows = chunk.n * g.ho * g.wo
      if (scratch === undefined) scratch = new Float64Array(Math.min(chunkLength(g), g.n) * g.ho * g.wo * k)
      const products = scratch.subarray(0, rows * k).fill(0)
      const at = first * g.ho * g.wo * f
      if (rows * k > 0) matmulKernel('abt', rows, f, k)(gradient.subarray(at, at + rows * f), 0, kernel, 0, products, 0, rows, f, k)
      col2imAdd(products, chunk, out.subarray(first * g.h * g.w * g.c))
    })
  }
}

/**
 * `convBackpropFilter` fixed to geometry `g` (of the input) and `filters`, as a loop `(x, gradient,
 * out)` writing the kernel-shaped result into `out`: per chunk the same im2col and product
 * im2colᵀ·g, the first into `out`, each later one into one chunk's scratch and added on, in the
 * order `convBackpropFilter` adds them.
 */
export const convBackpropFilterInto = (g: WindowGeometry, filters: number): ((x: ReadonlyFloat64Array, gradient: ReadonlyFloat64Array, out: Float64Array) => void) => {
  const k = g.kh * g.kw * g.c
  const f = filters
  if (isPointwise(g)) {
    const rows = g.n * g.h * g.w
    const product = matmulKernel('atb', k, rows, f)
    return (x, gradient, out) => {
      out.fill(0)
      if (k * f > 0) product(x, 0, gradient, 0, out, 0, k, rows, f)
    }
  }
  let cols: Float64Array | undefined
  let part: Float64Array | undefined
  const covered = coversInput(g)
  return (x, gradient, out) => {
    out.fill(0)
    forChunks(g, (chunk, first) => {
      const rows = chunk.n * g.ho * g.wo
      if (cols === undefined) cols = new Float64Array(Math.min(chunkLength(g), g.n) * g.ho * g.wo * k)
      const chunkCols = cols.subarray(0, rows * k)
      if (!covered) chunkCols.fill(0)
      im2col(x.subarray(first * g.h * g.w * g.c), chunk, chunkCols)
      const at = first * g.ho * g.wo * f
      const gRows = gradient.subarray(at, at + rows * f)
      if (first === 0) {
        if (k * f > 0) matmulKernel('atb', k, rows, f)(chunkCols, 0, gRows, 0, out, 0, k, rows, f)
        return
      }
      if (part === undefined) part = new Float64Array(k * f)
      part.fill(0)
      if (k * f > 0) matmulKernel('atb', k, rows, f)(chunkCols, 0, gRows, 0, part, 0, k, rows, f)
      for (let i = 0; i < part.length; i++) out[i] = (out[i] ?? 0) + (part[i] ?? 0)
    })
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** Rows of im2col per chunk, at most (about 8 MB of float64); at least one batch element is taken. */
const CONV_CHUNK = 1 << 20

/** Batch elements per chunk of a geometry. */
const chunkLength = (g: WindowGeometry): number => Math.max(1, Math.floor(CONV_CHUNK / Math.max(g.ho * g.wo * g.kh * g.kw * g.c, 1)))

/** Runs `body` over batch chunks: the geometry of the chunk (n replaced) and its first batch index. */
const forChunks = (g: WindowGeometry, body: (chunk: WindowGeometry, first: number) => void): void => {
  const step = chunkLength(g)
  for (let first = 0; first < g.n; first += step) body({ ...g, n: Math.min(step, g.n - first) }, first)
}

/** A 1×1 window with unit strides and no padding: im2col would copy x unchanged. */
const isPointwise = (g: WindowGeometry): boolean => g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.pt === 0 && g.pl === 0 && g.ho === g.h && g.wo === g.w

/**
 * Whether every window of `g` lies inside the input (no padding reached): then im2col writes every
 * entry of its rows, and its buffer needs no zeros.
 */
const coversInput = (g: WindowGeometry): boolean =>
  g.pt === 0 && g.pl === 0 && (g.ho - 1) * g.sh + (g.kh - 1) * g.dh < g.h && (g.wo - 1) * g.sw + (g.kw - 1) * g.dw < g.w
