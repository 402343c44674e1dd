/**
 * dualflow — neural networks for functional TypeScript.
 *
 * The root holds what a user writes. The everyday vocabulary is flat: tensor constructors and the
 * differentiable ops (which accept tensors and Duals alike, and give a tensor back for tensors),
 * grad / valueAndGrad / vjp / jvp / customVjp, and the core types. Everything else is reached
 * through namespaces: `T` (plain tensor kernels), `ad`, `random`, `tree`, `nn`, `losses`, `optim`,
 * `metrics`, `train`, `data`, `io`, `report`. What extends the library (primitives, `bind`,
 * kernels, allocation) is `dualflow/extend`. Re-exports only.
 *
 * @module dualflow
 */

// Tensor constructors and inspection (the ops come from ad, which accepts tensors and Duals).
export {
  tensor,
  tensorEither,
  fromArray,
  scalar,
  vector,
  zeros,
  ones,
  full,
  eye,
  arange,
  linspace,
  isTensor,
  sizeOf,
  toArray,
  item,
  allClose,
  show,
  ShapeError,
  ArgumentError,
  type Tensor,
  type Shape,
  type NestedArray,
  type ReduceOptions,
} from './tensor/index.js'

// The Either of fp-ts that loading and parsing return (`io.restoreModel`, `data.fromCsv`, …): its
// guards and types, so that using a result needs no import of fp-ts (installed with dualflow, but
// not importable under strict installs such as pnpm's unless the user adds it).
export { isLeft, isRight, left, right, type Either, type Left, type Right } from 'fp-ts/lib/Either.js'

// The differentiable vocabulary and the AD API (ad's user face: no primitives or bind).
export * from './ad/index.js'
export type { Tree } from './tree/index.js'

// Compilation of pure functions (issue 14).
export { jit, jitFold, JitError, type FoldBody, type FoldOptions, type FoldResult, type FoldRun, type Folded, type Jitted, type JitOptions, type JitStats } from './jit/index.js'

// Namespaces.
export * as T from './tensor/index.js'
export * as ad from './ad/index.js'
export * as random from './random/index.js'
export * as tree from './tree/index.js'
export * as metrics from './metrics/index.js'
export * as data from './data/index.js'
export * as nn from './nn/index.js'
export * as losses from './losses/index.js'
export * as optim from './optim/index.js'
export * as train from './train/index.js'
export * as io from './io/index.js'
export * as report from './report/index.js'
