/**
 * `simpleRnnSequence`: a SimpleRNN layer's loop over time as one fused primitive (see ./fused.ts),
 * its kernels and its reference, a `scan` of the ops.
 */
import * as T from '../../tensor/index.js'
import type { Tensor } from '../../tensor/index.js'
import { allocate, matmulKernel, unsafeTensor } from '../../tensor/internal.js'
import { shapeOf, type Value } from '../Dual.js'
import { input } from '../primitive.js'
import { add } from '../primitives/binary.js'
import { matmul } from '../primitives/matmul.js'
import { tanh } from '../primitives/unary.js'
import { scan } from '../scan.js'
import { applyFused, fusedPrimitive, stepAt, type RecurrenceOptions, type RecurrenceParams } from './fused.js'

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

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

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

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
