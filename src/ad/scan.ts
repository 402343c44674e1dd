/**
 * `scan`: a differentiable fold over the leading axis, like `jax.lax.scan`.
 *
 * `scan(body, init, xs, consts)` runs `[carry, y_t] = body(carry, x_t, consts)` for t = 0 … T−1
 * (T−1 … 0 with `reverse`), where x_t is step t of every leaf of `xs`, and returns the final carry
 * and the y_t stacked along a new leading axis (ys[t] belongs to step t in both directions).
 *
 * Under differentiation the whole loop is ONE primitive: its inputs are the leaves of `init`, `xs`
 * and `consts`, its output those of the final carry and the stacked ys, packed into one vector
 * (a node has one output) and unpacked by slices. Its rules are scans themselves:
 *
 * - vjp: a forward scan collects the carry entering each step (memory linear in T), then one
 *   backward scan in the opposite direction runs each step's `vjp` of the body, carrying the carry
 *   cotangent and the running sum of the cotangents of `consts`, and stacks the cotangents of the
 *   x_t. One loop, no recursion; each step's trace lives only during its step.
 * - jvp: a scan of the body's `jvp`, carrying the tangent of the carry beside the carry.
 *
 * Since both rules are built of `scan`, `grad` of `grad` and `jvp` of `grad` run through it.
 *
 * The body must be a function of its arguments only: values it needs under differentiation (a
 * layer's parameters) go in `consts`, so that their cotangents accumulate. A body that closes over
 * a Dual is an error, reported when it returns one from plain inputs.
 */
import * as T from '../tensor/index.js'
import type { Shape, Tensor } from '../tensor/index.js'
import { belowDifferentiation, isDual, primalTensor, shapeOf, type Value } from './Dual.js'
import { GradError } from './errors.js'
import { bind, type Primitive } from './primitive.js'
import { add } from './primitives/binary.js'
import { concat, reshape, slice } from './primitives/shape.js'
import { jvp } from './forward.js'
import { vjp } from './reverse.js'
import * as tree from '../tree/index.js'
import { valueLeaf, type ValueTree } from './Dual.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link scan}. */
export interface ScanOptions {
  /** Run from the last step to the first (default false); ys[t] still belongs to step t. */
  readonly reverse?: boolean
  /** Number of steps, needed only when `xs` has no leaves (default: the leading dimension of xs). */
  readonly length?: number
}

/** One step of a scan: the carry and the step's slice of xs in, the next carry and the step's output out. */
export type ScanBody<C extends ValueTree, X extends ValueTree, P extends ValueTree, Y extends ValueTree> = (
  carry: C,
  x: X,
  consts: P,
) => readonly [C, Y]

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

type Leaves = readonly Value[]

/** The body on flat leaf lists. */
type FlatBody = (carry: Leaves, x: Leaves, consts: Leaves) => readonly [Leaves, Leaves]

interface ScanParams {
  readonly body: FlatBody
  readonly carryCount: number
  readonly xsCount: number
  readonly carryShapes: readonly Shape[]
  /** Shapes of one step's outputs (the stacked ys have T in front). */
  readonly yShapes: readonly Shape[]
  readonly length: number
  readonly reverse: boolean
}

const plainLeaves = (leaves: Leaves): Tensor[] | undefined => {
  const out: Tensor[] = []
  for (const v of leaves) {
    if (isDual(v)) return undefined
    out.push(v)
  }
  return out
}

const closedOverError = (): GradError =>
  new GradError('scan', 'the body returned a Dual from plain inputs: it closes over a value under differentiation; pass such values (parameters) through consts')

/** The loop on plain tensors: the final carry and the stacked ys. */
const loopPlain = (body: FlatBody, init: readonly Tensor[], xs: readonly Tensor[], consts: readonly Tensor[], length: number, reverse: boolean): [Tensor[], Tensor[]] => {
  const steps = xs.map((x) => T.unstack(x, 0))
  let carry: readonly Tensor[] = init
  const outputs: (readonly Tensor[])[] = new Array<readonly Tensor[]>(length)
  for (let k = 0; k < length; k++) {
    const t = reverse ? length - 1 - k : k
    const [next, y] = body(carry, steps.map((s) => s[t] ?? T.scalar(0)), consts)
    const nextPlain = plainLeaves(next)
    const yPlain = plainLeaves(y)
    if (nextPlain === undefined || yPlain === undefined) throw closedOverError()
    checkCarry(carry.map((c) => c.shape), nextPlain.map((c) => c.shape))
    carry = nextPlain
    outputs[t] = yPlain
  }
  const first = outputs[0] ?? []
  const ys = first.map((y0, j) =>
    T.stack(
      outputs.map((ys, t) => {
        const y = ys[j]
        if (y === undefined || !T.shapesEqual(y.shape, y0.shape)) {
          throw new GradError('scan', `output ${j} of the body has shape ${T.formatShape(y?.shape ?? [])} at step ${t}, ${T.formatShape(y0.shape)} at step 0`)
        }
        return y
      }),
      0,
    ),
  )
  return [[...carry], ys]
}

const checkCarry = (expected: readonly Shape[], actual: readonly Shape[]): void => {
  const same = expected.length === actual.length && expected.every((s, i) => T.shapesEqual(s, actual[i] ?? []))
  if (!same) {
    throw new GradError('scan', `the body must return a carry like its initial one: got ${actual.map(T.formatShape).join(', ') || 'no leaves'}, the initial carry has ${expected.map(T.formatShape).join(', ') || 'no leaves'}`)
  }
}

const scanPrimitive: Primitive<ScanParams> = {
  name: 'scan',
  value: (inputs, p) => {
    const [carry, ys] = loopPlain(p.body, inputs.slice(0, p.carryCount), inputs.slice(p.carryCount, p.carryCount + p.xsCount), inputs.slice(p.carryCount + p.xsCount), p.length, p.reverse)
    return pack([...carry, ...ys])
  },
  vjp: (g, inputs, _y, p, wanted) => {
    const nc = p.carryCount
    const nx = p.xsCount
    const init = inputs.slice(0, nc)
    const xs = inputs.slice(nc, nc + nx)
    const consts = inputs.slice(nc + nx)
    const parts = unpack(g, [...p.carryShapes, ...p.yShapes.map((s) => [p.length, ...s])])
    const gCarry = parts.slice(0, nc)
    const gYs = parts.slice(nc)
    // The carry entering each step, stacked.
    const [, carriesIn] = scanFlat((c, x, k) => [p.body(c, x, k)[0], c], init, xs, consts, p.length, p.reverse)
    // One backward loop: carry = (carry cotangent, Σ consts cotangents); per step, x_t's cotangent out.
    const backwardBody: FlatBody = (carry, stepIn, k) => {
      const dc = carry.slice(0, nc)
      const dk = carry.slice(nc)
      const c = stepIn.slice(0, nc)
      const x = stepIn.slice(nc, nc + nx)
      const dy = stepIn.slice(nc + nx)
      // The cotangents ride along as extra arguments so that the step's trace sits above their level.
      const step = (args: readonly [Leaves, Leaves, Leaves], _cotangents: readonly [Leaves, Leaves]): readonly [Leaves, Leaves] => p.body(args[0], args[1], args[2])
      const [, pullback] = vjp(step, [c, x, k], [dc, dy])
      const [dcBefore, dx, dkStep] = pullback([dc, dy])
      return [[...dcBefore, ...dk.map((a, i) => add(a, dkStep[i] ?? T.zeros(shapeOf(a))))], dx]
    }
    const [final, dxs] = scanFlat(
      backwardBody,
      [...gCarry, ...consts.map((k) => T.zeros(shapeOf(k)))],
      [...carriesIn, ...xs, ...gYs],
      consts,
      p.length,
      !p.reverse,
    )
    const all = [...final.slice(0, nc), ...dxs, ...final.slice(nc)]
    return all.map((c, i) => (wanted[i] === true ? c : undefined))
  },
  jvp: (tangents, inputs, _y, p) => {
    const nc = p.carryCount
    const nx = p.xsCount
    const filled = inputs.map((x, i) => tangents[i] ?? T.zeros(shapeOf(x)))
    const nk = inputs.length - nc - nx
    const forwardBody: FlatBody = (carry, stepIn, k) => {
      const [[c, y], [dc, dy]] = jvp(
        (args: readonly [Leaves, Leaves, Leaves]) => p.body(args[0], args[1], args[2]),
        [carry.slice(0, nc), stepIn.slice(0, nx), k.slice(0, nk)],
        [carry.slice(nc), stepIn.slice(nx), k.slice(nk)],
      )
      return [[...c, ...dc], [...y, ...dy]]
    }
    const [carry, ys] = scanFlat(
      forwardBody,
      [...inputs.slice(0, nc), ...filled.slice(0, nc)],
      [...inputs.slice(nc, nc + nx), ...filled.slice(nc, nc + nx)],
      [...inputs.slice(nc + nx), ...filled.slice(nc + nx)],
      p.length,
      p.reverse,
    )
    const ny = p.yShapes.length
    return packValues([...carry.slice(nc), ...ys.slice(ny)])
  },
}

/** Leaves flattened and joined into one vector. */
const pack = (leaves: readonly Tensor[]): Tensor => T.concat(leaves.map((t) => T.reshape(t, [-1])), 0)

const packValues = (leaves: Leaves): Value => (leaves.some(isDual) ? concat(leaves.map((v) => reshape(v, [-1])), 0) : pack(leaves.filter(T.isTensor)))

/** A packed vector cut back into leaves of the given shapes. */
const unpack = (packed: Value, shapes: readonly Shape[]): Value[] => {
  let offset = 0
  return shapes.map((shape) => {
    const n = T.sizeOf(shape)
    const part = reshape(slice(packed, [offset], [n]), shape)
    offset += n
    return part
  })
}

/**
 * A leaf's plain value for the probe: its primal tensor, or zeros of its shape for a `jit` tracer
 * (whose values are not known while tracing; the probe learns shapes only).
 */
const probeValue = (v: Value): Tensor => (isDual(belowDifferentiation(v)) ? T.zeros(shapeOf(v)) : primalTensor(v))

/** Shapes of a step's carry and outputs, from running the body once on plain values. */
const probe = (body: FlatBody, init: Leaves, xs: Leaves, consts: Leaves, reverse: boolean, length: number): { carry: Shape[]; ys: Shape[] } => {
  const t = reverse ? length - 1 : 0
  const [carry, ys] = body(init.map(probeValue), xs.map((x) => T.unstack(probeValue(x), 0)[t] ?? T.scalar(0)), consts.map(probeValue))
  return { carry: carry.map(shapeOf), ys: ys.map(shapeOf) }
}

/** scan on flat leaf lists: the final carry's leaves and the stacked ys' leaves. */
const scanFlat = (body: FlatBody, init: Leaves, xs: Leaves, consts: Leaves, length: number, reverse: boolean): readonly [Value[], Value[]] => {
  const plainInit = plainLeaves(init)
  const plainXs = plainLeaves(xs)
  const plainConsts = plainLeaves(consts)
  if (plainInit !== undefined && plainXs !== undefined && plainConsts !== undefined) return loopPlain(body, plainInit, plainXs, plainConsts, length, reverse)
  const carryShapes = init.map(shapeOf)
  const shapes = probe(body, init, xs, consts, reverse, length)
  checkCarry(carryShapes, shapes.carry)
  const params: ScanParams = { body, carryCount: init.length, xsCount: xs.length, carryShapes, yShapes: shapes.ys, length, reverse }
  const packed = bind(scanPrimitive, [...init, ...xs, ...consts], params)
  const parts = unpack(packed, [...carryShapes, ...shapes.ys.map((s) => [length, ...s])])
  return [parts.slice(0, init.length), parts.slice(init.length)]
}

/** The number of steps: the common leading dimension of the xs leaves, or `length`. */
const stepsOf = (xs: Leaves, length: number | undefined): number => {
  const dims = xs.map((x) => {
    const shape = shapeOf(x)
    if (shape.length === 0) throw new GradError('scan', 'every leaf of xs needs a leading (time) axis; got a scalar')
    return shape[0] ?? 0
  })
  const steps = dims[0] ?? length
  if (steps === undefined) throw new GradError('scan', 'xs has no leaves: give the number of steps as options.length')
  if (dims.some((d) => d !== steps) || (length !== undefined && length !== steps)) {
    throw new GradError('scan', `the leaves of xs must share their leading dimension${length === undefined ? '' : ` (and equal length ${length})`}, got ${dims.join(', ')}`)
  }
  if (!Number.isInteger(steps) || steps < 1) throw new GradError('scan', `needs at least one step, got ${steps}`)
  return steps
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * A differentiable fold over the leading axis of `xs`: `[carry, y_t] = body(carry, x_t, consts)`,
 * returning the final carry and the stacked y_t. `init`, `xs`, `consts` and the body's outputs are
 * Values or arrays and records of them; `consts` holds what the body needs besides the carry and
 * the step (parameters), so that gradients reach it.
 *
 * @example
 * const [total, running] = scan((c, x) => [add(c, x), add(c, x)], T.scalar(0), tensor([1, 2, 3]), [])
 * total    // 6
 * running  // [1, 3, 6]
 *
 * @throws {GradError} when the xs leaves disagree on their leading dimension (or `length`), there
 * is no step, the body changes the structure or shapes of the carry or of its outputs, or it closes
 * over a value under differentiation instead of taking it through `consts`
 */
export const scan = <C extends ValueTree, X extends ValueTree, P extends ValueTree, Y extends ValueTree>(
  body: ScanBody<C, X, P, Y>,
  init: C,
  xs: X,
  consts: P,
  { reverse = false, length }: ScanOptions = {},
): readonly [C, Y] => {
  const initFlat = tree.flatten<Value, C>(init, valueLeaf)
  const xsFlat = tree.flatten<Value, X>(xs, valueLeaf)
  const constsFlat = tree.flatten<Value, P>(consts, valueLeaf)
  const steps = stepsOf(xsFlat.leaves, length)
  // The structure of the ys is learnt from the body's first output; every step must agree.
  let yStructure: tree.TreeDef<Y> | undefined
  const flatBody: FlatBody = (carry, x, k) => {
    // Each unflatten has the structure of the tree it was flattened from: C, X and P.
    const [next, y] = body(tree.unflatten(initFlat.treedef, carry) as C, tree.unflatten(xsFlat.treedef, x) as X, tree.unflatten(constsFlat.treedef, k) as P)
    const nextFlat = tree.flatten<Value, C>(next, valueLeaf)
    if (!tree.treedefEquals(nextFlat.treedef, initFlat.treedef)) throw new GradError('scan', 'the body must return a carry of the same structure as init')
    const yFlat = tree.flatten<Value, Y>(y, valueLeaf)
    if (yStructure === undefined) yStructure = yFlat.treedef
    else if (!tree.treedefEquals(yFlat.treedef, yStructure)) throw new GradError('scan', 'the body must return outputs of the same structure at every step')
    return [nextFlat.leaves, yFlat.leaves]
  }
  const [carry, ys] = scanFlat(flatBody, initFlat.leaves, xsFlat.leaves, constsFlat.leaves, steps, reverse)
  // The carry is rebuilt with init's structure (C); the ys with the body's output's (Y), or as the
  // plain list of leaves when the body never ran.
  const rebuiltYs = yStructure === undefined ? [...ys] : tree.unflatten(yStructure, ys)
  return [tree.unflatten(initFlat.treedef, carry) as C, rebuiltYs as Y]
}
