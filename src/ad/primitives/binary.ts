/**
 * Element-wise primitives of two inputs, with NumPy broadcasting. Every pullback sums the cotangent
 * back over the broadcast axes (`sumTo`), so gradients always have their input's shape.
 */
import * as T from '../../tensor/index.js'
import type { Shape } from '../../tensor/index.js'
import { primalTensor, shapeOf, type Value } from '../Dual.js'
import { elementwiseKernels as K } from '../../tensor/internal.js'
import { arg, binaryOp, constantOp, input, type Primitive, type SpecializedKernel } from '../primitive.js'
import { log, neg, reciprocal } from './unary.js'
import { broadcastTo, sumTo } from './shape.js'
import { where } from './select.js'

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** The cotangent of an input of shape `shape`, or undefined when that input is a constant. */
const reduced = (wanted: boolean | undefined, g: () => Value, shape: Shape): Value | undefined =>
  wanted === true ? sumTo(g(), shape) : undefined

/** Sum of the defined tangents, broadcast to the output's shape. */
const tangentSum = (terms: readonly (Value | undefined)[], output: Value): Value => {
  let total: Value | undefined
  for (const t of terms) if (t !== undefined) total = total === undefined ? t : add(total, t)
  const shape = shapeOf(output)
  if (total === undefined) return T.zeros(shape)
  return T.shapesEqual(shapeOf(total), shape) ? total : broadcastTo(total, shape)
}

/**
 * For `jit`: the broadcasting driver's choice of inner loop made once for fixed shapes (equal
 * sizes, a scalar on either side, or one operand a trailing block of the other), the same loop
 * then writing into the plan's buffer. Other broadcasts replay through the kernel.
 */
const specializeLoops =
  (loops: K.BinaryLoops) =>
  (shapes: readonly Shape[]): SpecializedKernel | undefined => {
    const [sa, sb] = shapes
    if (sa === undefined || sb === undefined) return undefined
    const n = T.sizeOf(T.broadcastShapes('jit', sa, sb))
    const na = T.sizeOf(sa)
    const nb = T.sizeOf(sb)
    if (n === 0) return undefined
    if (na === n && nb === n) {
      return (ins, out) => {
        const x = ins[0]
        const y = ins[1]
        if (x !== undefined && y !== undefined) loops.vv(out, 0, x, 0, y, 0, n)
      }
    }
    if (nb === 1) {
      return (ins, out) => {
        const x = ins[0]
        const y = ins[1]
        if (x !== undefined && y !== undefined) loops.vs(out, 0, x, 0, y[0] ?? 0, n)
      }
    }
    if (na === 1) {
      return (ins, out) => {
        const x = ins[0]
        const y = ins[1]
        if (x !== undefined && y !== undefined) loops.sv(out, 0, x[0] ?? 0, y, 0, n)
      }
    }
    return undefined
  }

const binaryPrimitive = (
  name: string,
  kernel: (a: T.Tensor, b: T.Tensor) => T.Tensor,
  rules: Pick<Primitive<void>, 'vjp' | 'jvp'>,
  loops?: K.BinaryLoops,
  element?: (a: number, b: number) => number,
): Primitive<void> => ({
  name,
  value: (inputs) => kernel(input(inputs, 0, name), input(inputs, 1, name)),
  ...rules,
  ...(loops === undefined ? {} : { specialize: specializeLoops(loops) }),
  // The element the kernel's loops call on every broadcast path (jit's exact fusion calls it too).
  ...(element === undefined ? {} : { element: () => element }),
})

// ─── primitives ─────────────────────────────────────────────────────────────────────────────────

/** Addition with broadcasting. */
export const addPrimitive: Primitive<void> = binaryPrimitive('add', T.add, {
  vjp: (g, inputs, _y, _p, wanted) => [
    reduced(wanted[0], () => g, shapeOf(arg(inputs, 0, 'add'))),
    reduced(wanted[1], () => g, shapeOf(arg(inputs, 1, 'add'))),
  ],
  jvp: ([ta, tb], _inputs, y) => tangentSum([ta, tb], y),
}, K.addLoops, K.addElement)

/** Subtraction with broadcasting. */
export const subPrimitive: Primitive<void> = binaryPrimitive('sub', T.sub, {
  vjp: (g, inputs, _y, _p, wanted) => [
    reduced(wanted[0], () => g, shapeOf(arg(inputs, 0, 'sub'))),
    reduced(wanted[1], () => neg(g), shapeOf(arg(inputs, 1, 'sub'))),
  ],
  jvp: ([ta, tb], _inputs, y) => tangentSum([ta, tb === undefined ? undefined : neg(tb)], y),
}, K.subLoops, K.subElement)

/** Multiplication with broadcasting. */
export const mulPrimitive: Primitive<void> = binaryPrimitive('mul', T.mul, {
  vjp: (g, inputs, _y, _p, wanted) => {
    const a = arg(inputs, 0, 'mul')
    const b = arg(inputs, 1, 'mul')
    return [reduced(wanted[0], () => mulStrongZero(g, b), shapeOf(a)), reduced(wanted[1], () => mulStrongZero(g, a), shapeOf(b))]
  },
  jvp: ([ta, tb], [a, b], y) =>
    tangentSum(
      [ta === undefined || b === undefined ? undefined : mulStrongZero(ta, b), tb === undefined || a === undefined ? undefined : mulStrongZero(tb, a)],
      y,
    ),
}, K.mulLoops, K.mulElement)

/**
 * a·b with a strong zero (0·∞ = 0·NaN = 0), the product every rule uses to scale a cotangent or
 * tangent by a local derivative. Its own rules are mul's, written with itself.
 */
export const mulStrongZeroPrimitive: Primitive<void> = binaryPrimitive('mulStrongZero', T.mulStrongZero, {
  vjp: (g, inputs, _y, _p, wanted) => {
    const a = arg(inputs, 0, 'mulStrongZero')
    const b = arg(inputs, 1, 'mulStrongZero')
    return [reduced(wanted[0], () => mulStrongZero(g, b), shapeOf(a)), reduced(wanted[1], () => mulStrongZero(g, a), shapeOf(b))]
  },
  jvp: ([ta, tb], [a, b], y) =>
    tangentSum(
      [ta === undefined || b === undefined ? undefined : mulStrongZero(ta, b), tb === undefined || a === undefined ? undefined : mulStrongZero(tb, a)],
      y,
    ),
}, K.mulStrongZeroLoops, K.strongZero)

/** Division with broadcasting: d(a/b) = da·(1/b) − db·(a/b)/b, each a strong-zero product. */
export const divPrimitive: Primitive<void> = binaryPrimitive('div', T.div, {
  vjp: (g, inputs, y, _p, wanted) => {
    const a = arg(inputs, 0, 'div')
    const b = arg(inputs, 1, 'div')
    return [reduced(wanted[0], () => mulStrongZero(g, reciprocal(b)), shapeOf(a)), reduced(wanted[1], () => mulStrongZero(g, neg(div(y, b))), shapeOf(b))]
  },
  jvp: ([ta, tb], [, b], y) =>
    b === undefined
      ? tangentSum([], y)
      : tangentSum([ta === undefined ? undefined : mulStrongZero(ta, reciprocal(b)), tb === undefined ? undefined : mulStrongZero(tb, neg(div(y, b)))], y),
}, K.divLoops, K.divElement)

/**
 * Power a^b with broadcasting. ∂/∂a = b·a^(b−1); ∂/∂b = a^b·ln a, taken as 0 where a ≤ 0 (where
 * ln a is not real; for a = 0 and b > 0 this is the limit).
 */
export const powPrimitive: Primitive<void> = binaryPrimitive('pow', T.pow, {
  vjp: (g, inputs, y, _p, wanted) => {
    const a = arg(inputs, 0, 'pow')
    const b = arg(inputs, 1, 'pow')
    return [reduced(wanted[0], () => mulStrongZero(g, dPowDa(a, b)), shapeOf(a)), reduced(wanted[1], () => mulStrongZero(g, dPowDb(a, y)), shapeOf(b))]
  },
  jvp: ([ta, tb], [a, b], y) =>
    a === undefined || b === undefined
      ? tangentSum([], y)
      : tangentSum([ta === undefined ? undefined : mulStrongZero(ta, dPowDa(a, b)), tb === undefined ? undefined : mulStrongZero(tb, dPowDb(a, y))], y),
  // T.pow's loops call Math.pow per element (closureLoops).
}, undefined, Math.pow)

const dPowDa = (a: Value, b: Value): Value => mul(b, pow(a, sub(b, 1)))
const positiveBase = constantOp('pow.positive', (xs: readonly T.Tensor[]) => T.greater(input(xs, 0, 'pow'), T.scalar(0)))
const dPowDb = (a: Value, y: Value): Value => {
  const positive = positiveBase([a], undefined)
  return where(positive, mul(y, log(where(positive, a, 1))), 0)
}

/**
 * Share of the gradient that goes to `a` in maximum/minimum: 1 where a wins, 0 where b wins, and
 * ½ on ties (the gradient is split evenly; NaN inputs send it all to b).
 */
const winnerShareOp = (name: string, better: (x: number, y: number) => boolean): ((a: Value, b: Value) => Value) => {
  const op = constantOp(`${name}.share`, (ab: readonly T.Tensor[]) =>
    T.map2(name, input(ab, 0, name), input(ab, 1, name), (x, y) => (x === y ? 0.5 : better(x, y) ? 1 : 0)),
  )
  return (a, b) => op([a, b], undefined)
}
const loserShare = constantOp('share.complement', (xs: readonly T.Tensor[]) => T.sub(T.scalar(1), input(xs, 0, 'share')))

const selectPrimitive = (name: string, kernel: typeof T.maximum, better: (x: number, y: number) => boolean): Primitive<void> => {
  const shareOf = winnerShareOp(name, better)
  return binaryPrimitive(name, kernel, {
    vjp: (g, inputs, _y, _p, wanted) => {
      const a = arg(inputs, 0, name)
      const b = arg(inputs, 1, name)
      const share = shareOf(a, b)
      return [
        reduced(wanted[0], () => mulStrongZero(g, share), shapeOf(a)),
        reduced(wanted[1], () => mulStrongZero(g, loserShare([share], undefined)), shapeOf(b)),
      ]
    },
    jvp: ([ta, tb], [a, b], y) => {
      if (a === undefined || b === undefined) return tangentSum([], y)
      const share = shareOf(a, b)
      return tangentSum([ta === undefined ? undefined : mulStrongZero(ta, share), tb === undefined ? undefined : mulStrongZero(tb, loserShare([share], undefined))], y)
    },
  })
}

/** Element-wise maximum; ties split the gradient evenly. */
export const maximumPrimitive = selectPrimitive('maximum', T.maximum, (x, y) => x > y)
/** Element-wise minimum; ties split the gradient evenly. */
export const minimumPrimitive = selectPrimitive('minimum', T.minimum, (x, y) => x < y)

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

const none = (): void => undefined

/**
 * a + b, element-wise with broadcasting; tensors, Duals or numbers.
 *
 * @example
 * add(tensor([1, 2]), 10)  // [11, 12]
 */
export const add = binaryOp(addPrimitive, T.add, none)
/** a − b, element-wise with broadcasting. */
export const sub = binaryOp(subPrimitive, T.sub, none)
/**
 * a · b, element-wise with broadcasting.
 *
 * @example
 * mul(tensor([[1, 2], [3, 4]]), tensor([10, 100]))  // [[10, 200], [30, 400]]
 * grad((x) => sum(mul(x, 3)))(tensor([1, 2]))         // [3, 3]
 */
export const mul = binaryOp(mulPrimitive, T.mul, none)
/**
 * a·b with a strong zero: a zero factor on either side gives exactly 0, even against ±∞ or NaN
 * (IEEE gives NaN); every other product is IEEE's. This is the product the derivative rules use
 * to scale a cotangent or tangent by a local derivative ("exact zeros", see primitive.ts).
 *
 * @example
 * grad((x) => sum(mulStrongZero(x, Infinity)))(tensor([1]))  // [Infinity]
 */
export const mulStrongZero = binaryOp(mulStrongZeroPrimitive, T.mulStrongZero, none)
/** a / b, element-wise with broadcasting. */
export const div = binaryOp(divPrimitive, T.div, none)
/** a ^ b, element-wise with broadcasting. */
export const pow = binaryOp(powPrimitive, T.pow, none)
/** Element-wise maximum (NaN wins); ties split the gradient evenly. */
export const maximum = binaryOp(maximumPrimitive, T.maximum, none)
/** Element-wise minimum (NaN wins); ties split the gradient evenly. */
export const minimum = binaryOp(minimumPrimitive, T.minimum, none)
