/**
 * `gruSequence`: a GRU layer's loop over time as one fused primitive (see ./fused.ts), with
 * Keras's two forms (`resetAfter` true and false), its kernels and its reference, a `scan` of the ops.
 */
import * as T from '../../tensor/index.js'
import type { Tensor } from '../../tensor/index.js'
import { allocate, matmulKernel, unsafeTensor } from '../../tensor/internal.js'
import { shapeOf, type Value } from '../Dual.js'
import { input } from '../primitive.js'
import { add, mul, sub } from '../primitives/binary.js'
import { matmul } from '../primitives/matmul.js'
import { concat, slice } from '../primitives/shape.js'
import { sigmoid, tanh } from '../primitives/unary.js'
import { scan } from '../scan.js'
import { applyFused, columns, columnsOf, fusedPrimitive, sigmoidOf, stepAt, type RecurrenceOptions, type RecurrenceParams } from './fused.js'

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

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
