/**
 * Selection and comparison: `where` and `clip` (differentiable in their data inputs) and the
 * comparisons, which return constant 0/1 masks (a mask has no derivative).
 */
import * as T from '../../tensor/index.js'
import { elementwiseKernels as K } from '../../tensor/internal.js'
import type { Tensor } from '../../tensor/index.js'
import { belowDifferentiation, isDual, shapeOf, type Operand, type Value } from '../Dual.js'
import { arg, binaryOverloads, bind, constantOp, input, toValue, unaryOverloads, type BinaryOp, type Primitive } from '../primitive.js'
import { broadcastTo, sumTo } from './shape.js'
import { mulStrongZero } from './binary.js'

// ─── primitives ─────────────────────────────────────────────────────────────────────────────────

/**
 * where(condition, a, b): the condition is a constant input (never differentiated; under `jit` it
 * may be a traced mask); a and b are differentiated.
 */
const wherePrimitive: Primitive<void> = {
  name: 'where',
  value: (inputs) => T.where(input(inputs, 0, 'where'), input(inputs, 1, 'where'), input(inputs, 2, 'where')),
  vjp: (g, inputs, _y, _p, wanted) => {
    const condition = arg(inputs, 0, 'where')
    const a = arg(inputs, 1, 'where')
    const b = arg(inputs, 2, 'where')
    const zero = T.scalar(0)
    return [
      undefined,
      wanted[1] === true ? sumTo(where(condition, g, zero), shapeOf(a)) : undefined,
      wanted[2] === true ? sumTo(where(condition, zero, g), shapeOf(b)) : undefined,
    ]
  },
  jvp: ([, ta, tb], inputs, y) => {
    const zero = T.zeros(shapeOf(y))
    const t = where(arg(inputs, 0, 'where'), ta ?? zero, tb ?? zero)
    return T.shapesEqual(shapeOf(t), shapeOf(y)) ? t : broadcastTo(t, shapeOf(y))
  },
}

interface ClipParams {
  readonly min: number
  readonly max: number
}

/**
 * clip(x, min, max); the gradient passes (is 1) for min ≤ x ≤ max, bounds included, and is exactly
 * 0 outside, whatever the incoming cotangent (a strong-zero product: ∞·0 = 0).
 */
const clipPrimitive: Primitive<ClipParams> = {
  name: 'clip',
  value: ([x], { min, max }) => T.clip(x ?? T.scalar(0), min, max),
  // For jit: the clip kernel's loop into the plan's buffer.
  specialize: (_shapes, { min, max }) => (ins, out) => {
    const x = ins[0]
    if (x !== undefined) K.clipLoop(x, min, max, out)
  },
  vjp: (g, inputs, _y, bounds) => [mulStrongZero(g, insideMask(arg(inputs, 0, 'clip'), bounds))],
  jvp: ([t], inputs, y, bounds) => (t === undefined ? T.zeros(shapeOf(y)) : mulStrongZero(t, insideMask(arg(inputs, 0, 'clip'), bounds))),
}

const inside = (v: number, { min, max }: ClipParams): number => (v >= min && v <= max ? 1 : 0)
const insideMaskOp = constantOp(
  'clip.mask',
  (xs: readonly Tensor[], bounds: ClipParams) => T.map(input(xs, 0, 'clip'), (v) => inside(v, bounds)),
  (_shapes, bounds) => (ins, out) => {
    const x = ins[0]
    if (x === undefined) return
    for (let i = 0; i < out.length; i++) out[i] = inside(x[i] ?? 0, bounds)
  },
)
const insideMask = (x: Value, bounds: ClipParams): Value => insideMaskOp([x], bounds)

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Element-wise choice: a where the condition is non-zero, b elsewhere (three-way broadcasting).
 * The condition is taken as a constant. The branch not selected gets exactly 0 cotangent and 0
 * tangent, even where its own derivative is infinite: `where(greater(x, 0), log(x), 0)` has
 * gradient 0 at x = 0, not NaN (the exact-zeros rule, see primitive.ts).
 *
 * @example
 * grad((x) => sum(where(greater(x, 0), log(x), 0)))(tensor([-1, 100, 0]))  // [0, 0.01, 0]
 */
export function where(condition: Tensor, a: Tensor | number, b: Tensor | number): Tensor
export function where(condition: Value, a: Operand, b: Operand): Value
export function where(condition: Value, a: Operand, b: Operand): Value {
  const mask = belowDifferentiation(condition)
  const x = toValue(a)
  const y = toValue(b)
  return isDual(mask) || isDual(x) || isDual(y) ? bind(wherePrimitive, [mask, x, y], undefined) : T.where(mask, x, y)
}

const clipOp = (x: Value, min: number, max: number): Value => {
  if (isDual(x)) {
    T.clip(T.scalar(0), min, max) // validates the bounds before recording
    return bind(clipPrimitive, [x], { min, max })
  }
  return T.clip(x, min, max)
}

/** Clamps x to [min, max]; the gradient is 1 inside the bounds (bounds included), 0 outside. */
export const clip = unaryOverloads(clipOp)

/**
 * A comparison: a constant mask of two operands (no derivative). Plain tensors in, a plain tensor
 * out (constantOp runs the kernel directly on them); under `jit` the mask is a traced Value.
 */
const comparison = (name: string, kernel: (a: Tensor, b: Tensor) => Tensor): BinaryOp => {
  const op = constantOp(name, (ab: readonly Tensor[]) => kernel(input(ab, 0, name), input(ab, 1, name)))
  return binaryOverloads((a: Operand, b: Operand): Value => op([toValue(a), toValue(b)], undefined))
}

/** 1 where a = b, else 0 (a constant mask). */
export const equal = comparison('equal', T.equal)
/** 1 where a ≠ b, else 0. */
export const notEqual = comparison('notEqual', T.notEqual)
/** 1 where a < b, else 0. */
export const less = comparison('less', T.less)
/** 1 where a ≤ b, else 0. */
export const lessEqual = comparison('lessEqual', T.lessEqual)
/** 1 where a > b, else 0. */
export const greater = comparison('greater', T.greater)
/** 1 where a ≥ b, else 0. */
export const greaterEqual = comparison('greaterEqual', T.greaterEqual)
