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
import { ELEMENTWISE_MIN_LENGTH, onWasm } from './backend.js'
import { wasmAdam, wasmMomentum, type AdamConstants } from './wasm-elementwise.js'

export type { AdamConstants } from './wasm-elementwise.js'

// ─── elements ───────────────────────────────────────────────────────────────────────────────────

// The loops below compute each element with these functions, and jit's inline code (the sources
// below) calls the very same functions: one definition, so the inline code computes the same bits.

/** Adam's new first moment of one element: β1·m0 + (1 − β1)·g. */
export const adamMoment1 = (g: number, m0: number, beta1: number, oneMinusBeta1: number): number => beta1 * m0 + oneMinusBeta1 * g
/** Adam's new second moment of one element: β2·v0 + ((1 − β2)·g)·g. */
export const adamMoment2 = (g: number, v0: number, beta2: number, oneMinusBeta2: number): number => beta2 * v0 + oneMinusBeta2 * g * g
/** Adam's update of one element from its new moments: (m1 / c1) / (√(v1 / c2) + ε). */
export const adamUpdate = (m1: number, v1: number, correction1: number, correction2: number, eps: number): number => m1 / correction1 / (Math.sqrt(v1 / correction2) + eps)
/** One element of a momentum step, β·v + g (the new velocity from the old; Nesterov's update from the new). */
export const momentumElement = (g: number, v: number, decay: number): number => decay * v + g

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
    const mi = adamMoment1(gi, m0[i] ?? 0, beta1, oneMinusBeta1)
    const vi = adamMoment2(gi, v0[i] ?? 0, beta2, oneMinusBeta2)
    m1[i] = mi
    v1[i] = vi
    u[i] = adamUpdate(mi, vi, correction1, correction2, eps)
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
    for (let i = 0; i < g.length; i++) v1[i] = momentumElement(g[i] ?? 0, v0[i] ?? 0, decay)
    return
  }
  for (let i = 0; i < g.length; i++) {
    const gi = g[i] ?? 0
    const vi = momentumElement(gi, v0[i] ?? 0, decay)
    v1[i] = vi
    u[i] = momentumElement(gi, vi, decay)
  }
}

// ─── sources ────────────────────────────────────────────────────────────────────────────────────

/** Names of buffers in jit's inline code, and the names it reads functions and numbers under (see ad's `InlineScope`). */
interface SourceScope {
  readonly fn: (f: (...xs: number[]) => number) => string
  readonly number: (x: number) => string
}

/**
 * For jit's inline code: `adamInto`'s loop over a leaf of n elements as source text — g, m0, v0 and
 * the two corrections (arrays of one number) named in `ins`, u, m1, v1 in `outs` — calling the same
 * element functions on the same operands; undefined from `ELEMENTWISE_MIN_LENGTH` elements on,
 * where WebAssembly runs the loop faster (with the same bits).
 */
export const adamSource = (n: number, c: AdamConstants): ((ins: readonly string[], outs: readonly string[], scope: SourceScope) => string) | undefined => {
  if (n >= ELEMENTWISE_MIN_LENGTH) return undefined
  return ([g, m0, v0, c1, c2], [u, m1, v1], { fn, number }) => {
    const [b1, b2, o1, o2, eps] = [number(c.beta1), number(c.beta2), number(c.oneMinusBeta1), number(c.oneMinusBeta2), number(c.eps)]
    return [
      `const k1 = ${c1}[0], k2 = ${c2}[0]`,
      `for (let i = 0; i < ${n}; i++) {`,
      `  const gi = ${g}[i]`,
      `  const mi = ${fn(adamMoment1)}(gi, ${m0}[i], ${b1}, ${o1})`,
      `  const vi = ${fn(adamMoment2)}(gi, ${v0}[i], ${b2}, ${o2})`,
      `  ${m1}[i] = mi`,
      `  ${v1}[i] = vi`,
      `  ${u}[i] = ${fn(adamUpdate)}(mi, vi, k1, k2, ${eps})`,
      '}',
    ].join('\n')
  }
}

/**
 * For jit's inline code: `momentumInto`'s loop over a leaf of n elements as source text — g and v0
 * named in `ins`; v1 (without Nesterov) or u and v1 (with it: `nesterov`) in `outs` — calling the
 * same element function; undefined from `ELEMENTWISE_MIN_LENGTH` elements on, as `adamSource`.
 */
export const momentumSource = (n: number, decay: number, nesterov: boolean): ((ins: readonly string[], outs: readonly string[], scope: SourceScope) => string) | undefined => {
  if (n >= ELEMENTWISE_MIN_LENGTH) return undefined
  return ([g, v0], outs, { fn, number }) => {
    const f = fn(momentumElement)
    const beta = number(decay)
    if (!nesterov) return `for (let i = 0; i < ${n}; i++) ${outs[0]}[i] = ${f}(${g}[i], ${v0}[i], ${beta})`
    const [u, v1] = outs
    return `for (let i = 0; i < ${n}; i++) {\n  const gi = ${g}[i]\n  const vi = ${f}(gi, ${v0}[i], ${beta})\n  ${v1}[i] = vi\n  ${u}[i] = ${f}(gi, vi, ${beta})\n}`
  }
}
