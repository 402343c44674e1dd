/**
 * Fused leafwise kernels for the optimizer building blocks. An update such as Adam's reads the
 * gradient and two moments and writes two new moments and the update: one loop per leaf over
 * plain Float64Arrays does it in a single pass, instead of a dozen tensor ops each allocating a
 * temporary. The trees' leaves are aligned once by `tree.alignedLeaves` (one flatten each when
 * the structures are equal — the flat list of leaves that `fit` hands the optimizer is the
 * simplest such structure — records matched by key otherwise, TreeError naming the path where
 * structures or leaf shapes differ), and every output tree has the first tree's structure.
 *
 * Under `jit` (issue 14) the leaves are tracers (Duals of a jit trace): each leaf's kernel is then
 * recorded as one node with several outputs (`constantMultiOp`), running the very same loop (so
 * the bits are the interpreter's) once per replay and writing each output into its own planned
 * buffer — and the whole optimizer update replays inside the compiled training step. Numbers
 * that change from step to step (the step count) enter a kernel as scalar tensors (`scalars`), never
 * as JavaScript numbers captured by the loop, which a trace would freeze.
 */
import { constantMultiOp, constantOp, valueLeaf, type InlineMultiKernel } from '../ad/extend.js'
import { isDual, shapeOf, type Value } from '../ad/index.js'
import * as T from '../tensor/index.js'
import type { ReadonlyFloat64Array, Tensor } from '../tensor/index.js'
import { fromKernel } from '../tensor/extend.js'
import * as tree from '../tree/index.js'
import type { Tree } from '../tree/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A per-leaf kernel: reads the inputs' data (equal lengths) and writes every element of every
 * output buffer (of the same length: fresh and zero-filled when interpreted, a plan's buffer that
 * may hold old values under jit). It writes nowhere else.
 */
export interface LeafKernel {
  (inputs: readonly ReadonlyFloat64Array[], outputs: readonly Float64Array[]): void
  /**
   * Optional, for `jit`'s inline code: the kernel over a leaf of `length` elements as source text
   * (`InlineMultiKernel`: the inputs' and outputs' buffers by name), by the same operations in the
   * same order; undefined where the kernel should stay a call.
   */
  readonly inline?: (length: number) => InlineMultiKernel | undefined
}

/** One, two or three trees of one structure. */
export type Inputs = readonly [Tree] | readonly [Tree, Tree] | readonly [Tree, Tree, Tree]

/**
 * Scalar tensors a kernel reads after the leaves' data (as arrays of length 1): numbers that change
 * from step to step, such as the step count.
 */
export type Scalars = readonly Tensor[]

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Thrown by a kernel whose input or output list is shorter than its arity: unreachable when the
 * kernel is passed to `fusedLeaves` with the matching counts.
 */
export const arityError = (op: string): Error => new T.ArgumentError(op, 'fused kernel called with too few buffers')

/**
 * Runs `kernel` on the aligned leaves of two or three trees (then the data of the `scalars`) and
 * returns `outputs` trees shaped like the first. Under `jit` the kernels are recorded (see above).
 */
export function fusedLeaves(trees: Inputs, outputs: 1, kernel: LeafKernel, scalars?: Scalars): readonly [Tree]
export function fusedLeaves(trees: Inputs, outputs: 2, kernel: LeafKernel, scalars?: Scalars): readonly [Tree, Tree]
export function fusedLeaves(trees: Inputs, outputs: 3, kernel: LeafKernel, scalars?: Scalars): readonly [Tree, Tree, Tree]
export function fusedLeaves(trees: readonly Tree<Value>[], outputs: number, kernel: LeafKernel, scalars: readonly Value[] = NO_SCALARS): readonly Tree<Value>[] {
  const plain = scalars.some(isDual) ? undefined : plainTrees(trees)
  if (plain === undefined) return tracedLeaves(trees, outputs, kernel, scalars)
  const { lists, treedef } = tree.alignedLeaves('fusedLeaves', plain)
  const n = treedef.leafCount
  const results: Tensor[][] = []
  for (let o = 0; o < outputs; o++) results.push(new Array<Tensor>(n))
  const inputs = new Array<ReadonlyFloat64Array>(lists.length + scalars.length)
  for (let s = 0; s < scalars.length; s++) inputs[lists.length + s] = scalarData(scalars[s])
  const write = (buffers: readonly Float64Array[]): void => kernel(inputs, buffers)
  for (let i = 0; i < n; i++) {
    const first = lists[0]?.[i]
    if (first === undefined) throw arityError('fusedLeaves')
    for (let t = 0; t < lists.length; t++) inputs[t] = (lists[t]?.[i] ?? first).data
    const made = fromKernel(first.shape, outputs, write)
    for (let o = 0; o < outputs; o++) {
      const list = results[o]
      const t = made[o]
      if (list !== undefined && t !== undefined) list[i] = t
    }
  }
  return results.map((leaves) => tree.unflatten(treedef, leaves))
}

/**
 * A scalar through a kernel (`fusedScalar(step, (s) => s + 1)`): a plain scalar in, a plain scalar
 * out; under `jit`, a node of the plan.
 */
export function fusedScalar(name: string, x: Tensor, f: (x: number) => number): Tensor
export function fusedScalar(name: string, x: Value, f: (x: number) => number): Value {
  const compute = (xs: readonly Tensor[]): Tensor => {
    const [y] = fromKernel([], 1, ([out]) => {
      if (out !== undefined) out[0] = f(xs[0]?.data[0] ?? Number.NaN)
    })
    if (y === undefined) throw arityError(name)
    return y
  }
  // A plain scalar (every interpreted step): computed at once, no op built.
  if (!isDual(x)) return compute([x])
  const op = constantOp(name, compute, () => (data, out) => {
    out[0] = f(data[0]?.[0] ?? Number.NaN)
  })
  return op([x], undefined)
}

/**
 * Numbers computed once per step from scalars (a step count, a rate), as scalar tensors: `kernel`
 * reads the inputs' data (arrays of length 1) and writes `outputs` numbers, one array of length 1
 * each — `fusedScalars('adam.count', [step], 3, ([s], [t, c1, c2]) => …)` gives the new count and
 * both bias corrections of the step in one pass. On plain scalars at once; under `jit` one node of
 * the plan with `outputs` outputs, computed at each replay from the counts it reads (never frozen
 * at the traced count), so a per-leaf loop then reads the step's constants instead of recomputing
 * them per leaf.
 *
 * @throws {ArgumentError} when an input is not a scalar (one number)
 */
export function fusedScalars(name: string, xs: readonly Tensor[], outputs: number, kernel: LeafKernel): readonly Tensor[]
export function fusedScalars(name: string, xs: readonly Value[], outputs: number, kernel: LeafKernel): readonly Value[]
export function fusedScalars(name: string, xs: readonly Value[], outputs: number, kernel: LeafKernel): readonly Value[] {
  for (const x of xs) {
    const shape = shapeOf(x)
    if (T.sizeOf(shape) !== 1) throw new T.ArgumentError(name, `a scalar input must hold one number, got shape ${T.formatShape(shape)}`)
  }
  const compute = (ts: readonly Tensor[]): readonly Tensor[] => fromKernel([], outputs, (buffers) => kernel(ts.map((t) => t.data), buffers))
  // Plain scalars (every interpreted step): computed at once, no op built.
  if (!xs.some(isDual)) return compute(xs.filter(T.isTensor))
  return constantMultiOp(name, compute, () => kernel)(xs, undefined)
}

/**
 * A number computed from all the leaves of a tree (`fusedTreeScalar(name, g, tree.globalNorm)`), as
 * a scalar tensor: on plain tensors at once; under `jit` (tracers among the leaves) a node of the
 * plan that calls `f` on the leaves, in flatten order, at every replay.
 */
export function fusedTreeScalar(name: string, t: Tree, f: (leaves: readonly Tensor[]) => number): Tensor
export function fusedTreeScalar(name: string, t: Tree<Value>, f: (leaves: readonly Tensor[]) => number): Value {
  const compute = (leaves: readonly Tensor[]): Tensor => {
    const [y] = fromKernel([], 1, ([out]) => {
      if (out !== undefined) out[0] = f(leaves)
    })
    if (y === undefined) throw arityError(name)
    return y
  }
  const plain = plainTrees([t])?.[0]
  if (plain !== undefined) return compute(tree.flatten(plain).leaves)
  return constantOp(name, compute)(tree.flatten(t, valueLeaf).leaves, undefined)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const NO_SCALARS: readonly Value[] = []

/** Type guard for the plain path: no leaf is a Dual there, so every tree is a tree of tensors. */
const isTensorTree = (t: Tree<Value>): t is Tree => !containsDual(t)

/** The trees when none holds a Dual (one walk each), else undefined: the traced path. */
const plainTrees = (trees: readonly Tree<Value>[]): readonly Tree[] | undefined => {
  const out: Tree[] = []
  for (const t of trees) {
    if (!isTensorTree(t)) return undefined
    out.push(t)
  }
  return out
}

/** Whether a tree holds a Dual (a jit tracer) among its leaves (walked without allocating). */
export const containsDual = (u: unknown): boolean => {
  if (typeof u !== 'object' || u === null) return false
  if (Array.isArray(u)) {
    for (let i = 0; i < u.length; i++) if (containsDual(u[i])) return true
    return false
  }
  // Duals first: a jit tracer's `data` throws, so isTensor must not probe one.
  if (isDual(u)) return true
  if (T.isTensor(u)) return false
  for (const k in u) if (Object.hasOwn(u, k) && containsDual(Reflect.get(u, k))) return true
  return false
}

const scalarData = (s: Value | undefined): ReadonlyFloat64Array => {
  if (s === undefined || isDual(s)) throw arityError('fusedLeaves')
  if (s.data.length !== 1) throw new T.ArgumentError('fusedLeaves', `a scalar input must hold one number, got shape ${T.formatShape(s.shape)}`)
  return s.data
}

/**
 * The traced path: per leaf, one recorded node with `outputs` outputs (`constantMultiOp`), running
 * the whole kernel (the same loop as the plain path, so the same bits) once per replay.
 */
const tracedLeaves = (trees: readonly Tree<Value>[], outputs: number, kernel: LeafKernel, scalars: readonly Value[]): readonly Tree<Value>[] => {
  const flat = trees.map((t) => tree.flatten(t, valueLeaf))
  const first = flat[0]
  if (first === undefined) throw arityError('fusedLeaves')
  for (const f of flat) {
    if (!tree.treedefEquals(f.treedef, first.treedef)) throw new T.ArgumentError('fusedLeaves', 'under jit the trees must have the same structure (the same keys in the same order)')
  }
  const op = leafOp(outputs, kernel)
  const results: Value[][] = Array.from({ length: outputs }, () => [])
  first.leaves.forEach((leaf, i) => {
    const inputs = flat.map((f) => f.leaves[i] ?? leaf)
    const shape = shapeOf(leaf)
    for (const x of inputs) {
      if (!T.shapesEqual(shapeOf(x), shape)) {
        throw new T.ArgumentError('fusedLeaves', `leaf ${i} has shapes ${T.formatShape(shape)} and ${T.formatShape(shapeOf(x))}`)
      }
    }
    const made = op([...inputs, ...scalars], undefined)
    for (let o = 0; o < outputs; o++) {
      const v = made[o]
      if (v === undefined) throw arityError('fusedLeaves')
      results[o]?.push(v)
    }
  })
  return results.map((leaves) => tree.unflatten(first.treedef, leaves))
}

/**
 * The op of a leaf kernel: its outputs shaped like the first input; specialised, the kernel itself
 * writing straight into the planned buffers (every element, as its contract says).
 */
const leafOp = (outputs: number, kernel: LeafKernel) =>
  constantMultiOp(
    'fusedLeaves',
    (xs: readonly Tensor[]): readonly Tensor[] => {
      const x0 = xs[0]
      if (x0 === undefined) throw arityError('fusedLeaves')
      return fromKernel(x0.shape, outputs, (buffers) => kernel(xs.map((x) => x.data), buffers))
    },
    () => kernel,
    ([s]) => kernel.inline?.(T.sizeOf(s ?? [])),
  )
