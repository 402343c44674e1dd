/**
 * Pooling primitives. Max pooling picks one input per window, so its pullback scatters each
 * output cotangent onto the input it was taken from (the first maximum of the window in row-major
 * order; a NaN before any number) and overlapping windows add up; its tangent gathers from the
 * same places. Average pooling is linear: `avgPool` and `avgPoolTranspose` are each other's
 * adjoint, so each one's rules are the other.
 */
import * as T from '../../tensor/index.js'
import type { PerAxis, PoolOptions, Shape } from '../../tensor/index.js'
import { isDual, primalTensor, shapeOf, type Value } from '../Dual.js'
import { arg, bind, input, type Primitive } from '../primitive.js'
import { gather, reshape, scatterAdd } from './shape.js'

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

interface PoolParams {
  readonly poolSize: PerAxis
  readonly options: PoolOptions
}

/** Where each maximum came from, as a list of flat input indices (x may be a Dual of an outer trace). */
const argmaxOf = (x: Value, { poolSize, options }: PoolParams): number[] => Array.from(T.maxPoolArgmax(primalTensor(x), poolSize, options))

const maxPoolPrimitive: Primitive<PoolParams> = {
  name: 'maxPool',
  value: (inputs, { poolSize, options }) => T.maxPool(input(inputs, 0, 'maxPool'), poolSize, options),
  // Subgradient: the whole cotangent of a window goes to its first maximum (ties: the first takes all).
  vjp: (g, inputs, _y, params) => {
    const x = arg(inputs, 0, 'maxPool')
    const shape = shapeOf(x)
    return [reshape(scatterAdd([T.sizeOf(shape)], argmaxOf(x, params), reshape(g, [-1])), shape)]
  },
  jvp: ([t], inputs, y, params) => {
    const x = arg(inputs, 0, 'maxPool')
    return t === undefined ? T.zeros(shapeOf(y)) : reshape(gather(reshape(t, [-1]), argmaxOf(x, params)), shapeOf(y))
  },
}

const avgPoolPrimitive: Primitive<PoolParams> = {
  name: 'avgPool',
  value: (inputs, { poolSize, options }) => T.avgPool(input(inputs, 0, 'avgPool'), poolSize, options),
  vjp: (g, inputs, _y, { poolSize, options }) => [avgPoolTranspose(g, shapeOf(arg(inputs, 0, 'avgPool')), poolSize, options)],
  jvp: ([t], _inputs, y, { poolSize, options }) => (t === undefined ? T.zeros(shapeOf(y)) : avgPool(t, poolSize, options)),
}

const avgPoolTransposePrimitive: Primitive<PoolParams & { readonly inputShape: Shape }> = {
  name: 'avgPoolTranspose',
  value: (inputs, { inputShape, poolSize, options }) => T.avgPoolTranspose(input(inputs, 0, 'avgPoolTranspose'), inputShape, poolSize, options),
  vjp: (c, _inputs, _y, { poolSize, options }) => [avgPool(c, poolSize, options)],
  jvp: ([t], _inputs, y, { inputShape, poolSize, options }) => (t === undefined ? T.zeros(shapeOf(y)) : avgPoolTranspose(t, inputShape, poolSize, options)),
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Max pooling over 1 or 2 spatial axes of a channels-last input (see `T.maxPool`).
 *
 * @example
 * grad((x) => sum(maxPool(x, 2)))(tensor([[[1], [3], [2], [2]]]))  // [[[0], [1], [1], [0]]]
 */
export function maxPool(x: T.Tensor, poolSize: PerAxis, options?: PoolOptions): T.Tensor
export function maxPool(x: Value, poolSize: PerAxis, options?: PoolOptions): Value
export function maxPool(x: Value, poolSize: PerAxis, options: PoolOptions = {}): Value {
  return isDual(x) ? bind(maxPoolPrimitive, [x], { poolSize, options }) : T.maxPool(x, poolSize, options)
}

/**
 * Average pooling over 1 or 2 spatial axes of a channels-last input, padded positions left out of
 * each mean (see `T.avgPool`).
 *
 * @example
 * grad((x) => sum(avgPool(x, 2)))(tensor([[[1], [3], [2], [2]]]))  // [[[0.5], [0.5], [0.5], [0.5]]]
 */
export function avgPool(x: T.Tensor, poolSize: PerAxis, options?: PoolOptions): T.Tensor
export function avgPool(x: Value, poolSize: PerAxis, options?: PoolOptions): Value
export function avgPool(x: Value, poolSize: PerAxis, options: PoolOptions = {}): Value {
  return isDual(x) ? bind(avgPoolPrimitive, [x], { poolSize, options }) : T.avgPool(x, poolSize, options)
}

/** The adjoint of `avgPool`: a cotangent of its output spread back over an input of `inputShape`. */
export function avgPoolTranspose(g: T.Tensor, inputShape: Shape, poolSize: PerAxis, options?: PoolOptions): T.Tensor
export function avgPoolTranspose(g: Value, inputShape: Shape, poolSize: PerAxis, options?: PoolOptions): Value
export function avgPoolTranspose(g: Value, inputShape: Shape, poolSize: PerAxis, options: PoolOptions = {}): Value {
  return isDual(g)
    ? bind(avgPoolTransposePrimitive, [g], { inputShape, poolSize, options })
    : T.avgPoolTranspose(g, inputShape, poolSize, options)
}
