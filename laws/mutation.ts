/**
 * Mutation testing of the gradient laws: do they catch a wrong derivative rule?
 *
 * A mutant is the function under test with a deliberately wrong rule swapped in. `mutate(f, kind)`
 * wraps f as one user primitive (`customVjp`) whose value is f's and whose rules are f's own —
 * computed by the library's `vjp` and `jvp` of f — distorted as `kind` says: the pullback ×2,
 * ×1.01 or negated, the operands' gradients swapped, a gradient transposed, the forward rule wrong
 * while the pullback is right, or both wrong the same way (which only finite differences can
 * see). No library code changes; any function the laws accept — a primitive, a composite, a layer
 * as a function of its parameters and input — can be mutated.
 *
 * `killTable` runs the public laws (`gradientLaws`, default tolerances and runs) on every mutant of
 * every subject for a list of seeds and reports, per mutant, in how many seeds the laws caught it.
 * A new primitive or layer joins the suite by adding one `MutationSubject` to the table in
 * test/mutants/subjects.ts; `npm run mutants` prints the table.
 */
import fc from 'fast-check'
import * as ad from '../src/ad/index.js'
import type { Value, ValueTree } from '../src/ad/index.js'
import { valueLeaf } from '../src/ad/extend.js'
import * as tree from '../src/tree/index.js'
import * as T from '../src/tensor/index.js'
import { gradientLaws, type Differentiable } from './gradient.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A wrong rule: how the correct cotangents (reverse) and tangent (forward) are distorted. */
export interface MutantKind {
  readonly name: string
  readonly description: string
  /** The mutant's cotangents from the correct ones (absent: the pullback stays right). */
  readonly vjp?: (correct: readonly Value[]) => readonly Value[]
  /** The mutant's tangent from the correct one (absent: the forward rule stays right). */
  readonly jvp?: (correct: Value) => Value
  /** Applies only to subjects with at least this many input leaves (default 1). */
  readonly minLeaves?: number
  /** Applies only to subjects that ask for it by name in `MutationSubject.kinds`. */
  readonly optIn?: boolean
}

/** One entry of the mutation table: a function, its inputs, and what is known about its mutants. */
export interface MutationSubject<X extends ValueTree = ValueTree> {
  /** Shown in the table, e.g. 'tanh' or 'dense(3) layer'. */
  readonly name: string
  readonly f: Differentiable<X>
  readonly input: fc.Arbitrary<X>
  /** Opt-in kinds that apply (e.g. 'transposed' for products). */
  readonly kinds?: readonly string[]
  /** Mutants that are not actually wrong for this subject, by kind name, with the reason. */
  readonly equivalent?: Readonly<Record<string, string>>
}

/** How one mutant fared over the seeds. */
export interface KillRow {
  readonly subject: string
  readonly kind: string
  readonly seeds: number
  readonly caught: number
  /** Seeds in which the laws did not catch it. */
  readonly survivedSeeds: readonly number[]
  /** Set when the mutant is listed as equivalent (not wrong): the reason. */
  readonly equivalent?: string
  /** The law that caught it first, in the first seed (for the table). */
  readonly caughtBy?: string
}

// ─── kinds ──────────────────────────────────────────────────────────────────────────────────────

const scaled = (s: number) => (values: readonly Value[]): readonly Value[] => values.map((v) => ad.scale(v, s))

/** Reshape of the transpose of every rank-2 gradient: the data laid out transposed, shape kept. */
const transposedLayout = (values: readonly Value[]): readonly Value[] =>
  values.map((v) => {
    const shape = ad.shapeOf(v)
    return shape.length === 2 ? ad.reshape(ad.transpose(v), shape) : v
  })

/** The standard wrong rules. */
export const standardKinds: readonly MutantKind[] = [
  { name: 'vjp×2', description: 'pullback doubled, forward rule right', vjp: scaled(2) },
  { name: 'vjp×1.01', description: 'pullback 1 % too large, forward rule right', vjp: scaled(1.01) },
  { name: 'vjp−', description: 'pullback sign flipped, forward rule right', vjp: scaled(-1) },
  { name: 'both×1.01', description: 'pullback and forward rule both 1 % too large (only finite differences can tell)', vjp: scaled(1.01), jvp: (t) => ad.scale(t, 1.01) },
  { name: 'both−', description: 'pullback and forward rule both sign-flipped (only finite differences can tell)', vjp: scaled(-1), jvp: (t) => ad.neg(t) },
  {
    name: 'swap',
    description: "the first two operands' gradients swapped",
    minLeaves: 2,
    vjp: (values) => [values[1] ?? T.scalar(0), values[0] ?? T.scalar(0), ...values.slice(2)],
  },
  { name: 'jvp×2', description: 'forward rule doubled, pullback right', jvp: (t) => ad.scale(t, 2) },
  { name: 'jvp−', description: 'forward rule sign flipped, pullback right', jvp: (t) => ad.neg(t) },
  { name: 'transposed', description: 'every matrix gradient computed transposed and reshaped back (shapes pass)', vjp: transposedLayout, optIn: true },
]

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * f with a wrong rule: one user primitive with f's value, whose pullback and forward rule are
 * f's own (by `vjp` and `jvp` of f) distorted by `kind`. First-order only.
 */
export const mutate = <X extends ValueTree>(f: Differentiable<X>, kind: MutantKind): Differentiable<X> => (x: X): Value => {
  const flat = tree.flatten(x, valueLeaf)
  const rebuild = (leaves: readonly Value[]): X => tree.unflatten(flat.treedef, leaves) as X
  const op = ad.customVjp({
    name: `${kind.name} mutant`,
    value: (...leaves) => ad.primalTensor(f(rebuild(leaves))),
    vjp: (g, inputs) => {
      const [, pullback] = ad.vjp(f, rebuild(inputs))
      const correct = tree.flatten(pullback(g), valueLeaf).leaves
      return kind.vjp === undefined ? correct : kind.vjp(correct)
    },
    jvp: (tangents, inputs) => {
      const filled = inputs.map((v, i) => tangents[i] ?? T.zeros(ad.shapeOf(v)))
      const [, tangent] = ad.jvp(f, rebuild(inputs), rebuild(filled))
      return kind.jvp === undefined ? tangent : kind.jvp(tangent)
    },
  })
  return op(...flat.leaves)
}

/** The identity "mutant": f's own rules through the same wrapper (the control of the harness). */
export const control: MutantKind = { name: 'control', description: "f's own rules through the mutation wrapper" }

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** The kinds that apply to a subject (by its number of input leaves and its opt-ins). */
export const kindsFor = <X extends ValueTree>(subject: MutationSubject<X>, kinds: readonly MutantKind[] = standardKinds): readonly MutantKind[] => {
  const sample = fc.sample(subject.input, { numRuns: 1, seed: 0 })[0]
  const leaves = sample === undefined ? 1 : tree.flatten(sample, valueLeaf).leaves.length
  return kinds.filter((k) => leaves >= (k.minLeaves ?? 1) && (k.optIn !== true || (subject.kinds ?? []).includes(k.name)))
}

/**
 * Runs the public gradient laws with default options on `mutate(f, kind)` for one seed. Returns
 * the failure message (the mutant was caught) or undefined (it survived). Shrinking is switched off
 * for the call (`endOnFailure`): it only simplifies the counterexample, it cannot change whether
 * the laws fail.
 */
export const runMutant = <X extends ValueTree>(subject: MutationSubject<X>, kind: MutantKind, seed: number): string | undefined => {
  const previous = fc.readConfigureGlobal()
  fc.configureGlobal({ ...previous, endOnFailure: true })
  try {
    gradientLaws(mutate(subject.f, kind), subject.input, { seed })
    return undefined
  } catch (e) {
    return e instanceof Error ? `${e.message}\n${String(e.cause ?? '')}` : String(e)
  } finally {
    fc.configureGlobal(previous)
  }
}

/** Which law a failure message names. */
const lawOf = (message: string): string => {
  for (const law of ['gradient = finite differences', 'forward = reverse', 'linearity of the derivative', 'backward structure']) if (message.includes(law)) return law
  return 'error'
}

/**
 * The kill table: every applicable mutant of every subject, run through the laws for each seed.
 * A control row per subject (f's own rules through the same wrapper) must survive every seed.
 */
export const killTable = (
  subjects: readonly MutationSubject[],
  seeds: readonly number[],
  { kinds = standardKinds, withControl = true, onRow }: { readonly kinds?: readonly MutantKind[]; readonly withControl?: boolean; readonly onRow?: (row: KillRow) => void } = {},
): readonly KillRow[] => {
  const rows: KillRow[] = []
  for (const subject of subjects) {
    const applicable = [...(withControl ? [control] : []), ...kindsFor(subject, kinds)]
    for (const kind of applicable) {
      const survived: number[] = []
      let caughtBy: string | undefined
      for (const seed of seeds) {
        const failure = runMutant(subject, kind, seed)
        if (failure === undefined) survived.push(seed)
        else caughtBy ??= lawOf(failure)
      }
      const equivalent = subject.equivalent?.[kind.name]
      const row: KillRow = {
        subject: subject.name,
        kind: kind.name,
        seeds: seeds.length,
        caught: seeds.length - survived.length,
        survivedSeeds: survived,
        ...(equivalent === undefined ? {} : { equivalent }),
        ...(caughtBy === undefined ? {} : { caughtBy }),
      }
      rows.push(row)
      onRow?.(row)
    }
  }
  return rows
}

/** True when the table is what it should be: every control survives, every non-equivalent mutant is caught in every seed. */
export const tableHolds = (rows: readonly KillRow[]): boolean =>
  rows.every((r) => (r.kind === control.name ? r.caught === 0 : r.equivalent !== undefined || r.caught === r.seeds))

/** The table as aligned text, one row per mutant, with a summary line. */
export const formatKillTable = (rows: readonly KillRow[]): string => {
  const lines = rows.map((r) => {
    const verdict =
      r.kind === control.name
        ? r.caught === 0 ? 'ok (passes)' : `CONTROL FAILED in seeds ${r.survivedSeeds.length === r.seeds ? 'all' : 'some'}`
        : r.equivalent !== undefined
          ? `equivalent: ${r.equivalent}`
          : r.caught === r.seeds ? `caught (${r.caughtBy ?? '?'})` : `SURVIVED seeds ${r.survivedSeeds.join(',')}`
    return `${r.subject.padEnd(34)} ${r.kind.padEnd(11)} ${String(r.caught).padStart(3)}/${r.seeds}  ${verdict}`
  })
  const mutants = rows.filter((r) => r.kind !== control.name)
  const wrong = mutants.filter((r) => r.equivalent === undefined)
  const killed = wrong.filter((r) => r.caught === r.seeds).length
  const summary = `${mutants.length} mutants (${mutants.length - wrong.length} equivalent) × ${rows[0]?.seeds ?? 0} seeds: ${killed} of ${wrong.length} non-equivalent mutants caught in every seed; ${wrong.reduce((n, r) => n + r.caught, 0)} of ${wrong.reduce((n, r) => n + r.seeds, 0)} runs caught`
  return [`${'subject'.padEnd(34)} ${'mutant'.padEnd(11)} caught`, ...lines, summary].join('\n')
}

