/**
 * Initializers: how a layer's parameters start. An initializer is any function from a key and a
 * shape to a tensor, so a user-supplied one is an arrow function:
 * `(key, shape) => random.normal(key, shape, { mean: 0.75, stddev: 0.01 })`, or with the named
 * constructors, `normal({ mean: 0.75, stddev: 0.01 })`.
 *
 * The variance-scaling family (Glorot/Xavier, He, LeCun) draws with a variance set by the fan-in
 * and fan-out of the shape, computed as Keras does:
 * - rank 0: fanIn = fanOut = 1; rank 1 `[n]`: fanIn = fanOut = n;
 * - rank 2 `[in, out]` (a dense kernel): fanIn = in, fanOut = out;
 * - rank ≥ 3 (a convolution kernel `[...window, inChannels, outChannels]`): with the receptive field
 *   r = the product of the window dimensions, fanIn = r·inChannels, fanOut = r·outChannels.
 * The normal variants use a normal truncated at ±2 standard deviations, rescaled so that the
 * variance is exactly the target (Keras's choice: stddev / 0.8796…).
 */
import * as random from '../random/index.js'
import type { Key } from '../random/index.js'
import * as T from '../tensor/index.js'
import type { Shape, Tensor } from '../tensor/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Makes a parameter tensor of a shape from a key; the same key gives the same tensor, bit for bit. */
export type Initializer = (key: Key, shape: Shape) => Tensor

/** Options of {@link uniform}. */
export interface UniformInitializerOptions {
  /** Lower end, inclusive (default −0.05, as Keras). */
  readonly min?: number
  /** Upper end, exclusive (default 0.05, as Keras). */
  readonly max?: number
}

/** Options of {@link normal}. */
export interface NormalInitializerOptions {
  /** Mean (default 0). */
  readonly mean?: number
  /** Standard deviation (default 0.05, as Keras). */
  readonly stddev?: number
}

/** Fan-in and fan-out of a parameter shape. */
export interface Fans {
  readonly fanIn: number
  readonly fanOut: number
}

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/** All zeros (the default for biases). */
export const zeros: Initializer = (_key, shape) => T.zeros(shape)

/** All ones. */
export const ones: Initializer = (_key, shape) => T.ones(shape)

/**
 * Every element equal to `value`.
 *
 * @example
 * nn.constant(0.1)(random.key(0), [2])  // [0.1, 0.1]
 */
export const constant =
  (value: number): Initializer =>
  (_key, shape) =>
    T.full(shape, value)

/**
 * Uniform on [min, max) (defaults −0.05 and 0.05).
 *
 * @example
 * nn.uniform({ min: -1, max: 1 })(random.key(0), [2])  // [-0.1630857765672269, -0.5674090907889773]
 */
export const uniform =
  ({ min = -0.05, max = 0.05 }: UniformInitializerOptions = {}): Initializer =>
  (key, shape) =>
    random.uniform(key, shape, { min, max })

/**
 * Normal with the given mean and standard deviation (defaults 0 and 0.05).
 *
 * @example
 * nn.normal({ mean: 0.75, stddev: 0.01 })(random.key(0), [2])  // ≈ [0.7479416, 0.7421523]
 */
export const normal =
  ({ mean = 0, stddev = 0.05 }: NormalInitializerOptions = {}): Initializer =>
  (key, shape) =>
    random.normal(key, shape, { mean, stddev })

/** Glorot (Xavier) uniform: U(−l, l) with l = √(6 / (fanIn + fanOut)); variance 2 / (fanIn + fanOut). The default for dense kernels. */
export const glorotUniform: Initializer = (key, shape) => {
  const { fanIn, fanOut } = fans(shape)
  return scaledUniform(key, shape, 2 / (fanIn + fanOut))
}

/** Glorot (Xavier) normal: truncated normal with variance 2 / (fanIn + fanOut). */
export const glorotNormal: Initializer = (key, shape) => {
  const { fanIn, fanOut } = fans(shape)
  return scaledTruncatedNormal(key, shape, 2 / (fanIn + fanOut))
}

/** He (Kaiming) uniform: U(−l, l) with l = √(6 / fanIn); variance 2 / fanIn. For ReLU layers. */
export const heUniform: Initializer = (key, shape) => scaledUniform(key, shape, 2 / fans(shape).fanIn)

/** He (Kaiming) normal: truncated normal with variance 2 / fanIn. For ReLU layers. */
export const heNormal: Initializer = (key, shape) => scaledTruncatedNormal(key, shape, 2 / fans(shape).fanIn)

/** LeCun uniform: U(−l, l) with l = √(3 / fanIn); variance 1 / fanIn. */
export const lecunUniform: Initializer = (key, shape) => scaledUniform(key, shape, 1 / fans(shape).fanIn)

/** LeCun normal: truncated normal with variance 1 / fanIn. For SELU layers. */
export const lecunNormal: Initializer = (key, shape) => scaledTruncatedNormal(key, shape, 1 / fans(shape).fanIn)

/** Options of {@link orthogonal}. */
export interface OrthogonalInitializerOptions {
  /** Factor on the orthogonal matrix (default 1). */
  readonly gain?: number
}

/**
 * A (semi-)orthogonal matrix, Keras's default for recurrent kernels: the shape is read as
 * [rows = product of all but the last dimension, cols = the last]; a standard normal matrix of
 * the taller orientation is factored A = QR (Gram–Schmidt, run twice for orthogonality to
 * rounding), Q's columns signed so that R has a positive diagonal, transposed back if needed, and
 * scaled by `gain`. The columns (or rows, when there are fewer of them) are orthonormal.
 *
 * @example
 * const q = nn.orthogonal()(random.key(0), [3, 3])
 * T.allClose(T.matmulTransA(q, q), T.eye(3), { atol: 1e-12 })  // true
 */
export const orthogonal =
  ({ gain = 1 }: OrthogonalInitializerOptions = {}): Initializer =>
  (key, shape) => {
    if (shape.length < 2) throw new T.ArgumentError('orthogonal', `needs a shape of rank ≥ 2, got ${T.formatShape(shape)}`)
    const cols = shape[shape.length - 1] ?? 1
    const rows = T.sizeOf(shape) / Math.max(cols, 1)
    const tall = rows >= cols
    const m = tall ? rows : cols
    const n = tall ? cols : rows
    const q = orthonormalColumns(random.normal(key, [m, n]).data, m, n)
    const out = new Float64Array(rows * cols)
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const v = gain * (q[i * n + j] ?? 0)
        if (tall) out[i * cols + j] = v
        else out[j * cols + i] = v
      }
    }
    return T.fromArray(out, shape)
  }

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Fan-in and fan-out of a shape, as Keras computes them (see the module header); each is at least 1
 * so that an empty shape never divides by zero.
 *
 * @example
 * nn.fans([8, 12])        // { fanIn: 8, fanOut: 12 }
 * nn.fans([3, 3, 16, 32]) // { fanIn: 144, fanOut: 288 }
 */
export const fans = (shape: Shape): Fans => {
  const rank = shape.length
  if (rank === 0) return { fanIn: 1, fanOut: 1 }
  if (rank === 1) {
    const n = Math.max(1, shape[0] ?? 1)
    return { fanIn: n, fanOut: n }
  }
  const receptiveField = T.sizeOf(shape.slice(0, -2))
  return {
    fanIn: Math.max(1, receptiveField * (shape[rank - 2] ?? 1)),
    fanOut: Math.max(1, receptiveField * (shape[rank - 1] ?? 1)),
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** Standard deviation of a standard normal truncated to [−2, 2] (Keras's constant). */
const TRUNCATED_STDDEV = 0.87962566103423978

/** U(−l, l) with variance l²/3 = `variance`. */
const scaledUniform = (key: Key, shape: Shape, variance: number): Tensor => {
  const limit = Math.sqrt(3 * variance)
  return random.uniform(key, shape, { min: -limit, max: limit })
}

/** Normal truncated at ±2σ, with σ chosen so that the truncated variance is `variance`. */
const scaledTruncatedNormal = (key: Key, shape: Shape, variance: number): Tensor =>
  random.truncatedNormal(key, shape, { stddev: Math.sqrt(variance) / TRUNCATED_STDDEV })

/**
 * Q of the thin QR factorisation of an m×n matrix (m ≥ n, row-major), by modified Gram–Schmidt
 * applied twice; R's diagonal is positive by construction, so Q is the unique such factor.
 */
const orthonormalColumns = (a: ArrayLike<number>, m: number, n: number): Float64Array => {
  const q = Float64Array.from(a)
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0
        for (let i = 0; i < m; i++) dot += (q[i * n + k] ?? 0) * (q[i * n + j] ?? 0)
        for (let i = 0; i < m; i++) q[i * n + j] = (q[i * n + j] ?? 0) - dot * (q[i * n + k] ?? 0)
      }
    }
    let norm = 0
    for (let i = 0; i < m; i++) norm += (q[i * n + j] ?? 0) ** 2
    const scale = 1 / Math.sqrt(norm)
    for (let i = 0; i < m; i++) q[i * n + j] = (q[i * n + j] ?? 0) * scale
  }
  return q
}
