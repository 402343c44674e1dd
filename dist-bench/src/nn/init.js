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
import * as random from '../random/index.js';
import * as T from '../tensor/index.js';
// ─── constructors ───────────────────────────────────────────────────────────────────────────────
/** All zeros (the default for biases). */
export const zeros = (_key, shape) => T.zeros(shape);
/** All ones. */
export const ones = (_key, shape) => T.ones(shape);
/**
 * Every element equal to `value`.
 *
 * @example
 * nn.constant(0.1)(random.key(0), [2])  // [0.1, 0.1]
 */
export const constant = (value) => (_key, shape) => T.full(shape, value);
/**
 * Uniform on [min, max) (defaults −0.05 and 0.05).
 *
 * @example
 * nn.uniform({ min: -1, max: 1 })(random.key(0), [2])  // [-0.1630857765672269, -0.5674090907889773]
 */
export const uniform = ({ min = -0.05, max = 0.05 } = {}) => (key, shape) => random.uniform(key, shape, { min, max });
/**
 * Normal with the given mean and standard deviation (defaults 0 and 0.05).
 *
 * @example
 * nn.normal({ mean: 0.75, stddev: 0.01 })(random.key(0), [2])  // ≈ [0.7479416, 0.7421523]
 */
export const normal = ({ mean = 0, stddev = 0.05 } = {}) => (key, shape) => random.normal(key, shape, { mean, stddev });
/** Glorot (Xavier) uniform: U(−l, l) with l = √(6 / (fanIn + fanOut)); variance 2 / (fanIn + fanOut). The default for dense kernels. */
export const glorotUniform = (key, shape) => {
    const { fanIn, fanOut } = fans(shape);
    return scaledUniform(key, shape, 2 / (fanIn + fanOut));
};
/** Glorot (Xavier) normal: truncated normal with variance 2 / (fanIn + fanOut). */
export const glorotNormal = (key, shape) => {
    const { fanIn, fanOut } = fans(shape);
    return scaledTruncatedNormal(key, shape, 2 / (fanIn + fanOut));
};
/** He (Kaiming) uniform: U(−l, l) with l = √(6 / fanIn); variance 2 / fanIn. For ReLU layers. */
export const heUniform = (key, shape) => scaledUniform(key, shape, 2 / fans(shape).fanIn);
/** He (Kaiming) normal: truncated normal with variance 2 / fanIn. For ReLU layers. */
export const heNormal = (key, shape) => scaledTruncatedNormal(key, shape, 2 / fans(shape).fanIn);
/** LeCun uniform: U(−l, l) with l = √(3 / fanIn); variance 1 / fanIn. */
export const lecunUniform = (key, shape) => scaledUniform(key, shape, 1 / fans(shape).fanIn);
/** LeCun normal: truncated normal with variance 1 / fanIn. For SELU layers. */
export const lecunNormal = (key, shape) => scaledTruncatedNormal(key, shape, 1 / fans(shape).fanIn);
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/**
 * Fan-in and fan-out of a shape, as Keras computes them (see the module header); each is at least 1
 * so that an empty shape never divides by zero.
 *
 * @example
 * nn.fans([8, 12])        // { fanIn: 8, fanOut: 12 }
 * nn.fans([3, 3, 16, 32]) // { fanIn: 144, fanOut: 288 }
 */
export const fans = (shape) => {
    const rank = shape.length;
    if (rank === 0)
        return { fanIn: 1, fanOut: 1 };
    if (rank === 1) {
        const n = Math.max(1, shape[0] ?? 1);
        return { fanIn: n, fanOut: n };
    }
    const receptiveField = T.sizeOf(shape.slice(0, -2));
    return {
        fanIn: Math.max(1, receptiveField * (shape[rank - 2] ?? 1)),
        fanOut: Math.max(1, receptiveField * (shape[rank - 1] ?? 1)),
    };
};
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
/** Standard deviation of a standard normal truncated to [−2, 2] (Keras's constant). */
const TRUNCATED_STDDEV = 0.87962566103423978;
/** U(−l, l) with variance l²/3 = `variance`. */
const scaledUniform = (key, shape, variance) => {
    const limit = Math.sqrt(3 * variance);
    return random.uniform(key, shape, { min: -limit, max: limit });
};
/** Normal truncated at ±2σ, with σ chosen so that the truncated variance is `variance`. */
const scaledTruncatedNormal = (key, shape, variance) => random.truncatedNormal(key, shape, { stddev: Math.sqrt(variance) / TRUNCATED_STDDEV });
