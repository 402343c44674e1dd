/**
 * The familiar optimizers, each a `chain` of building blocks and nothing else. Options are checked
 * when the optimizer is made, and errors name the optimizer and the option
 * (`adam: learningRate must be a positive number, got -1`). `learningRate` is a number or a
 * `Schedule` of the step count. Defaults follow Keras unless a line says otherwise.
 */
import { chain, type GradientTransformation } from './GradientTransformation.js'
import { arityError, fusedLeaves, fusedScalar, fusedScalars, type LeafKernel } from './fused.js'
import { isDual, primalTensor } from '../ad/index.js'
import * as T from '../tensor/index.js'
import type { Schedule } from './schedules.js'
import { addDecayedWeights, type AddDecayedWeightsState } from './transforms/addDecayedWeights.js'
import { scaleByAdagrad, type ScaleByAdagradState } from './transforms/scaleByAdagrad.js'
import { scaleByAdam, type ScaleByAdamState } from './transforms/scaleByAdam.js'
import { scaleByLearningRate, type ScaleByLearningRateState } from './transforms/scaleByLearningRate.js'
import { scaleByRms, type ScaleByRmsState } from './transforms/scaleByRms.js'
import { traceMomentum, type TraceMomentumState } from './transforms/traceMomentum.js'
import { decayRate, learningRate as checkLearningRate, nonNegative, positive } from './validation.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of `sgd`. */
export interface SgdOptions {
  /** η > 0, or a schedule (default 0.01). */
  readonly learningRate?: number | Schedule
  /** β, decay of the velocity, in [0, 1) (default 0: plain gradient descent). */
  readonly momentum?: number
  /** Nesterov's look-ahead update (default false). */
  readonly nesterov?: boolean
}

/** Options of `momentum` and `nesterov`. */
export interface MomentumOptions {
  /** η > 0, or a schedule (default 0.01). */
  readonly learningRate?: number | Schedule
  /** β, decay of the velocity, in [0, 1) (default 0.9). */
  readonly momentum?: number
}

/** Options of `adam`. */
export interface AdamOptions {
  /** η > 0, or a schedule (default 0.001). */
  readonly learningRate?: number | Schedule
  /** β1 in [0, 1) (default 0.9). */
  readonly beta1?: number
  /** β2 in [0, 1) (default 0.999). */
  readonly beta2?: number
  /**
   * ε > 0 (default 1e-8; with `keras`, 1e-7 as Keras). Without `keras` it is added to √v̂ after
   * the bias correction; with `keras` to √v of the uncorrected v ("epsilon hat").
   */
  readonly eps?: number
  /**
   * Compute the update exactly as Keras does (default false): the bias correction folded into the
   * step size, α = η·√(1 − β2ᵗ)/(1 − β1ᵗ), the moments as m ← m + (g − m)(1 − β1) and
   * v ← v + (g² − v)(1 − β2), and p ← p − m·α/(√v + ε). A Keras run in float64 is reproduced
   * digit for digit. The state has the same shape as without it.
   */
  readonly keras?: boolean
}

/** Options of `adamw`: Adam's, and the decoupled weight decay. */
export interface AdamwOptions extends AdamOptions {
  /** λ ≥ 0: each step also subtracts η·λ·p (default 0.004, as Keras's AdamW). */
  readonly weightDecay?: number
}

/** Options of `rmsprop`. */
export interface RmspropOptions {
  /** η > 0, or a schedule (default 0.001). */
  readonly learningRate?: number | Schedule
  /** ρ, decay of the mean of squares, in [0, 1) (default 0.9). */
  readonly decay?: number
  /** ε > 0, outside the square root (default 1e-8; Keras uses 1e-7). */
  readonly eps?: number
}

/** Options of `adagrad`. */
export interface AdagradOptions {
  /** η > 0, or a schedule (default 0.001). */
  readonly learningRate?: number | Schedule
  /** Starting value of the accumulators, ≥ 0 (default 0.1). */
  readonly initialAccumulator?: number
  /** ε > 0, inside the square root (default 1e-7). */
  readonly eps?: number
}

/** State of `sgd`, `momentum` and `nesterov`. */
export type SgdState = readonly [TraceMomentumState, ScaleByLearningRateState]
/** State of `adam`. */
export type AdamState = readonly [ScaleByAdamState, ScaleByLearningRateState]
/** State of `adamw`. */
export type AdamwState = readonly [ScaleByAdamState, AddDecayedWeightsState, ScaleByLearningRateState]
/** State of `rmsprop`. */
export type RmspropState = readonly [ScaleByRmsState, ScaleByLearningRateState]
/** State of `adagrad`. */
export type AdagradState = readonly [ScaleByAdagradState, ScaleByLearningRateState]

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * Stochastic gradient descent: p ← p − η·g, or with momentum β: v ← β·v + g, p ← p − η·v
 * (Nesterov: p ← p − η·(β·v + g)). With β = 0 the velocity is the gradient itself (no arithmetic).
 *
 * @example
 * const optimizer = optim.sgd({ learningRate: 0.1 })
 * optimizer.update({ w: vector([1]) }, optimizer.init({ w: vector([0]) }))[0]  // { w: [-0.1] }
 */
export const sgd = ({ learningRate = 0.01, momentum = 0, nesterov = false }: SgdOptions = {}): GradientTransformation<SgdState> => {
  checkLearningRate('sgd', learningRate)
  decayRate('sgd', 'momentum', momentum)
  return chain(traceMomentum({ decay: momentum, nesterov }), scaleByLearningRate(learningRate))
}

/**
 * SGD with heavy-ball momentum (default β = 0.9): v ← β·v + g, p ← p − η·v.
 *
 * @example
 * const optimizer = optim.momentum({ learningRate: 0.1 })
 * const g = { w: vector([1]) }
 * const [first, state] = optimizer.update(g, optimizer.init(g))  // [{ w: [-0.1] }, [{ velocity: { w: [1] } }, { step: 1 }]]
 * optimizer.update(g, state)[0]  // { w: [-0.19] } = −0.1·(0.9·1 + 1)
 */
export const momentum = ({ learningRate = 0.01, momentum: beta = 0.9 }: MomentumOptions = {}): GradientTransformation<SgdState> => {
  checkLearningRate('momentum', learningRate)
  decayRate('momentum', 'momentum', beta)
  return chain(traceMomentum({ decay: beta }), scaleByLearningRate(learningRate))
}

/**
 * SGD with Nesterov momentum (default β = 0.9): v ← β·v + g, p ← p − η·(β·v + g).
 *
 * @example
 * const optimizer = optim.nesterov({ learningRate: 0.1 })
 * optimizer.update({ w: vector([1]) }, optimizer.init({ w: zeros([1]) }))[0]  // { w: [-0.19] } = −0.1·(1 + 0.9·1), one step ahead
 */
export const nesterov = ({ learningRate = 0.01, momentum: beta = 0.9 }: MomentumOptions = {}): GradientTransformation<SgdState> => {
  checkLearningRate('nesterov', learningRate)
  decayRate('nesterov', 'momentum', beta)
  return chain(traceMomentum({ decay: beta, nesterov: true }), scaleByLearningRate(learningRate))
}

/**
 * Adam (Kingma & Ba): p ← p − η·m̂ / (√v̂ + ε) with bias-corrected moments; see `scaleByAdam` for
 * the exact form and where ε sits. With `keras: true`, Keras's form instead, computed exactly as
 * Keras does: α = η·√(1 − β2ᵗ)/(1 − β1ᵗ), p ← p − m·α/(√v + ε̂), ε̂ = 1e-7 by default (the two
 * differ only where |g| is comparable to ε, and in the last bits).
 *
 * @example
 * const optimizer = optim.adam({ learningRate: 0.1 })
 * optimizer.update({ w: vector([0.5, -2]) }, optimizer.init({ w: zeros([2]) }))[0]  // ≈ { w: [-0.1, 0.1] } (the first step is −learningRate·sign(g))
 * const keras = optim.adam({ learningRate: 0.1, keras: true })
 * keras.update({ w: vector([0.5]) }, keras.init({ w: zeros([1]) }))[0]  // ≈ { w: [-0.0999994] } = −0.1·0.5/(0.5 + 1e-7·√1000)
 */
export const adam = ({ learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, eps, keras = false }: AdamOptions = {}): GradientTransformation<AdamState> => {
  const epsilon = eps ?? (keras ? 1e-7 : 1e-8)
  checkAdam('adam', { learningRate, beta1, beta2, eps: epsilon })
  return keras ? kerasAdam(learningRate, beta1, beta2, epsilon) : chain(scaleByAdam({ beta1, beta2, eps: epsilon }), scaleByLearningRate(learningRate))
}

/**
 * Adam in Keras's form (`adam({ keras: true })`), in one fused pass per leaf, with the state of
 * the optax form: [{ step, mu, nu }, { step }]. With t = step + 1 and η the rate at the
 * learning-rate step:
 *   α = η·√(1 − β2ᵗ)/(1 − β1ᵗ),  m ← m + (g − m)(1 − β1),  v ← v + (g² − v)(1 − β2),
 *   u = −(m·α)/(√v + ε).
 * These are the operations, in this order, of Keras's Adam.update_step (and TensorFlow's
 * ResourceApplyAdam kernel), so a float64 Keras run is reproduced bit for bit.
 */
const kerasAdam = (rate: number | Schedule, beta1: number, beta2: number, eps: number): GradientTransformation<AdamState> => {
  const moments = scaleByAdam({ beta1, beta2, eps })
  const checked = checkLearningRate('adam', rate)
  const rateAt = (step: number): number => {
    if (typeof checked === 'number') return checked
    const r = checked(step)
    if (!(r >= 0 && Number.isFinite(r))) throw new T.ArgumentError('adam', `the schedule gave the learning rate ${r} at step ${step}; it must be a finite number >= 0`)
    return r
  }
  const kerasLeaf: LeafKernel = ([g, m0, v0, alpha1], [u1, m1, v1]) => {
    if (g === undefined || m0 === undefined || v0 === undefined || alpha1 === undefined || u1 === undefined || m1 === undefined || v1 === undefined) throw arityError('adam')
    const alpha = alpha1[0] ?? Number.NaN
    for (let i = 0; i < g.length; i++) {
      const gi = g[i] ?? 0
      const mPrev = m0[i] ?? 0
      const vPrev = v0[i] ?? 0
      const mi = mPrev + (gi - mPrev) * (1 - beta1)
      const vi = vPrev + (gi * gi - vPrev) * (1 - beta2)
      m1[i] = mi
      v1[i] = vi
      u1[i] = -((mi * alpha) / (Math.sqrt(vi) + eps))
    }
  }
  return {
    init: (params) => [moments.init(params), { step: T.scalar(0) }],
    update: (grads, [{ step, mu, nu }, { step: rateStep }]) => {
      // A schedule under jit runs inside the plan (a node asks it for the rate of the count it reads
      // at each replay: the rate enters the loop as a scalar input); otherwise it is asked here.
      const scheduled = typeof checked !== 'number' && isDual(rateStep) ? fusedScalar('adam.rate', rateStep, rateAt) : undefined
      const rate = typeof checked === 'number' ? checked : scheduled === undefined ? rateAt(primalTensor(rateStep).data[0] ?? Number.NaN) : Number.NaN
      // The new count and the step size α of this step, once per step (a node under jit), not per leaf.
      const [count, alpha] = fusedScalars('adam.count', scheduled === undefined ? [step] : [step, scheduled], 2, ([s, rate1], [t1, alpha1]) => {
        if (s === undefined || t1 === undefined || alpha1 === undefined) throw arityError('adam')
        const t = (s[0] ?? Number.NaN) + 1
        const eta = rate1 === undefined ? rate : (rate1[0] ?? Number.NaN)
        t1[0] = t
        alpha1[0] = (eta * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t)
      })
      if (count === undefined || alpha === undefined) throw arityError('adam')
      const [u, m, v] = fusedLeaves([grads, mu, nu], 3, kerasLeaf, [alpha])
      return [u, [{ step: count, mu: m, nu: v }, { step: fusedScalar('adam.rateCount', rateStep, (s) => s + 1) }]]
    },
  }
}


/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay,
 * p ← p − η·(m̂ / (√v̂ + ε) + λ·p): the decay is not rescaled by the moments.
 *
 * @example
 * const optimizer = optim.adamw({ learningRate: 0.1, weightDecay: 0.01 })
 * const params = { w: vector([1, 1]) }
 * optimizer.update({ w: vector([0.5, -2]) }, optimizer.init(params), params)[0]  // ≈ { w: [-0.101, 0.099] } = −0.1·(sign(g) + 0.01·w)
 */
export const adamw = ({ learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.004 }: AdamwOptions = {}): GradientTransformation<AdamwState> => {
  checkAdam('adamw', { learningRate, beta1, beta2, eps })
  nonNegative('adamw', 'weightDecay', weightDecay)
  return chain(scaleByAdam({ beta1, beta2, eps }), addDecayedWeights(weightDecay), scaleByLearningRate(learningRate))
}

/**
 * RMSProp: v ← ρ·v + (1 − ρ)·g², p ← p − η·g / (√v + ε).
 *
 * @example
 * const optimizer = optim.rmsprop({ learningRate: 0.1 })
 * optimizer.update({ w: vector([2]) }, optimizer.init({ w: zeros([1]) }))[0]  // ≈ { w: [-0.3162278] } = −0.1·2 / √0.4
 */
export const rmsprop = ({ learningRate = 0.001, decay = 0.9, eps = 1e-8 }: RmspropOptions = {}): GradientTransformation<RmspropState> => {
  checkLearningRate('rmsprop', learningRate)
  decayRate('rmsprop', 'decay', decay)
  positive('rmsprop', 'eps', eps)
  return chain(scaleByRms({ decay, eps }), scaleByLearningRate(learningRate))
}

/**
 * Adagrad: a ← a + g², p ← p − η·g / √(a + ε), with a starting at 0.1.
 *
 * @example
 * const optimizer = optim.adagrad({ learningRate: 0.1 })
 * optimizer.update({ w: vector([1]) }, optimizer.init({ w: zeros([1]) }))[0]  // ≈ { w: [-0.09534625] } = −0.1 / √(0.1 + 1 + ε)
 */
export const adagrad = ({ learningRate = 0.001, initialAccumulator = 0.1, eps = 1e-7 }: AdagradOptions = {}): GradientTransformation<AdagradState> => {
  checkLearningRate('adagrad', learningRate)
  nonNegative('adagrad', 'initialAccumulator', initialAccumulator)
  positive('adagrad', 'eps', eps)
  return chain(scaleByAdagrad({ initialAccumulator, eps }), scaleByLearningRate(learningRate))
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const checkAdam = (op: string, o: { readonly learningRate: number | Schedule; readonly beta1: number; readonly beta2: number; readonly eps: number }): void => {
  checkLearningRate(op, o.learningRate)
  decayRate(op, 'beta1', o.beta1)
  decayRate(op, 'beta2', o.beta2)
  positive(op, 'eps', o.eps)
}
