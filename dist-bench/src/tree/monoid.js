import * as T from '../tensor/elementwise.js';
import { zeros } from '../tensor/Tensor.js';
import { map } from './map.js';
import { zipWith } from './zipWith.js';
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/**
 * A tree of the same structure with every leaf replaced by zeros of its shape.
 *
 * @example
 * tree.zerosLike({ w: vector([1, 2]) })  // { w: [0, 0] }
 */
export const zerosLike = (tree) => map(tree, (leaf) => zeros(leaf.shape));
/**
 * Leafwise a + b. The trees must have the same structure and leaf shapes (TreeError otherwise,
 * naming the path).
 *
 * @example
 * tree.add({ w: vector([1]) }, { w: vector([2]) })  // { w: [3] }
 */
export const add = (a, b) => zipWith(a, b, T.add);
/**
 * Leafwise a − b, with the same requirements as {@link add}.
 *
 * @example
 * tree.sub({ w: vector([3]) }, { w: vector([1]) })  // { w: [2] }
 */
export const sub = (a, b) => zipWith(a, b, T.sub);
/**
 * Every leaf multiplied by the number s.
 *
 * @example
 * tree.scale({ w: vector([1, 2]) }, 3)  // { w: [3, 6] }
 */
export const scale = (tree, s) => map(tree, (leaf) => T.scale(leaf, s));
// ─── instances ──────────────────────────────────────────────────────────────────────────────────
/**
 * The sum monoid on trees shaped like `template`: `concat` is leafwise addition ({@link add}) and
 * `empty` is `zerosLike(template)`. Associative and with identity `empty` for trees of the
 * template's structure. In float64 the laws hold up to rounding: addition is associative only
 * approximately (exactly on integer values), and 0 is an identity up to the sign of zero
 * (−0 + 0 = +0).
 *
 * @example
 * const monoid = tree.getSumMonoid({ w: zeros([2]) })
 * const perBatch = [{ w: vector([1, 2]) }, { w: vector([3, 4]) }]
 * perBatch.reduce(monoid.concat, monoid.empty)  // { w: [4, 6] }, the summed gradient
 * monoid.empty                                  // { w: [0, 0] }, the sum of no batches
 */
export const getSumMonoid = (template) => ({
    concat: (x, y) => add(x, y),
    empty: zerosLike(template),
});
