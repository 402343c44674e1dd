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

/** Tolerances of the gradient laws. */
export interface GradientTolerance {
  /** Step of the central difference (default 1e-6). */
  readonly eps?: number
  /** Absolute tolerance (default 1e-5). */
  readonly atol?: number
  /** Relative tolerance (default 1e-3). */
  readonly rtol?: number
}

/** Options of the runners: tolerances plus the number of fast-check runs (default 100). */
export interface GradientLawOptions extends GradientTolerance {
  readonly numRuns?: number
  readonly seed?: number
}

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

const within = (expected: number, actual: number, atol: number, rtol: number): { holds: boolean; tolerance: number } => {
  const tolerance = atol + rtol * Math.max(Math.abs(expected), Math.abs(actual))
  return { holds: Math.abs(expected - actual) <= tolerance, tolerance }
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
  { atol = 1e-9, rtol = 1e-9 }: { readonly atol?: number; readonly rtol?: number } = {},
): LawResult => {
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
  { atol = 1e-9, rtol = 1e-9 }: { readonly atol?: number; readonly rtol?: number } = {},
): LawResult => {
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

/** A tensor of the given shape with values in [−1, 1] (directions and cotangents). */
const unitTensorOf = (shape: readonly number[]): fc.Arbitrary<Tensor> =>
  fc
    .array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: T.sizeOf(shape), maxLength: T.sizeOf(shape) })
    .map((values) => T.fromArray(values, shape))

/** An input together with a direction like it and a cotangent like f's output. */
const withProbes = <X extends ValueTree>(f: Differentiable<X>, input: fc.Arbitrary<X>): fc.Arbitrary<readonly [X, X, Tensor]> =>
  input.chain((x) => {
    const shapes = leavesOf(x).map((t) => t.shape)
    const outShape = ad.shapeOf(f(x))
    return fc.tuple(fc.constant(x), fc.tuple(...shapes.map(unitTensorOf)).map((vs) => rebuildLike(x, vs)), unitTensorOf(outShape))
  })

const assertLaw = (result: LawResult): void => {
  if (!result.holds) {
    throw new Error(`${result.law} fails: expected ${result.expected}, got ${result.actual} (tolerance ${result.tolerance}; ${result.detail})`)
  }
}

const parameters = ({ numRuns = 100, seed }: GradientLawOptions): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed })

/** Reverse-mode gradient equals central finite differences, over generated inputs and directions. */
export const gradientLaw = <X extends ValueTree>(f: Differentiable<X>, input: fc.Arbitrary<X>, options: GradientLawOptions = {}): void =>
  fc.assert(fc.property(withProbes(f, input), ([x, v, u]) => assertLaw(checkGradient(f, x, v, u, options))), parameters(options))

/** ⟨u, J v⟩ from jvp equals ⟨Jᵀ u, v⟩ from vjp, over generated inputs, u and v. */
export const forwardReverseLaw = <X extends ValueTree>(f: Differentiable<X>, input: fc.Arbitrary<X>, options: GradientLawOptions = {}): void =>
  fc.assert(fc.property(withProbes(f, input), ([x, v, u]) => assertLaw(checkForwardReverse(f, x, v, u))), parameters(options))

/** grad(a·f + b·g) = a·grad f + b·grad g, over generated inputs and coefficients. */
export const linearityLaw = <X extends ValueTree>(
  f: Differentiable<X>,
  g: Differentiable<X>,
  input: fc.Arbitrary<X>,
  options: GradientLawOptions = {},
): void =>
  fc.assert(
    fc.property(withProbes(f, input), fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), ([x, v, u], a, b) =>
      assertLaw(checkLinearity(f, g, a, b, x, v, u)),
    ),
    parameters(options),
  )

/** Zero cotangent → zero gradient; bit-identical reruns; gradient shapes equal input shapes. */
export const structureLaw = <X extends ValueTree>(f: Differentiable<X>, input: fc.Arbitrary<X>, options: GradientLawOptions = {}): void =>
  fc.assert(fc.property(withProbes(f, input), ([x, , u]) => assertLaw(checkStructure(f, x, u))), parameters(options))

/**
 * All gradient laws for one function: finite differences, forward = reverse, linearity (against
 * f itself composed with tanh, so the two functions differ) and structure.
 */
export const gradientLaws = <X extends ValueTree>(f: Differentiable<X>, input: fc.Arbitrary<X>, options: GradientLawOptions = {}): void => {
  gradientLaw(f, input, options)
  forwardReverseLaw(f, input, options)
  linearityLaw(f, (x) => ad.tanh(f(x)), input, { ...options, numRuns: Math.max(10, Math.floor((options.numRuns ?? 100) / 4)) })
  structureLaw(f, input, { ...options, numRuns: Math.max(10, Math.floor((options.numRuns ?? 100) / 4)) })
}
