/**
 * Element-wise primitives of one input. Each states its derivative once, as a function of the input
 * x and the output y written with the differentiable ops (so it can be differentiated again), and
 * optionally as a plain scalar function used for a fused first-order kernel g·f'(x, y).
 */
import * as T from '../../tensor/index.js'
import { elementwiseKernels as K } from '../../tensor/internal.js'
import type { ReadonlyFloat64Array, Tensor } from '../../tensor/index.js'
import { belowDifferentiation, isDual, isUndifferentiated, primalTensor, type Dual, type Value } from '../Dual.js'
import { arg, bind, constantOp, input, unaryOverloads, type Primitive, type SpecializedKernel, type UnaryOp } from '../primitive.js'
import { add, div, mul, mulStrongZero, sub } from './binary.js'
import { where } from './select.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** What an element-wise primitive states: its kernel and its derivative. */
export interface ElementwiseSpec<P> {
  readonly name: string
  /** The plain-tensor kernel: f applied element-wise. */
  readonly kernel: (x: Tensor, params: P) => Tensor
  /** f'(x) from x and y = f(x), with differentiable ops. */
  readonly derivative: (x: Value, y: Value, params: P) => Value
  /** The same derivative on numbers, for the fused first-order kernel. */
  readonly scalarDerivative?: (x: number, y: number, params: P) => number
  /**
   * The kernel's own loop writing into a given buffer (every element), for `jit`'s specialised
   * replay into a planned buffer: the same operations as `kernel` (the jit law checks the bits).
   */
  readonly loop?: (x: ReadonlyFloat64Array, out: Float64Array, params: P) => void
  /**
   * The fused first-order pullback's loop, out[i] = g[i] · f'(x[i], y[i]) with exactly the
   * operations of `scalarDerivative`, written out per op so that it runs without a call per
   * element (for `jit`'s specialised replay; the jit law checks the bits).
   */
  readonly vjpLoop?: (g: ReadonlyFloat64Array, x: ReadonlyFloat64Array, y: ReadonlyFloat64Array, out: Float64Array, params: P) => void
  /**
   * The per-element function `kernel`'s loop calls (out[i] = f(x[i])), for `jit`'s exact
   * element-wise fusion: the kernel's own function, never a copy (see `Primitive.element`).
   */
  readonly element?: (params: P) => (v: number) => number
}

/**
 * gi·d with a strong zero (0·∞ = 0·NaN = 0), the product `mulStrongZero` computes, inlined for the
 * fused first-order kernel: only a NaN product is looked at again.
 */
const strongZeroProduct = (gi: number, d: number): number => {
  const p = gi * d
  return p === p || (gi !== 0 && d !== 0) ? p : 0
}

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * An element-wise primitive from its derivative: vjp = g·f'(x), jvp = t·f'(x), each a strong-zero
 * product (`mulStrongZero`): a zero cotangent or tangent gives exactly 0 even where f' is ±∞ or
 * NaN, and a zero derivative gives exactly 0 whatever the cotangent.
 */
export const elementwisePrimitive = <P>(spec: ElementwiseSpec<P>): Primitive<P> => {
  const { name, kernel, derivative, scalarDerivative, loop, vjpLoop, element } = spec
  // The fused pullback's element, g · f'(x, y) as a strong-zero product: its kernel's and jit fusion's.
  const vjpElement =
    scalarDerivative === undefined ? undefined : (params: P) => (gi: number, xi: number, yi: number): number => strongZeroProduct(gi, scalarDerivative(xi, yi, params))
  const fused =
    vjpElement === undefined || scalarDerivative === undefined
      ? undefined
      : constantOp(
          `${name}.vjp`,
          (gxy: readonly Tensor[], params: P) => T.map3(name, input(gxy, 0, name), input(gxy, 1, name), input(gxy, 2, name), vjpElement(params)),
          // Equal shapes: map3's own loop, out[i] = f(g[i], x[i], y[i]), into the plan's buffer.
          (shapes, params) => {
            const [sg, sx, sy] = shapes
            if (sg === undefined || sx === undefined || sy === undefined || !T.shapesEqual(sg, sx) || !T.shapesEqual(sg, sy)) return undefined
            return (ins, out) => {
              const g = ins[0]
              const x = ins[1]
              const y = ins[2]
              if (g === undefined || x === undefined || y === undefined) return
              if (vjpLoop === undefined) {
                for (let i = 0; i < out.length; i++) out[i] = strongZeroProduct(g[i] ?? 0, scalarDerivative(x[i] ?? 0, y[i] ?? 0, params))
                return
              }
              vjpLoop(g, x, y, out, params)
              // The strong zero, as in strongZeroProduct: only a NaN product is looked at again.
              for (let i = 0; i < out.length; i++) {
                const p = out[i] ?? 0
                if (p !== p) out[i] = strongZeroProduct(g[i] ?? 0, scalarDerivative(x[i] ?? 0, y[i] ?? 0, params))
              }
            }
          },
          vjpElement,
        )
  return {
    name,
    value: (inputs, params) => kernel(input(inputs, 0, name), params),
    ...(element === undefined ? {} : { element }),
    ...(loop === undefined
      ? {}
      : {
          specialize: (_shapes: readonly T.Shape[], params: P): SpecializedKernel => (ins, out) => {
            const x = ins[0]
            if (x !== undefined) loop(x, out, params)
          },
        }),
    vjp: (g, inputs, y, params) => {
      const x = arg(inputs, 0, name)
      // First order (nothing differentiates the pullback): one fused kernel, a plain tensor or a jit node.
      if (fused !== undefined && isUndifferentiated(g) && isUndifferentiated(x) && isUndifferentiated(y)) {
        return [fused([g, x, y], params)]
      }
      return [mulStrongZero(g, derivative(x, y, params))]
    },
    jvp: ([t], inputs, y, params) =>
      t === undefined ? T.zeros(primalTensor(y).shape) : mulStrongZero(t, derivative(arg(inputs, 0, name), y, params)),
  }
}

/** The exported op of an element-wise primitive without parameters. */
const elementwise = (spec: ElementwiseSpec<void>): UnaryOp => {
  const primitive = elementwisePrimitive(spec)
  return unaryOverloads((x: Value): Value => (isDual(x) ? bind(primitive, [x], undefined) : spec.kernel(x, undefined)))
}

/** The exported op of an element-wise primitive with one numeric parameter. */
const elementwiseWith = (spec: ElementwiseSpec<number>, fallback?: number): UnaryOp<[number?]> => {
  const primitive = elementwisePrimitive(spec)
  return unaryOverloads((x: Value, p?: number): Value => {
    const param = p ?? fallback
    if (param === undefined) throw new T.ArgumentError(spec.name, 'a numeric parameter is required')
    return isDual(x) ? bind(primitive, [x], param) : spec.kernel(x, param)
  })
}

const signOf = constantOp('abs.derivative', (xs: readonly Tensor[]) => T.sign(input(xs, 0, 'abs')))
const stepOf = constantOp('relu.derivative', (xs: readonly Tensor[]) => T.step(input(xs, 0, 'relu')))
const leakySlope = constantOp('leakyRelu.derivative', (xs: readonly Tensor[], alpha: number) => T.map(input(xs, 0, 'leakyRelu'), (v) => (v > 0 ? 1 : alpha)))
const positive = constantOp('elu.derivative', (xs: readonly Tensor[]) => T.greater(input(xs, 0, 'elu'), T.scalar(0)))

/** A piecewise-constant op: its derivative is zero wherever it exists (sign, step). */
const piecewiseConstant = (name: string, kernel: (x: Tensor) => Tensor): UnaryOp =>
  elementwise({ name, kernel, derivative: (x) => T.zeros(primalTensor(x).shape), scalarDerivative: () => 0 })

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** −x. */
export const neg = elementwise({
  name: 'neg',
  kernel: T.neg,
  element: () => K.negElement,
  loop: (x, out) => K.negLoop(x, out),
  vjpLoop: (g, _x, _y, out) => {
    for (let i = 0; i < out.length; i++) out[i] = (g[i] ?? 0) * -1
  },
  derivative: (x) => T.full(primalTensor(x).shape, -1),
  scalarDerivative: () => -1,
})

/** |x|; the subgradient at 0 is 0. */
export const abs = elementwise({
  name: 'abs',
  kernel: T.abs,
  element: () => Math.abs,
  loop: (x, out) => K.absLoop(x, out),
  derivative: (x) => signOf([x], undefined),
  scalarDerivative: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
})

/** Sign of x (−1, 0, 1); zero gradient. */
export const sign = piecewiseConstant('sign', T.sign)

/** Heaviside step: 1 for x > 0, else 0 (the perceptron's activation); zero gradient. */
export const step = piecewiseConstant('step', T.step)

/** eˣ. */
export const exp = elementwise({
  name: 'exp',
  kernel: T.exp,
  element: () => K.expElement,
  loop: (x, out) => K.expLoop(x, out),
  vjpLoop: (g, _x, y, out) => {
    for (let i = 0; i < out.length; i++) out[i] = (g[i] ?? 0) * (y[i] ?? 0)
  },
  derivative: (_x, y) => y,
  scalarDerivative: (_x, y) => y,
})

/** Natural logarithm. */
export const log = elementwise({
  name: 'log',
  kernel: T.log,
  element: () => K.logElement,
  loop: (x, out) => K.logLoop(x, out),
  vjpLoop: (g, x, _y, out) => {
    for (let i = 0; i < out.length; i++) out[i] = (g[i] ?? 0) * (1 / (x[i] ?? 0))
  },
  derivative: (x) => reciprocal(x),
  scalarDerivative: (x) => 1 / x,
})

/** ln(1 + x), accurate near 0. */
export const log1p = elementwise({
  name: 'log1p',
  kernel: T.log1p,
  element: () => Math.log1p,
  // T.log1p maps Math.log1p over the elements: the same call per element, without the closure.
  loop: (x, out) => {
    for (let i = 0; i < out.length; i++) out[i] = Math.log1p(x[i] ?? 0)
  },
  vjpLoop: (g, x, _y, out) => {
    for (let i = 0; i < out.length; i++) out[i] = (g[i] ?? 0) * (1 / (1 + (x[i] ?? 0)))
  },
  derivative: (x) => reciprocal(add(x, 1)),
  scalarDerivative: (x) => 1 / (1 + x),
})

/** eˣ − 1, accurate near 0. */
export const expm1 = elementwise({ name: 'expm1', kernel: T.expm1, element: () => Math.expm1, derivative: (_x, y) => add(y, 1), scalarDerivative: (_x, y) => y + 1 })

/** √x. */
export const sqrt = elementwise({ name: 'sqrt', kernel: T.sqrt, element: () => K.sqrtElement, loop: (x, out) => K.sqrtLoop(x, out), derivative: (_x, y) => div(0.5, y), scalarDerivative: (_x, y) => 0.5 / y })

/** x². */
export const square = elementwise({
  name: 'square',
  kernel: T.square,
  element: () => K.squareElement,
  loop: (x, out) => K.squareLoop(x, out),
  vjpLoop: (g, x, _y, out) => {
    for (let i = 0; i < out.length; i++) out[i] = (g[i] ?? 0) * (2 * (x[i] ?? 0))
  },
  derivative: (x) => mul(x, 2),
  scalarDerivative: (x) => 2 * x,
})

/** 1 / x. */
export const reciprocal = elementwise({ name: 'reciprocal', kernel: T.reciprocal, element: () => K.reciprocalElement, loop: (x, out) => K.reciprocalLoop(x, out), derivative: (_x, y) => neg(mul(y, y)), scalarDerivative: (_x, y) => -y * y })

/** Hyperbolic tangent; tanh' = 1 − tanh², computed from the output. */
export const tanh = elementwise({
  name: 'tanh',
  kernel: T.tanh,
  element: () => K.tanhElement,
  loop: (x, out) => K.tanhLoop(x, out),
  vjpLoop: (g, _x, y, out) => {
    for (let i = 0; i < out.length; i++) {
      const yi = y[i] ?? 0
      out[i] = (g[i] ?? 0) * (1 - yi * yi)
    }
  },
  derivative: (_x, y) => sub(1, mul(y, y)),
  scalarDerivative: (_x, y) => 1 - y * y,
})

const sigmoidOp = elementwise({
  name: 'sigmoid',
  kernel: T.sigmoid,
  element: () => K.sigmoidElement,
  loop: (x, out) => K.sigmoidLoop(x, out),
  vjpLoop: (g, _x, y, out) => {
    for (let i = 0; i < out.length; i++) {
      const yi = y[i] ?? 0
      out[i] = (g[i] ?? 0) * (yi * (1 - yi))
    }
  },
  derivative: (_x, y) => mul(y, sub(1, y)),
  scalarDerivative: (_x, y) => y * (1 - y),
})

/**
 * Logistic sigmoid 1 / (1 + e⁻ˣ); σ' = σ(1 − σ), finite (0) where σ saturates.
 *
 * The output remembers its input, the logits (`logitsOf`), as Keras's sigmoid does: a loss on
 * probabilities that come straight from a sigmoid (`losses.binaryCrossEntropy`) works on the
 * logits instead, so that saturated rows keep their gradient. The remembered logits are a value
 * field of the output (a copy for plain tensors, so the output reaches no other tensor's memory);
 * any op applied to the output drops it.
 *
 * @example
 * sigmoid(tensor([0]))             // [0.5]
 * logitsOf(sigmoid(tensor([0])))   // [0]
 */
export const sigmoid = unaryOverloads((x: Value): Value => {
  const p = sigmoidOp(x)
  if (isDual(p)) {
    const tagged: Dual & { readonly logits: Value } = { ...p, logits: x }
    return tagged
  }
  const tagged: Tensor & { readonly logits: Tensor } = { shape: p.shape, data: p.data, logits: T.map(primalTensor(x), (v) => v) }
  return tagged
})

/**
 * The logits a probability tensor was computed from, when it is the direct output of `sigmoid`
 * (undefined otherwise).
 *
 * @example
 * logitsOf(sigmoid(tensor([2])))  // [2]
 */
export function logitsOf(p: Tensor): Tensor | undefined
export function logitsOf(p: Value): Value | undefined
export function logitsOf(p: Value): Value | undefined {
  const logits: unknown = Reflect.get(p, 'logits')
  // isDual first: a jit tracer's `data` throws (a tracer's values cannot be read).
  return isDual(logits) || T.isTensor(logits) ? logits : undefined
}

/** softplus(x) = ln(1 + eˣ), stable for any magnitude; softplus' = σ(x). */
export const softplus = elementwise({
  name: 'softplus',
  kernel: T.softplus,
  element: () => K.softplusElement,
  loop: (x, out) => K.softplusLoop(x, out),
  derivative: (x) => sigmoid(x),
  scalarDerivative: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
})

/** max(x, 0); the subgradient at 0 is 0 (relu'(0) = 0). NaN stays NaN. */
export const relu = elementwise({
  name: 'relu',
  kernel: T.relu,
  element: () => K.reluElement,
  loop: (x, out) => K.reluLoop(x, out),
  vjpLoop: (g, x, _y, out) => K.reluVjpLoop(g, x, out),
  derivative: (x) => stepOf([x], undefined),
  scalarDerivative: (x) => (x > 0 ? 1 : 0),
})

/** x for x > 0, α·x otherwise (default α = 0.01); the derivative at 0 is α. */
export const leakyRelu = elementwiseWith(
  {
    name: 'leakyRelu',
    kernel: (x, alpha) => T.leakyRelu(x, alpha),
    element: (alpha) => (v) => K.leakyReluElement(v, alpha),
    loop: (x, out, alpha) => K.leakyReluLoop(x, alpha, out),
    vjpLoop: (g, x, _y, out, alpha) => {
    for (let i = 0; i < out.length; i++) out[i] = (g[i] ?? 0) * ((x[i] ?? 0) > 0 ? 1 : alpha)
    },
    derivative: (x, _y, alpha) => leakySlope([x], alpha),
    scalarDerivative: (x, _y, alpha) => (x > 0 ? 1 : alpha),
  },
  0.01,
)

/** x for x > 0, α·(eˣ − 1) otherwise (default α = 1); the derivative at 0 is α. */
export const elu = elementwiseWith(
  {
    name: 'elu',
    kernel: (x, alpha) => T.elu(x, alpha),
    derivative: (x, y, alpha) => where(positive([x], undefined), 1, add(y, alpha)),
    scalarDerivative: (x, y, alpha) => (x > 0 ? 1 : y + alpha),
  },
  1,
)

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI)

/** Error function. */
export const erf = elementwise({
  name: 'erf',
  kernel: T.erf,
  derivative: (x) => mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI)),
  scalarDerivative: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x),
})

/** GELU, exact form x·Φ(x); gelu' = Φ(x) + x·φ(x). */
export const gelu = elementwise({
  name: 'gelu',
  kernel: T.gelu,
  derivative: (x) => add(mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5), mul(x, mul(exp(mul(square(x), -0.5)), INV_SQRT_2PI))),
})

/** Sine. */
export const sin = elementwise({ name: 'sin', kernel: T.sin, element: () => Math.sin, derivative: (x) => cos(x), scalarDerivative: (x) => Math.cos(x) })

/** Cosine. */
export const cos = elementwise({ name: 'cos', kernel: T.cos, element: () => Math.cos, derivative: (x) => neg(sin(x)), scalarDerivative: (x) => -Math.sin(x) })

/** s·x for a number s. */
export const scale = elementwiseWith({
  name: 'scale',
  kernel: (x, s) => T.scale(x, s),
  element: (s) => (v) => K.scaleElement(v, s),
  loop: (x, out, s) => K.scaleLoop(x, s, out),
  vjpLoop: (g, _x, _y, out, s) => {
    for (let i = 0; i < out.length; i++) out[i] = (g[i] ?? 0) * s
  },
  derivative: (x, _y, s) => T.full(primalTensor(x).shape, s),
  scalarDerivative: (_x, _y, s) => s,
})

/** x + s for a number s. */
export const addScalar = elementwiseWith({
  name: 'addScalar',
  kernel: (x, s) => T.addScalar(x, s),
  element: (s) => (v) => K.addScalarElement(v, s),
  loop: (x, out, s) => K.addScalarLoop(x, s, out),
  derivative: (x) => T.ones(primalTensor(x).shape),
  scalarDerivative: () => 1,
})

/** xᵖ for a number p; derivative p·xᵖ⁻¹. */
export const powScalar = elementwiseWith({
  name: 'powScalar',
  kernel: (x, p) => T.powScalar(x, p),
  derivative: (x, _y, p) => mul(powScalar(x, p - 1), p),
  scalarDerivative: (x, _y, p) => p * Math.pow(x, p - 1),
})

/**
 * The value of x with no derivative: every trace sees a constant. (Under `jit`, a traced value
 * stays traced: its value is still recomputed on every replay.)
 *
 * @example
 * grad((x) => sum(mul(stopGradient(x), x)))(tensor([3]))  // [3], not [6]
 */
export const stopGradient: {
  (x: Tensor): Tensor
  (x: Value): Value
} = unaryOverloads(belowDifferentiation)
