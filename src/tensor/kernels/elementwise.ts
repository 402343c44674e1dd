/**
 * Element-wise kernels: the hot loops behind `src/tensor/elementwise.ts` (the unary ones are in
 * `unary.ts`, re-exported here so that `elementwiseKernels` names them all).
 *
 * Every kernel allocates exactly one output Float64Array, fills it, and never writes anywhere
 * else. Binary kernels broadcast by NumPy's rules and take the fast paths first — both sides
 * full size, one side a single value, one side a row repeated over the other — before the
 * general strided loop: an odometer over the outer dimensions of the coalesced output (see
 * `strided.ts`) that hands each contiguous innermost run to the op's inner loop. Named ops (add,
 * sub, mul, div and the common unary functions) have their own loops, so the hot path calls no
 * closure per element; the generic `unary`/`binary`/`ternary` take one.
 *
 * The inner loops of add, sub, mul and div run a long run in WebAssembly SIMD (`onWasm`,
 * backend.ts; wasm-elementwise.ts): the four operations are correctly rounded in both engines, so
 * the bits are the same.
 */
import { ShapeError } from '../errors.js'
import { broadcastShapes, broadcastStrides, shapesEqual } from '../shape.js'
import { sizeOf, unsafeTensor, type ReadonlyFloat64Array, type Shape, type Tensor } from '../Tensor.js'
import { coalesce } from './strided.js'
import { allocateOverwritten } from './alloc.js'
import { onWasm } from './backend.js'
import { wasmBinarySV, wasmBinaryVS, wasmBinaryVV } from './wasm-elementwise.js'
import type { WasmBinaryOp } from './wasm.js'

export * from './unary.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * The three inner loops of a binary op `∘`. The broadcasting driver calls one of them per
 * contiguous run of the output.
 */
export interface BinaryLoops {
  /** out[o + i] = a[ao + i] ∘ b[bo + i] for i < n */
  readonly vv: (out: Float64Array, o: number, a: ReadonlyFloat64Array, ao: number, b: ReadonlyFloat64Array, bo: number, n: number) => void
  /** out[o + i] = a[ao + i] ∘ s for i < n */
  readonly vs: (out: Float64Array, o: number, a: ReadonlyFloat64Array, ao: number, s: number, n: number) => void
  /** out[o + i] = s ∘ b[bo + i] for i < n */
  readonly sv: (out: Float64Array, o: number, s: number, b: ReadonlyFloat64Array, bo: number, n: number) => void
}

// ─── binary ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Applies a binary op with broadcasting; throws a ShapeError naming `op` and both shapes when
 * they do not broadcast.
 */
export const binary = (op: string, loops: BinaryLoops, a: Tensor, b: Tensor): Tensor => {
  const shape = broadcastShapes(op, a.shape, b.shape)
  const n = sizeOf(shape)
  // Every branch below writes every element.
  const out = allocateOverwritten(n)
  if (n === 0) return unsafeTensor(out, shape)
  const x = a.data
  const y = b.data
  if (x.length === n && y.length === n) {
    // Equal shapes, or equal up to leading 1s: the layouts coincide.
    loops.vv(out, 0, x, 0, y, 0, n)
  } else if (y.length === 1) {
    loops.vs(out, 0, x, 0, y[0] ?? 0, n)
  } else if (x.length === 1) {
    loops.sv(out, 0, x[0] ?? 0, y, 0, n)
  } else if (isTrailing(b.shape, a.shape)) {
    const m = y.length
    for (let o = 0; o < n; o += m) loops.vv(out, o, x, o, y, 0, m)
  } else if (isTrailing(a.shape, b.shape)) {
    const m = x.length
    for (let o = 0; o < n; o += m) loops.vv(out, o, x, 0, y, o, m)
  } else {
    stridedBinary(loops, out, shape, a, b)
  }
  return unsafeTensor(out, shape)
}

/** Inner loops that call `f` per element: the generic path behind `map2`. */
export const closureLoops = (f: (x: number, y: number) => number): BinaryLoops => ({
  vv: (out, o, a, ao, b, bo, n) => {
    for (let i = 0; i < n; i++) out[o + i] = f(a[ao + i] ?? 0, b[bo + i] ?? 0)
  },
  vs: (out, o, a, ao, s, n) => {
    for (let i = 0; i < n; i++) out[o + i] = f(a[ao + i] ?? 0, s)
  },
  sv: (out, o, s, b, bo, n) => {
    for (let i = 0; i < n; i++) out[o + i] = f(s, b[bo + i] ?? 0)
  },
})

/** a + b: the element of add's loops (and of jit's fused loops). */
export const addElement = (a: number, b: number): number => a + b

/** a + b */
export const addLoops: BinaryLoops = withWasm('add', {
  vv: (out, o, a, ao, b, bo, n) => {
    for (let i = 0; i < n; i++) out[o + i] = addElement(a[ao + i] ?? 0, b[bo + i] ?? 0)
  },
  vs: (out, o, a, ao, s, n) => {
    for (let i = 0; i < n; i++) out[o + i] = addElement(a[ao + i] ?? 0, s)
  },
  sv: (out, o, s, b, bo, n) => {
    for (let i = 0; i < n; i++) out[o + i] = addElement(s, b[bo + i] ?? 0)
  },
})

/** a − b: the element of sub's loops (and of jit's fused loops). */
export const subElement = (a: number, b: number): number => a - b

/** a − b */
export const subLoops: BinaryLoops = withWasm('sub', {
  vv: (out, o, a, ao, b, bo, n) => {
    for (let i = 0; i < n; i++) out[o + i] = subElement(a[ao + i] ?? 0, b[bo + i] ?? 0)
  },
  vs: (out, o, a, ao, s, n) => {
    for (let i = 0; i < n; i++) out[o + i] = subElement(a[ao + i] ?? 0, s)
  },
  sv: (out, o, s, b, bo, n) => {
    for (let i = 0; i < n; i++) out[o + i] = subElement(s, b[bo + i] ?? 0)
  },
})

/** a · b: the element of mul's loops (and of jit's fused loops). */
export const mulElement = (a: number, b: number): number => a * b

/** a · b */
export const mulLoops: BinaryLoops = withWasm('mul', {
  vv: (out, o, a, ao, b, bo, n) => {
    for (let i = 0; i < n; i++) out[o + i] = mulElement(a[ao + i] ?? 0, b[bo + i] ?? 0)
  },
  vs: (out, o, a, ao, s, n) => {
    for (let i = 0; i < n; i++) out[o + i] = mulElement(a[ao + i] ?? 0, s)
  },
  sv: (out, o, s, b, bo, n) => {
    for (let i = 0; i < n; i++) out[o + i] = mulElement(s, b[bo + i] ?? 0)
  },
})

/**
 * a · b with a strong zero: a zero factor on either side gives exactly 0, also against ±∞ or NaN
 * (IEEE gives NaN there). Every other product is IEEE's, signed zeros included: the NaN test runs
 * only after the product, so finite operands pay one comparison.
 */
export const strongZero = (x: number, y: number): number => {
  const p = x * y
  return p === p || (x !== 0 && y !== 0) ? p : 0
}

/** a · b with a strong zero (see `strongZero`). */
export const mulStrongZeroLoops: BinaryLoops = {
  vv: (out, o, a, ao, b, bo, n) => {
    for (let i = 0; i < n; i++) out[o + i] = strongZero(a[ao + i] ?? 0, b[bo + i] ?? 0)
  },
  vs: (out, o, a, ao, s, n) => {
    for (let i = 0; i < n; i++) out[o + i] = strongZero(a[ao + i] ?? 0, s)
  },
  sv: (out, o, s, b, bo, n) => {
    for (let i = 0; i < n; i++) out[o + i] = strongZero(s, b[bo + i] ?? 0)
  },
}

/** a / b: the element of div's loops (and of jit's fused loops). */
export const divElement = (a: number, b: number): number => a / b

/** a / b */
export const divLoops: BinaryLoops = withWasm('div', {
  vv: (out, o, a, ao, b, bo, n) => {
    for (let i = 0; i < n; i++) out[o + i] = divElement(a[ao + i] ?? 0, b[bo + i] ?? 0)
  },
  vs: (out, o, a, ao, s, n) => {
    for (let i = 0; i < n; i++) out[o + i] = divElement(a[ao + i] ?? 0, s)
  },
  sv: (out, o, s, b, bo, n) => {
    for (let i = 0; i < n; i++) out[o + i] = divElement(s, b[bo + i] ?? 0)
  },
})

// ─── ternary ────────────────────────────────────────────────────────────────────────────────────

/**
 * Applies `f` element-wise to three tensors broadcast together; a ShapeError names `op` and the
 * three shapes when they do not broadcast.
 */
export const ternary = (
  op: string,
  a: Tensor,
  b: Tensor,
  c: Tensor,
  f: (x: number, y: number, z: number) => number,
): Tensor => {
  const shape = broadcastThree(op, a.shape, b.shape, c.shape)
  const n = sizeOf(shape)
  // Both paths below write every element.
  const out = allocateOverwritten(n)
  if (n === 0) return unsafeTensor(out, shape)
  const x = a.data
  const y = b.data
  const z = c.data
  if (x.length === n && y.length === n && z.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(x[i] ?? 0, y[i] ?? 0, z[i] ?? 0)
    return unsafeTensor(out, shape)
  }
  const { dims, strides } = coalesce(shape, [
    broadcastStrides(a.shape, shape),
    broadcastStrides(b.shape, shape),
    broadcastStrides(c.shape, shape),
  ])
  const [sa = [], sb = [], sc = []] = strides
  // The innermost run is at least 1 long; with no dimension left the output is one element.
  const run = dims[0] ?? 1
  const ra = sa[0] ?? 0
  const rb = sb[0] ?? 0
  const rc = sc[0] ?? 0
  const counter = new Array<number>(dims.length).fill(0)
  let ia = 0
  let ib = 0
  let ic = 0
  for (let o = 0; o < n; o += run) {
    for (let i = 0; i < run; i++) out[o + i] = f(x[ia + i * ra] ?? 0, y[ib + i * rb] ?? 0, z[ic + i * rc] ?? 0)
    for (let g = 1; g < dims.length; g++) {
      const size = dims[g] ?? 1
      const da = sa[g] ?? 0
      const db = sb[g] ?? 0
      const dc = sc[g] ?? 0
      const next = (counter[g] ?? 0) + 1
      if (next < size) {
        counter[g] = next
        ia += da
        ib += db
        ic += dc
        break
      }
      counter[g] = 0
      ia -= da * (size - 1)
      ib -= db * (size - 1)
      ic -= dc * (size - 1)
    }
  }
  return unsafeTensor(out, shape)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** A binary op's loops that hand a run long enough (`onWasm`) to WebAssembly, the same op there. */
function withWasm(op: WasmBinaryOp, js: BinaryLoops): BinaryLoops {
  return {
    vv: (out, o, a, ao, b, bo, n) => (onWasm(n) ? wasmBinaryVV(op, out, o, a, ao, b, bo, n) : js.vv(out, o, a, ao, b, bo, n)),
    vs: (out, o, a, ao, s, n) => (onWasm(n) ? wasmBinaryVS(op, out, o, a, ao, s, n) : js.vs(out, o, a, ao, s, n)),
    sv: (out, o, s, b, bo, n) => (onWasm(n) ? wasmBinarySV(op, out, o, s, b, bo, n) : js.sv(out, o, s, b, bo, n)),
  }
}

/** True when `inner` equals the trailing dimensions of `outer`. */
const isTrailing = (inner: Shape, outer: Shape): boolean => {
  const offset = outer.length - inner.length
  if (offset < 0) return false
  for (let i = 0; i < inner.length; i++) if (inner[i] !== outer[offset + i]) return false
  return true
}

/**
 * The general case: walk the coalesced output in runs. The innermost dimension of a coalesced
 * space has size > 1, so an operand's stride there is 1 (it varies along it) or 0 (broadcast),
 * and not both operands can be broadcast on it.
 */
const stridedBinary = (loops: BinaryLoops, out: Float64Array, shape: Shape, a: Tensor, b: Tensor): void => {
  const { dims, strides } = coalesce(shape, [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)])
  const [sa = [], sb = []] = strides
  const x = a.data
  const y = b.data
  const n = out.length
  const run = dims[0] ?? 1
  const aBroadcast = (sa[0] ?? 0) === 0 && dims.length > 0
  const bBroadcast = (sb[0] ?? 0) === 0 && dims.length > 0
  const counter = new Array<number>(dims.length).fill(0)
  let ia = 0
  let ib = 0
  for (let o = 0; o < n; o += run) {
    if (aBroadcast) loops.sv(out, o, x[ia] ?? 0, y, ib, run)
    else if (bBroadcast) loops.vs(out, o, x, ia, y[ib] ?? 0, run)
    else loops.vv(out, o, x, ia, y, ib, run)
    for (let g = 1; g < dims.length; g++) {
      const size = dims[g] ?? 1
      const da = sa[g] ?? 0
      const db = sb[g] ?? 0
      const next = (counter[g] ?? 0) + 1
      if (next < size) {
        counter[g] = next
        ia += da
        ib += db
        break
      }
      counter[g] = 0
      ia -= da * (size - 1)
      ib -= db * (size - 1)
    }
  }
}

/** Broadcast shape of three shapes; the error names all three. */
const broadcastThree = (op: string, a: Shape, b: Shape, c: Shape): Shape => {
  if (shapesEqual(a, b) && shapesEqual(a, c)) return a
  const rank = Math.max(a.length, b.length, c.length)
  const out = new Array<number>(rank)
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1
    const db = b[b.length - rank + i] ?? 1
    const dc = c[c.length - rank + i] ?? 1
    const d = da !== 1 ? da : db !== 1 ? db : dc
    if ((da !== 1 && da !== d) || (db !== 1 && db !== d) || (dc !== 1 && dc !== d)) {
      throw new ShapeError(op, [a, b, c], `cannot broadcast: dimensions ${da}, ${db} and ${dc} at axis ${i} of the result`)
    }
    out[i] = d
  }
  return out
}
