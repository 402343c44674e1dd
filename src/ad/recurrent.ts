/**
 * Fused recurrences: the whole time loop of an LSTM layer as ONE primitive, `lstmSequence`, whose
 * output keeps what its reverse rule needs (the residuals of every step), so that a training step
 * runs the recurrence once forwards and once backwards.
 *
 * `scan` is the general fold; its reverse rule cannot keep residuals (a primitive's rules see its
 * inputs and its output only) and so runs the body again, with Duals, inside its backward loop.
 * A fused recurrence states the residuals as part of its output instead: per step t the output row
 * holds the new state (h, c) AND the gate activations (i, f, c̃, o). The rules:
 *
 * - value: per step one product h·U (into a scratch buffer, on the WebAssembly kernels from 512
 *   multiply–adds) and one loop over the gates. Its bits are those of the same recurrence written
 *   with the ops (`lstmSequenceReference`, a `scan`): same operations, same order.
 * - vjp, first order (nothing differentiates the pullback — the case of training): one kernel
 *   (a `constantOp`, so `jit` records it) runs back through time from the stored gates, with one
 *   product dz·Uᵀ per step; the recurrent kernel's cotangent is ONE product Hᵀ·DZ over all steps.
 *   A cotangent on any column of the output (gates included) is taken into account, so the rule is
 *   the exact vjp of the output as stated.
 * - vjp under an outer differentiation, and jvp: the rules of the reference (`scan` of the ops),
 *   so `grad` of `grad` and `jvp` of `grad` work, and the laws compare the fused kernel with an
 *   independent derivation.
 */
import * as T from '../tensor/index.js'
import type { ReadonlyFloat64Array, Shape, Tensor } from '../tensor/index.js'
import { allocate, matmulKernel, unsafeTensor } from '../tensor/internal.js'
import { isDual, isUndifferentiated, shapeOf, type Value } from './Dual.js'
import { jvp } from './forward.js'
import { bind, constantOp, input, type Primitive } from './primitive.js'
import { add, mul, sub } from './primitives/binary.js'
import { matmul } from './primitives/matmul.js'
import { concat, reshape, slice } from './primitives/shape.js'
import { sigmoid, tanh } from './primitives/unary.js'
import { vjp } from './reverse.js'
import { scan } from './scan.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link lstmSequence}. */
export interface RecurrenceOptions {
  /** Run from the last step to the first (default false); row t still belongs to step t. */
  readonly reverse?: boolean
}

interface RecurrenceParams {
  readonly reverse: boolean
}

/** Columns of an LSTM step's output row, in units: h, c, i, f, c̃, o. */
const LSTM_COLUMNS = 6

// ─── internal: the primitive from its kernels and its reference ─────────────────────────────────

/** What a fused recurrence states: its forward kernel, its first-order pullback kernel, its reference. */
interface FusedSpec<P> {
  readonly name: string
  readonly value: (inputs: readonly Tensor[], params: P) => Tensor
  /** From [cotangent, output, ...inputs]: the cotangents of all inputs, flattened and joined in order. */
  readonly pullback: (inputs: readonly Tensor[], params: P) => Tensor
  /** The same function written with the ops (a `scan`). */
  readonly reference: (inputs: readonly Value[], params: P) => Value
}

const fusedPrimitive = <P>({ name, value, pullback, reference }: FusedSpec<P>): Primitive<P> => {
  const pullbackOp = constantOp(`${name}.vjp`, pullback)
  return {
    name,
    value,
    vjp: (g, inputs, y, p, wanted) => {
      if (isUndifferentiated(g) && isUndifferentiated(y) && inputs.every(isUndifferentiated)) {
        const packed = pullbackOp([g, y, ...inputs], p)
        let offset = 0
        return inputs.map((x, i) => {
          const shape = shapeOf(x)
          const n = T.sizeOf(shape)
          const part = wanted[i] === true ? reshape(slice(packed, [offset], [n]), shape) : undefined
          offset += n
          return part
        })
      }
      // Under an outer differentiation: the reference's pullback (the cotangent rides along as an
      // argument so that the reference's trace sits above its level).
      const [, back] = vjp((args: readonly Value[], _g: Value) => reference(args, p), [...inputs], g)
      return back(g).map((c, i) => (wanted[i] === true ? c : undefined))
    },
    jvp: (tangents, inputs, _y, p) => {
      const filled = inputs.map((x, i) => tangents[i] ?? T.zeros(shapeOf(x)))
      return jvp((args: readonly Value[]) => reference(args, p), [...inputs], filled)[1]
    },
  }
}

/** Applies a fused primitive: the kernel on tensors, `bind` when a Dual is among the inputs. */
const applyFused = <P>(primitive: Primitive<P>, args: readonly Value[], params: P): Value =>
  args.some(isDual) ? bind(primitive, args, params) : primitive.value(args.filter(T.isTensor), params)

// ─── internal: kernels ──────────────────────────────────────────────────────────────────────────

/** σ(v), the operations of the sigmoid kernel (`sigmoidLoop`), so that the bits agree. */
const sigmoidOf = (v: number): number => {
  if (v >= 0) return 1 / (1 + Math.exp(-v))
  const e = Math.exp(v)
  return e / (1 + e)
}

interface LstmDims {
  readonly steps: number
  readonly batch: number
  readonly units: number
}

const lstmDims = (xs: Shape): LstmDims => ({ steps: xs[0] ?? 0, batch: xs[1] ?? 0, units: (xs[2] ?? 0) / 4 })

/** Step t of the k-th iteration (k = 0 is the first step run). */
const stepAt = (k: number, steps: number, reverse: boolean): number => (reverse ? steps - 1 - k : k)

/** The forward loop: out [T, B, 6u], per row h, c, i, f, c̃, o. */
const lstmValue = (inputs: readonly Tensor[], { reverse }: RecurrenceParams): Tensor => {
  const name = 'lstmSequence'
  const xs = input(inputs, 0, name).data
  const u = input(inputs, 1, name).data
  const h0 = input(inputs, 2, name).data
  const c0 = input(inputs, 3, name).data
  const { steps, batch, units } = lstmDims(input(inputs, 0, name).shape)
  const gates = 4 * units
  const width = LSTM_COLUMNS * units
  const out = allocate(steps * batch * width)
  const h = Float64Array.from(h0)
  const z = new Float64Array(batch * gates)
  const product = matmulKernel('ab', batch, units, gates)
  let previous = -1
  for (let k = 0; k < steps; k++) {
    const t = stepAt(k, steps, reverse)
    product(h, 0, u, 0, z, 0, batch, units, gates)
    for (let b = 0; b < batch; b++) {
      const xRow = (t * batch + b) * gates
      const zRow = b * gates
      const row = (t * batch + b) * width
      const cRow = previous < 0 ? b * units : (previous * batch + b) * width + units
      const cPrevious = previous < 0 ? c0 : out
      for (let j = 0; j < units; j++) {
        const i = sigmoidOf((xs[xRow + j] ?? 0) + (z[zRow + j] ?? 0))
        const f = sigmoidOf((xs[xRow + units + j] ?? 0) + (z[zRow + units + j] ?? 0))
        const g = Math.tanh((xs[xRow + 2 * units + j] ?? 0) + (z[zRow + 2 * units + j] ?? 0))
        const o = sigmoidOf((xs[xRow + 3 * units + j] ?? 0) + (z[zRow + 3 * units + j] ?? 0))
        const c = f * (cPrevious[cRow + j] ?? 0) + i * g
        const hj = o * Math.tanh(c)
        out[row + j] = hj
        out[row + units + j] = c
        out[row + 2 * units + j] = i
        out[row + 3 * units + j] = f
        out[row + 4 * units + j] = g
        out[row + 5 * units + j] = o
        h[b * units + j] = hj
      }
    }
    previous = t
  }
  return unsafeTensor(out, [steps, batch, width])
}

/**
 * The first-order pullback: from the cotangent of the output and the output itself (its stored
 * gates), the cotangents of xs, U, h0 and c0, packed into one vector in that order.
 */
const lstmPullback = (inputs: readonly Tensor[], { reverse }: RecurrenceParams): Tensor => {
  const name = 'lstmSequence.vjp'
  const gy = input(inputs, 0, name).data
  const y = input(inputs, 1, name).data
  const u = input(inputs, 3, name).data
  const h0 = input(inputs, 4, name).data
  const c0 = input(inputs, 5, name).data
  const shape = input(inputs, 1, name).shape
  const steps = shape[0] ?? 0
  const batch = shape[1] ?? 0
  const units = (shape[2] ?? 0) / LSTM_COLUMNS
  const gates = 4 * units
  const width = LSTM_COLUMNS * units
  const xsSize = steps * batch * gates
  const uSize = units * gates
  const stateSize = batch * units
  const out = allocate(xsSize + uSize + 2 * stateSize)
  // dz of every step, laid out as xs (it is xs's cotangent), and the h entering every step.
  const dz = out.subarray(0, xsSize)
  const hIn = new Float64Array(steps * stateSize)
  const dh = new Float64Array(stateSize)
  const dc = new Float64Array(stateSize)
  const back = matmulKernel('abt', batch, gates, units)
  for (let k = steps - 1; k >= 0; k--) {
    const t = stepAt(k, steps, reverse)
    const previous = k > 0 ? stepAt(k - 1, steps, reverse) : -1
    for (let b = 0; b < batch; b++) {
      const row = (t * batch + b) * width
      const zRow = (t * batch + b) * gates
      const prevRow = previous < 0 ? -1 : (previous * batch + b) * width
      for (let j = 0; j < units; j++) {
        const s = b * units + j
        const c = y[row + units + j] ?? 0
        const i = y[row + 2 * units + j] ?? 0
        const f = y[row + 3 * units + j] ?? 0
        const g = y[row + 4 * units + j] ?? 0
        const o = y[row + 5 * units + j] ?? 0
        const cPrevious = prevRow < 0 ? (c0[s] ?? 0) : (y[prevRow + units + j] ?? 0)
        hIn[t * stateSize + s] = prevRow < 0 ? (h0[s] ?? 0) : (y[prevRow + j] ?? 0)
        const tc = Math.tanh(c)
        const dhj = (gy[row + j] ?? 0) + (dh[s] ?? 0)
        const dcj = (gy[row + units + j] ?? 0) + (dc[s] ?? 0) + dhj * o * (1 - tc * tc)
        const di = dcj * g + (gy[row + 2 * units + j] ?? 0)
        const df = dcj * cPrevious + (gy[row + 3 * units + j] ?? 0)
        const dg = dcj * i + (gy[row + 4 * units + j] ?? 0)
        const dO = dhj * tc + (gy[row + 5 * units + j] ?? 0)
        dz[zRow + j] = di * (i * (1 - i))
        dz[zRow + units + j] = df * (f * (1 - f))
        dz[zRow + 2 * units + j] = dg * (1 - g * g)
        dz[zRow + 3 * units + j] = dO * (o * (1 - o))
        dc[s] = dcj * f
      }
    }
    // dh entering this step = dz·Uᵀ.
    back(dz, t * batch * gates, u, 0, dh, 0, batch, gates, units)
  }
  // dU = Σ_t h_inᵀ·dz_t, one product over all steps: [u, T·B]·[T·B, 4u].
  matmulKernel('atb', units, steps * batch, gates)(hIn, 0, dz, 0, out, xsSize, units, steps * batch, gates)
  out.set(dh, xsSize + uSize)
  out.set(dc, xsSize + uSize + stateSize)
  return unsafeTensor(out, [xsSize + uSize + 2 * stateSize])
}

// ─── internal: the reference ────────────────────────────────────────────────────────────────────

/** Columns [k·units, (k+1)·units) of a [batch, n] value. */
const columns = (z: Value, k: number, units: number): Value => slice(z, [0, k * units], [shapeOf(z)[0] ?? 0, units])

/**
 * The LSTM recurrence written with the ops, as a `scan`: the same output as {@link lstmSequence}.
 * Its rules (scan's) are the fused primitive's rules at higher order and in forward mode.
 */
export const lstmSequenceReference = (xs: Value, recurrentKernel: Value, h0: Value, c0: Value, { reverse = false }: RecurrenceOptions = {}): Value => {
  const units = shapeOf(h0)[1] ?? 0
  const [, ys] = scan(
    ([h, c]: readonly [Value, Value], x: Value, k: { readonly u: Value }): readonly [readonly [Value, Value], Value] => {
      const z = add(x, matmul(h, k.u))
      const i = sigmoid(columns(z, 0, units))
      const f = sigmoid(columns(z, 1, units))
      const g = tanh(columns(z, 2, units))
      const o = sigmoid(columns(z, 3, units))
      const cNext = add(mul(f, c), mul(i, g))
      const hNext = mul(o, tanh(cNext))
      return [[hNext, cNext], concat([hNext, cNext, i, f, g, o], -1)]
    },
    [h0, c0] as const,
    xs,
    { u: recurrentKernel },
    { reverse },
  )
  return ys
}

const lstmPrimitive = fusedPrimitive<RecurrenceParams>({
  name: 'lstmSequence',
  value: lstmValue,
  pullback: lstmPullback,
  reference: ([xs = T.scalar(0), u = T.scalar(0), h0 = T.scalar(0), c0 = T.scalar(0)], p) => lstmSequenceReference(xs, u, h0, c0, p),
})

// ─── internal: SimpleRNN ────────────────────────────────────────────────────────────────────────

/** The forward loop of h' = tanh(x_t + h·U): out [T, B, u], row t = h_t. */
const simpleValue = (inputs: readonly Tensor[], { reverse }: RecurrenceParams): Tensor => {
  const name = 'simpleRnnSequence'
  const xs = input(inputs, 0, name).data
  const u = input(inputs, 1, name).data
  const h0 = input(inputs, 2, name).data
  const [steps = 0, batch = 0, units = 0] = input(inputs, 0, name).shape
  const size = batch * units
  const out = allocate(steps * size)
  const h = Float64Array.from(h0)
  const z = new Float64Array(size)
  const product = matmulKernel('ab', batch, units, units)
  for (let k = 0; k < steps; k++) {
    const t = stepAt(k, steps, reverse)
    product(h, 0, u, 0, z, 0, batch, units, units)
    for (let s = 0; s < size; s++) {
      const hs = Math.tanh((xs[t * size + s] ?? 0) + (z[s] ?? 0))
      out[t * size + s] = hs
      h[s] = hs
    }
  }
  return unsafeTensor(out, [steps, batch, units])
}

/** Its pullback from [g, y, xs, U, h0]: the cotangents of xs, U, h0, joined. */
const simplePullback = (inputs: readonly Tensor[], { reverse }: RecurrenceParams): Tensor => {
  const name = 'simpleRnnSequence.vjp'
  const gy = input(inputs, 0, name).data
  const y = input(inputs, 1, name).data
  const u = input(inputs, 3, name).data
  const h0 = input(inputs, 4, name).data
  const [steps = 0, batch = 0, units = 0] = input(inputs, 1, name).shape
  const size = batch * units
  const xsSize = steps * size
  const uSize = units * units
  const out = allocate(xsSize + uSize + size)
  const dz = out.subarray(0, xsSize)
  const hIn = new Float64Array(xsSize)
  const dh = new Float64Array(size)
  const back = matmulKernel('abt', batch, units, units)
  for (let k = steps - 1; k >= 0; k--) {
    const t = stepAt(k, steps, reverse)
    const previous = k > 0 ? stepAt(k - 1, steps, reverse) : -1
    for (let s = 0; s < size; s++) {
      const h = y[t * size + s] ?? 0
      hIn[t * size + s] = previous < 0 ? (h0[s] ?? 0) : (y[previous * size + s] ?? 0)
      dz[t * size + s] = ((gy[t * size + s] ?? 0) + (dh[s] ?? 0)) * (1 - h * h)
    }
    back(dz, t * size, u, 0, dh, 0, batch, units, units)
  }
  matmulKernel('atb', units, steps * batch, units)(hIn, 0, dz, 0, out, xsSize, units, steps * batch, units)
  out.set(dh, xsSize + uSize)
  return unsafeTensor(out, [xsSize + uSize + size])
}

/** The SimpleRNN recurrence with the ops, as a `scan`: the same output as {@link simpleRnnSequence}. */
export const simpleRnnSequenceReference = (xs: Value, recurrentKernel: Value, h0: Value, { reverse = false }: RecurrenceOptions = {}): Value =>
  scan(
    (h: Value, x: Value, k: { readonly u: Value }): readonly [Value, Value] => {
      const next = tanh(add(x, matmul(h, k.u)))
      return [next, next]
    },
    h0,
    xs,
    { u: recurrentKernel },
    { reverse },
  )[1]

const simplePrimitive = fusedPrimitive<RecurrenceParams>({
  name: 'simpleRnnSequence',
  value: simpleValue,
  pullback: simplePullback,
  reference: ([xs = T.scalar(0), u = T.scalar(0), h0 = T.scalar(0)], p) => simpleRnnSequenceReference(xs, u, h0, p),
})

// ─── internal: GRU ──────────────────────────────────────────────────────────────────────────────

interface GruParams extends RecurrenceParams {
  readonly resetAfter: boolean
}

/** Columns of a GRU step's output row, in units: h, z, r, h̃, and with resetAfter the recurrent part of h̃'s pre-activation. */
const gruColumns = (resetAfter: boolean): number => (resetAfter ? 5 : 4)

/**
 * The forward loop. resetAfter: inputs [xs, U, bRec, h0]; hz = h·U + bRec, z = σ(x_z + hz_z),
 * r = σ(x_r + hz_r), h̃ = tanh(x_h + r·hz_h). Otherwise inputs [xs, U, h0]; z, r from x + h·U_zr,
 * h̃ = tanh(x_h + (r·h)·U_h). Both: h' = z·h + (1 − z)·h̃.
 */
const gruValue = (inputs: readonly Tensor[], { reverse, resetAfter }: GruParams): Tensor => {
  const name = 'gruSequence'
  const xs = input(inputs, 0, name).data
  const u = input(inputs, 1, name)
  const bias = resetAfter ? input(inputs, 2, name).data : undefined
  const h0 = input(inputs, resetAfter ? 3 : 2, name).data
  const [steps = 0, batch = 0] = input(inputs, 0, name).shape
  const units = u.shape[0] ?? 0
  const gates = 3 * units
  const size = batch * units
  const width = gruColumns(resetAfter) * units
  const out = allocate(steps * batch * width)
  const h = Float64Array.from(h0)
  // resetAfter: one product with all of U; otherwise U_zr and U_h as contiguous copies.
  const uGates = resetAfter ? u.data : columnsOf(u.data, units, gates, 0, 2 * units)
  const uCandidate = resetAfter ? u.data : columnsOf(u.data, units, gates, 2 * units, units)
  const pWidth = resetAfter ? gates : 2 * units
  const p = new Float64Array(batch * pWidth)
  const rh = new Float64Array(size)
  const q = new Float64Array(size)
  const product = matmulKernel('ab', batch, units, pWidth)
  const candidateProduct = matmulKernel('ab', batch, units, units)
  for (let k = 0; k < steps; k++) {
    const t = stepAt(k, steps, reverse)
    product(h, 0, uGates, 0, p, 0, batch, units, pWidth)
    if (bias !== undefined) {
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < gates; j++) p[b * gates + j] = (p[b * gates + j] ?? 0) + (bias[j] ?? 0)
      }
    } else {
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < units; j++) {
          const r = sigmoidOf((xs[(t * batch + b) * gates + units + j] ?? 0) + (p[b * pWidth + units + j] ?? 0))
          rh[b * units + j] = r * (h[b * units + j] ?? 0)
        }
      }
      candidateProduct(rh, 0, uCandidate, 0, q, 0, batch, units, units)
    }
    for (let b = 0; b < batch; b++) {
      const xRow = (t * batch + b) * gates
      const pRow = b * pWidth
      const row = (t * batch + b) * width
      for (let j = 0; j < units; j++) {
        const z = sigmoidOf((xs[xRow + j] ?? 0) + (p[pRow + j] ?? 0))
        const r = sigmoidOf((xs[xRow + units + j] ?? 0) + (p[pRow + units + j] ?? 0))
        const recurrent = resetAfter ? (p[pRow + 2 * units + j] ?? 0) : 0
        const candidate = Math.tanh((xs[xRow + 2 * units + j] ?? 0) + (resetAfter ? r * recurrent : (q[b * units + j] ?? 0)))
        const hj = z * (h[b * units + j] ?? 0) + (1 - z) * candidate
        out[row + j] = hj
        out[row + units + j] = z
        out[row + 2 * units + j] = r
        out[row + 3 * units + j] = candidate
        if (resetAfter) out[row + 4 * units + j] = recurrent
      }
    }
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < units; j++) h[b * units + j] = out[(t * batch + b) * width + j] ?? 0
    }
  }
  return unsafeTensor(out, [steps, batch, width])
}

/** Columns [from, from + count) of a row-major [rows, n] matrix, as a contiguous copy. */
const columnsOf = (m: ReadonlyFloat64Array, rows: number, n: number, from: number, count: number): Float64Array => {
  const out = new Float64Array(rows * count)
  for (let i = 0; i < rows; i++) out.set(m.subarray(i * n + from, i * n + from + count), i * count)
  return out
}

/** Its pullback from [g, y, ...inputs]: the cotangents of xs, U, (bRec,) h0, joined. */
const gruPullback = (inputs: readonly Tensor[], { reverse, resetAfter }: GruParams): Tensor => {
  const name = 'gruSequence.vjp'
  const gy = input(inputs, 0, name).data
  const y = input(inputs, 1, name).data
  const u = input(inputs, 3, name)
  const h0 = input(inputs, resetAfter ? 5 : 4, name).data
  const [steps = 0, batch = 0] = input(inputs, 1, name).shape
  const units = u.shape[0] ?? 0
  const gates = 3 * units
  const size = batch * units
  const width = gruColumns(resetAfter) * units
  const rows = steps * batch
  const xsSize = rows * gates
  const uSize = units * gates
  const biasSize = resetAfter ? gates : 0
  const out = allocate(xsSize + uSize + biasSize + size)
  const dx = out.subarray(0, xsSize)
  // The cotangent of what multiplies U at each step: hz (resetAfter) or [z, r] and h̃'s part.
  const pWidth = resetAfter ? gates : 2 * units
  const dp = new Float64Array(rows * pWidth)
  const dq = resetAfter ? dp : new Float64Array(rows * units)
  const hIn = new Float64Array(rows * units)
  const rhIn = resetAfter ? hIn : new Float64Array(rows * units)
  const uGates = resetAfter ? u.data : columnsOf(u.data, units, gates, 0, 2 * units)
  const uCandidate = resetAfter ? u.data : columnsOf(u.data, units, gates, 2 * units, units)
  const dh = new Float64Array(size)
  const dhDirect = new Float64Array(size)
  const dRh = new Float64Array(size)
  const back = matmulKernel('abt', batch, pWidth, units)
  const candidateBack = matmulKernel('abt', batch, units, units)
  for (let k = steps - 1; k >= 0; k--) {
    const t = stepAt(k, steps, reverse)
    const previous = k > 0 ? stepAt(k - 1, steps, reverse) : -1
    for (let b = 0; b < batch; b++) {
      const row = (t * batch + b) * width
      const xRow = (t * batch + b) * gates
      const pRow = (t * batch + b) * pWidth
      for (let j = 0; j < units; j++) {
        const s = b * units + j
        const hPrevious = previous < 0 ? (h0[s] ?? 0) : (y[(previous * batch + b) * width + j] ?? 0)
        hIn[(t * batch + b) * units + j] = hPrevious
        const z = y[row + units + j] ?? 0
        const r = y[row + 2 * units + j] ?? 0
        const candidate = y[row + 3 * units + j] ?? 0
        const dhj = (gy[row + j] ?? 0) + (dh[s] ?? 0)
        const dz = dhj * (hPrevious - candidate) + (gy[row + units + j] ?? 0)
        const dCandidate = dhj * (1 - z) + (gy[row + 3 * units + j] ?? 0)
        dhDirect[s] = dhj * z
        const dA = dCandidate * (1 - candidate * candidate)
        const dAz = dz * (z * (1 - z))
        dx[xRow + j] = dAz
        dx[xRow + 2 * units + j] = dA
        dp[pRow + j] = dAz
        if (resetAfter) {
          const recurrent = y[row + 4 * units + j] ?? 0
          const dAr = (dA * recurrent + (gy[row + 2 * units + j] ?? 0)) * (r * (1 - r))
          dx[xRow + units + j] = dAr
          dp[pRow + units + j] = dAr
          dp[pRow + 2 * units + j] = dA * r + (gy[row + 4 * units + j] ?? 0)
        } else {
          dq[(t * batch + b) * units + j] = dA
          rhIn[(t * batch + b) * units + j] = r * hPrevious
        }
      }
    }
    if (!resetAfter) {
      // d(r·h) = dA_h·U_hᵀ; then r's cotangent and h's share through r·h.
      candidateBack(dq, t * batch * units, uCandidate, 0, dRh, 0, batch, units, units)
      for (let b = 0; b < batch; b++) {
        const row = (t * batch + b) * width
        for (let j = 0; j < units; j++) {
          const s = b * units + j
          const r = y[row + 2 * units + j] ?? 0
          const hPrevious = hIn[(t * batch + b) * units + j] ?? 0
          const dAr = ((dRh[s] ?? 0) * hPrevious + (gy[row + 2 * units + j] ?? 0)) * (r * (1 - r))
          dx[(t * batch + b) * gates + units + j] = dAr
          dp[(t * batch + b) * pWidth + units + j] = dAr
          dhDirect[s] = (dhDirect[s] ?? 0) + (dRh[s] ?? 0) * r
        }
      }
    }
    // dh entering this step = the direct share + dp·U_pᵀ.
    back(dp, t * batch * pWidth, uGates, 0, dh, 0, batch, pWidth, units)
    for (let s = 0; s < size; s++) dh[s] = (dh[s] ?? 0) + (dhDirect[s] ?? 0)
  }
  // dU = Σ_t h_inᵀ·dp_t (and, without resetAfter, Σ_t (r·h)_inᵀ·dq_t for U_h), over all steps at once.
  const dGates = new Float64Array(units * pWidth)
  matmulKernel('atb', units, rows, pWidth)(hIn, 0, dp, 0, dGates, 0, units, rows, pWidth)
  if (resetAfter) out.set(dGates, xsSize)
  else {
    const dCandidate = new Float64Array(units * units)
    matmulKernel('atb', units, rows, units)(rhIn, 0, dq, 0, dCandidate, 0, units, rows, units)
    for (let i = 0; i < units; i++) {
      out.set(dGates.subarray(i * 2 * units, (i + 1) * 2 * units), xsSize + i * gates)
      out.set(dCandidate.subarray(i * units, (i + 1) * units), xsSize + i * gates + 2 * units)
    }
  }
  if (resetAfter) {
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < gates; j++) out[xsSize + uSize + j] = (out[xsSize + uSize + j] ?? 0) + (dp[r * gates + j] ?? 0)
    }
  }
  out.set(dh, xsSize + uSize + biasSize)
  return unsafeTensor(out, [xsSize + uSize + biasSize + size])
}

/**
 * The GRU recurrence with the ops, as a `scan`: the same output as {@link gruSequence}. With
 * `resetAfter`, `recurrentBias` is required.
 */
export const gruSequenceReference = (xs: Value, recurrentKernel: Value, recurrentBias: Value | undefined, h0: Value, { reverse = false, resetAfter = true }: GruSequenceOptions = {}): Value => {
  const units = shapeOf(h0)[1] ?? 0
  const rows = shapeOf(recurrentKernel)[0] ?? 0
  const consts = resetAfter
    ? { u: recurrentKernel, b: recurrentBias ?? T.zeros([3 * units]) }
    : { u: slice(recurrentKernel, [0, 0], [rows, 2 * units]), b: slice(recurrentKernel, [0, 2 * units], [rows, units]) }
  return scan(
    (h: Value, x: Value, k: { readonly u: Value; readonly b: Value }): readonly [Value, Value] => {
      if (resetAfter) {
        const hz = add(matmul(h, k.u), k.b)
        const z = sigmoid(add(columns(x, 0, units), columns(hz, 0, units)))
        const r = sigmoid(add(columns(x, 1, units), columns(hz, 1, units)))
        const recurrent = columns(hz, 2, units)
        const candidate = tanh(add(columns(x, 2, units), mul(r, recurrent)))
        const next = add(mul(z, h), mul(sub(1, z), candidate))
        return [next, concat([next, z, r, candidate, recurrent], -1)]
      }
      const hz = matmul(h, k.u)
      const z = sigmoid(add(columns(x, 0, units), columns(hz, 0, units)))
      const r = sigmoid(add(columns(x, 1, units), columns(hz, 1, units)))
      const candidate = tanh(add(columns(x, 2, units), matmul(mul(r, h), k.b)))
      const next = add(mul(z, h), mul(sub(1, z), candidate))
      return [next, concat([next, z, r, candidate], -1)]
    },
    h0,
    xs,
    consts,
    { reverse },
  )[1]
}

const gruPrimitive = fusedPrimitive<GruParams>({
  name: 'gruSequence',
  value: gruValue,
  pullback: gruPullback,
  reference: (inputs, p) => {
    const [xs = T.scalar(0), u = T.scalar(0)] = inputs
    return p.resetAfter
      ? gruSequenceReference(xs, u, inputs[2], inputs[3] ?? T.scalar(0), p)
      : gruSequenceReference(xs, u, undefined, inputs[2] ?? T.scalar(0), p)
  },
})

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * An LSTM's loop over time as one primitive. `xs` `[T, batch, 4·units]` holds every step's input
 * projection x_t·W + b (Keras's gate order i, f, c̃, o), `recurrentKernel` `[units, 4·units]`,
 * `h0` and `c0` `[batch, units]`. Per step: z = x_t + h·U; i, f, o = σ(z_i, z_f, z_o),
 * c̃ = tanh(z_c); c' = f·c + i·c̃; h' = o·tanh(c'). Returns `[T, batch, 6·units]`: row t holds
 * h_t, c_t and the gates i, f, c̃, o of step t (the gates are what the reverse rule reads).
 *
 * @example
 * ad.lstmSequence(T.zeros([2, 1, 4]), T.zeros([1, 4]), T.zeros([1, 1]), T.ones([1, 1]))  // [[[0.23105857863000487, 0.5, 0.5, 0.5, 0, 0.5]], [[0.12245933120185457, 0.25, 0.5, 0.5, 0, 0.5]]]
 * @throws {ShapeError} when the shapes do not fit together (the op and the shapes named)
 */
export function lstmSequence(xs: Tensor, recurrentKernel: Tensor, h0: Tensor, c0: Tensor, options?: RecurrenceOptions): Tensor
export function lstmSequence(xs: Value, recurrentKernel: Value, h0: Value, c0: Value, options?: RecurrenceOptions): Value
export function lstmSequence(xs: Value, recurrentKernel: Value, h0: Value, c0: Value, { reverse = false }: RecurrenceOptions = {}): Value {
  const shapes = [shapeOf(xs), shapeOf(recurrentKernel), shapeOf(h0), shapeOf(c0)]
  const [sx = [], su = [], sh = [], sc = []] = shapes
  const units = sh[1] ?? 0
  const batch = sh[0] ?? 0
  const fits =
    sx.length === 3 && (sx[0] ?? 0) >= 1 && sx[1] === batch && sx[2] === 4 * units && units >= 1 && batch >= 1 &&
    su.length === 2 && su[0] === units && su[1] === 4 * units && sh.length === 2 && T.shapesEqual(sh, sc)
  if (!fits) throw new T.ShapeError('lstmSequence', shapes, 'expected xs [T, batch, 4·units], recurrentKernel [units, 4·units], h0 and c0 [batch, units] with T, batch, units ≥ 1')
  return applyFused(lstmPrimitive, [xs, recurrentKernel, h0, c0], { reverse })
}

/**
 * A SimpleRNN's loop over time as one primitive: h' = tanh(x_t + h·U) with `xs` `[T, batch, units]`
 * holding every step's x_t·W + b, `recurrentKernel` `[units, units]`, `h0` `[batch, units]`.
 * Returns every h_t, `[T, batch, units]` (row t = step t).
 *
 * @example
 * ad.simpleRnnSequence(T.ones([2, 1, 1]), T.tensor([[0.5]]), T.zeros([1, 1]))  // [[[0.7615941559557649]], [[0.8811296283442258]]]
 * @throws {ShapeError} when the shapes do not fit together (the op and the shapes named)
 */
export function simpleRnnSequence(xs: Tensor, recurrentKernel: Tensor, h0: Tensor, options?: RecurrenceOptions): Tensor
export function simpleRnnSequence(xs: Value, recurrentKernel: Value, h0: Value, options?: RecurrenceOptions): Value
export function simpleRnnSequence(xs: Value, recurrentKernel: Value, h0: Value, { reverse = false }: RecurrenceOptions = {}): Value {
  const shapes = [shapeOf(xs), shapeOf(recurrentKernel), shapeOf(h0)]
  const [sx = [], su = [], sh = []] = shapes
  const [batch = 0, units = 0] = sh
  const fits = sh.length === 2 && batch >= 1 && units >= 1 && sx.length === 3 && (sx[0] ?? 0) >= 1 && sx[1] === batch && sx[2] === units && T.shapesEqual(su, [units, units])
  if (!fits) throw new T.ShapeError('simpleRnnSequence', shapes, 'expected xs [T, batch, units], recurrentKernel [units, units], h0 [batch, units] with T, batch, units ≥ 1')
  return applyFused(simplePrimitive, [xs, recurrentKernel, h0], { reverse })
}

/** Options of {@link gruSequence}. */
export interface GruSequenceOptions extends RecurrenceOptions {
  /** Keras's default (true): the reset gate applies after the recurrent product, which has its own bias. */
  readonly resetAfter?: boolean
}

/**
 * A GRU's loop over time as one primitive (Keras's gate order z, r, h̃). `xs` `[T, batch, 3·units]`
 * holds every step's x_t·W + b, `recurrentKernel` `[units, 3·units]`, `h0` `[batch, units]`. With
 * `resetAfter` (default) `recurrentBias` `[3·units]` is added to h·U and h̃ = tanh(x_h + r·(h·U_h +
 * b_h)); without it, `recurrentBias` must be undefined and h̃ = tanh(x_h + (r·h)·U_h).
 * h' = z·h + (1 − z)·h̃. Returns `[T, batch, c·units]`: row t holds h_t, z, r, h̃ and, with
 * `resetAfter`, h·U_h + b_h of step t (c = 5, else 4; what the reverse rule reads).
 *
 * @example
 * ad.gruSequence(T.zeros([1, 1, 3]), T.zeros([1, 3]), T.zeros([3]), T.ones([1, 1]))  // [[[0.5, 0.5, 0.5, 0, 0]]]
 * @throws {ShapeError} when the shapes do not fit together or the bias does not match `resetAfter`
 */
export function gruSequence(xs: Tensor, recurrentKernel: Tensor, recurrentBias: Tensor | undefined, h0: Tensor, options?: GruSequenceOptions): Tensor
export function gruSequence(xs: Value, recurrentKernel: Value, recurrentBias: Value | undefined, h0: Value, options?: GruSequenceOptions): Value
export function gruSequence(xs: Value, recurrentKernel: Value, recurrentBias: Value | undefined, h0: Value, { reverse = false, resetAfter = true }: GruSequenceOptions = {}): Value {
  const shapes = [shapeOf(xs), shapeOf(recurrentKernel), ...(recurrentBias === undefined ? [] : [shapeOf(recurrentBias)]), shapeOf(h0)]
  const sx = shapeOf(xs)
  const sh = shapeOf(h0)
  const [batch = 0, units = 0] = sh
  const fits =
    sh.length === 2 && batch >= 1 && units >= 1 && sx.length === 3 && (sx[0] ?? 0) >= 1 && sx[1] === batch && sx[2] === 3 * units &&
    T.shapesEqual(shapeOf(recurrentKernel), [units, 3 * units]) &&
    (resetAfter ? recurrentBias !== undefined && T.shapesEqual(shapeOf(recurrentBias), [3 * units]) : recurrentBias === undefined)
  if (!fits) {
    throw new T.ShapeError('gruSequence', shapes, `expected xs [T, batch, 3·units], recurrentKernel [units, 3·units], ${resetAfter ? 'recurrentBias [3·units]' : 'no recurrentBias (resetAfter false)'}, h0 [batch, units] with T, batch, units ≥ 1`)
  }
  const args = recurrentBias === undefined ? [xs, recurrentKernel, h0] : [xs, recurrentKernel, recurrentBias, h0]
  return applyFused(gruPrimitive, args, { reverse, resetAfter })
}
