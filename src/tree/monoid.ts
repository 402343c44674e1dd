/**
 * Tree arithmetic and the sum monoid on trees: gradients of several batches or several losses add
 * up leaf by leaf, with zeros of the same structure as the identity. Optimizers keep their moments
 * as trees built from these.
 */
import type { Monoid } from 'fp-ts/lib/Monoid.js'
import * as T from '../tensor/index.js'
import { zeros, type Tensor } from '../tensor/index.js'
import { map } from './map.js'
import type { Tree } from './Tree.js'
import { zipWith } from './zipWith.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * A tree of the same structure with every leaf replaced by zeros of its shape.
 *
 * @example
 * tree.zerosLike({ w: vector([1, 2]) })  // { w: [0, 0] }
 */
export const zerosLike = <X extends Tree>(tree: X): X => map(tree, (leaf: Tensor) => zeros(leaf.shape))

/**
 * Leafwise a + b. The trees must have the same structure and leaf shapes (TreeError otherwise,
 * naming the path).
 *
 * @example
 * tree.add({ w: vector([1]) }, { w: vector([2]) })  // { w: [3] }
 */
export const add = <X extends Tree>(a: X, b: X): X => zipWith(a, b, T.add)

/**
 * Leafwise a − b, with the same requirements as {@link add}.
 *
 * @example
 * tree.sub({ w: vector([3]) }, { w: vector([1]) })  // { w: [2] }
 */
export const sub = <X extends Tree>(a: X, b: X): X => zipWith(a, b, T.sub)

/**
 * Every leaf multiplied by the number s.
 *
 * @example
 * tree.scale({ w: vector([1, 2]) }, 3)  // { w: [3, 6] }
 */
export const scale = <X extends Tree>(tree: X, s: number): X => map(tree, (leaf: Tensor) => T.scale(leaf, s))

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
export const getSumMonoid = <X extends Tree>(template: X): Monoid<X> => ({
  concat: (x, y) => add(x, y),
  empty: zerosLike(template),
})
