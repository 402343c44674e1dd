/**
 * Classification losses: binary cross-entropy on probabilities and on logits, softmax
 * cross-entropy on logits, categorical cross-entropy on probabilities, and the hinge loss.
 *
 * Every one is finite, with a finite gradient, for every finite input: logits go through the
 * stable forms (softplus, log-softmax), and probabilities are clamped to [ε, 1 − ε] with ε = 1e-7
 * (Keras's epsilon) before their logarithm. The clamp has a price: a probability outside the
 * clamp range (exactly 0 or 1, say) gets no gradient at all, because the clamp is flat there.
 * Train on logits (`binaryCrossEntropyWithLogits`, `softmaxCrossEntropy`) when you can.
 *
 * Losses over classes take predictions `[n, classes]` and targets either one-hot (or any
 * distribution over the classes) of the same shape, or integer class labels `[n]` or `[n, 1]`.
 * When `classes` is 1, targets `[n, 1]` have the predictions' shape and are read as one-hot.
 */
import * as ad from '../ad/index.js'
import type { Value } from '../ad/index.js'
import { constantOp } from '../ad/extend.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'
import { fromData } from '../tensor/internal.js'
import { checkSameShape, lossOverloads, reduce, reductionOf, type LossOptions } from './Loss.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of the losses on probabilities: the reduction, and `fromLogits` (Keras's `from_logits`). */
export interface ProbabilityLossOptions extends LossOptions {
  /** Read the predictions as logits rather than probabilities (default false). */
  readonly fromLogits?: boolean
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Binary cross-entropy on probabilities: −[t·log p + (1 − t)·log(1 − p)] per element.
 *
 * As in Keras, probabilities that come straight from `sigmoid` (its output, or an `nn.sigmoid`
 * layer's) are not used as such: the loss is computed from the sigmoid's input z — value and
 * gradient — with the stable logits formula of `binaryCrossEntropyWithLogits`. A model ending in
 * a sigmoid therefore trains exactly as the same model without it trained on logits, and no
 * confident row (|z| > 16, where σ(z) rounds into the clamp) loses its gradient.
 *
 * Other probabilities are clamped to [ε, 1 − ε], ε = 1e-7 (as Keras), before their logarithm: the
 * value stays finite (at most −log ε ≈ 16.1 per element), and a prediction outside the clamp range
 * (0 or 1 exactly) gets a zero gradient. Differentiable in the targets too (∂/∂t = log(1 − p) −
 * log p, finite thanks to the clamp). `fromLogits: true` reads the predictions as logits (Keras's
 * `from_logits`); `binaryCrossEntropyWithLogits` is the same loss under its own name.
 *
 * @example
 * losses.binaryCrossEntropy(tensor([0.9, 0.2]), tensor([1, 0]))  // 0.164252033486018 = −(log 0.9 + log 0.8) / 2
 * losses.binaryCrossEntropy(sigmoid(tensor([40])), tensor([0]))  // 40, from the logits (the clamp would say 16.118095650958319)
 */
export const binaryCrossEntropy = lossOverloads((predictions: Value, targets: Value, options?: ProbabilityLossOptions): Value => {
  checkSameShape('binaryCrossEntropy', predictions, targets)
  const reduction = reductionOf('binaryCrossEntropy', options)
  const logits = options?.fromLogits === true ? predictions : ad.logitsOf(predictions)
  if (logits !== undefined) return logitsFormula(logits, targets, reduction)
  const p = ad.clip(predictions, EPS, 1 - EPS)
  // log1p(−p) is log(1 − p) without the cancellation of 1 − p for small p.
  const logLikelihood = ad.add(ad.mul(targets, ad.log(p)), ad.mul(ad.sub(1, targets), ad.log1p(ad.neg(p))))
  return ad.neg(reduce(logLikelihood, reduction))
})

/**
 * Binary cross-entropy on logits z (the model's output before the sigmoid): per element
 * max(z, 0) − z·t + log1p(exp(−|z|)), which is −[t·log σ(z) + (1 − t)·log(1 − σ(z))] without
 * overflow for any z. The first and last terms are softplus(z), computed by its kernel in exactly
 * that form; going through softplus also gives the exact gradient σ(z) − t at z = 0, where
 * composing relu and abs would pick a subgradient.
 *
 * @example
 * losses.binaryCrossEntropyWithLogits(tensor([0]), tensor([1]))  // 0.6931471805599453 = log 2
 */
export const binaryCrossEntropyWithLogits = lossOverloads((predictions: Value, targets: Value, options?: LossOptions): Value => {
  checkSameShape('binaryCrossEntropyWithLogits', predictions, targets)
  return logitsFormula(predictions, targets, reductionOf('binaryCrossEntropyWithLogits', options))
})

/**
 * Softmax cross-entropy on logits `[n, classes]`: per row −Σ_c t_c · logSoftmax(z)_c, through
 * log-softmax (z − logSumExp z), so logits of ±1e4 give finite values and gradients. Targets are
 * one-hot `[n, classes]` (or soft labels: not checked to sum to 1) or integer labels `[n]` /
 * `[n, 1]` in [0, classes); labels are constants (no gradient). The reduction is over rows.
 *
 * @example
 * losses.softmaxCrossEntropy(tensor([[0, 0]]), tensor([1]))       // 0.6931471805599453 = log 2
 * losses.softmaxCrossEntropy(tensor([[0, 0]]), tensor([[0, 1]]))  // 0.6931471805599453, the same with one-hot targets
 */
export const softmaxCrossEntropy = lossOverloads((predictions: Value, targets: Value, options?: LossOptions): Value => {
  const y = classTargets('softmaxCrossEntropy', predictions, targets)
  const reduction = reductionOf('softmaxCrossEntropy', options)
  return ad.neg(reduce(ad.sum(ad.mul(y, ad.logSoftmax(predictions, -1)), { axis: -1 }), reduction))
})

/**
 * Categorical cross-entropy on probabilities `[n, classes]` (rows of a softmax): per row
 * −Σ_c t_c · log p_c with p clamped to [ε, 1 − ε], ε = 1e-7, so zero probabilities give a finite
 * loss, and a zero gradient for the clamped entries. Unlike Keras the rows are not renormalised to
 * sum to 1 (a row of zeros would divide by zero). Targets as for `softmaxCrossEntropy`.
 * `fromLogits: true` reads the predictions as logits: the same as `softmaxCrossEntropy`.
 *
 * @example
 * losses.categoricalCrossEntropy(tensor([[0.25, 0.75]]), tensor([1]))  // 0.2876820724517809 = −log 0.75
 */
export const categoricalCrossEntropy = lossOverloads((predictions: Value, targets: Value, options?: ProbabilityLossOptions): Value => {
  if (options?.fromLogits === true) return softmaxCrossEntropy(predictions, targets, options)
  const y = classTargets('categoricalCrossEntropy', predictions, targets)
  const reduction = reductionOf('categoricalCrossEntropy', options)
  const logP = ad.log(ad.clip(predictions, EPS, 1 - EPS))
  return ad.neg(reduce(ad.sum(ad.mul(y, logP), { axis: -1 }), reduction))
})

/**
 * Hinge loss for scores z and labels t in {−1, 1}: per element max(0, 1 − t·z). Labels in {0, 1}
 * are also accepted (as Keras does) and read as 0 → −1, 1 → 1, but only when every target of the
 * call is 0 or 1: a mix of −1 and 0, or any other value, is an error naming it. The labels are
 * constants (no gradient); in z the subgradient at the hinge, t·z = 1, is 0.
 *
 * @example
 * losses.hinge(tensor([0.5, -2]), tensor([1, -1]))  // 0.25 = (0.5 + 0) / 2
 * losses.hinge(tensor([0.5, -2]), tensor([1, 0]))   // 0.25, the same with 0/1 targets
 */
export const hinge = lossOverloads((predictions: Value, targets: Value, options?: LossOptions): Value => {
  checkSameShape('hinge', predictions, targets)
  const reduction = reductionOf('hinge', options)
  const signs = signLabelsOp([targets], undefined)
  return reduce(ad.relu(ad.sub(1, ad.mul(signs, predictions))), reduction)
})

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** softplus(z) − z·t per element: −[t·log σ(z) + (1 − t)·log(1 − σ(z))] for any z, reduced. */
const logitsFormula = (logits: Value, targets: Value, reduction: ReturnType<typeof reductionOf>): Value =>
  reduce(ad.sub(ad.softplus(logits), ad.mul(logits, targets)), reduction)

/** Probabilities are clamped to [EPS, 1 − EPS] before a logarithm (Keras's epsilon). */
const EPS = 1e-7

/**
 * Targets over classes as `[n, classes]`: same-shape targets pass through (they may be Duals);
 * integer labels `[n]` or `[n, 1]` become a constant one-hot tensor.
 */
const classTargets = (op: string, predictions: Value, targets: Value): Value => {
  const shape = ad.shapeOf(predictions)
  const targetShape = ad.shapeOf(targets)
  const [n, classes] = shape
  if (shape.length !== 2 || n === undefined || classes === undefined) {
    throw new T.ShapeError(op, [shape, targetShape], 'predictions must be [n, classes] (rank 2)')
  }
  if (classes === 0) throw new T.ShapeError(op, [shape, targetShape], 'predictions must have at least one class')
  if (T.shapesEqual(shape, targetShape)) return targets
  const isLabels = (targetShape.length === 1 && targetShape[0] === n) || (targetShape.length === 2 && targetShape[0] === n && targetShape[1] === 1)
  if (!isLabels) {
    throw new T.ShapeError(op, [shape, targetShape], `targets must be one-hot [${n},${classes}] or integer class labels [${n}] or [${n},1]`)
  }
  return oneHotOp([targets], { op, n, classes })
}

/** `oneHot` on the targets' values (checked when they are known: under `jit`, at every replay). */
const oneHotOp = constantOp('oneHot', (xs: readonly Tensor[], { op, n, classes }: { readonly op: string; readonly n: number; readonly classes: number }) =>
  oneHot(op, xs[0] ?? T.zeros([0]), n, classes),
)

/** `signLabels` on the targets' values (checked when they are known). */
const signLabelsOp = constantOp('hinge.signs', (xs: readonly Tensor[]) => signLabels('hinge', xs[0] ?? T.zeros([0])))

/** One-hot rows from integer labels; a label that is not an integer in [0, classes) is an error naming its row. */
const oneHot = (op: string, labels: Tensor, n: number, classes: number): Tensor => {
  const labelData = labels.data
  for (let i = 0; i < n; i++) {
    const label = labelData[i] ?? Number.NaN
    if (!(Number.isInteger(label) && label >= 0 && label < classes)) {
      throw new T.ArgumentError(op, `label ${label} in row ${i} is not an integer in [0, ${classes})`)
    }
  }
  const out = new Float64Array(n * classes)
  for (let i = 0; i < n; i++) out[i * classes + (labelData[i] ?? 0)] = 1
  return fromData(out, [n, classes])
}

/** Labels in {−1, 1}, or all in {0, 1} (mapped to {−1, 1}); anything else is an error. */
const signLabels = (op: string, targets: Tensor): Tensor => {
  const data = targets.data
  let firstZero = -1
  let firstMinusOne = -1
  for (let i = 0; i < data.length; i++) {
    const t = data[i] ?? Number.NaN
    if (t === 0 && firstZero < 0) firstZero = i
    else if (t === -1 && firstMinusOne < 0) firstMinusOne = i
    else if (t !== 0 && t !== 1 && t !== -1) {
      throw new T.ArgumentError(op, `target ${t} at index ${i} is not a label: use -1 and 1 (or 0 and 1)`)
    }
  }
  if (firstZero >= 0 && firstMinusOne >= 0) {
    throw new T.ArgumentError(op, `targets mix -1 (at index ${firstMinusOne}) and 0 (at index ${firstZero}): use -1 and 1, or 0 and 1`)
  }
  return firstZero >= 0 ? T.map(targets, (t) => 2 * t - 1) : targets
}
