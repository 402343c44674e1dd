/**
 * `scaleByAdam`: Adam's rescaling of the gradient by bias-corrected estimates of its first and
 * second moments (Kingma & Ba, 2015). The moments and the step count are the state.
 */
import * as T from '../../tensor/index.js'
import type { ReadonlyFloat64Array, Tensor } from '../../tensor/index.js'
import * as tree from '../../tree/index.js'
import type { Tree } from '../../tree/index.js'
import { arityError, fusedLeaves, fusedScalars, type LeafKernel } from '../fused.js'
import type { GradientTransformation } from '../GradientTransformation.js'
import { decayRate, positive } from '../validation.js'
import { adamInto, adamSource } from '../../tensor/internal.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Updates made so far (a scalar tensor, so that a compiled training step replays for every count),
 * and the running first (mu) and second (nu) moments of the gradient.
 */
export interface ScaleByAdamState {
  readonly step: Tensor
  readonly mu: Tree
  readonly nu: Tree
}

/** Options of `scaleByAdam`. */
export interface ScaleByAdamOptions {
  /** β1, decay of the first moment, in [0, 1) (default 0.9). */
  readonly beta1?: number
  /** β2, decay of the second moment, in [0, 1) (default 0.999). */
  readonly beta2?: number
  /** ε > 0, added to √v̂ outside the square root (default 1e-8). */
  readonly eps?: number
}

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * With t = step + 1:
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,
 *   m̂ = m / (1 − β1^t),      v̂ = v / (1 − β2^t),
 *   u = m̂ / (√v̂ + ε).
 * ε sits OUTSIDE the square root and is added AFTER the bias correction, as in the paper's
 * Algorithm 1 and in optax. (Keras adds its ε = 1e-7 to the square root of the uncorrected v and
 * folds the corrections into the rate: the same up to where ε enters, which matters only when
 * |g| is comparable to ε.) A gradient of 1e-10 on the first step gives u = 1e-10 / (1e-10 + 1e-8)
 * = 1/101 here, against 1e-6 with ε inside the root. `optim.adam({ keras: true })` computes Keras's
 * form exactly, operation for operation: α = η·√(1 − β2ᵗ)/(1 − β1ᵗ), m ← m + (g − m)(1 − β1),
 * v ← v + (g² − v)(1 − β2), u = −m·α/(√v + ε̂) with ε̂ = 1e-7.
 *
 * @example
 * const transform = optim.scaleByAdam()
 * transform.update({ w: vector([0.5, -2]) }, transform.init({ w: zeros([2]) }))[0]  // ≈ { w: [1, -1] } (first step: g / (|g| + ε))
 */
export const scaleByAdam = ({ beta1 = 0.9, beta2 = 0.999, eps = 1e-8 }: ScaleByAdamOptions = {}): GradientTransformation<ScaleByAdamState> => {
  decayRate('scaleByAdam', 'beta1', beta1)
  decayRate('scaleByAdam', 'beta2', beta2)
  positive('scaleByAdam', 'eps', eps)
  // Fixed for the optimizer's life; the bias corrections change per step and are computed once per
  // step (a node of its own under jit), not per leaf: the leaf loop reads them as scalar inputs.
  const constants = { beta1, beta2, oneMinusBeta1: 1 - beta1, oneMinusBeta2: 1 - beta2, eps }
  // Both kernels index their arguments instead of destructuring them: a destructured parameter
  // walks an iterator at every call.
  const leafKernel: LeafKernel = Object.assign(
    (ins: readonly ReadonlyFloat64Array[], outs: readonly Float64Array[]): void => {
      const g = ins[0]
      const m0 = ins[1]
      const v0 = ins[2]
      const c1 = ins[3]
      const c2 = ins[4]
      const u1 = outs[0]
      const m1 = outs[1]
      const v1 = outs[2]
      if (g === undefined || m0 === undefined || v0 === undefined || c1 === undefined || c2 === undefined || u1 === undefined || m1 === undefined || v1 === undefined) throw arityError('scaleByAdam')
      adamInto(g, m0, v0, u1, m1, v1, constants, c1[0] ?? Number.NaN, c2[0] ?? Number.NaN)
    },
    // Under jit's generated code: the same loop inline (adamInto's element functions).
    { inline: (length: number) => adamSource(length, constants) },
  )
  const stepKernel: LeafKernel = (ins, outs) => {
    const s = ins[0]
    const t1 = outs[0]
    const c1 = outs[1]
    const c2 = outs[2]
    if (s === undefined || t1 === undefined || c1 === undefined || c2 === undefined) throw arityError('scaleByAdam')
    const t = (s[0] ?? Number.NaN) + 1
    t1[0] = t
    c1[0] = 1 - beta1 ** t
    c2[0] = 1 - beta2 ** t
  }
  return {
    init: (params) => ({ step: T.scalar(0), mu: tree.zerosLike(params), nu: tree.zerosLike(params) }),
    update: (grads, { step, mu, nu }) => {
      const [count, correction1, correction2] = fusedScalars('scaleByAdam.count', [step], 3, stepKernel)
      if (count === undefined || correction1 === undefined || correction2 === undefined) throw arityError('scaleByAdam')
      const [u, m, v] = fusedLeaves([grads, mu, nu], 3, leafKernel, [correction1, correction2])
      return [u, { step: count, mu: m, nu: v }]
    },
  }
}
