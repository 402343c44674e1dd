/**
 * `lstmSequence`: an LSTM layer's loop over time as one fused primitive (see ./fused.ts), its
 * kernels (forward; back through time from the stored gates) and its reference, a `scan` of the ops.
 */
import * as T from '../../tensor/index.js'
import type { Shape, Tensor } from '../../tensor/index.js'
import { allocate, matmulKernel, unsafeTensor } from '../../tensor/internal.js'
import { shapeOf, type Value } from '../Dual.js'
import { input } from '../primitive.js'
import { add, mul } from '../primitives/binary.js'
import { matmul } from '../primitives/matmul.js'
import { concat } from '../primitives/shape.js'
import { sigmoid, tanh } from '../primitives/unary.js'
import { scan } from '../scan.js'
import { applyFused, columns, fusedPrimitive, sigmoidOf, stepAt, type RecurrenceOptions, type RecurrenceParams } from './fused.js'

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/**
 * Columns of an LSTM step's output row, in units: h, c, i, f, c̃, o and tanh(c) (kept for the
 * pullback: tanh is the dearest operation of the loop).
 */
const LSTM_COLUMNS = 7

/** T, batch and units, from xs `[T, batch, 4·units]`. */
interface LstmDims {
  readonly steps: number
  readonly batch: number
  readonly units: number
}

const lstmDims = (xs: Shape): LstmDims => ({ steps: xs[0] ?? 0, batch: xs[1] ?? 0, units: (xs[2] ?? 0) / 4 })

/** The forward loop: out [T, B, 7u], per row h, c, i, f, c̃, o, tanh(c). */
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
        const tc = Math.tanh(c)
        const hj = o * tc
        out[row + j] = hj
        out[row + units + j] = c
        out[row + 2 * units + j] = i
        out[row + 3 * units + j] = f
        out[row + 4 * units + j] = g
        out[row + 5 * units + j] = o
        out[row + 6 * units + j] = tc
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
        const tc = y[row + 6 * units + j] ?? 0
        const dhj = (gy[row + j] ?? 0) + (dh[s] ?? 0)
        const dcj = (gy[row + units + j] ?? 0) + (dc[s] ?? 0) + (dhj * o + (gy[row + 6 * units + j] ?? 0)) * (1 - tc * tc)
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
      const tc = tanh(cNext)
      const hNext = mul(o, tc)
      return [[hNext, cNext], concat([hNext, cNext, i, f, g, o, tc], -1)]
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

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * An LSTM's loop over time as one primitive. `xs` `[T, batch, 4·units]` holds every step's input
 * projection x_t·W + b (Keras's gate order i, f, c̃, o), `recurrentKernel` `[units, 4·units]`,
 * `h0` and `c0` `[batch, units]`. Per step: z = x_t + h·U; i, f, o = σ(z_i, z_f, z_o),
 * c̃ = tanh(z_c); c' = f·c + i·c̃; h' = o·tanh(c'). Returns `[T, batch, 7·units]`: row t holds
 * h_t, c_t, the gates i, f, c̃, o and tanh(c_t) of step t (what the reverse rule reads).
 *
 * @example
 * ad.lstmSequence(T.zeros([2, 1, 4]), T.zeros([1, 4]), T.zeros([1, 1]), T.ones([1, 1]))  // [[[0.23105857863000487, 0.5, 0.5, 0.5, 0, 0.5, 0.46211715726000974]], [[0.12245933120185457, 0.25, 0.5, 0.5, 0, 0.5, 0.24491866240370913]]]
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
