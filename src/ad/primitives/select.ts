/**
 * Selection and comparison: `where` and `clip` (differentiable in their data inputs) and the
 * comparisons, which return constant 0/1 masks (a mask has no derivative).
 */
import * as T from '../../tensor/index.js'
import type { Tensor } from '../../tensor/index.js'
import { isDual, primalTensor, shapeOf, type Operand, type Value } from '../Dual.js'
import { arg, bind, toValue, unaryOverloads, type Primitive } from '../primitive.js'
import { broadcastTo, sumTo } from './shape.js'
import { mulStrongZero } from './binary.js'

// ─── primitives ─────────────────────────────────────────────────────────────────────────────────

/** where(condition, a, b): the condition is a constant parameter; a and b are differentiated. */
const wherePrimitive: Primitive<Tensor> = {
  name: 'where',
  value: (inputs, condition) => {
    const [a, b] = inputs
    if (a === undefined || b === undefined) throw new T.ArgumentError('where', 'expected two inputs')
    return T.where(condition, a, b)
  },
  vjp: (g, inputs, _y, condition, wanted) => {
    const a = arg(inputs, 0, 'where')
    const b = arg(inputs, 1, 'where')
    const zero = T.scalar(0)
    return [
      wanted[0] === true ? sumTo(where(condition, g, zero), shapeOf(a)) : undefined,
      wanted[1] === true ? sumTo(where(condition, zero, g), shapeOf(b)) : undefined,
    ]
  },
  jvp: ([ta, tb], _inputs, y, condition) => {
    const zero = T.zeros(shapeOf(y))
    const t = where(condition, ta ?? zero, tb ?? zero)
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
  vjp: (g, inputs, _y, bounds) => [mulStrongZero(g, insideMask(arg(inputs, 0, 'clip'), bounds))],
  jvp: ([t], inputs, y, bounds) => (t === undefined ? T.zeros(shapeOf(y)) : mulStrongZero(t, insideMask(arg(inputs, 0, 'clip'), bounds))),
}

const insideMask = (x: Value, { min, max }: ClipParams): Tensor =>
  T.map(primalTensor(x), (v) => (v >= min && v <= max ? 1 : 0))

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
  const mask = primalTensor(condition)
  const x = toValue(a)
  const y = toValue(b)
  return isDual(x) || isDual(y) ? bind(wherePrimitive, [x, y], mask) : T.where(mask, x, y)
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

const comparison =
  (kernel: (a: Tensor, b: Tensor) => Tensor) =>
  (a: Operand, b: Operand): Tensor =>
    kernel(primalTensor(toValue(a)), primalTensor(toValue(b)))

/** 1 where a = b, else 0 (a constant mask). */
export const equal = comparison(T.equal)
/** 1 where a ≠ b, else 0. */
export const notEqual = comparison(T.notEqual)
/** 1 where a < b, else 0. */
export const less = comparison(T.less)
/** 1 where a ≤ b, else 0. */
export const lessEqual = comparison(T.lessEqual)
/** 1 where a > b, else 0. */
export const greater = comparison(T.greater)
/** 1 where a ≥ b, else 0. */
export const greaterEqual = comparison(T.greaterEqual)
