/**
 * The familiar optimizers, each a `chain` of building blocks and nothing else. Options are checked
 * when the optimizer is made, and errors name the optimizer and the option
 * (`adam: learningRate must be a positive number, got -1`). `learningRate` is a number or a
 * `Schedule` of the step count. Defaults follow Keras unless a line says otherwise.
 */
import { chain } from './GradientTransformation.js';
import { addDecayedWeights } from './transforms/addDecayedWeights.js';
import { scaleByAdagrad } from './transforms/scaleByAdagrad.js';
import { scaleByAdam } from './transforms/scaleByAdam.js';
import { scaleByLearningRate } from './transforms/scaleByLearningRate.js';
import { scaleByRms } from './transforms/scaleByRms.js';
import { traceMomentum } from './transforms/traceMomentum.js';
import { decayRate, learningRate as checkLearningRate, nonNegative, positive } from './validation.js';
// ─── constructors ───────────────────────────────────────────────────────────────────────────────
/**
 * Stochastic gradient descent: p ← p − η·g, or with momentum β: v ← β·v + g, p ← p − η·v
 * (Nesterov: p ← p − η·(β·v + g)). With β = 0 the velocity is the gradient itself (no arithmetic).
 *
 * @example
 * const optimizer = optim.sgd({ learningRate: 0.1 })
 * optimizer.update({ w: vector([1]) }, optimizer.init({ w: vector([0]) }))[0]  // { w: [-0.1] }
 */
export const sgd = ({ learningRate = 0.01, momentum = 0, nesterov = false } = {}) => {
    checkLearningRate('sgd', learningRate);
    decayRate('sgd', 'momentum', momentum);
    return chain(traceMomentum({ decay: momentum, nesterov }), scaleByLearningRate(learningRate));
};
/**
 * SGD with heavy-ball momentum (default β = 0.9): v ← β·v + g, p ← p − η·v.
 *
 * @example
 * const optimizer = optim.momentum({ learningRate: 0.1 })
 * const g = { w: vector([1]) }
 * const [first, state] = optimizer.update(g, optimizer.init(g))  // [{ w: [-0.1] }, [{ velocity: { w: [1] } }, { step: 1 }]]
 * optimizer.update(g, state)[0]  // { w: [-0.19] } = −0.1·(0.9·1 + 1)
 */
export const momentum = ({ learningRate = 0.01, momentum: beta = 0.9 } = {}) => {
    checkLearningRate('momentum', learningRate);
    decayRate('momentum', 'momentum', beta);
    return chain(traceMomentum({ decay: beta }), scaleByLearningRate(learningRate));
};
/**
 * SGD with Nesterov momentum (default β = 0.9): v ← β·v + g, p ← p − η·(β·v + g).
 *
 * @example
 * const optimizer = optim.nesterov({ learningRate: 0.1 })
 * optimizer.update({ w: vector([1]) }, optimizer.init({ w: zeros([1]) }))[0]  // { w: [-0.19] } = −0.1·(1 + 0.9·1), one step ahead
 */
export const nesterov = ({ learningRate = 0.01, momentum: beta = 0.9 } = {}) => {
    checkLearningRate('nesterov', learningRate);
    decayRate('nesterov', 'momentum', beta);
    return chain(traceMomentum({ decay: beta, nesterov: true }), scaleByLearningRate(learningRate));
};
/**
 * Adam (Kingma & Ba): p ← p − η·m̂ / (√v̂ + ε) with bias-corrected moments; see `scaleByAdam` for
 * the exact form and where ε sits.
 *
 * @example
 * const optimizer = optim.adam({ learningRate: 0.1 })
 * optimizer.update({ w: vector([0.5, -2]) }, optimizer.init({ w: zeros([2]) }))[0]  // ≈ { w: [-0.1, 0.1] } (the first step is −learningRate·sign(g))
 */
export const adam = ({ learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = {}) => {
    checkAdam('adam', { learningRate, beta1, beta2, eps });
    return chain(scaleByAdam({ beta1, beta2, eps }), scaleByLearningRate(learningRate));
};
/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay,
 * p ← p − η·(m̂ / (√v̂ + ε) + λ·p): the decay is not rescaled by the moments.
 *
 * @example
 * const optimizer = optim.adamw({ learningRate: 0.1, weightDecay: 0.01 })
 * const params = { w: vector([1, 1]) }
 * optimizer.update({ w: vector([0.5, -2]) }, optimizer.init(params), params)[0]  // ≈ { w: [-0.101, 0.099] } = −0.1·(sign(g) + 0.01·w)
 */
export const adamw = ({ learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.004 } = {}) => {
    checkAdam('adamw', { learningRate, beta1, beta2, eps });
    nonNegative('adamw', 'weightDecay', weightDecay);
    return chain(scaleByAdam({ beta1, beta2, eps }), addDecayedWeights(weightDecay), scaleByLearningRate(learningRate));
};
/**
 * RMSProp: v ← ρ·v + (1 − ρ)·g², p ← p − η·g / (√v + ε).
 *
 * @example
 * const optimizer = optim.rmsprop({ learningRate: 0.1 })
 * optimizer.update({ w: vector([2]) }, optimizer.init({ w: zeros([1]) }))[0]  // ≈ { w: [-0.3162278] } = −0.1·2 / √0.4
 */
export const rmsprop = ({ learningRate = 0.001, decay = 0.9, eps = 1e-8 } = {}) => {
    checkLearningRate('rmsprop', learningRate);
    decayRate('rmsprop', 'decay', decay);
    positive('rmsprop', 'eps', eps);
    return chain(scaleByRms({ decay, eps }), scaleByLearningRate(learningRate));
};
/**
 * Adagrad: a ← a + g², p ← p − η·g / √(a + ε), with a starting at 0.1.
 *
 * @example
 * const optimizer = optim.adagrad({ learningRate: 0.1 })
 * optimizer.update({ w: vector([1]) }, optimizer.init({ w: zeros([1]) }))[0]  // ≈ { w: [-0.09534625] } = −0.1 / √(0.1 + 1 + ε)
 */
export const adagrad = ({ learningRate = 0.001, initialAccumulator = 0.1, eps = 1e-7 } = {}) => {
    checkLearningRate('adagrad', learningRate);
    nonNegative('adagrad', 'initialAccumulator', initialAccumulator);
    positive('adagrad', 'eps', eps);
    return chain(scaleByAdagrad({ initialAccumulator, eps }), scaleByLearningRate(learningRate));
};
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
const checkAdam = (op, o) => {
    checkLearningRate(op, o.learningRate);
    decayRate(op, 'beta1', o.beta1);
    decayRate(op, 'beta2', o.beta2);
    positive(op, 'eps', o.eps);
};
