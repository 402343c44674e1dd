/**
 * Activation layers: element-wise functions (and softmax) as layers without parameters.
 *
 * The plain ones are layer values — `sequential(dense(12), relu)` — and the parameterised ones are
 * functions that return a layer, every parameter having its Keras default: `leakyRelu()` (α 0.01),
 * `leakyRelu(0.2)`, `elu()`, `softmax()` (last axis). Writing `leakyRelu` without the call where a
 * layer is expected is a type error, so the two forms cannot be confused.
 *
 * The step function (the perceptron's Heaviside activation) has two variants, named rather than
 * flagged: `step`, whose derivative is zero (the true derivative, so gradient descent cannot train
 * through it), and `stepStraightThrough`, whose backward pass lets the gradient through unchanged
 * (the straight-through estimator), which lets a loss train the weights before it.
 */
import * as ad from '../ad/index.js'
import type { Value } from '../ad/index.js'
import * as T from '../tensor/index.js'
import { LayerError } from './errors.js'
import type { Layer, LayerSpec, NoParams, NoState } from './Layer.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** An activation layer: no parameters, no state. */
export type Activation = Layer<NoParams, NoState>

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/** Logistic sigmoid 1 / (1 + e⁻ˣ), element-wise. */
export const sigmoid: Activation = activation('sigmoid', { kind: 'sigmoid' }, ad.sigmoid)

/** Hyperbolic tangent, element-wise. */
export const tanh: Activation = activation('tanh', { kind: 'tanh' }, ad.tanh)

/** max(x, 0), element-wise; the derivative at 0 is taken as 0. */
export const relu: Activation = activation('relu', { kind: 'relu' }, ad.relu)

/** ln(1 + eˣ), element-wise, stable for any magnitude. */
export const softplus: Activation = activation('softplus', { kind: 'softplus' }, ad.softplus)

/** GELU, exact form x·Φ(x), element-wise. */
export const gelu: Activation = activation('gelu', { kind: 'gelu' }, ad.gelu)

/**
 * Heaviside step, element-wise: 1 for x > 0, 0 otherwise (the perceptron's activation). Its
 * gradient is zero everywhere (and taken as zero at 0): nothing before it learns by gradient
 * descent. Use {@link stepStraightThrough} to train through it.
 */
export const step: Activation = activation('step', { kind: 'step' }, ad.step)

/**
 * Heaviside step forward, identity backward (the straight-through estimator): the output is the
 * step's 0/1, and the cotangent passes to the input unchanged, so a perceptron's weights receive
 * the gradient of the loss at the thresholded output — the perceptron learning rule under MSE.
 *
 * @example
 * grad((x) => sum(nn.stepStraightThrough.apply({}, {}, x, { training: true }).y))(tensor([-1, 2]))  // [1, 1]
 */
export const stepStraightThrough: Activation = activation(
  'stepStraightThrough',
  { kind: 'stepStraightThrough' },
  ad.customVjp({
    name: 'stepStraightThrough',
    value: (x) => T.step(x),
    vjp: (g) => [g],
    jvp: ([t], _inputs, y) => t ?? T.zeros(ad.shapeOf(y)),
  }),
)

/**
 * Leaky ReLU: x for x > 0, α·x otherwise (default α = 0.01); the derivative at 0 is α.
 *
 * @example
 * nn.leakyRelu(0.2).name  // 'leakyRelu(0.2)'
 * nn.leakyRelu(0.2).apply({}, {}, tensor([-1, 2]), { training: false }).y  // [-0.2, 2]
 */
export const leakyRelu = (alpha = 0.01): Activation => {
  finite('leakyRelu', 'alpha', alpha)
  return activation(`leakyRelu(${alpha})`, { kind: 'leakyRelu', alpha }, (x) => ad.leakyRelu(x, alpha))
}

/** ELU: x for x > 0, α·(eˣ − 1) otherwise (default α = 1). */
export const elu = (alpha = 1): Activation => {
  finite('elu', 'alpha', alpha)
  return activation(`elu(${alpha})`, { kind: 'elu', alpha }, (x) => ad.elu(x, alpha))
}

/**
 * Softmax along an axis (default −1, the last). The axis counts the batch axis, as in Keras:
 * for inputs [batch, classes], −1 and 1 are the class axis. Checked against the input's rank at init.
 *
 * @throws {ArgumentError} (from the tensor module) for an axis that is not an integer
 * @throws {LayerError} at init when the axis is the batch axis or out of range for the input
 * @example
 * nn.softmax().apply({}, {}, tensor([[0, Math.log(3)]]), { training: false }).y  // [[0.25, 0.75]]
 * nn.sequential(nn.dense(10), nn.softmax())  // a classifier over 10 classes
 */
export const softmax = (axis = -1): Activation => {
  if (!Number.isInteger(axis)) throw new T.ArgumentError('softmax', `axis must be an integer, got ${axis}`)
  const name = axis === -1 ? 'softmax' : `softmax(${axis})`
  const layer = activation(name, { kind: 'softmax', axis }, (x) => ad.softmax(x, axis))
  return {
    ...layer,
    init: (key, inputShape) => {
      const rank = inputShape.length + 1
      if (axis < -rank || axis >= rank || axis === 0 || axis === -rank) {
        throw new LayerError(name, `axis ${axis} is not a feature axis of inputs [batch${inputShape.map((d) => `,${d}`).join('')}]`)
      }
      return layer.init(key, inputShape)
    },
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** A parameterless layer applying `f`; it keeps the shape. */
function activation(name: string, spec: LayerSpec, f: (x: Value) => Value): Activation {
  return {
    name,
    spec,
    init: (_key, inputShape) => ({ params: {}, state: {}, outputShape: inputShape }),
    apply: (_params, state, x) => ({ y: f(x), state }),
  }
}

const finite = (op: string, what: string, v: number): void => {
  if (!Number.isFinite(v)) throw new T.ArgumentError(op, `${what} must be a finite number, got ${v}`)
}
