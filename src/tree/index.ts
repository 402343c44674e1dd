/**
 * tree — trees generic over their leaf type (parameters, gradients, optimizer state; Duals under
 * `grad`): the one flatten / treedef / unflatten, map, zipWith, leaves, the sum monoid and the
 * global norm. Re-exports only.
 *
 * @module dualflow/tree
 */
export { isContainer, isTree, tensorLeaf, TreeError, type LeafKind, type Tree, type WithLeaves } from './Tree.js'
export { map } from './map.js'
export { alignedLeaves, zipWith, zipWith3 } from './zipWith.js'
export {
  asTree,
  flatten,
  leaves,
  paths,
  size,
  treedefEquals,
  unflatten,
  type Flattened,
  type Leaf,
  type TreeDef,
  type TreeDefNode,
  type UnflattenOptions,
} from './leaves.js'
export { globalNorm } from './norm.js'
export { add, getSumMonoid, scale, sub, zerosLike } from './monoid.js'
