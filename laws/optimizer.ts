/**
 * Optimizer laws: a zero gradient is a fixed point (from the initial state, the parameters do not
 * move), and an update never changes its arguments (parameters, gradients, state).
 *
 * Predicates (plain functions, no fast-check) take the optimizer and sample inputs and return a
 * `LawResult` saying what was compared. Runners draw parameter trees from an arbitrary, derive
 * gradients of the same structure, and assert with fast-check. Users call the same runners on their
 * own transformations:
 *
 * ```ts
 * import { zeroGradientFixedPointLaw, noMutationLaw } from 'dualflow/laws'
 * zeroGradientFixedPointLaw(optim.adam(), paramsArbitrary)
 * noMutationLaw(myTransformation, paramsArbitrary)
 * ```
 */
import fc from 'fast-check'
import { applyUpdates, type GradientTransformation } from '../src/optim/GradientTransformation.js'
import * as T from '../src/tensor/index.js'
import * as tree from '../src/tree/index.js'
import type { Tree } from '../src/tree/index.js'
import type { LawResult } from './gradient.js'
import { number } from './arbitraries.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of the optimizer law runners. */
export interface OptimizerLawOptions {
  /** Number of fast-check runs (default 100). */
  readonly numRuns?: number
  readonly seed?: number
  /** Updates applied in a row per run (default 3). */
  readonly steps?: number
  /** Largest magnitude of the generated gradients (default 10). */
  readonly maxAbs?: number
}

// ─── predicates ─────────────────────────────────────────────────────────────────────────────────

/**
 * From `init(params)`, `steps` updates with an all-zero gradient (each applied with `applyUpdates`)
 * leave every parameter exactly where it was (compared with ===, so −0 and 0 count as equal).
 * Holds for SGD, momentum, Adam, RMSProp, Adagrad; not for weight decay, which moves parameters
 * on its own.
 */
export const checkZeroGradientFixedPoint = <S>(optimizer: GradientTransformation<S>, params: Tree, steps = 3): LawResult => {
  const zero = tree.zerosLike(params)
  let state = optimizer.init(params)
  let current = params
  for (let i = 0; i < steps; i++) {
    const [updates, next] = optimizer.update(zero, state, current)
    current = applyUpdates(current, updates)
    state = next
  }
  const before = tree.leaves(params)
  const after = tree.leaves(current)
  let largest = 0
  let where = ''
  before.forEach((leaf, l) => {
    const moved = after[l]?.value.data
    leaf.value.data.forEach((x, i) => {
      const y = moved?.[i] ?? Number.NaN
      const change = x === y ? 0 : Number.isNaN(y - x) ? Number.POSITIVE_INFINITY : Math.abs(y - x)
      if (change > largest) {
        largest = change
        where = `${leaf.path || '<root>'}[${i}]: ${x} -> ${y}`
      }
    })
  })
  return {
    law: 'zero gradient is a fixed point',
    holds: largest === 0,
    expected: 0,
    actual: largest,
    tolerance: 0,
    detail: largest === 0 ? `${tree.size(params)} parameters unchanged after ${steps} steps` : `largest change after ${steps} steps at ${where}`,
  }
}

/**
 * `init` and each `update` (one per gradient tree, the parameters advanced by `applyUpdates`
 * between them) change nothing they are given: every tensor's shape and data, every number, array
 * length and record key of the parameters, the gradients and the state are the same afterwards
 * (Object.is per element, so −0 → 0 counts as a change), and no field is reassigned.
 */
export const checkNoMutation = <S>(optimizer: GradientTransformation<S>, params: Tree, grads: readonly Tree[]): LawResult => {
  const problems: string[] = []
  const guard = <R>(what: string, args: Readonly<Record<string, unknown>>, f: () => R): R => {
    const before = Object.entries(args).map(([name, value]) => [name, fingerprint(value)] as const)
    const result = f()
    for (const [name, print] of before) {
      const difference = firstDifference(print, fingerprint(args[name]))
      if (difference !== undefined) problems.push(`${what} changed ${name} at ${difference}`)
    }
    return result
  }
  let state = guard('init', { params }, () => optimizer.init(params))
  let current = params
  grads.forEach((g, step) => {
    const [updates, next] = guard(`update ${step + 1}`, { params: current, grads: g, state }, () => optimizer.update(g, state, current))
    current = guard(`applyUpdates ${step + 1}`, { params: current, updates }, () => applyUpdates(current, updates))
    state = next
  })
  return {
    law: 'updates do not mutate their arguments',
    holds: problems.length === 0,
    expected: 0,
    actual: problems.length,
    tolerance: 0,
    detail: problems.length === 0 ? `init and ${grads.length} updates left their arguments unchanged` : problems.join('; '),
  }
}

// ─── arbitraries ────────────────────────────────────────────────────────────────────────────────

/**
 * A tree shaped like `params` (same structure and leaf shapes) with values in [−maxAbs, maxAbs],
 * distributed as `arb.number` draws them (uniform, plus ±0, tiny values and the ends).
 */
export const gradientsLike = (params: Tree, { maxAbs = 10 }: { readonly maxAbs?: number } = {}): fc.Arbitrary<Tree> => {
  const { leaves, treedef } = tree.flatten(params)
  const value = number({ min: -maxAbs, max: maxAbs })
  return fc
    .tuple(...leaves.map((leaf) => fc.array(value, { minLength: leaf.data.length, maxLength: leaf.data.length })))
    .map((values) => tree.unflatten(treedef, values.map((v, i) => T.fromArray(v, leaves[i]?.shape ?? [v.length]))))
}

// ─── runners ────────────────────────────────────────────────────────────────────────────────────

/** A zero gradient leaves the parameters fixed, for parameter trees drawn from `arbitraryParams`. */
export const zeroGradientFixedPointLaw = <S>(optimizer: GradientTransformation<S>, arbitraryParams: fc.Arbitrary<Tree>, options: OptimizerLawOptions = {}): void =>
  fc.assert(
    fc.property(arbitraryParams, (params) => assertLaw(checkZeroGradientFixedPoint(optimizer, params, options.steps ?? 3))),
    parameters(options),
  )

/**
 * `init`, `update` and `applyUpdates` never mutate parameters, gradients or state, for parameter
 * trees drawn from `arbitraryParams` and `steps` gradient trees of the same structure.
 */
export const noMutationLaw = <S>(optimizer: GradientTransformation<S>, arbitraryParams: fc.Arbitrary<Tree>, options: OptimizerLawOptions = {}): void => {
  const steps = options.steps ?? 3
  const maxAbs = options.maxAbs ?? 10
  const inputs = arbitraryParams.chain((params) =>
    fc.tuple(fc.constant(params), fc.array(gradientsLike(params, { maxAbs }), { minLength: steps, maxLength: steps })),
  )
  fc.assert(
    fc.property(inputs, ([params, grads]) => assertLaw(checkNoMutation(optimizer, params, grads))),
    parameters(options),
  )
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const assertLaw = (result: LawResult): void => {
  if (!result.holds) throw new Error(`${result.law} fails: ${result.detail} (expected ${result.expected}, got ${result.actual})`)
}

const parameters = ({ numRuns = 100, seed }: OptimizerLawOptions): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed })

/**
 * Everything observable about a value, as (path, value) pairs in a fixed order: every number and
 * primitive, array lengths, record keys, tensors' shapes and data element by element, and the
 * identity of every object held in a field (`(field)` entries).
 */
type Fingerprint = ReadonlyArray<readonly [string, unknown]>

const fingerprint = (u: unknown): Fingerprint => {
  const out: Array<readonly [string, unknown]> = []
  const visit = (v: unknown, path: string): void => {
    if (T.isTensor(v)) {
      out.push([`${path}.shape (field)`, v.shape], [`${path}.shape`, v.shape.join(',')], [`${path}.data (field)`, v.data])
      v.data.forEach((x, i) => out.push([`${path}.data[${i}]`, x]))
    } else if (Array.isArray(v)) {
      out.push([`${path}.length`, v.length])
      v.forEach((c: unknown, i) => {
        if (isObject(c)) out.push([`${path}[${i}] (field)`, c])
        visit(c, `${path}[${i}]`)
      })
    } else if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(v)
      out.push([`${path} keys`, keys.join(',')])
      keys.forEach((k) => {
        const child: unknown = Reflect.get(v, k)
        if (isObject(child)) out.push([`${path}.${k} (field)`, child])
        visit(child, `${path}.${k}`)
      })
    } else out.push([path || '<root>', v])
  }
  visit(u, '')
  return out
}

/** Objects are compared by identity too: a reassigned field is a mutation even if it looks the same. */
const isObject = (u: unknown): boolean => typeof u === 'object' && u !== null

const firstDifference = (before: Fingerprint, after: Fingerprint): string | undefined => {
  const n = Math.max(before.length, after.length)
  for (let i = 0; i < n; i++) {
    const b = before[i]
    const a = after[i]
    if (b === undefined || a === undefined) return `${(b ?? a)?.[0] ?? '?'} (structure changed)`
    if (b[0] !== a[0]) return `${b[0]} (structure changed, now ${a[0]})`
    if (!Object.is(b[1], a[1])) return `${b[0]}: ${show(b[1])} -> ${show(a[1])}`
  }
  return undefined
}

const show = (v: unknown): string => (typeof v === 'object' && v !== null ? (Array.isArray(v) ? 'an array' : 'an object') : String(v))
