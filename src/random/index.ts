/**
 * random — explicit, splittable keys (Threefry-2x32) and the distributions drawn from them.
 * Re-exports only.
 *
 * @module dualflow/random
 */
export * from './threefry.js'
export * from './key.js'
export * from './distributions.js'
export * from './permutation.js'
