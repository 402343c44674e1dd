/**
 * laws — reusable fast-check properties and the arbitraries they draw from: gradients (reverse =
 * finite differences, forward = reverse, linearity, structure), purity, layer composition and
 * optimizers. Each law is a predicate (a plain function saying what was compared) and a runner
 * (the predicate wrapped in fc.property and asserted). Re-exports only.
 *
 * @module dualflow/laws
 */
/** fast-check arbitraries of tensors: shapes, broadcastable pairs, matmul pairs, tensors in a range. */
export * as arb from './arbitraries.js'
export * from './purity.js'
export * from './gradient.js'
export * from './optimizer.js'
export * from './category.js'
export * from './jit.js'
