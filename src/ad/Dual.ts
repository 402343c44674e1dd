/**
 * Dual values: a primal paired with the way back (reverse mode) or a tangent (forward mode).
 *
 * A `Dual` belongs to one `Trace`. A reverse trace records, for every primitive applied to its
 * Duals, one `Node` (the inputs, the output and the pullback); the trace is created by `vjp`/`grad`
 * for one call and owned by it — there is no global tape. A forward trace records nothing: each
 * Dual carries its tangent. Traces nest: the primal of a Dual may itself be a Dual of an outer
 * trace (of lower `level`), which is how `grad` of `grad`, and `jvp` of `grad`, work.
 *
 * Levels are derived from the arguments alone: a new trace's level is one more than the highest
 * level among the Duals in the arguments of the function being differentiated. No counter, no
 * dynamic scope. The price: an inner differentiated function must receive outer Duals through its
 * arguments, not through a closure; meeting two unrelated traces of the same level in one op is a
 * `PerturbationError` that says so.
 */
import { isTensor, type Shape, type Tensor } from '../tensor/index.js'
import { flatten, isContainer, type LeafKind, type Tree } from '../tree/index.js'
import type { MultiOutputKernel, Primitive } from './primitive.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** What the ops accept and return: a plain tensor, or a Dual recording its derivative. */
export type Value = Tensor | Dual

/** A tree of Values: what `grad`, `vjp` and `jvp` differentiate with respect to and return. */
export type ValueTree = Tree<Value>

/** A Value or a plain number (promoted to a scalar tensor). */
export type Operand = Value | number

/** A recorded step of a reverse trace: one primitive application. */
export interface Node {
  readonly name: string
  /** The primitive's inputs at this trace's level (constants included). */
  readonly inputs: readonly Value[]
  readonly output: Value
  /** For each input, the index of the node that produced it in this trace, or -1 for a constant. */
  readonly parents: readonly number[]
  /** Cotangents for the inputs, given the cotangent of the output (undefined where not wanted). */
  readonly pullback: (cotangent: Value) => readonly (Value | undefined)[]
}

/**
 * Records one primitive application of a `jit` trace (src/jit) and returns its traced output.
 * `args` are the trace's tracers or plain tensors (constants).
 */
export type JitRecorder = <P>(primitive: Primitive<P>, args: readonly Value[], params: P) => Value

/**
 * Records one application of a kernel with several outputs (`constantMultiOp`) in a `jit` trace,
 * as one node, and returns its traced outputs in order.
 */
export type JitMultiRecorder = <P>(op: MultiOutputKernel<P>, args: readonly Value[], params: P) => readonly Value[]

/**
 * A differentiation in progress: reverse (records nodes) or forward (tangents ride along) — or a
 * `jit` trace (level 0, below every differentiation), whose Duals are tracers: `bind` hands their
 * primitive applications to `record` instead of computing them.
 */
export interface Trace {
  readonly _tag: 'Trace'
  readonly mode: 'reverse' | 'forward' | 'jit'
  readonly level: number
  /** Reverse mode: the steps, in creation order. Appended to only while the trace's function runs. */
  readonly nodes: Node[]
  /** jit mode only: where primitive applications on this trace's tracers go. */
  readonly record?: JitRecorder
  /** jit mode only: where applications of kernels with several outputs go. */
  readonly recordMulti?: JitMultiRecorder
}

/** A value under differentiation. */
export interface Dual {
  readonly _tag: 'Dual'
  readonly primal: Value
  readonly trace: Trace
  /** Reverse mode: index of the node that produced this value. */
  readonly id: number
  /** Forward mode: the tangent (same shape as the primal). */
  readonly tangent: Value | undefined
}

// ─── guards ─────────────────────────────────────────────────────────────────────────────────────

/** True for a Dual. */
export const isDual = (v: unknown): v is Dual =>
  // A property read, not `'_tag' in v`: tensors have no _tag, and a failed `in` lookup on the
  // many object shapes that reach here was the single most expensive check of a training step.
  typeof v === 'object' && v !== null && Reflect.get(v, '_tag') === 'Dual'

/** True for a Value: a tensor or a Dual. */
export const isValue = (v: unknown): v is Value => isDual(v) || isTensor(v)

/** Values are the leaves of the trees `ad` differentiates. */
export const valueLeaf: LeafKind<Value> = { name: 'a tensor or a Dual', is: isValue }

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Every Dual in the extra arguments of a differentiated function (searched through arrays and
 * plain records; anything else is passed over): they decide the level of a new trace.
 */
export const dualsIn = (args: readonly unknown[]): Dual[] =>
  flatten(args, anyLeaf).leaves.filter(isDual)

/** The plain tensor under any number of Dual layers. */
export const primalTensor = (v: Value): Tensor => {
  let u: Value = v
  while (isDual(u)) u = u.primal
  return u
}

/**
 * A Value with every differentiating Dual stripped off: a plain tensor, or a `jit` tracer (whose
 * value is not known until replay). What a rule uses as a constant of all differentiations.
 */
export const belowDifferentiation = (v: Value): Value => {
  let u: Value = v
  while (isDual(u) && u.trace.mode !== 'jit') u = u.primal
  return u
}

/**
 * How many `jit` traces are running (nested jit calls trace inside one another). A tracer exists
 * only while its trace runs — one used after it finished is an error — so code that must treat
 * tracers specially (an optimizer's fused loops) may skip looking for them when none runs. The
 * one mutable variable of ad; it changes no result.
 */
let jitTraces = 0

/** Whether a `jit` trace is running now (so that tracers may be about). */
export const jitTracing = (): boolean => jitTraces > 0

/** Runs `f` as a `jit` trace's function (for src/jit's tracer): `jitTracing()` is true meanwhile. */
export const duringJitTrace = <T>(f: () => T): T => {
  jitTraces++
  try {
    return f()
  } finally {
    jitTraces--
  }
}

/** True for a plain tensor or a `jit` tracer: a Value no differentiation records. */
export const isUndifferentiated = (v: Value): boolean => !isDual(v) || v.trace.mode === 'jit'

/** Shape of a Value. */
export const shapeOf = (v: Value): Shape => primalTensor(v).shape

/** Highest trace level among the Duals of a list (0 when there are none). */
export const maxLevel = (values: readonly Value[]): number => {
  let level = 0
  for (const v of values) if (isDual(v) && v.trace.level > level) level = v.trace.level
  return level
}

/** A fresh trace (owned by the caller: `vjp`, `grad`, `jvp`). */
export const newTrace = (mode: Trace['mode'], level: number): Trace => ({ _tag: 'Trace', mode, level, nodes: [] })

/** An input of a reverse trace: a leaf node without parents. */
export const reverseInput = (trace: Trace, primal: Value): Dual => {
  trace.nodes.push({ name: 'input', inputs: [], output: primal, parents: [], pullback: () => [] })
  return { _tag: 'Dual', primal, trace, id: trace.nodes.length - 1, tangent: undefined }
}

/** An input of a forward trace. */
export const forwardInput = (trace: Trace, primal: Value, tangent: Value): Dual => ({
  _tag: 'Dual',
  primal,
  trace,
  id: -1,
  tangent,
})

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** For searching arguments: every Value, and anything that is neither an array nor a plain record, is a leaf. */
const anyLeaf: LeafKind<unknown> = { name: 'anything', is: (u): u is unknown => isValue(u) || !isContainer(u) }
