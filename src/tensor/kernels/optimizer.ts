/**
 * The optimizer's per-leaf loops: one pass over a leaf's gradient and state that writes the new
 * state and the update (optim.scaleByAdam and optim.traceMomentum call them through `fusedLeaves`).
 *
 * Each is one JavaScript loop and, for leaves of at least `ELEMENTWISE_MIN_LENGTH` elements under
 * 'auto' (backend.ts), the same expressions in WebAssembly SIMD (wasm-elementwise.ts). Both are
 * built of +, ×, ÷ and √ only, correctly rounded in both engines and evaluated in the same order,
 * so the bits never depend on which one ran.
 */
import type { ReadonlyFloat64Array } from '../Tensor.js'
import { onWasm } from './backend.js'
import { wasmAdam, wasmMomentum, type AdamConstants } from './wasm-elementwise.js'

export type { AdamConstants } from './wasm-elementwise.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * One Adam step over a leaf: for every i,
 *   m1 = β1·m0 + (1 − β1)·g,   v1 = β2·v0 + ((1 − β2)·g)·g,   u = (m1 / c1) / (√(v1 / c2) + ε),
 * reading g, m0, v0 (equal lengths) and writing u, m1, v1 (the same length; nothing else), with
 * the bias corrections c1 = 1 − β1ᵗ and c2 = 1 − β2ᵗ of this step.
 */
export const adamInto = (
  g: ReadonlyFloat64Array,
  m0: ReadonlyFloat64Array,
  v0: ReadonlyFloat64Array,
  u: Float64Array,
  m1: Float64Array,
  v1: Float64Array,
  c: AdamConstants,
  correction1: number,
  correction2: number,
): void => {
  if (onWasm(g.length)) return wasmAdam(g, m0, v0, u, m1, v1, c, correction1, correction2)
  const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, eps } = c
  for (let i = 0; i < g.length; i++) {
    const gi = g[i] ?? 0
    const mi = beta1 * (m0[i] ?? 0) + oneMinusBeta1 * gi
    const vi = beta2 * (v0[i] ?? 0) + oneMinusBeta2 * gi * gi
    m1[i] = mi
    v1[i] = vi
    u[i] = mi / correction1 / (Math.sqrt(vi / correction2) + eps)
  }
}

/**
 * One momentum step over a leaf: v1 = β·v0 + g, and when `u` is given (Nesterov) also
 * u = β·v1 + g.
 */
export const momentumInto = (
  g: ReadonlyFloat64Array,
  v0: ReadonlyFloat64Array,
  v1: Float64Array,
  u: Float64Array | undefined,
  decay: number,
): void => {
  if (onWasm(g.length)) return wasmMomentum(g, v0, v1, u, decay)
  if (u === undefined) {
    for (let i = 0; i < g.length; i++) v1[i] = decay * (v0[i] ?? 0) + (g[i] ?? 0)
    return
  }
  for (let i = 0; i < g.length; i++) {
    const gi = g[i] ?? 0
    const vi = decay * (v0[i] ?? 0) + gi
    v1[i] = vi
    u[i] = decay * vi + gi
  }
}
