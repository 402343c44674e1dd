/**
 * Element-wise operations: unary functions, broadcasting binary arithmetic and comparisons,
 * `where` and `clip`.
 *
 * Every function is pure and returns a fresh tensor. Binary and ternary ops broadcast by NumPy's
 * rules and throw a ShapeError naming the op and the shapes when they cannot
 * (`add: [2,3] x [4]: cannot broadcast: …`). NaN goes in, NaN comes out: no op here turns a NaN
 * into a number. The loops themselves live in `kernels/elementwise.ts`; `map`, `map2` and `map3`
 * expose the same kernels for fused element-wise functions (autodiff builds its rules on them).
 */
import { ArgumentError } from './errors.js'
import * as K from './kernels/elementwise.js'
import { erfNumber, normalCdfNumber } from './kernels/special.js'
import { unsafeTensor, type Tensor } from './Tensor.js'

// ─── generic ────────────────────────────────────────────────────────────────────────────────────

/**
 * Applies `f` to every element.
 *
 * @example
 * T.map(vector([1, 2]), (v) => 10 * v)  // [10, 20]
 */
export const map = (x: Tensor, f: (v: number) => number): Tensor => unsafeTensor(K.unary(x.data, f), x.shape)

/**
 * Applies `f` element-wise to two tensors broadcast together; `op` names the operation in errors.
 *
 * @example
 * T.map2('hypot', vector([3, 5]), scalar(4), Math.hypot)  // [5, 6.4031242374328485]
 */
export const map2 = (op: string, a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor =>
  K.binary(op, K.closureLoops(f), a, b)

/**
 * Applies `f` element-wise to three tensors broadcast together; `op` names the operation in
 * errors. Fused kernels such as g·f′(x, y) use it.
 *
 * @example
 * T.map3('fma', vector([1, 2]), scalar(10), vector([3, 4]), (x, y, z) => x * y + z)  // [13, 24]
 */
export const map3 = (
  op: string,
  a: Tensor,
  b: Tensor,
  c: Tensor,
  f: (x: number, y: number, z: number) => number,
): Tensor => K.ternary(op, a, b, c, f)

// ─── unary ──────────────────────────────────────────────────────────────────────────────────────

/** −x, element-wise. */
export const neg = (x: Tensor): Tensor => unsafeTensor(K.negLoop(x.data), x.shape)

/** |x|, element-wise. */
export const abs = (x: Tensor): Tensor => unsafeTensor(K.absLoop(x.data), x.shape)

/** The sign −1, 0 or 1 (−0 for −0, NaN for NaN), element-wise. */
export const sign = (x: Tensor): Tensor => map(x, Math.sign)

/** eˣ, element-wise. */
export const exp = (x: Tensor): Tensor => unsafeTensor(K.expLoop(x.data), x.shape)

/** Natural logarithm, element-wise (−Infinity at 0, NaN below). */
export const log = (x: Tensor): Tensor => unsafeTensor(K.logLoop(x.data), x.shape)

/** ln(1 + x), accurate for small x. */
export const log1p = (x: Tensor): Tensor => map(x, Math.log1p)

/** eˣ − 1, accurate for small x. */
export const expm1 = (x: Tensor): Tensor => map(x, Math.expm1)

/** √x, element-wise (NaN below 0). */
export const sqrt = (x: Tensor): Tensor => unsafeTensor(K.sqrtLoop(x.data), x.shape)

/** x², element-wise. */
export const square = (x: Tensor): Tensor => unsafeTensor(K.squareLoop(x.data), x.shape)

/** 1/x, element-wise. */
export const reciprocal = (x: Tensor): Tensor => unsafeTensor(K.reciprocalLoop(x.data), x.shape)

/** Hyperbolic tangent, element-wise. */
export const tanh = (x: Tensor): Tensor => unsafeTensor(K.tanhLoop(x.data), x.shape)

/**
 * The logistic function 1/(1 + e⁻ˣ). Stable for any magnitude: it is evaluated through
 * exp(−|x|), so sigmoid(−800) is 0 and sigmoid(1e300) is 1, never NaN.
 *
 * @example
 * T.sigmoid(vector([0, -800]))  // [0.5, 0]
 */
export const sigmoid = (x: Tensor): Tensor => unsafeTensor(K.sigmoidLoop(x.data), x.shape)

/**
 * ln(1 + eˣ), computed as max(x, 0) + log1p(exp(−|x|)): softplus(3000) is 3000 and
 * softplus(−50000) is 0, with no overflow.
 */
export const softplus = (x: Tensor): Tensor => unsafeTensor(K.softplusLoop(x.data), x.shape)

/** max(x, 0), element-wise; NaN stays NaN. */
export const relu = (x: Tensor): Tensor => unsafeTensor(K.reluLoop(x.data), x.shape)

/**
 * x for x > 0 and αx otherwise.
 *
 * @param alpha slope for x ≤ 0 (default 0.01)
 */
export const leakyRelu = (x: Tensor, alpha = 0.01): Tensor => unsafeTensor(K.leakyReluLoop(x.data, alpha), x.shape)

/**
 * Exponential linear unit: x for x > 0 and α(eˣ − 1) otherwise.
 *
 * @param alpha scale of the negative part (default 1)
 */
export const elu = (x: Tensor, alpha = 1): Tensor => map(x, (v) => (v > 0 ? v : alpha * Math.expm1(v)))

/** The error function, element-wise, to float64 accuracy (W. J. Cody's rational approximations). */
export const erf = (x: Tensor): Tensor => map(x, erfNumber)

/**
 * Gaussian error linear unit in its exact form x·Φ(x) = x·(1 + erf(x/√2))/2, with Φ evaluated
 * through erfc so the negative tail keeps its relative accuracy.
 *
 * @example
 * T.gelu(vector([0, 1, -10]))  // ≈ [0, 0.841344746068543, -7.6198530241605e-23]
 */
export const gelu = (x: Tensor): Tensor => map(x, (v) => v * normalCdfNumber(v))

/** Sine, element-wise. */
export const sin = (x: Tensor): Tensor => map(x, Math.sin)

/** Cosine, element-wise. */
export const cos = (x: Tensor): Tensor => map(x, Math.cos)

/**
 * The Heaviside step: 1 for x > 0, 0 otherwise (0 at 0), NaN for NaN. The perceptron's activation.
 *
 * @example
 * T.step(vector([-1, 0, 2]))  // [0, 0, 1]
 */
export const step = (x: Tensor): Tensor => unsafeTensor(K.stepLoop(x.data), x.shape)

/** s·x for a number s. */
export const scale = (x: Tensor, s: number): Tensor => unsafeTensor(K.scaleLoop(x.data, s), x.shape)

/** x + s for a number s. */
export const addScalar = (x: Tensor, s: number): Tensor => unsafeTensor(K.addScalarLoop(x.data, s), x.shape)

/** xᵖ for a number p, with Math.pow's conventions (x⁰ = 1, even for NaN). */
export const powScalar = (x: Tensor, p: number): Tensor =>
  p === 2 ? square(x) : unsafeTensor(K.powScalarLoop(x.data, p), x.shape)

// ─── binary ─────────────────────────────────────────────────────────────────────────────────────

/**
 * a + b with broadcasting.
 *
 * @example
 * T.add(tensor([[1, 2], [3, 4]]), vector([10, 20]))  // [[11, 22], [13, 24]]
 */
export const add = (a: Tensor, b: Tensor): Tensor => K.binary('add', K.addLoops, a, b)

/** a − b with broadcasting. */
export const sub = (a: Tensor, b: Tensor): Tensor => K.binary('sub', K.subLoops, a, b)

/** a·b element-wise, with broadcasting. */
export const mul = (a: Tensor, b: Tensor): Tensor => K.binary('mul', K.mulLoops, a, b)

/**
 * a·b element-wise with broadcasting, where a zero factor wins: 0·∞ = 0·NaN = 0 (IEEE gives NaN);
 * every other product is IEEE's, signed zeros included. Autodiff multiplies cotangents and
 * tangents by local derivatives with it, so that a zero cotangent stays exactly zero.
 *
 * @example
 * T.mulStrongZero(vector([0, 2]), vector([Infinity, 3]))  // [0, 6]
 */
export const mulStrongZero = (a: Tensor, b: Tensor): Tensor => K.binary('mulStrongZero', K.mulStrongZeroLoops, a, b)

/** a / b element-wise, with broadcasting (IEEE: 1/0 = Infinity, 0/0 = NaN). */
export const div = (a: Tensor, b: Tensor): Tensor => K.binary('div', K.divLoops, a, b)

/** aᵇ element-wise, with broadcasting (Math.pow). */
export const pow = (a: Tensor, b: Tensor): Tensor => K.binary('pow', powLoops, a, b)

/** The larger of a and b element-wise, NaN if either is NaN. */
export const maximum = (a: Tensor, b: Tensor): Tensor => K.binary('maximum', maximumLoops, a, b)

/** The smaller of a and b element-wise, NaN if either is NaN. */
export const minimum = (a: Tensor, b: Tensor): Tensor => K.binary('minimum', minimumLoops, a, b)

// ─── comparisons ────────────────────────────────────────────────────────────────────────────────

/** 1 where a = b, else 0 (NaN equals nothing). */
export const equal = (a: Tensor, b: Tensor): Tensor => K.binary('equal', equalLoops, a, b)

/** 1 where a ≠ b, else 0 (NaN differs from everything). */
export const notEqual = (a: Tensor, b: Tensor): Tensor => K.binary('notEqual', notEqualLoops, a, b)

/**
 * 1 where a < b, else 0 (0 when either is NaN).
 *
 * @example
 * T.less(vector([1, 2, 3]), scalar(2))  // [1, 0, 0]
 */
export const less = (a: Tensor, b: Tensor): Tensor => K.binary('less', lessLoops, a, b)

/** 1 where a ≤ b, else 0 (0 when either is NaN). */
export const lessEqual = (a: Tensor, b: Tensor): Tensor => K.binary('lessEqual', lessEqualLoops, a, b)

/** 1 where a > b, else 0 (0 when either is NaN). */
export const greater = (a: Tensor, b: Tensor): Tensor => K.binary('greater', greaterLoops, a, b)

/** 1 where a ≥ b, else 0 (0 when either is NaN). */
export const greaterEqual = (a: Tensor, b: Tensor): Tensor => K.binary('greaterEqual', greaterEqualLoops, a, b)

// ─── selection ──────────────────────────────────────────────────────────────────────────────────

/**
 * a where the condition is nonzero (NaN counts as nonzero, as in NumPy), b elsewhere; the three
 * tensors broadcast together.
 *
 * @example
 * T.where(vector([1, 0]), vector([10, 20]), scalar(-1))  // [10, -1]
 */
export const where = (condition: Tensor, a: Tensor, b: Tensor): Tensor =>
  K.ternary('where', condition, a, b, (c, x, y) => (c !== 0 ? x : y))

/**
 * Clamps every element into [min, max]; NaN stays NaN. Throws an ArgumentError when a bound is
 * NaN or min > max. Infinite bounds are allowed.
 *
 * @throws {ArgumentError} for NaN bounds or min > max
 * @example
 * T.clip(vector([-5, 0.5, 5]), 0, 1)  // [0, 0.5, 1]
 */
export const clip = (x: Tensor, min: number, max: number): Tensor => {
  if (Number.isNaN(min) || Number.isNaN(max)) {
    throw new ArgumentError('clip', `bounds must not be NaN, got min ${min} and max ${max}`)
  }
  if (min > max) throw new ArgumentError('clip', `min ${min} is greater than max ${max}`)
  return unsafeTensor(K.clipLoop(x.data, min, max), x.shape)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const powLoops = K.closureLoops(Math.pow)
// Math.max and Math.min already return NaN when either argument is NaN.
const maximumLoops = K.closureLoops(Math.max)
const minimumLoops = K.closureLoops(Math.min)
const equalLoops = K.closureLoops((x, y) => (x === y ? 1 : 0))
const notEqualLoops = K.closureLoops((x, y) => (x !== y ? 1 : 0))
const lessLoops = K.closureLoops((x, y) => (x < y ? 1 : 0))
const lessEqualLoops = K.closureLoops((x, y) => (x <= y ? 1 : 0))
const greaterLoops = K.closureLoops((x, y) => (x > y ? 1 : 0))
const greaterEqualLoops = K.closureLoops((x, y) => (x >= y ? 1 : 0))
