/**
 * The immutability law: a function never changes the tensors it is given.
 *
 * `checkPurity` is the predicate: it snapshots every input (its shape and a copy of its data),
 * runs the function once and compares element by element with Object.is, so a −0 that became +0
 * or a NaN that became a number is caught and a NaN that stayed NaN is not flagged. `purityLaw` is
 * the runner: it draws inputs from an arbitrary and asserts the predicate with fast-check.
 *
 * Memory is part of immutability. `checkSealed` states the sealing invariant for any op (plain
 * kernels, autodiff, future WebAssembly kernels alike): every tensor in the op's result owns its
 * memory — its data is at offset 0 of an ArrayBuffer of exactly its size — and no two distinct
 * tensors among the inputs and outputs share a buffer (the same tensor object may appear twice:
 * that is one value, not two aliases). So nothing reachable from an output (`data.buffer`
 * included) shows or changes another tensor's values. `sealedLaw` is its runner.
 */
import fc from 'fast-check'
import { formatShape } from '../src/tensor/errors.js'
import { isTensor, type Shape, type Tensor } from '../src/tensor/Tensor.js'

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

/** One way an op's result breaks the sealing invariant. */
export interface SealViolation {
  /** Where in the result: `''` for the result itself, `[1]`, `.y`, … for a tensor inside it. */
  readonly path: string
  readonly kind: 'offset' | 'sharedBuffer' | 'aliasesInput' | 'aliasesOutput'
  readonly detail: string
}

/** The outcome of one sealing check. */
export interface SealResult {
  readonly sealed: boolean
  /** Number of tensors found in the result. */
  readonly outputs: number
  readonly violations: readonly SealViolation[]
}

/**
 * Runs `f(...inputs)` once and checks that every tensor in its result (found through arrays,
 * records and Duals' primals) owns its memory: `data.byteOffset === 0`, `data.buffer.byteLength ===
 * data.byteLength`, and its buffer is the buffer of no other tensor among the inputs and outputs
 * (unless it is the very same tensor object).
 *
 * @example
 * checkSealed((x) => reshape(x, [2]), [vector([1, 2])]).sealed  // true
 */
export const checkSealed = (f: (...ts: Tensor[]) => unknown, inputs: readonly Tensor[]): SealResult => {
  const result = f(...inputs)
  const outputs: Array<readonly [string, Tensor]> = []
  collectTensors(result, '', outputs, new Set())
  const owners = new Map<ArrayBufferLike, { readonly tensor: Tensor; readonly where: string }>()
  inputs.forEach((t, i) => {
    if (!owners.has(t.data.buffer)) owners.set(t.data.buffer, { tensor: t, where: `input ${i}` })
  })
  const violations: SealViolation[] = []
  for (const [path, t] of outputs) {
    const { data } = t
    if (data.byteOffset !== 0 || data.buffer.byteLength !== data.byteLength) {
      violations.push({
        path,
        kind: data.byteOffset !== 0 ? 'offset' : 'sharedBuffer',
        detail: `data is ${data.byteLength} bytes at offset ${data.byteOffset} of a ${data.buffer.byteLength}-byte buffer`,
      })
    }
    const owner = owners.get(data.buffer)
    if (owner !== undefined && owner.tensor !== t) {
      violations.push({
        path,
        kind: owner.where.startsWith('input') ? 'aliasesInput' : 'aliasesOutput',
        detail: `shares its buffer with ${owner.where}, a different tensor`,
      })
    } else if (owner === undefined) owners.set(data.buffer, { tensor: t, where: `output ${path || '(the result)'}` })
  }
  return { sealed: violations.length === 0, outputs: outputs.length, violations }
}

/** A one-line account of a sealing result, for failure messages. */
export const describeSealed = (name: string, result: SealResult): string =>
  result.sealed
    ? `${name}: its ${result.outputs} output tensors own their memory`
    : `${name} leaks memory: ${result.violations.map((v) => `${v.path || 'the result'}: ${v.detail}`).join('; ')}`

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

/**
 * Asserts the sealing invariant (`checkSealed`) for `f` on input lists drawn from
 * `arbitraryInputs`: every tensor `f` returns owns its memory.
 *
 * @example
 * sealedLaw('add', add, arb.tensorPair())
 */
export const sealedLaw = (
  name: string,
  f: (...ts: Tensor[]) => unknown,
  arbitraryInputs: fc.Arbitrary<readonly Tensor[]>,
  { numRuns = 100 }: PurityLawOptions = {},
): void => {
  fc.assert(
    fc.property(arbitraryInputs, (inputs) => {
      const result = checkSealed(f, copies(inputs))
      if (!result.sealed) throw new Error(describeSealed(name, result))
    }),
    { numRuns, includeErrorInReport: true },
  )
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** Every tensor inside `u` (through arrays, records and Duals' primals), with its path. */
const collectTensors = (u: unknown, path: string, out: Array<readonly [string, Tensor]>, seen: Set<unknown>): void => {
  if (typeof u !== 'object' || u === null || seen.has(u)) return
  seen.add(u)
  if (isTensor(u)) {
    out.push([path, u])
    // A tensor's own extra fields (a sigmoid's logits, say) are reachable from it too.
    for (const key of Object.keys(u)) if (key !== 'shape' && key !== 'data') collectTensors(Reflect.get(u, key), `${path}.${key}`, out, seen)
    return
  }
  if (Array.isArray(u)) {
    u.forEach((c: unknown, i) => collectTensors(c, `${path}[${i}]`, out, seen))
    return
  }
  if (ArrayBuffer.isView(u)) return
  if (Reflect.get(u, '_tag') === 'Dual') {
    collectTensors(Reflect.get(u, 'primal'), `${path}.primal`, out, seen)
    return
  }
  for (const key of Object.keys(u)) collectTensors(Reflect.get(u, key), `${path}.${key}`, out, seen)
}

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
