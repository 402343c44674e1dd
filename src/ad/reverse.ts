/**
 * Reverse mode: `vjp`, `grad`, `valueAndGrad` and `traceBackward`.
 *
 * `vjp(f, x)` creates a trace owned by this call, wraps the leaves of x as its inputs, runs f (every
 * primitive on the trace's Duals appends one node), and returns the output with a pullback. The
 * pullback walks the nodes once, in reverse creation order — a plain loop over an array, no
 * recursion — running each node's rule exactly once and summing cotangents where a value fans out.
 * Cost is linear in the number of recorded steps; the pullback may be called any number of times.
 */
import * as T from '../tensor/index.js'
import type { Shape, Tensor } from '../tensor/index.js'
import * as tree from '../tree/index.js'
import type { TreeDef } from '../tree/index.js'
import { dualsIn, isDual, maxLevel, newTrace, primalTensor, reverseInput, shapeOf, valueLeaf, type Node, type Trace, type Value, type ValueTree } from './Dual.js'
import { GradError } from './errors.js'
import { add } from './primitives/binary.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** One step of a backward pass, as data (for teaching and debugging). */
export interface BackwardStep {
  /** The primitive whose pullback ran. */
  readonly op: string
  readonly inputShapes: readonly Shape[]
  readonly outputShape: Shape
  /** The cotangent that arrived at the op's output. */
  readonly cotangentIn: Tensor
  /** The cotangents it sent to its inputs (undefined for constants). */
  readonly cotangentsOut: readonly (Tensor | undefined)[]
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/**
 * The backward pass: seeds cotangents at the given nodes and runs every reachable node's pullback
 * once, newest first. Returns the cotangent of every node (undefined where none arrived).
 */
const backward = (
  nodes: readonly Node[],
  seeds: readonly (readonly [number, Value])[],
  steps?: BackwardStep[],
): (Value | undefined)[] => {
  const cotangents = new Array<Value | undefined>(nodes.length)
  let start = -1
  for (const [id, seed] of seeds) {
    const prior = cotangents[id]
    cotangents[id] = prior === undefined ? seed : add(prior, seed)
    if (id > start) start = id
  }
  for (let i = start; i >= 0; i--) {
    const g = cotangents[i]
    const node = nodes[i]
    if (g === undefined || node === undefined || node.parents.length === 0) continue
    const out = node.pullback(g)
    const { parents } = node
    for (let j = 0; j < parents.length; j++) {
      const p = parents[j] ?? -1
      const c = out[j]
      if (p < 0 || c === undefined) continue
      const prior = cotangents[p]
      cotangents[p] = prior === undefined ? c : add(prior, c)
    }
    steps?.push({
      op: node.name,
      inputShapes: node.inputs.map(shapeOf),
      outputShape: shapeOf(node.output),
      cotangentIn: primalTensor(g),
      cotangentsOut: parents.map((p, j) => {
        const c = out[j]
        return p < 0 || c === undefined ? undefined : primalTensor(c)
      }),
    })
  }
  return cotangents
}

interface Recorded {
  readonly trace: Trace
  readonly inputIds: readonly number[]
  readonly inputShapes: readonly Shape[]
  /** The structure of x: the gradient is rebuilt in it. */
  readonly treedef: TreeDef<ValueTree>
  readonly output: unknown
}

/** The trees ad builds live for one call (the function's argument) or are handed back as results, as before: not frozen. */
const UNFROZEN = { freeze: false } as const

/** The leaves (Values) and structure of a tree the AD API was given; a TreeError names the path of anything else. */
const flattenArgument = (x: ValueTree): tree.Flattened<Value, ValueTree> => tree.flatten(x, valueLeaf)

/**
 * Runs f on x (its leaves wrapped as inputs of a new reverse trace, in x's structure) and the
 * extra arguments.
 */
const record = (f: (...args: never[]) => unknown, x: ValueTree, rest: readonly unknown[]): Recorded => {
  const flat = flattenArgument(x)
  const level = 1 + Math.max(maxLevel(flat.leaves), rest.length === 0 ? 0 : maxLevel(dualsIn(rest)))
  const trace = newTrace('reverse', level)
  const n = flat.leaves.length
  const inputs = new Array<Value>(n)
  const inputIds = new Array<number>(n)
  const inputShapes = new Array<Shape>(n)
  for (let i = 0; i < n; i++) {
    const leaf = flat.leaves[i] ?? T.scalar(0)
    const d = reverseInput(trace, leaf)
    inputs[i] = d
    inputIds[i] = d.id
    inputShapes[i] = shapeOf(leaf)
  }
  const output = Reflect.apply(f, undefined, [tree.unflatten(flat.treedef, inputs, UNFROZEN), ...rest])
  return { trace, inputIds, inputShapes, treedef: flat.treedef, output }
}

/** The output's primal at the caller's level (the trace's own Duals unwrapped once). */
const primalAt = (trace: Trace, v: Value): Value => (isDual(v) && v.trace === trace ? v.primal : v)

/** Gradients of the inputs from a finished backward pass (zeros where no cotangent arrived). */
const inputGradients = (r: Recorded, cotangents: readonly (Value | undefined)[]): ValueTree =>
  tree.unflatten(r.treedef, r.inputIds.map((id, i) => cotangents[id] ?? T.zeros(r.inputShapes[i] ?? [])), UNFROZEN)

const scalarOutput = (op: string, r: Recorded): Value => {
  const y = r.output
  if (!isDual(y) && !T.isTensor(y)) throw new GradError(op, `the function must return a scalar tensor, got ${typeof y}`)
  const shape = shapeOf(y)
  if (shape.length !== 0) {
    throw new GradError(op, `the function must return a scalar (shape []), got shape ${T.formatShape(shape)}; reduce it first, e.g. with sum or mean`)
  }
  return y
}

/** Backward pass from a scalar output with seed 1. */
const gradientOf = (r: Recorded, y: Value, steps?: BackwardStep[]): ValueTree => {
  if (!isDual(y) || y.trace !== r.trace) return inputGradients(r, [])
  return inputGradients(r, backward(r.trace.nodes, [[y.id, T.scalar(1)]], steps))
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** A function differentiated with respect to its first argument, as `grad` returns it. */
export interface GradientOf<R extends unknown[]> {
  (x: Tensor, ...rest: R): Tensor
  (x: Value, ...rest: R): Value
}

/**
 * The gradient of a scalar function with respect to its first argument (a tensor or a parameter
 * tree); extra arguments pass through undifferentiated.
 *
 * @example
 * grad((x) => sum(mul(x, x)))(tensor([1, 2, 3]))  // [2, 4, 6]
 */
export function grad<R extends unknown[]>(f: (x: Value, ...rest: R) => Value): GradientOf<R>
export function grad<X extends ValueTree, R extends unknown[]>(f: (x: X, ...rest: R) => Value): (x: X, ...rest: R) => X
export function grad(f: (...args: never[]) => Value): (x: never, ...rest: never[]) => unknown {
  return (x: ValueTree, ...rest: unknown[]) => {
    const r = record(f, x, rest)
    return gradientOf(r, scalarOutput('grad', r))
  }
}

/**
 * The value and the gradient of a scalar function, from one forward and one backward pass.
 *
 * @example
 * valueAndGrad((x) => sum(mul(x, x)))(tensor([1, 2, 3]))       // [14, [2, 4, 6]]
 * valueAndGrad((p) => sum(mul(p.w, p.w)))({ w: tensor([3]) })  // [9, { w: [6] }]
 */
export function valueAndGrad<R extends unknown[]>(f: (x: Value, ...rest: R) => Value): {
  (x: Tensor, ...rest: R): readonly [Tensor, Tensor]
  (x: Value, ...rest: R): readonly [Value, Value]
}
export function valueAndGrad<X extends ValueTree, R extends unknown[]>(f: (x: X, ...rest: R) => Value): (x: X, ...rest: R) => readonly [Value, X]
export function valueAndGrad(f: (...args: never[]) => Value): (x: never, ...rest: never[]) => unknown {
  return (x: ValueTree, ...rest: unknown[]) => {
    const r = record(f, x, rest)
    const y = scalarOutput('valueAndGrad', r)
    return [primalAt(r.trace, y), gradientOf(r, y)]
  }
}

/**
 * Like `valueAndGrad` for a function that returns `[value, aux]`: the scalar value is
 * differentiated, and `aux` (any tree of Values, such as a layer's updated state) is returned
 * beside it as plain data, not differentiated.
 *
 * @throws {GradError} when the function does not return a [value, aux] pair, or its value is not a scalar
 */
export function valueAndGradWithAux<X extends ValueTree, A extends ValueTree, R extends unknown[]>(
  f: (x: X, ...rest: R) => readonly [Value, A],
): (x: X, ...rest: R) => readonly [readonly [Value, A], X]
export function valueAndGradWithAux(f: (...args: never[]) => readonly [Value, ValueTree]): (x: never, ...rest: never[]) => unknown {
  return (x: ValueTree, ...rest: unknown[]) => {
    const r = record((...args: never[]) => {
      const [value, aux] = Reflect.apply(f, undefined, args)
      return { value, aux }
    }, x, rest)
    const output = r.output
    const pair = typeof output === 'object' && output !== null && 'value' in output && 'aux' in output ? output : undefined
    if (pair === undefined) throw new GradError('valueAndGradWithAux', 'the function must return [value, aux]')
    const y = scalarOutput('valueAndGradWithAux', { ...r, output: pair.value })
    // The aux tree keeps its structure; only this trace's Duals are replaced by their primals.
    const aux = tree.flatten(pair.aux, valueLeaf)
    const primals = aux.leaves.map((v) => primalAt(r.trace, v))
    // Rebuilt only when it held this trace's Duals; otherwise the aux is returned as it came.
    const plainAux = primals.every((v, i) => v === aux.leaves[i]) ? pair.aux : tree.unflatten(aux.treedef, primals)
    return [[primalAt(r.trace, y), plainAux], gradientOf(r, y)]
  }
}

/**
 * The output of f at x and its pullback: the vector–Jacobian product, which maps a cotangent of the
 * output (same structure and shapes) to the gradient of ⟨cotangent, f(x)⟩ with respect to x.
 *
 * @throws {GradError} when the cotangent does not have the output's structure and leaf shapes
 * @example
 * const [y, pullback] = vjp((x) => mul(x, x), tensor([1, 2]))
 * y                          // [1, 4]
 * pullback(tensor([1, 10]))  // [2, 40]
 */
export function vjp<R extends unknown[]>(f: (x: Value, ...rest: R) => Value, x: Tensor, ...rest: R): readonly [Tensor, (cotangent: Value) => Tensor]
export function vjp<X extends ValueTree, Y extends ValueTree, R extends unknown[]>(
  f: (x: X, ...rest: R) => Y,
  x: X,
  ...rest: R
): readonly [Y, (cotangent: Y) => X]
export function vjp(f: (...args: never[]) => unknown, x: ValueTree, ...rest: unknown[]): readonly [ValueTree, (cotangent: never) => ValueTree] {
  const r = record(f, x, rest)
  const out = tree.flatten(r.output, valueLeaf)
  const primal = tree.unflatten(out.treedef, out.leaves.map((leaf) => primalAt(r.trace, leaf)))
  const pullback = (cotangent: ValueTree): ValueTree => {
    const ct = flattenArgument(cotangent)
    if (ct.leaves.length !== out.leaves.length) {
      throw new GradError('vjp', `the cotangent has ${ct.leaves.length} leaves, the output ${out.leaves.length}`)
    }
    const seeds: (readonly [number, Value])[] = []
    out.leaves.forEach((leaf, i) => {
      const c = ct.leaves[i]
      if (c === undefined) return
      if (!T.shapesEqual(shapeOf(c), shapeOf(leaf))) {
        throw new GradError('vjp', `cotangent ${tree.paths(ct.treedef)[i] || '(root)'} has shape ${T.formatShape(shapeOf(c))}, the output ${T.formatShape(shapeOf(leaf))}`)
      }
      if (isDual(leaf) && leaf.trace === r.trace) seeds.push([leaf.id, c])
    })
    return inputGradients(r, backward(r.trace.nodes, seeds))
  }
  return [primal, pullback]
}

/**
 * The backward pass of a scalar function at x, step by step, as data: for each node in the order
 * its pullback ran, the op, the shapes, the cotangent in and the cotangents out. The gradient is
 * returned beside it.
 */
export function traceBackward<X extends ValueTree, R extends unknown[]>(
  f: (x: X, ...rest: R) => Value,
  x: X,
  ...rest: R
): { readonly value: Value; readonly gradient: X; readonly steps: readonly BackwardStep[] }
export function traceBackward(f: (...args: never[]) => Value, x: ValueTree, ...rest: unknown[]): { readonly value: Value; readonly gradient: ValueTree; readonly steps: readonly BackwardStep[] } {
  const r = record(f, x, rest)
  const y = scalarOutput('traceBackward', r)
  const steps: BackwardStep[] = []
  const gradient = gradientOf(r, y, steps)
  return { value: primalAt(r.trace, y), gradient, steps }
}
