/**
 * Penalties on parameter trees, added to a loss to keep weights small: L1 (weight·Σ|x|) and L2
 * (weight·Σx²). They walk any tree of Values, so inside `grad` (where the leaves are Duals) they
 * are differentiated like the rest of the objective. Every leaf of the tree is penalised: pass
 * the subtree you mean (the weight matrices, say, and not the biases).
 */
import * as ad from '../ad/index.js';
import { flattenValues } from '../ad/valueTree.js';
import * as T from '../tensor/index.js';
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/**
 * L1 penalty: weight · Σ |x| over every scalar of every leaf (0 for an empty tree). The
 * subgradient at x = 0 is 0. `weight` must be a finite number ≥ 0.
 *
 * @example
 * losses.l1({ w: tensor([1, -2]), b: tensor([3]) }, 0.1)  // 0.6 = 0.1·(1 + 2 + 3)
 */
export const l1 = (params, weight) => penalty('l1', params, weight, ad.abs);
/**
 * L2 penalty: weight · Σ x² over every scalar of every leaf (0 for an empty tree). No ½ factor,
 * as in Keras's `l2`: the gradient is 2·weight·x. `weight` must be a finite number ≥ 0.
 *
 * @example
 * losses.l2({ w: tensor([1, -2]), b: tensor([3]) }, 0.1)  // 1.4 = 0.1·(1 + 4 + 9)
 */
export const l2 = (params, weight) => penalty('l2', params, weight, ad.square);
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
const penalty = (op, params, weight, term) => {
    if (!(Number.isFinite(weight) && weight >= 0))
        throw new T.ArgumentError(op, `weight must be a finite number >= 0, got ${weight}`);
    let total;
    for (const leaf of flattenValues(op, params).leaves) {
        const s = ad.sum(term(leaf));
        total = total === undefined ? s : ad.add(total, s);
    }
    return total === undefined ? T.scalar(0) : ad.mul(total, weight);
};
