/**
 * Penalties on parameter trees, added to a loss to keep weights small: L1 (weight·Σ|w|) and L2
 * (weight·Σw²).
 *
 * One meaning, the one Keras gives its `kernel_regularizer`: the penalty is over the model's
 * **kernels**, the leaves of rank ≥ 2 (dense kernels [in, units], and the matrices and filters of
 * any other layer); biases, normalisation scales and shifts (rank 1) and scalars are not
 * penalised. `train.fit`'s `regularization: { l1, l2 }` adds exactly `l1(params, l1) +
 * l2(params, l2)` to the loss. The penalties walk trees of Values, so inside `grad` (where the
 * leaves are Duals) they are differentiated like the rest of the objective; on a tree of tensors
 * they give a tensor (every op does on tensors).
 */
import * as ad from '../ad/index.js'
import type { Value, ValueTree } from '../ad/index.js'
import { valueLeaf } from '../ad/extend.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'
import * as tree from '../tree/index.js'
import type { Tree } from '../tree/index.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * L1 penalty: weight · Σ |w| over every scalar of every kernel (leaf of rank ≥ 2) of the tree; 0
 * when there is none. The subgradient at w = 0 is 0. `weight` must be a finite number ≥ 0.
 *
 * @example
 * losses.l1({ kernel: tensor([[1, -2]]), bias: tensor([3]) }, 0.1)  // ≈ 0.3 = 0.1·(1 + 2); the bias is not penalised
 */
export function l1(params: Tree<Tensor>, weight: number): Tensor
export function l1(params: ValueTree, weight: number): Value
export function l1(params: ValueTree, weight: number): Value {
  return penalty('l1', params, weight, ad.abs)
}

/**
 * L2 penalty: weight · Σ w² over every scalar of every kernel (leaf of rank ≥ 2) of the tree; 0
 * when there is none. No ½ factor, as in Keras's `l2`: the gradient is 2·weight·w. `weight` must be
 * a finite number ≥ 0.
 *
 * @example
 * losses.l2({ kernel: tensor([[1, -2]]), bias: tensor([3]) }, 0.1)  // ≈ 0.5 = 0.1·(1 + 4); the bias is not penalised
 */
export function l2(params: Tree<Tensor>, weight: number): Tensor
export function l2(params: ValueTree, weight: number): Value
export function l2(params: ValueTree, weight: number): Value {
  return penalty('l2', params, weight, ad.square)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const penalty = (op: string, params: ValueTree, weight: number, term: (x: Value) => Value): Value => {
  if (!(Number.isFinite(weight) && weight >= 0)) throw new T.ArgumentError(op, `weight must be a finite number >= 0, got ${weight}`)
  let total: Value | undefined
  for (const leaf of tree.flatten(tree.asTree(op, params, valueLeaf), valueLeaf).leaves) {
    if (ad.shapeOf(leaf).length < 2) continue
    const s = ad.sum(term(leaf))
    total = total === undefined ? s : ad.add(total, s)
  }
  return total === undefined ? T.scalar(0) : ad.mul(total, weight)
}
