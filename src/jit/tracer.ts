/**
 * Tracing: runs the function once on tracers and records every primitive it applies.
 *
 * A tracer is a Dual of a `jit` trace (level 0, below every differentiation), so every op routes
 * it to `bind`, and `bind` hands the application to this trace's recorder instead of computing a
 * derivative. Differentiations inside the function work unchanged on top of it: their rules are
 * written with the ops, so the backward pass is recorded as primitives too. The recorder runs the
 * primitive's kernel on the real values (so shapes, and the buffers the kernel allocates, are
 * known) but the function never sees a value: a tracer's primal is a `TracedTensor`, whose `data`
 * throws a `JitError`. A JavaScript branch on a tensor's values therefore fails at trace time,
 * naming the op that produced the tensor, instead of being frozen into the plan.
 */
import { isDual, shapeOf, type Dual, type Value } from '../ad/index.js'
import { duringJitTrace, TRACED_KEY_WORDS, type JitMultiRecorder, type JitRecorder, type MultiOutputKernel, type Primitive, type Trace } from '../ad/extend.js'
import * as random from '../random/index.js'
import { installKeyTracer } from '../random/internal.js'
import * as T from '../tensor/index.js'
import type { ReadonlyFloat64Array, Shape, Tensor } from '../tensor/index.js'
import { allocate, installAllocationHook, unsafeTensor } from '../tensor/internal.js'
import { rebuildArgs, isKeyLike, type KeyLike } from './args.js'
import { JitError } from './errors.js'
import type { AnyGraphNode, Graph, GraphNode, MultiGraphNode, OutputLeaf, OutputTemplate } from './graph.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * The primal of a tracer: its shape is known, its values are not (until replay). Reading `data`
 * throws a JitError naming the op that produced it.
 */
export class TracedTensor implements T.Tensor {
  constructor(
    readonly shape: Shape,
    /** The trace this value belongs to and its slot there (internal). */
    readonly owner: object,
    readonly slot: number,
    /** The op that produced it ('input' for an argument). */
    readonly producer: string,
  ) {}

  /** Unreadable while tracing: reading it throws a JitError naming the op that made this value. */
  get data(): ReadonlyFloat64Array {
    throw unreadable(this.producer, this.shape)
  }
}

/**
 * A tracer: a Dual of a `jit` trace, whose primal is a `TracedTensor`. Like its primal it has a
 * `data` that throws (a getter on the prototype, so spreads and `Object.keys` see a plain Dual): a
 * Dual has no `data`, and without it user code probing `x.data?.[0]` on a traced value would read
 * `undefined` silently and freeze a wrong value into the plan; this way the trace fails with the
 * JitError that sends a training step back to the interpreter. Code that tells tensors from Duals
 * asks `isDual` first.
 */
export class Tracer implements Dual {
  readonly _tag = 'Dual'
  readonly tangent = undefined
  constructor(
    readonly primal: TracedTensor,
    readonly trace: Trace,
    readonly id: number,
  ) {}

  /** Unreadable while tracing: reading it throws a JitError naming the op that made this value. */
  get data(): ReadonlyFloat64Array {
    throw unreadable(this.primal.producer, this.primal.shape)
  }
}

/**
 * A key under trace: an argument of the traced function, or a key derived from one by `split` or
 * `foldIn` (recorded as nodes). Its words are a traced value of shape [2] (`keyWords` gives it to
 * ops); reading `words` in JavaScript is allowed but makes the keys it comes from static (the
 * plan then replays only for the same words).
 */
export class TracedKey implements random.Key {
  readonly _tag = 'Key'
  /** The traced value of its words (what `keyWords` returns). */
  readonly [TRACED_KEY_WORDS]: Dual
  constructor(
    private readonly real: readonly [number, number],
    /** The trace this key belongs to (internal). */
    readonly owner: object,
    /** The slot of its words. */
    readonly slot: number,
    words: Dual,
    private readonly onRead: () => void,
  ) {
    this[TRACED_KEY_WORDS] = words
  }

  /** The words of the traced call's key; reading them makes the key static. */
  get words(): readonly [number, number] {
    this.onRead()
    return this.real
  }
}

/** What tracing yields: the graph and which keys the function read (those become static). */
export interface Traced {
  readonly graph: Graph
  /** For each key argument: whether the function read its words (then they were baked in). */
  readonly keysRead: readonly boolean[]
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const isRecord = (u: unknown): u is { readonly [key: string]: unknown } => typeof u === 'object' && u !== null && !Array.isArray(u)

const EMPTY_WORDS: ReadonlyFloat64Array = new Float64Array(2)

/**
 * A node's kernel and specialiser, made outside `record`: a closure made inside it would share its
 * scope — the trace's real values and the kernel's allocations — and the plan, which keeps the
 * closures, would keep all of them alive (1.4 GB for a CNN's forward pass over 2 000 images).
 */
const runnerOf =
  <P>(primitive: Primitive<P>, params: P) =>
  (xs: readonly Tensor[]): Tensor =>
    primitive.value(xs, params)

const specializerOf = <P>(primitive: Primitive<P>, params: P): GraphNode['specialize'] => {
  const { specialize } = primitive
  return specialize === undefined ? undefined : (shapes) => specialize(shapes, params)
}

/** The primitive's inline source for given shapes, when it offers one (made outside `record`, as above). */
const inlinerOf = <P>(primitive: Primitive<P>, params: P): GraphNode['inline'] => {
  const { inline } = primitive
  return inline === undefined ? undefined : (shapes) => inline(shapes, params)
}

/** The primitive's per-element function for these params, when it states one (made outside `record`, as above). */
const elementOf = <P>(primitive: Primitive<P>, params: P): GraphNode['element'] => primitive.element?.(params)

/** `runnerOf` for a kernel with several outputs. */
const multiRunnerOf =
  <P>(op: MultiOutputKernel<P>, params: P) =>
  (xs: readonly Tensor[]): readonly Tensor[] =>
    op.value(xs, params)

/** `inlinerOf` for a kernel with several outputs. */
const multiInlinerOf = <P>(op: MultiOutputKernel<P>, params: P): MultiGraphNode['inline'] => {
  const { inline } = op
  return inline === undefined ? undefined : (shapes) => inline(shapes, params)
}

/** `specializerOf` for a kernel with several outputs. */
const multiSpecializerOf = <P>(op: MultiOutputKernel<P>, params: P): MultiGraphNode['specialize'] => {
  const { specialize } = op
  return specialize === undefined ? undefined : (shapes) => specialize(shapes, params)
}

/** Runs `run` and returns its result with the buffers it allocated, in order. */
const withAllocations = <R>(run: () => R): { readonly result: R; readonly allocations: readonly Float64Array[] } => {
  const allocations: Float64Array[] = []
  const previous = installAllocationHook({
    take: (n) => {
      const b = new Float64Array(n)
      allocations.push(b)
      return b
    },
  })
  try {
    return { result: run(), allocations }
  } finally {
    installAllocationHook(previous)
  }
}

/** The error of reading a traced value's data. */
const unreadable = (producer: string, shape: Shape): JitError =>
  new JitError(
    producer,
    `the values of a traced tensor of shape ${T.formatShape(shape)} (made by ${producer}) were read. Under jit the ` +
      'function is traced once and replayed, so it cannot branch on or compute with values in JavaScript ' +
      '(reading .data, item, a JavaScript if on a tensor); use the ops instead (where, comparisons, maximum), ' +
      'or call the function without jit.',
  )

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Traces `f` on the flattened arguments `args` (whose tensor leaves are `leaves`, keys `keys`).
 *
 * @throws {JitError} when f reads a traced tensor's values, lets a traced value escape, or returns a Dual
 */
export const traceFunction = (f: (...args: never[]) => unknown, args: readonly unknown[], leaves: readonly Tensor[], keys: readonly KeyLike[]): Traced => {
  const owner = {}
  // Slots: the tensor leaves, then each key's words (shape [2]), then constants and nodes.
  const values: Tensor[] = [...leaves, ...keys.map((k) => T.vector([k.words[0], k.words[1]]))]
  const keyCount = keys.length
  const constants = new Map<number, Tensor>()
  const constantSlots = new Map<Tensor, number>()
  const nodes: AnyGraphNode[] = []
  let finished = false

  const tracerOf = (slot: number, shape: Shape, producer: string): Dual => new Tracer(new TracedTensor(shape, owner, slot, producer), trace, slot)

  const slotOf = (op: string, v: Value): number => {
    if (isDual(v)) {
      if (v.trace !== trace) {
        throw new JitError(op, 'a value traced by another jit call (or by this one after it finished) reached this op: a traced value escaped its function, e.g. through a closure or a variable outside it')
      }
      return v.id
    }
    if (v instanceof TracedTensor) {
      if (v.owner !== owner) throw new JitError(op, 'a traced tensor from another jit call reached this op (it escaped its function)')
      return v.slot
    }
    const known = constantSlots.get(v)
    if (known !== undefined) return known
    const slot = values.length
    values.push(v)
    constants.set(slot, v)
    constantSlots.set(v, slot)
    return slot
  }

  const record: JitRecorder = <P>(primitive: Primitive<P>, args: readonly Value[], params: P): Value => {
    if (finished) throw new JitError(primitive.name, 'a traced value was used after its jit trace finished (it escaped its function)')
    const inputs = args.map((a) => slotOf(primitive.name, a))
    const real = inputs.map((s) => values[s] ?? T.scalar(0))
    const run = runnerOf(primitive, params)
    const { result: out, allocations } = withAllocations(() => run(real))
    // A kernel that hands back one of its inputs unchanged (sumTo to the same shape) needs no node:
    // the result is that input. (Kernels decide this from shapes and params, never from values.)
    const same = real.findIndex((t) => t === out)
    const passed = same < 0 ? undefined : args[same]
    if (passed !== undefined) return passed
    const slot = values.length
    values.push(out)
    const specialize = specializerOf(primitive, params)
    const element = elementOf(primitive, params)
    const inline = inlinerOf(primitive, params)
    nodes.push({
      name: primitive.name,
      run,
      ...(specialize === undefined ? {} : { specialize }),
      ...(inline === undefined ? {} : { inline }),
      inputs,
      output: slot,
      shape: out.shape,
      allocations: allocations.map((b) => b.length),
      // A getter on a TracedTensor never runs here: `out` is the kernel's own plain result.
      outputAllocation: allocations.findIndex((b) => b === out.data),
      // Always present (undefined where the primitive states none): element-wise and other nodes share one object shape.
      element,
    })
    return tracerOf(slot, out.shape, primitive.name)
  }

  // A kernel with several outputs: one node filling one slot per output.
  const recordMulti: JitMultiRecorder = <P>(op: MultiOutputKernel<P>, args: readonly Value[], params: P): readonly Value[] => {
    if (finished) throw new JitError(op.name, 'a traced value was used after its jit trace finished (it escaped its function)')
    const inputs = args.map((a) => slotOf(op.name, a))
    const real = inputs.map((s) => values[s] ?? T.scalar(0))
    const run = multiRunnerOf(op, params)
    const { result: outs, allocations } = withAllocations(() => run(real))
    const outputs = outs.map((out) => {
      values.push(out)
      return values.length - 1
    })
    const specialize = multiSpecializerOf(op, params)
    const inline = multiInlinerOf(op, params)
    nodes.push({
      kind: 'multi',
      name: op.name,
      run,
      ...(specialize === undefined ? {} : { specialize }),
      ...(inline === undefined ? {} : { inline }),
      inputs,
      outputs,
      shapes: outs.map((o) => o.shape),
      allocations: allocations.map((b) => b.length),
      outputAllocations: outs.map((o) => allocations.findIndex((b) => b === o.data)),
    })
    return outs.map((o, i) => tracerOf(outputs[i] ?? -1, o.shape, op.name))
  }

  const trace: Trace = { _tag: 'Trace', mode: 'jit', level: 0, nodes: [], record, recordMulti }
  const keysRead = keys.map(() => false)
  /** A traced key whose words are in `slot`, derived from the argument keys `roots`. */
  const tracedKey = (slot: number, roots: readonly number[]): TracedKey => {
    const real = values[slot]?.data ?? EMPTY_WORDS
    return new TracedKey([real[0] ?? 0, real[1] ?? 0], owner, slot, tracerOf(slot, [2], 'key'), () => {
      for (const i of roots) keysRead[i] = true
    })
  }
  const rootsOf = new WeakMap<TracedKey, readonly number[]>()
  // split and foldIn of a traced key: a node computing the derived words from the key's words.
  const keyTracer = {
    derive: (k: random.Key, name: string, derive: (k: random.Key) => random.Key): random.Key | undefined => {
      if (!(k instanceof TracedKey) || k.owner !== owner || finished) return undefined
      const primitive: Primitive<undefined> = {
        name: `random.${name}`,
        value: ([w]) => {
          const words = w?.data ?? EMPTY_WORDS
          const derived = derive(random.keyFromWords([words[0] ?? 0, words[1] ?? 0])).words
          const out = allocate(2)
          out[0] = derived[0]
          out[1] = derived[1]
          return unsafeTensor(out, [2])
        },
        vjp: () => [undefined],
        jvp: (_t, _x, y) => T.zeros(shapeOf(y)),
      }
      const words = record(primitive, [k[TRACED_KEY_WORDS]], undefined)
      const slot = isDual(words) ? words.id : -1
      const next = tracedKey(slot, rootsOf.get(k) ?? [])
      rootsOf.set(next, rootsOf.get(k) ?? [])
      return next
    },
  }
  const traced = rebuildArgs(
    args,
    (t, i) => tracerOf(i, t.shape, 'input'),
    (_k, i) => {
      const k = tracedKey(leaves.length + i, [i])
      rootsOf.set(k, [i])
      return k
    },
  )
  let result: unknown
  const previousKeyTracer = installKeyTracer(keyTracer)
  try {
    result = duringJitTrace(() => Reflect.apply(f, undefined, traced))
  } finally {
    finished = true
    installKeyTracer(previousKeyTracer)
  }

  // The output: its tree structure, and where each leaf comes from.
  const outputLeaves: OutputLeaf[] = []
  const template = (u: unknown): OutputTemplate => {
    if (Array.isArray(u)) return { kind: 'array', items: u.map(template) }
    if (isDual(u)) {
      if (u.trace !== trace) {
        throw new JitError('output', 'the function returned a value of a differentiation still in progress (a Dual); return plain values, e.g. from valueAndGrad')
      }
      outputLeaves.push({ kind: 'slot', slot: u.id })
      return { kind: 'leaf', index: outputLeaves.length - 1 }
    }
    if (u instanceof TracedTensor && u.owner === owner) {
      outputLeaves.push({ kind: 'slot', slot: u.slot })
      return { kind: 'leaf', index: outputLeaves.length - 1 }
    }
    if (u instanceof TracedKey && u.owner === owner) {
      // A key made from the call's keys: rebuilt from its words on every replay.
      outputLeaves.push({ kind: 'key', slot: u.slot })
      return { kind: 'leaf', index: outputLeaves.length - 1 }
    }
    if (!isKeyLike(u) && !T.isTensor(u) && isRecord(u) && Object.getPrototypeOf(u) === Object.prototype) {
      const keysOf = Object.keys(u)
      return { kind: 'record', keys: keysOf, items: keysOf.map((k) => template(u[k])) }
    }
    outputLeaves.push({ kind: 'static', value: u })
    return { kind: 'leaf', index: outputLeaves.length - 1 }
  }
  const outputTemplate = template(result)
  return {
    graph: { inputCount: leaves.length + keyCount, inputShapes: [...leaves.map((t) => t.shape), ...keys.map((): Shape => [2])], slotCount: values.length, constants, nodes, outputLeaves, outputTemplate },
    keysRead,
  }
}
