/**
 * tree — parameter trees (nested readonly arrays and records of tensors): map, zipWith, leaves,
 * flatten / unflatten, the sum monoid and the global norm. Re-exports only.
 *
 * @module dualflow/tree
 */
export { isTree, TreeError, type Tree } from './Tree.js'
export { map } from './map.js'
export { zipWith, zipWith3 } from './zipWith.js'
export { flatten, leaves, size, unflatten, type Leaf, type TreeDef, type TreeDefNode } from './leaves.js'
export { globalNorm } from './norm.js'
export { add, getSumMonoid, scale, sub, zerosLike } from './monoid.js'
