/**
 * Fused recurrences: the whole time loop of a recurrent layer as ONE primitive (`lstmSequence`,
 * `gruSequence`, `simpleRnnSequence`; this file holds what they share), whose
 * output keeps what its reverse rule needs (the residuals of every step), so that a training step
 * runs the recurrence once forwards and once backwards.
 *
 * `scan` is the general fold; its reverse rule cannot keep residuals (a primitive's rules see its
 * inputs and its output only) and so runs the body again, with Duals, inside its backward loop.
 * A fused recurrence states the residuals as part of its output instead: per step t the output row
 * holds the new state AND what the step's derivative needs (an LSTM's c, gates i, f, c̃, o and
 * tanh(c); a GRU's z, r, h̃ and, with resetAfter, h·U_h + b_h). The rules:
 *
 * - value: per step one product h·U (into a scratch buffer, on the WebAssembly kernels from 512
 *   multiply–adds) and one loop over the gates. Its bits are those of the same recurrence written
 *   with the ops (the cell's reference, a `scan`): same operations, same order.
 * - vjp, first order (nothing differentiates the pullback — the case of training): one kernel
 *   (a `constantOp`, so `jit` records it) runs back through time from the stored gates, with one
 *   product dz·Uᵀ per step; the recurrent kernel's cotangent is ONE product Hᵀ·DZ over all steps.
 *   A cotangent on any column of the output (gates included) is taken into account, so the rule is
 *   the exact vjp of the output as stated. Its products are plain IEEE products, as the matmul
 *   rules' are: for finite inputs it agrees with the reference, but with an infinite input or state
 *   a zero cotangent times ∞ gives NaN where the reference's element-wise rules give 0 (the strong
 *   zero of `mulStrongZero`).
 * - vjp under an outer differentiation, and jvp: the rules of the reference (`scan` of the ops),
 *   so `grad` of `grad` and `jvp` of `grad` work, and the laws compare the fused kernel with an
 *   independent derivation.
 */
import * as T from '../../tensor/index.js'
import type { ReadonlyFloat64Array, Shape, Tensor } from '../../tensor/index.js'
import { allocate, unsafeTensor } from '../../tensor/internal.js'
import { isDual, isUndifferentiated, shapeOf, type Value } from '../Dual.js'
import { jvp } from '../forward.js'
import { bind, constantOp, input, type Primitive } from '../primitive.js'
import { slice } from '../primitives/shape.js'
import { vjp } from '../reverse.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of the fused recurrences. */
export interface RecurrenceOptions {
  /** Run from the last step to the first (default false); row t still belongs to step t. */
  readonly reverse?: boolean
}

/** The primitives' parameters (the options with their defaults filled in). */
export interface RecurrenceParams {
  readonly reverse: boolean
}

// ─── internal: the primitive from its kernels and its reference ─────────────────────────────────

/** What a fused recurrence states: its forward kernel, its first-order pullback kernel, its reference. */
export interface FusedSpec<P> {
  readonly name: string
  readonly value: (inputs: readonly Tensor[], params: P) => Tensor
  /** From [cotangent, output, ...inputs]: the cotangents of all inputs, flattened and joined in order. */
  readonly pullback: (inputs: readonly Tensor[], params: P) => Tensor
  /** The same function written with the ops (a `scan`). */
  readonly reference: (inputs: readonly Value[], params: P) => Value
}

/**
 * The primitive from its kernels: the forward kernel as its value; as its vjp, the pullback kernel
 * (a `constantOp`) when nothing differentiates the pullback, the reference's pullback otherwise;
 * as its jvp, the reference's.
 */
export const fusedPrimitive = <P>({ name, value, pullback, reference }: FusedSpec<P>): Primitive<P> => {
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
          const part = wanted[i] === true ? partOp([packed], { offset, shape }) : undefined
          offset += T.sizeOf(shape)
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

/**
 * Entries [offset, offset + size) of a packed cotangent, as a tensor of `shape`: one copy (a slice
 * and a reshape would make two). A constant of every differentiation, like the pullback kernel
 * whose result it cuts.
 */
const partOp = constantOp('recurrence.vjp.part', (inputs: readonly Tensor[], { offset, shape }: { readonly offset: number; readonly shape: Shape }): Tensor => {
  const packed = input(inputs, 0, 'recurrence.vjp.part').data
  const out = allocate(T.sizeOf(shape))
  for (let i = 0; i < out.length; i++) out[i] = packed[offset + i] ?? 0
  return unsafeTensor(out, Object.freeze([...shape]))
})

/** Applies a fused primitive: the kernel on tensors, `bind` when a Dual is among the inputs. */
export const applyFused = <P>(primitive: Primitive<P>, args: readonly Value[], params: P): Value =>
  args.some(isDual) ? bind(primitive, args, params) : primitive.value(args.filter(T.isTensor), params)

// ─── internal: shared by the kernels and references ─────────────────────────────────────────────

/** σ(v), the operations of the sigmoid kernel (`sigmoidLoop`), so that the bits agree. */
export const sigmoidOf = (v: number): number => {
  if (v >= 0) return 1 / (1 + Math.exp(-v))
  const e = Math.exp(v)
  return e / (1 + e)
}

/** Step t of the k-th iteration (k = 0 is the first step run). */
export const stepAt = (k: number, steps: number, reverse: boolean): number => (reverse ? steps - 1 - k : k)

/** Columns [k·units, (k+1)·units) of a [batch, n] value. */
export const columns = (z: Value, k: number, units: number): Value => slice(z, [0, k * units], [shapeOf(z)[0] ?? 0, units])

/** Columns [from, from + count) of a row-major [rows, n] matrix, as a contiguous copy. */
export const columnsOf = (m: ReadonlyFloat64Array, rows: number, n: number, from: number, count: number): Float64Array => {
  const out = new Float64Array(rows * count)
  for (let i = 0; i < rows; i++) out.set(m.subarray(i * n + from, i * n + from + count), i * count)
  return out
}

