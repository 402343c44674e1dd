/**
 * The immutability law: a function never changes the tensors it is given.
 *
 * `checkPurity` is the predicate: it snapshots every input (its shape and a copy of its data),
 * runs the function once and compares element by element with Object.is, so a −0 that became +0
 * or a NaN that became a number is caught and a NaN that stayed NaN is not flagged. `purityLaw` is
 * the runner: it draws inputs from an arbitrary and asserts the predicate with fast-check.
 */
import fc from 'fast-check'
import { formatShape } from '../src/tensor/errors.js'
import type { Shape, Tensor } from '../src/tensor/Tensor.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** One way an input was changed. */
export interface PurityViolation {
  /** Position of the input in the list passed to the function. */
  readonly input: number
  /** Its shape before the call. */
  readonly shape: Shape
  /** `shape` or `data` changed in place; `shapeReplaced` or `dataReplaced` if the field was reassigned. */
  readonly kind: 'shape' | 'data' | 'shapeReplaced' | 'dataReplaced'
  /** First changed element (data) or dimension (shape), when there is one. */
  readonly index?: number
  readonly before?: number
  readonly after?: number
  /** How many elements or dimensions differ (lengths that differ count as one more). */
  readonly changed: number
}

/** The outcome of one purity check: which inputs changed, and how. */
export interface PurityResult {
  readonly pure: boolean
  /** Shapes of the inputs as they were before the call. */
  readonly shapes: readonly Shape[]
  readonly violations: readonly PurityViolation[]
}

/** Options of `purityLaw`. */
export interface PurityLawOptions {
  /** Number of random input lists to try (default 100). */
  readonly numRuns?: number
}

// ─── predicates ─────────────────────────────────────────────────────────────────────────────────

/**
 * Runs `f(...inputs)` once and reports every input whose shape or data it changed. An exception
 * from `f` propagates.
 *
 * @example
 * checkPurity((a, b) => add(a, b), [vector([1]), vector([2])]).pure  // true
 */
export const checkPurity = (f: (...ts: Tensor[]) => unknown, inputs: readonly Tensor[]): PurityResult => {
  const snapshots = inputs.map((t) => ({ shapeRef: t.shape, shape: [...t.shape], dataRef: t.data, data: t.data.slice() }))
  f(...inputs)
  const violations: PurityViolation[] = []
  inputs.forEach((t, input) => {
    const before = snapshots[input]
    if (before === undefined) return
    const shape = before.shape
    if (t.shape !== before.shapeRef) violations.push({ input, shape, kind: 'shapeReplaced', changed: 1 })
    const shapeDiff = compare(before.shape, t.shape)
    if (shapeDiff !== undefined) violations.push({ input, shape, kind: 'shape', ...shapeDiff })
    if (t.data !== before.dataRef) violations.push({ input, shape, kind: 'dataReplaced', changed: 1 })
    const dataDiff = compare(before.data, t.data)
    if (dataDiff !== undefined) violations.push({ input, shape, kind: 'data', ...dataDiff })
  })
  return { pure: violations.length === 0, shapes: snapshots.map((s) => s.shape), violations }
}

/** A one-line account of a purity result, for failure messages. */
export const describePurity = (name: string, result: PurityResult): string => {
  if (result.pure) return `${name} left its inputs ${result.shapes.map(formatShape).join(', ')} unchanged`
  const parts = result.violations.map((v) => {
    const where = `input ${v.input} ${formatShape(v.shape)}`
    switch (v.kind) {
      case 'shapeReplaced':
        return `${where}: its shape field was reassigned`
      case 'dataReplaced':
        return `${where}: its data field was reassigned`
      case 'shape':
      case 'data': {
        const first = v.index === undefined ? '' : ` first at ${v.index}: ${String(v.before)} -> ${String(v.after)};`
        return `${where}: ${v.kind} changed in place,${first} ${v.changed} differ`
      }
    }
  })
  return `${name} mutated its inputs: ${parts.join('; ')}`
}

// ─── runners ────────────────────────────────────────────────────────────────────────────────────

/**
 * Asserts that `f` changes none of its inputs, for input lists drawn from `arbitraryInputs`.
 * Throws (through fast-check, with a shrunk counterexample and the account of what changed) on the
 * first violation. `f` receives fresh copies of the drawn tensors (an input repeated in the list
 * stays one shared copy), so a mutation cannot corrupt fast-check's values or their report.
 *
 * @example
 * purityLaw('add', add, arb.tensorPair())
 */
export const purityLaw = (
  name: string,
  f: (...ts: Tensor[]) => unknown,
  arbitraryInputs: fc.Arbitrary<readonly Tensor[]>,
  { numRuns = 100 }: PurityLawOptions = {},
): void => {
  fc.assert(
    fc.property(arbitraryInputs, (inputs) => {
      const result = checkPurity(f, copies(inputs))
      if (!result.pure) throw new Error(describePurity(name, result))
    }),
    { numRuns, includeErrorInReport: true },
  )
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** Deep copies of the tensors, preserving which entries are the same tensor. */
const copies = (inputs: readonly Tensor[]): Tensor[] => {
  const seen = new Map<Tensor, Tensor>()
  return inputs.map((t) => {
    const known = seen.get(t)
    if (known !== undefined) return known
    const copy: Tensor = { shape: [...t.shape], data: t.data.slice() }
    seen.set(t, copy)
    return copy
  })
}

interface Difference {
  readonly index?: number
  readonly before?: number
  readonly after?: number
  readonly changed: number
}

/** The first difference (Object.is per element) and how many elements differ, or undefined. */
const compare = (before: ArrayLike<number>, after: ArrayLike<number>): Difference | undefined => {
  const common = Math.min(before.length, after.length)
  let changed = before.length === after.length ? 0 : 1
  let first: { index: number; before: number; after: number } | undefined
  for (let i = 0; i < common; i++) {
    const b = before[i] ?? 0
    const a = after[i] ?? 0
    if (!Object.is(b, a)) {
      changed++
      first ??= { index: i, before: b, after: a }
    }
  }
  if (changed === 0) return undefined
  return first === undefined ? { changed } : { ...first, changed }
}
