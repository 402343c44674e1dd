/**
 * How a primitive is built: its value, its vector–Jacobian product (reverse) and its
 * Jacobian–vector product (forward), defined once, side by side, and `bind`, which applies a
 * primitive to Values at any nesting of traces.
 *
 * The rules are written with the differentiable ops themselves (they receive and return Values),
 * so a backward pass run inside an outer differentiation is itself differentiated: that is all
 * higher-order derivatives need. On plain tensors the exported ops skip `bind` and call the kernel
 * directly: inference pays nothing for differentiation.
 *
 * Exact zeros. Wherever a rule scales a cotangent (reverse) or a tangent (forward) by a local
 * derivative, it uses `mulStrongZero`: a zero on either side gives exactly 0, also against ±∞ or
 * NaN, and every other product is IEEE's. So a zero cotangent stays zero through any element-wise
 * op, and the branch that `where`, `clip`, `maximum`/`minimum`, `max`/`min` or `relu` does not
 * select gets exactly 0 — `grad` of `where(greater(x, 0), log(x), 0)` at 0 is 0, not 0·∞ = NaN —
 * in both modes. A NaN cotangent still propagates through a nonzero derivative. Matrix products
 * sum over rows and columns and keep IEEE arithmetic.
 */
import * as T from '../tensor/index.js'
import type { ReadonlyFloat64Array, Shape, Tensor } from '../tensor/index.js'
import { belowDifferentiation, isDual, shapeOf, type Dual, type Operand, type Trace, type Value } from './Dual.js'
import { GradError, PerturbationError } from './errors.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A differentiable primitive with parameters `P` (axes, a slope, …; `void` when none). */
export interface Primitive<P> {
  readonly name: string
  /** The plain kernel. */
  readonly value: (inputs: readonly Tensor[], params: P) => Tensor
  /**
   * Reverse rule: cotangents of the inputs from the cotangent of the output. `wanted[i]` is false
   * for inputs that are constants of the trace: the rule may return undefined for them.
   */
  readonly vjp: (
    cotangent: Value,
    inputs: readonly Value[],
    output: Value,
    params: P,
    wanted: readonly boolean[],
  ) => readonly (Value | undefined)[]
  /** Forward rule: tangent of the output; an undefined tangent stands for zero (a constant input). */
  readonly jvp: (tangents: readonly (Value | undefined)[], inputs: readonly Value[], output: Value, params: P) => Value
  /**
   * Optional, for `jit`: the kernel specialised to these input shapes, writing the output into a
   * buffer the plan owns (which may hold old values: the loop must write every element). It must
   * perform the same floating-point operations in the same order as `value`, so that replay gives
   * the same bits (the jit law checks it). Undefined — or no `specialize` — and replay calls `value`.
   */
  readonly specialize?: (shapes: readonly Shape[], params: P) => SpecializedKernel | undefined
  /**
   * Optional, for `jit`'s exact element-wise fusion: the per-element function that `value`'s loop
   * calls — out[i] = f(x[i], y[i], z[i]) with each input broadcast to the output — the very
   * function, not a copy, so that a fused loop calling it per element computes the same bits.
   * Stated only by element-wise kernels that compute exactly that for every broadcast (their
   * WebAssembly loops included, which give the JavaScript loops' bits).
   */
  readonly element?: (params: P) => ElementFunction
  /**
   * Optional, for `jit`'s inline code: the kernel specialised to these input shapes as source text
   * (`InlineKernel`), computing the same floating-point operations in the same order as the kernel
   * `specialize` gives for these shapes — in every kernel mode, so undefined where a kernel could
   * run a WebAssembly loop of another order. Undefined: the generated code calls the kernel.
   */
  readonly inline?: (shapes: readonly Shape[], params: P) => InlineKernel | undefined
}

/**
 * What inline source may name besides its buffers: functions and numbers passed into the generated
 * code by position (never written into it as text).
 */
export interface InlineScope {
  /** The name under which the code calls `f` (an element function: the kernel's own). */
  readonly fn: (f: (...xs: number[]) => number) => string
  /** The name under which the code reads the number `x` (bit for bit, −0 and NaN included). */
  readonly number: (x: number) => string
}

/**
 * A kernel specialised to fixed shapes, as source text for `jit`'s generated code: statements that
 * read the input buffers named `ins` (Float64Array locals) and write every element of the buffer
 * named `out`, by the same floating-point operations in the same order as the kernel. The source
 * may hold only those names, the names `scope` gives, numbers, operators and its own block-scoped
 * locals (it runs inside a block of its own): nothing from the user's graph.
 */
export type InlineKernel = (ins: readonly string[], out: string, scope: InlineScope) => string

/** `InlineKernel` for a kernel with several outputs: writes every element of each buffer named in `outs`. */
export type InlineMultiKernel = (ins: readonly string[], outs: readonly string[], scope: InlineScope) => string

/** A kernel specialised to fixed shapes: reads the inputs' data, writes every element of `out`. */
export type SpecializedKernel = (inputs: readonly ReadonlyFloat64Array[], out: Float64Array) => void

/** One element of an element-wise kernel from the same element of each input (unused trailing arguments ignored). */
export type ElementFunction = (x: number, y: number, z: number) => number

/**
 * A kernel with several outputs specialised to fixed shapes: reads the inputs' data and writes
 * every element of each buffer of `outs` (one per output, in order, distinct, possibly holding old
 * values).
 */
export type SpecializedMultiKernel = (inputs: readonly ReadonlyFloat64Array[], outs: readonly Float64Array[]) => void

/**
 * A kernel with several outputs that is a constant of every differentiation (an optimizer's fused
 * per-leaf loop: new moments and the update in one pass), as `constantMultiOp` hands it to a `jit`
 * trace: one node of the graph, run once per replay for all its outputs.
 */
export interface MultiOutputKernel<P> {
  readonly name: string
  /** The plain kernel: its outputs, in order (each a tensor of its own). */
  readonly value: (inputs: readonly Tensor[], params: P) => readonly Tensor[]
  /**
   * Optional, for `jit`: the kernel specialised to these input shapes, writing each output into a
   * buffer the plan owns, by the same floating-point operations in the same order as `value`.
   */
  readonly specialize?: (shapes: readonly Shape[], params: P) => SpecializedMultiKernel | undefined
  /** Optional, for `jit`'s inline code: `specialize`'s kernel as source text (see `Primitive.inline`). */
  readonly inline?: (shapes: readonly Shape[], params: P) => InlineMultiKernel | undefined
}

/** An op of one argument: plain in, plain out; Dual in, Dual out. */
export interface UnaryOp<A extends unknown[] = []> {
  (x: Tensor, ...rest: A): Tensor
  (x: Value, ...rest: A): Value
}

/** An op of two arguments; numbers are promoted to scalars. */
export interface BinaryOp<A extends unknown[] = []> {
  (a: Tensor | number, b: Tensor | number, ...rest: A): Tensor
  (a: Operand, b: Operand, ...rest: A): Value
}

/** A product of two tensors or Duals (no number promotion). */
export interface ProductOp {
  (a: Tensor, b: Tensor): Tensor
  (a: Value, b: Value): Value
}

// ─── overloads ──────────────────────────────────────────────────────────────────────────────────
// Every op is written once on Values and typed with the overloads above: a tensor in gives a
// tensor out. These three functions are the one place that asserts it; each op keeps the promise
// by returning its kernel's result when no argument is a Dual.

/** Types a one-argument op with its overloads. */
export const unaryOverloads = <A extends unknown[]>(op: (x: Value, ...rest: A) => Value): UnaryOp<A> => op as UnaryOp<A>

/** Types a two-argument op (numbers promoted) with its overloads. */
export const binaryOverloads = <A extends unknown[]>(op: (a: Operand, b: Operand, ...rest: A) => Value): BinaryOp<A> => op as BinaryOp<A>

/** Types a product of two Values with its overloads. */
export const productOverloads = (op: (a: Value, b: Value) => Value): ProductOp => op as ProductOp

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** A number promoted to a scalar tensor; Values pass through. */
export const toValue = (v: Operand): Value => (typeof v === 'number' ? T.scalar(v) : v)

/**
 * Applies a primitive to Values. Finds the innermost trace among the arguments, computes the
 * primal one level down (recursively, so nested traces each see their own level), and records a
 * node (reverse) or pushes the tangent (forward).
 *
 * @throws {PerturbationError} when Duals of different traces meet in one op in a way that would confuse them (perturbation confusion)
 * @throws {GradError} when a value traced by another `jit` call reaches the op (a tracer escaped its function)
 */
export const bind = <P>(primitive: Primitive<P>, args: readonly Value[], params: P): Value => {
  let top: Trace | undefined
  for (const a of args) {
    if (!isDual(a)) continue
    if (top === undefined || a.trace.level > top.level) top = a.trace
    else if (a.trace !== top && a.trace.level === top.level) {
      if (a.trace.mode === 'jit') {
        throw new GradError(`jit: ${primitive.name}`, 'a value traced by another jit call reached this op: a traced value escaped its function (through a closure or a variable outside it)')
      }
      throw new PerturbationError(primitive.name)
    }
  }
  if (top === undefined) return primitive.value(args.filter(T.isTensor), params)
  // jit (issue 14): a tracing trace records the application instead of differentiating it.
  if (top.record !== undefined) return top.record(primitive, args, params)
  const trace = top
  const n = args.length
  const inputs = new Array<Value>(n)
  const parents = new Array<number>(n)
  // One level down the inputs are usually plain tensors: then the kernel runs directly.
  const plain: Tensor[] = []
  for (let i = 0; i < n; i++) {
    const a = args[i] ?? T.scalar(0)
    const ours = isDual(a) && a.trace === trace
    const x = ours ? a.primal : a
    inputs[i] = x
    parents[i] = ours ? a.id : -1
    if (!isDual(x)) plain.push(x)
  }
  const output = plain.length === n ? primitive.value(plain, params) : bind(primitive, inputs, params)
  if (trace.mode === 'forward') {
    const tangents = args.map((a) => (isDual(a) && a.trace === trace ? a.tangent : undefined))
    return { _tag: 'Dual', primal: output, trace, id: -1, tangent: primitive.jvp(tangents, inputs, output, params) }
  }
  const wanted = parents.map((p) => p >= 0)
  trace.nodes.push({
    name: primitive.name,
    inputs,
    output,
    parents,
    pullback: (cotangent) => primitive.vjp(cotangent, inputs, output, params, wanted),
  })
  return { _tag: 'Dual', primal: output, trace, id: trace.nodes.length - 1, tangent: undefined }
}

/**
 * A kernel whose result is a constant of every differentiation (a mask, a tie share, a fused
 * first-order pullback), applied to Values: their differentiating Duals are stripped; on plain
 * tensors the kernel runs directly, and under `jit` it is recorded as a node of the graph (so it
 * is recomputed on every replay, never frozen at its traced value). Rules must compute from the
 * values of their inputs only through such ops or through primitives.
 */
export const constantOp = <P>(
  name: string,
  kernel: (inputs: readonly Tensor[], params: P) => Tensor,
  specialize?: Primitive<P>['specialize'],
  element?: Primitive<P>['element'],
): ((inputs: readonly Value[], params: P) => Value) => {
  const primitive: Primitive<P> = {
    name,
    value: kernel,
    vjp: (_g, inputs) => inputs.map(() => undefined),
    jvp: (_t, _inputs, y) => T.zeros(shapeOf(y)),
    ...(specialize === undefined ? {} : { specialize }),
    ...(element === undefined ? {} : { element }),
  }
  return (inputs, params) => {
    const xs = inputs.map(belowDifferentiation)
    return xs.some(isDual) ? bind(primitive, xs, params) : kernel(xs.filter(T.isTensor), params)
  }
}

/**
 * `constantOp` for a kernel with several outputs: on plain tensors the kernel runs directly; under
 * `jit` the application is recorded as ONE node with several outputs, which replays the kernel once
 * for all of them (no node per output, no scratch for the outputs a node would not keep).
 * Differentiating Duals are stripped: the outputs are constants of every differentiation.
 *
 * @throws {GradError} when values of two different jit calls meet in it (a traced value escaped its function)
 */
export const constantMultiOp = <P>(
  name: string,
  kernel: (inputs: readonly Tensor[], params: P) => readonly Tensor[],
  specialize?: MultiOutputKernel<P>['specialize'],
  inline?: MultiOutputKernel<P>['inline'],
): ((inputs: readonly Value[], params: P) => readonly Value[]) => {
  const op: MultiOutputKernel<P> = { name, value: kernel, ...(specialize === undefined ? {} : { specialize }), ...(inline === undefined ? {} : { inline }) }
  return (inputs, params) => {
    const xs = inputs.map(belowDifferentiation)
    let trace: Trace | undefined
    for (const x of xs) {
      if (!isDual(x)) continue
      if (trace !== undefined && x.trace !== trace) {
        throw new GradError(`jit: ${name}`, 'a value traced by another jit call reached this op: a traced value escaped its function (through a closure or a variable outside it)')
      }
      trace = x.trace
    }
    if (trace === undefined) return kernel(xs.filter(T.isTensor), params)
    // Below every differentiation only a jit trace's tracers are left, and a jit trace records.
    if (trace.recordMulti === undefined) throw new GradError(`jit: ${name}`, 'a Dual of a differentiation reached a kernel below every differentiation')
    return trace.recordMulti(op, xs, params)
  }
}

/** Builds the exported op of a one-input primitive: the kernel directly on a tensor, `bind` on a Dual. */
export const unaryOp = <P, A extends unknown[]>(
  primitive: Primitive<P>,
  kernel: (x: Tensor, ...rest: A) => Tensor,
  paramsOf: (...rest: A) => P,
): UnaryOp<A> => {
  return unaryOverloads((x: Value, ...rest: A): Value => (isDual(x) ? bind(primitive, [x], paramsOf(...rest)) : kernel(x, ...rest)))
}

/** Builds the exported op of a two-input primitive (numbers promoted to scalars). */
export const binaryOp = <P, A extends unknown[]>(
  primitive: Primitive<P>,
  kernel: (a: Tensor, b: Tensor, ...rest: A) => Tensor,
  paramsOf: (...rest: A) => P,
): BinaryOp<A> => {
  return binaryOverloads((a: Operand, b: Operand, ...rest: A): Value => {
    const x = toValue(a)
    const y = toValue(b)
    return isDual(x) || isDual(y) ? bind(primitive, [x, y], paramsOf(...rest)) : kernel(x, y, ...rest)
  })
}

/** Input `i` of a primitive's plain inputs (always present by the primitive's arity). */
export const input = (inputs: readonly Tensor[], i: number, name: string): Tensor => {
  const x = inputs[i]
  if (x === undefined) throw new Error(`${name}: missing input ${i}`)
  return x
}

/** Input `i` of a rule's Value inputs. */
export const arg = (inputs: readonly Value[], i: number, name: string): Value => {
  const x = inputs[i]
  if (x === undefined) throw new Error(`${name}: missing input ${i}`)
  return x
}

/** Re-export for rule files: is this Value a Dual? */
export type { Dual }
