/**
 * Pooling primitives. Max pooling picks one input per window, so its pullback scatters each
 * output cotangent onto the input it was taken from (the first maximum of the window in row-major
 * order; a NaN before any number) and overlapping windows add up; its tangent gathers from the
 * same places. Average pooling is linear: `avgPool` and `avgPoolTranspose` are each other's
 * adjoint, so each one's rules are the other.
 */
import * as T from '../../tensor/index.js'
import type { PerAxis, PoolOptions, Shape } from '../../tensor/index.js'
import { isDual, shapeOf, type Value } from '../Dual.js'
import { arg, bind, input, type Primitive } from '../primitive.js'

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

interface PoolParams {
  readonly poolSize: PerAxis
  readonly options: PoolOptions
}

/**
 * The pullback of max pooling as a primitive of its own: the cotangent g (shaped as the pooled
 * output) scattered onto the input x's first maximum of each window. x is an input, not a
 * parameter, so that the maxima are found when the kernel runs (under `jit`, on the replayed
 * values); its derivative is zero (where the maxima are does not change under a small change of
 * x), and the one in g is the gather below, whose transpose this is.
 */
const maxPoolScatterPrimitive: Primitive<PoolParams> = {
  name: 'maxPool.scatter',
  value: (inputs, params) => {
    const g = input(inputs, 0, 'maxPool')
    const x = input(inputs, 1, 'maxPool')
    return T.maxPoolScatter(g, x, params.poolSize, params.options)
  },
  vjp: (c, inputs, _y, params) => [maxPoolGather(c, arg(inputs, 1, 'maxPool'), { ...params, outputShape: shapeOf(arg(inputs, 0, 'maxPool')) }), undefined],
  jvp: ([tg], inputs, y, params) => (tg === undefined ? T.zeros(shapeOf(y)) : maxPoolScatter(tg, arg(inputs, 1, 'maxPool'), params)),
}

/** The tangent of max pooling: t (shaped as the input x) gathered from x's first maximum of each window. */
const maxPoolGatherPrimitive: Primitive<PoolParams & { readonly outputShape: Shape }> = {
  name: 'maxPool.gather',
  value: (inputs, params) => {
    const t = input(inputs, 0, 'maxPool')
    const x = input(inputs, 1, 'maxPool')
    return T.maxPoolGather(t, x, params.poolSize, params.options)
  },
  vjp: (c, inputs, _y, params) => [maxPoolScatter(c, arg(inputs, 1, 'maxPool'), params), undefined],
  jvp: ([tt], inputs, y, params) => (tt === undefined ? T.zeros(shapeOf(y)) : maxPoolGather(tt, arg(inputs, 1, 'maxPool'), params)),
}

const maxPoolScatter = (g: Value, x: Value, params: PoolParams): Value =>
  isDual(g) || isDual(x) ? bind(maxPoolScatterPrimitive, [g, x], params) : maxPoolScatterPrimitive.value([g, x], params)
const maxPoolGather = (t: Value, x: Value, params: PoolParams & { readonly outputShape: Shape }): Value =>
  isDual(t) || isDual(x) ? bind(maxPoolGatherPrimitive, [t, x], params) : maxPoolGatherPrimitive.value([t, x], params)

const maxPoolPrimitive: Primitive<PoolParams> = {
  name: 'maxPool',
  value: (inputs, { poolSize, options }) => T.maxPool(input(inputs, 0, 'maxPool'), poolSize, options),
  // Subgradient: the whole cotangent of a window goes to its first maximum (ties: the first takes all).
  vjp: (g, inputs, _y, params) => [maxPoolScatter(g, arg(inputs, 0, 'maxPool'), params)],
  jvp: ([t], inputs, y, params) => (t === undefined ? T.zeros(shapeOf(y)) : maxPoolGather(t, arg(inputs, 0, 'maxPool'), { ...params, outputShape: shapeOf(y) })),
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
