/**
 * Gradient laws: reverse mode agrees with central finite differences, forward mode agrees with
 * reverse mode, the derivative is linear, and the backward pass is structurally sound.
 *
 * Predicates (plain functions, no fast-check) take the function under test and sample inputs and
 * return a `LawResult` saying what was compared. Runners wrap them in `fc.property` and assert;
 * users call the same runners on their own functions:
 *
 * ```ts
 * import { gradientLaws, arb } from 'dualflow/laws'
 * gradientLaws((x) => sum(tanh(mul(x, x))), arb.tensorOf([3, 2]))
 * ```
 *
 * Gradient checks project onto random directions: for f with output y, φ(x) = ⟨u, f(x)⟩ for a random
 * cotangent u, and ⟨v, ∇φ(x)⟩ is compared with (φ(x + εv) − φ(x − εv)) / 2ε. No full Jacobians.
 */
import fc from 'fast-check'
import * as ad from '../src/ad/index.js'
import { valueLeaf } from '../src/ad/extend.js'
import type { Value, ValueTree } from '../src/ad/index.js'
import * as T from '../src/tensor/index.js'
import type { Tensor } from '../src/tensor/index.js'
import * as tree from '../src/tree/index.js'
import { directionOf, number } from './arbitraries.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** What a law compared, and whether it held. */
export interface LawResult {
  readonly law: string
  readonly holds: boolean
  readonly expected: number
  readonly actual: number
  readonly tolerance: number
  readonly detail: string
}

/**
 * Tolerances of the finite-difference law. Finite, non-negative numbers: a non-finite tolerance
 * would accept anything, so it is a RangeError.
 */
export interface GradientTolerance {
  /** Step of the central difference (default 1e-6). */
  readonly eps?: number
  /** Absolute tolerance (default 1e-5). */
  readonly atol?: number
  /** Relative tolerance (default 1e-3). */
  readonly rtol?: number
}

/**
 * Tolerances of the exact laws (forward = reverse, linearity), which compare two derivatives the
 * library computes rather than a finite difference: they agree up to rounding.
 */
export interface ExactTolerance {
  /** Absolute tolerance (default 1e-9). */
  readonly atol?: number
  /** Relative tolerance (default 1e-9). */
  readonly rtol?: number
}

/** fast-check's part of the runners' options. */
export interface RunOptions {
  /** Number of fast-check runs (default 100). */
  readonly numRuns?: number
  readonly seed?: number
}

/** Options of `gradientLaw`: the finite-difference tolerances and the runs. */
export interface GradientLawOptions extends GradientTolerance, RunOptions {
  /** Tolerances of the exact laws when `gradientLaws` runs them all (defaults as ExactTolerance). */
  readonly exact?: ExactTolerance
}

/** Options of `forwardReverseLaw` and `linearityLaw`: their tolerances and the runs. */
export interface ExactLawOptions extends ExactTolerance, RunOptions {}

/** A function under test: a tree of tensors in, a tensor (any shape) out. */
export type Differentiable<X> = (x: X) => Value

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const leavesOf = (t: unknown): Tensor[] => tree.flatten(tree.asTree('law', t, valueLeaf), valueLeaf).leaves.map(ad.primalTensor)

const rebuildLike = <X extends ValueTree>(template: X, leaves: readonly Tensor[]): X => {
  const flat = tree.flatten(template, valueLeaf)
  // The tree is rebuilt from the template's own flattening: same structure as X.
  return tree.unflatten(flat.treedef, leaves) as X
}

const inner = (a: readonly Tensor[], b: readonly Tensor[]): number => {
  let s = 0
  a.forEach((x, i) => {
    const y = b[i]
    if (y === undefined) return
    for (let k = 0; k < x.data.length; k++) s += (x.data[k] ?? 0) * (y.data[k] ?? 0)
  })
  return s
}

const axpy = (x: readonly Tensor[], v: readonly Tensor[], eps: number): Tensor[] =>
  x.map((t, i) => {
    const d = v[i]
    return d === undefined ? t : T.add(t, T.scale(d, eps))
  })

/**
 * The comparator of every gradient law. Two non-finite numbers agree when they are the same value
 * by Object.is (NaN and NaN, +∞ and +∞); a non-finite number never agrees with anything else
 * (+∞ is not −∞, and 0 is not +∞). Two finite numbers agree within atol + rtol·max(|e|, |a|),
 * which is finite because atol and rtol are (checked by `tolerances`).
 */
export const within = (expected: number, actual: number, atol: number, rtol: number): { holds: boolean; tolerance: number } => {
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return { holds: Object.is(expected, actual), tolerance: 0 }
  const tolerance = atol + rtol * Math.max(Math.abs(expected), Math.abs(actual))
  return { holds: Math.abs(expected - actual) <= tolerance, tolerance }
}

/** Checks that each tolerance is a finite number ≥ 0 (and eps > 0) before a law uses it. */
const tolerances = <O extends Record<string, number>>(law: string, options: O): O => {
  for (const [name, value] of Object.entries(options)) {
    const ok = Number.isFinite(value) && (name === 'eps' ? value > 0 : value >= 0)
    if (!ok) throw new RangeError(`${law}: ${name} must be a finite number ${name === 'eps' ? '> 0' : '>= 0'}, got ${value}`)
  }
  return options
}

const describeShapes = (x: unknown): string => leavesOf(x).map((t) => T.formatShape(t.shape)).join(', ')

// ─── predicates ─────────────────────────────────────────────────────────────────────────────────

/**
 * Reverse mode equals central finite differences along direction v, for the projection of f onto
 * the cotangent u: ⟨v, Jᵀu⟩ vs (⟨u, f(x + εv)⟩ − ⟨u, f(x − εv)⟩) / 2ε.
 */
export const checkGradient = <X extends ValueTree>(
  f: Differentiable<X>,
  x: X,
  v: X,
  u: Tensor,
  { eps = 1e-6, atol = 1e-5, rtol = 1e-3 }: GradientTolerance = {},
): LawResult => {
  tolerances('checkGradient', { eps, atol, rtol })
  const [, pullback] = ad.vjp(f, x)
  const g = leavesOf(pullback(u))
  const analytic = inner(g, leavesOf(v))
  const xs = leavesOf(x)
  const vs = leavesOf(v)
  const phi = (leaves: Tensor[]): number => inner([ad.primalTensor(f(rebuildLike(x, leaves)))], [u])
  const numeric = (phi(axpy(xs, vs, eps)) - phi(axpy(xs, vs, -eps))) / (2 * eps)
  const { holds, tolerance } = within(numeric, analytic, atol, rtol)
  return { law: 'gradient = finite differences', holds, expected: numeric, actual: analytic, tolerance, detail: `inputs ${describeShapes(x)}, eps ${eps}` }
}

/** Forward equals reverse: ⟨u, J v⟩ from jvp equals ⟨Jᵀ u, v⟩ from vjp. */
export const checkForwardReverse = <X extends ValueTree>(
  f: Differentiable<X>,
  x: X,
  v: X,
  u: Tensor,
  { atol = 1e-9, rtol = 1e-9 }: ExactTolerance = {},
): LawResult => {
  tolerances('checkForwardReverse', { atol, rtol })
  const [, tangent] = ad.jvp(f, x, v)
  const forward = inner([ad.primalTensor(tangent)], [u])
  const [, pullback] = ad.vjp(f, x)
  const reverse = inner(leavesOf(pullback(u)), leavesOf(v))
  const { holds, tolerance } = within(reverse, forward, atol, rtol)
  return { law: 'forward = reverse', holds, expected: reverse, actual: forward, tolerance, detail: `inputs ${describeShapes(x)}` }
}

/** The derivative is linear: ∇(a·f + b·g) = a·∇f + b·∇g, compared along v. */
export const checkLinearity = <X extends ValueTree>(
  f: Differentiable<X>,
  g: Differentiable<X>,
  a: number,
  b: number,
  x: X,
  v: X,
  u: Tensor,
  { atol = 1e-9, rtol = 1e-9 }: ExactTolerance = {},
): LawResult => {
  tolerances('checkLinearity', { atol, rtol })
  const along = (h: Differentiable<X>): number => {
    const [, pullback] = ad.vjp(h, x)
    return inner(leavesOf(pullback(u)), leavesOf(v))
  }
  const combined = along((y) => ad.add(ad.mul(f(y), a), ad.mul(g(y), b)))
  const separate = a * along(f) + b * along(g)
  const { holds, tolerance } = within(separate, combined, atol, rtol)
  return { law: 'linearity of the derivative', holds, expected: separate, actual: combined, tolerance, detail: `a ${a}, b ${b}` }
}

/**
 * Structural soundness of the backward pass: a zero cotangent gives exactly zero gradients, the
 * pullback run twice gives bit-identical results, and each gradient has its input's shape.
 */
export const checkStructure = <X extends ValueTree>(f: Differentiable<X>, x: X, u: Tensor): LawResult => {
  const [y, pullback] = ad.vjp(f, x)
  const zero = leavesOf(pullback(T.zeros(ad.shapeOf(y))))
  const nonZero = zero.findIndex((t) => t.data.some((d) => d !== 0 || Object.is(d, NaN)))
  const first = leavesOf(pullback(u))
  const second = leavesOf(pullback(u))
  const differs = first.findIndex((t, i) => {
    const s = second[i]
    return s === undefined || t.data.some((d, k) => !Object.is(d, s.data[k]))
  })
  const inputs = leavesOf(x)
  const badShape = first.findIndex((t, i) => !T.shapesEqual(t.shape, inputs[i]?.shape ?? []))
  const problems = [
    nonZero >= 0 ? `zero cotangent gave a non-zero gradient for leaf ${nonZero}` : '',
    differs >= 0 ? `backward pass not bit-identical on a second run (leaf ${differs})` : '',
    badShape >= 0 ? `gradient ${badShape} has shape ${T.formatShape(first[badShape]?.shape ?? [])}, input ${T.formatShape(inputs[badShape]?.shape ?? [])}` : '',
  ].filter((p) => p !== '')
  return { law: 'backward structure', holds: problems.length === 0, expected: 0, actual: problems.length, tolerance: 0, detail: problems.join('; ') || 'ok' }
}

// ─── runners ────────────────────────────────────────────────────────────────────────────────────

/** An input together with a direction like it and a cotangent like f's output. */
const withProbes = <X extends ValueTree>(f: Differentiable<X>, input: fc.Arbitrary<X>): fc.Arbitrary<readonly [X, X, Tensor]> =>
  input.chain((x) => {
    const shapes = leavesOf(x).map((t) => t.shape)
    const outShape = ad.shapeOf(f(x))
    return fc.tuple(fc.constant(x), fc.tuple(...shapes.map(directionOf)).map((vs) => rebuildLike(x, vs)), directionOf(outShape))
  })

const assertLaw = (result: LawResult): void => {
  if (!result.holds) {
    throw new Error(`${result.law} fails: expected ${result.expected}, got ${result.actual} (tolerance ${result.tolerance}; ${result.detail})`)
  }
}

const parameters = ({ numRuns = 100, seed }: RunOptions): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed })

/** The tolerance fields of an options record, without the undefined ones (so defaults apply). */
const gradientTolerance = ({ eps, atol, rtol }: GradientTolerance): GradientTolerance => ({
  ...(eps === undefined ? {} : { eps }),
  ...(atol === undefined ? {} : { atol }),
  ...(rtol === undefined ? {} : { rtol }),
})
const exactTolerance = ({ atol, rtol }: ExactTolerance): ExactTolerance => ({
  ...(atol === undefined ? {} : { atol }),
  ...(rtol === undefined ? {} : { rtol }),
})

/** Reverse-mode gradient equals central finite differences, over generated inputs and directions. */
export const gradientLaw = <X extends ValueTree>(f: Differentiable<X>, input: fc.Arbitrary<X>, options: GradientLawOptions = {}): void => {
  const tolerance = tolerances('gradientLaw', { ...gradientTolerance(options) })
  fc.assert(fc.property(withProbes(f, input), ([x, v, u]) => assertLaw(checkGradient(f, x, v, u, tolerance))), parameters(options))
}

/** ⟨u, J v⟩ from jvp equals ⟨Jᵀ u, v⟩ from vjp, over generated inputs, u and v, within the given tolerances. */
export const forwardReverseLaw = <X extends ValueTree>(f: Differentiable<X>, input: fc.Arbitrary<X>, options: ExactLawOptions = {}): void => {
  const tolerance = tolerances('forwardReverseLaw', { ...exactTolerance(options) })
  fc.assert(fc.property(withProbes(f, input), ([x, v, u]) => assertLaw(checkForwardReverse(f, x, v, u, tolerance))), parameters(options))
}

/** grad(a·f + b·g) = a·grad f + b·grad g, over generated inputs and coefficients in [−3, 3], within the given tolerances. */
export const linearityLaw = <X extends ValueTree>(
  f: Differentiable<X>,
  g: Differentiable<X>,
  input: fc.Arbitrary<X>,
  options: ExactLawOptions = {},
): void => {
  const tolerance = tolerances('linearityLaw', { ...exactTolerance(options) })
  const coefficient = number({ min: -3, max: 3 })
  fc.assert(
    fc.property(withProbes(f, input), coefficient, coefficient, ([x, v, u], a, b) => assertLaw(checkLinearity(f, g, a, b, x, v, u, tolerance))),
    parameters(options),
  )
}

/** Zero cotangent → zero gradient; bit-identical reruns; gradient shapes equal input shapes. */
export const structureLaw = <X extends ValueTree>(f: Differentiable<X>, input: fc.Arbitrary<X>, options: RunOptions = {}): void =>
  fc.assert(fc.property(withProbes(f, input), ([x, , u]) => assertLaw(checkStructure(f, x, u))), parameters(options))

/**
 * All gradient laws for one function: finite differences (with `options`' tolerances), forward =
 * reverse and linearity (with `options.exact`; linearity against f itself composed with tanh, so
 * the two functions differ) and structure.
 */
export const gradientLaws = <X extends ValueTree>(f: Differentiable<X>, input: fc.Arbitrary<X>, options: GradientLawOptions = {}): void => {
  const runs = { ...(options.seed === undefined ? {} : { seed: options.seed }) }
  const fewer = Math.max(10, Math.floor((options.numRuns ?? 100) / 4))
  const exact = exactTolerance(options.exact ?? {})
  gradientLaw(f, input, options)
  forwardReverseLaw(f, input, { ...runs, ...exact, ...(options.numRuns === undefined ? {} : { numRuns: options.numRuns }) })
  linearityLaw(f, (x) => ad.tanh(f(x)), input, { ...runs, ...exact, numRuns: fewer })
  structureLaw(f, input, { ...runs, numRuns: fewer })
}
