/**
 * Replay: runs a plan on new input leaves. Each node's kernel runs on the tensors in its input
 * slots while the allocation hook hands it the node's planned buffers (zero-filled, exactly as a
 * fresh allocation, unless the kernel said it overwrites every element), so the kernel — the very function the interpreter calls — computes the same
 * bits into reused memory. The output leaves are copied into fresh tensors and put back into the
 * output's structure: the caller never sees a plan's buffer.
 */
import * as random from '../random/index.js'
import * as T from '../tensor/index.js'
import type { ReadonlyFloat64Array, Tensor } from '../tensor/index.js'
import { allocate, installAllocationHook, unsafeTensor, type AllocationHook } from '../tensor/internal.js'
import { JitError } from './errors.js'
import type { OutputTemplate } from './graph.js'
import type { InlineScope, SpecializedKernel } from '../ad/extend.js'
import { slotShapes } from './graph.js'
import { inlineMultiOf, inlineOf } from './inline.js'
import type { Plan, PlannedMultiNode } from './plan.js'
import { isKeyLike } from './args.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A plan with its replay state (slots and per-node input lists), reused across calls. */
export interface Replayer {
  readonly plan: Plan
  readonly run: (leaves: readonly Tensor[]) => unknown
  /**
   * Runs the plan and delivers each output leaf into the caller's buffer instead of returning it
   * (a compiled fold's carry and emissions): `sinks[i]` is output leaf i's destination, a buffer of
   * the leaf's size that the caller owns and the plan never reads — for a random key, its two words.
   * A node whose output is an output leaf writes straight into that leaf's sink (the first, if the
   * leaf appears twice), where `run` would give it fresh memory; every other leaf is copied into
   * its sink (an input passed through, a leaf that appears twice, one that lands in a plan buffer,
   * a constant). Static leaves other than tensors and keys deliver nothing.
   */
  readonly runInto: (leaves: readonly Tensor[], sinks: readonly (Sink | undefined)[]) => void
  /** Whether the node loop (of `run` and `runInto`) runs as generated code (false: the interpreted loop). */
  readonly generated: () => boolean
}

/** Where `Replayer.runInto` delivers an output leaf: a buffer the caller owns, and a tensor over it (made once). */
export interface Sink {
  readonly buffer: Float64Array
  readonly tensor: Tensor
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const EMPTY: readonly (Float64Array | undefined)[] = []
const NO_SIZES: readonly number[] = []
const EMPTY_BUFFER = new Float64Array(0)
const NO_SINKS: readonly (Sink | undefined)[] = []
const NO_DIRECT: readonly number[] = []

/**
 * The hook of one replay: the current node's allocations, handed out in order while the lengths
 * match — its planned buffer (zero-filled), or fresh memory where the plan says so.
 */
class PlannedBuffers implements AllocationHook {
  buffers: readonly (Float64Array | undefined)[] = EMPTY
  sizes: readonly number[] = NO_SIZES
  next = 0
  /** The allocation that gets `sink` instead of fresh memory (a fold's carry), or -1. */
  sinkIndex = -1
  sink: Float64Array = EMPTY_BUFFER
  readonly take = (n: number, zeroed: boolean): Float64Array | undefined => {
    const i = this.next
    if (i >= this.sizes.length || this.sizes[i] !== n) {
      // A kernel asked for something the trace did not see: fresh memory from here on (safe).
      this.next = Number.POSITIVE_INFINITY
      return undefined
    }
    this.next++
    const b = i === this.sinkIndex ? this.sink : this.buffers[i]
    if (b === undefined) return undefined
    // Zero-filled as a fresh allocation is, unless the kernel overwrites every element first.
    if (zeroed) b.fill(0)
    return b
  }
}

/**
 * The sink the node filling `slot` writes into, if any. Indices are checked before reading: a
 * plain replay passes empty arrays, and an out-of-range or negative index would make every node
 * pay a slow property lookup.
 */
const sinkOf = (sinks: readonly (Sink | undefined)[], direct: readonly number[], slot: number): Sink | undefined => {
  if (slot < 0 || slot >= direct.length) return undefined
  const leaf = direct[slot] ?? -1
  return leaf < 0 || leaf >= sinks.length ? undefined : sinks[leaf]
}

/** Whether `data` is one of a node's planned buffers. */
const landsInPlan = (buffers: readonly (Float64Array | undefined)[], data: ReadonlyFloat64Array): boolean => {
  for (let i = 0; i < buffers.length; i++) if (buffers[i] === data) return true
  return false
}

const sameShape = (a: T.Shape, b: T.Shape): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const fresh = (t: Tensor): Tensor => {
  const data = allocate(t.data.length)
  data.set(t.data)
  return unsafeTensor(data, t.shape)
}

/** The output's structure around its leaves, `leaves` indexed as the template's (plain loops: a replay allocates only what it returns). */
export const build = (template: OutputTemplate, leaves: readonly unknown[]): unknown => {
  switch (template.kind) {
    case 'leaf':
      return leaves[template.index]
    case 'array': {
      const items = template.items
      const out = new Array<unknown>(items.length)
      for (let i = 0; i < items.length; i++) {
        const t = items[i]
        if (t !== undefined) out[i] = build(t, leaves)
      }
      return out
    }
    case 'record': {
      const out: { [key: string]: unknown } = {}
      const { keys, items } = template
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]
        const t = items[i]
        if (k === undefined || t === undefined) continue
        // An own data property even for `__proto__` (which plain assignment would send to the prototype setter).
        if (k === '__proto__') Object.defineProperty(out, k, { value: build(t, leaves), enumerable: true, writable: true, configurable: true })
        else out[k] = build(t, leaves)
      }
      return out
    }
  }
}

/** What one plan's replays reuse: its slots, per-node input lists, hook and output arrays. */
interface ReplayState {
  readonly graph: Plan['graph']
  readonly steps: Plan['steps']
  readonly placeholder: Tensor
  readonly slots: Tensor[]
  readonly inputLists: readonly Tensor[][]
  readonly dataLists: readonly ReadonlyFloat64Array[][]
  readonly sizes: readonly number[]
  readonly hook: PlannedBuffers
  readonly handedOut: readonly boolean[]
  /** Buffers the plan owns (a tensor over one of them is never handed out). */
  readonly planned: ReadonlySet<ReadonlyFloat64Array>
  readonly outputs: unknown[]
  /** Per step with several outputs: the buffers its specialised kernel writes (planned, or fresh per call). */
  readonly multiBuffers: readonly (Float64Array[] | undefined)[]
  /** Per step with several outputs: each output's length. */
  readonly multiSizes: readonly (readonly number[] | undefined)[]
  /** Per slot, the output leaf whose sink the node filling it writes into under `runInto`, or -1. */
  readonly direct: readonly number[]
  /** The node loop compiled into one function for this plan (see `generate`), or undefined: `runNodes`. */
  generated: GeneratedBody | undefined
}

/** A plan's node loop as generated code: reads the leaves, runs every node, leaves the output slots in `slots`. */
type GeneratedBody = (leaves: readonly Tensor[], slots: Tensor[], sinks: readonly (Sink | undefined)[]) => void

/** The output of generic step k, checked as `runNodes` checks it: its shape is the traced one, and it lands where the plan said. */
const checkedOutput = (state: ReplayState, k: number, produced: Tensor): Tensor => {
  const step = state.steps[k]
  if (step === undefined || step.kind === 'multi') return produced
  const { node, buffers } = step
  if (!sameShape(produced.shape, node.shape)) {
    throw new JitError(node.name, `the output's shape depends on the input values: traced as ${T.formatShape(node.shape)}, replayed as ${T.formatShape(produced.shape)}; such a function cannot be jitted`)
  }
  // The output landed in one of this node's buffers other than the planned one: that buffer
  // may be reused too early, so the value moves to fresh memory (never observed in practice).
  if (produced.data !== buffers[node.outputAllocation] && landsInPlan(buffers, produced.data)) {
    state.hook.next = Number.POSITIVE_INFINITY
    return fresh(produced)
  }
  return produced
}

/** `run`'s node loop as generated code, with the allocation hook installed as `runNodes` does. */
const runGenerated = (state: ReplayState, generated: GeneratedBody, leaves: readonly Tensor[], sinks: readonly (Sink | undefined)[]): void => {
  const { hook, slots } = state
  const previous = installAllocationHook(hook)
  try {
    generated(leaves, slots, sinks)
  } finally {
    hook.buffers = EMPTY
    hook.sinkIndex = -1
    hook.sink = EMPTY_BUFFER
    installAllocationHook(previous)
  }
}

/**
 * One replay of a node with several outputs (step `k`): the kernel runs once and each output
 * lands in its slot — its planned buffer, or fresh memory for an output handed to the caller.
 */
const runMulti = (state: ReplayState, k: number, step: PlannedMultiNode, sinks: readonly (Sink | undefined)[], direct: readonly number[]): void => {
  const { slots, placeholder, inputLists, dataLists, hook, multiBuffers, multiSizes } = state
  const { node, buffers, specialized } = step
  const refs = node.inputs
  const data = dataLists[k]
  const outs = multiBuffers[k]
  if (specialized !== undefined && data !== undefined && outs !== undefined) {
    for (let i = 0; i < refs.length; i++) data[i] = (slots[refs[i] ?? 0] ?? placeholder).data
    hook.next = Number.POSITIVE_INFINITY
    const wrapped = specialized.outputs
    const sizes = multiSizes[k] ?? NO_SIZES
    for (let o = 0; o < wrapped.length; o++) {
      // An output handed out: fresh memory, or the caller's sink (a fold's carry).
      if (wrapped[o] === undefined) outs[o] = sinkOf(sinks, direct, node.outputs[o] ?? -1)?.buffer ?? allocate(sizes[o] ?? 0)
    }
    specialized.kernel(data, outs)
    for (let o = 0; o < wrapped.length; o++) {
      const planned = wrapped[o]
      const sink = sinkOf(sinks, direct, node.outputs[o] ?? -1)
      if (planned !== undefined) slots[node.outputs[o] ?? 0] = planned
      else if (sink !== undefined) {
        slots[node.outputs[o] ?? 0] = sink.tensor
        outs[o] = EMPTY_BUFFER
      } else {
        slots[node.outputs[o] ?? 0] = unsafeTensor(outs[o] ?? EMPTY_BUFFER, node.shapes[o] ?? [])
        // The caller's now: the plan keeps no reference to it.
        outs[o] = EMPTY_BUFFER
      }
    }
    return
  }
  const ins = inputLists[k] ?? []
  for (let i = 0; i < refs.length; i++) ins[i] = slots[refs[i] ?? 0] ?? placeholder
  hook.buffers = buffers
  hook.sizes = node.allocations
  hook.next = 0
  const made = node.run(ins)
  if (made.length !== node.outputs.length) {
    throw new JitError(node.name, `the number of outputs depends on the input values: traced ${node.outputs.length}, replayed ${made.length}; such a function cannot be jitted`)
  }
  for (let o = 0; o < made.length; o++) {
    let out = made[o] ?? placeholder
    const shape = node.shapes[o] ?? []
    if (!sameShape(out.shape, shape)) {
      throw new JitError(node.name, `the shape of output ${o} depends on the input values: traced as ${T.formatShape(shape)}, replayed as ${T.formatShape(out.shape)}; such a function cannot be jitted`)
    }
    // As for one output: a value in one of the node's buffers other than its own moves to fresh memory.
    if (out.data !== buffers[node.outputAllocations[o] ?? -1] && landsInPlan(buffers, out.data)) out = fresh(out)
    slots[node.outputs[o] ?? 0] = out
  }
}

/**
 * One replay. A module-level function shared by every plan (each plan passes its own state), so
 * that the engine compiles the replay loop once for the process, not once per plan: a fresh
 * plan replays at full speed from its first calls.
 */
const runPlan = (state: ReplayState, leaves: readonly Tensor[]): unknown => {
  const { generated } = state
  if (generated !== undefined) runGenerated(state, generated, leaves, NO_SINKS)
  else runNodes(state, leaves, NO_SINKS, NO_DIRECT)
  const { graph, placeholder, slots, handedOut, planned, outputs } = state
  for (let i = 0; i < outputs.length; i++) {
    const leaf = graph.outputLeaves[i]
    if (leaf === undefined) continue
    if (leaf.kind === 'static') outputs[i] = leaf.value
    else if (leaf.kind === 'key') {
      const words = (slots[leaf.slot] ?? placeholder).data
      outputs[i] = random.keyFromWords([words[0] ?? 0, words[1] ?? 0])
    } else {
      const t = slots[leaf.slot] ?? placeholder
      outputs[i] = handedOut[i] === true && !planned.has(t.data) ? t : fresh(t)
    }
  }
  // Let go of the caller's tensors (the plan keeps only its own buffers).
  for (let i = 0; i < graph.inputCount; i++) slots[i] = placeholder
  return build(graph.outputTemplate, outputs)
}

/**
 * The node loop of one replay, shared by `run` and `runInto`: the inputs bound to their slots,
 * then every node in order. `sinks`/`direct` as in `Replayer.runInto` (empty for `run`).
 */
const runNodes = (state: ReplayState, leaves: readonly Tensor[], sinks: readonly (Sink | undefined)[], direct: readonly number[]): void => {
  const { graph, steps, placeholder, slots, inputLists, dataLists, sizes, hook } = state
  for (let i = 0; i < graph.inputCount; i++) slots[i] = leaves[i] ?? placeholder
  const previous = installAllocationHook(hook)
  try {
    for (let k = 0; k < steps.length; k++) {
      const step = steps[k]
      const ins = inputLists[k]
      if (step === undefined || ins === undefined) continue
      if (step.kind === 'multi') {
        runMulti(state, k, step, sinks, direct)
        continue
      }
      const { node, buffers, specialized } = step
      const refs = node.inputs
      const data = dataLists[k]
      // The caller's destination of this node's output (a fold's carry), written in place of fresh memory.
      const sink = sinkOf(sinks, direct, node.output)
      if (specialized !== undefined && data !== undefined) {
        for (let i = 0; i < refs.length; i++) data[i] = (slots[refs[i] ?? 0] ?? placeholder).data
        // Whatever a specialised kernel allocates is fresh memory (its planned buffers are only its output).
        hook.next = Number.POSITIVE_INFINITY
        if (sink !== undefined && specialized.output === undefined) {
          specialized.kernel(data, sink.buffer)
          slots[node.output] = sink.tensor
        } else if (specialized.output === undefined) {
          // An output of the function: fresh memory, handed to the caller as it is.
          const fresh = allocate(sizes[k] ?? 0)
          specialized.kernel(data, fresh)
          slots[node.output] = unsafeTensor(fresh, node.shape)
        } else {
          specialized.kernel(data, buffers[node.outputAllocation] ?? EMPTY_BUFFER)
          slots[node.output] = specialized.output
        }
        continue
      }
      for (let i = 0; i < refs.length; i++) ins[i] = slots[refs[i] ?? 0] ?? placeholder
      hook.buffers = buffers
      hook.sizes = node.allocations
      hook.next = 0
      if (sink !== undefined) {
        hook.sinkIndex = node.outputAllocation
        hook.sink = sink.buffer
      }
      const out = node.run(ins)
      hook.sinkIndex = -1
      slots[node.output] = checkedOutput(state, k, out)
    }
  } finally {
    hook.buffers = EMPTY
    hook.sinkIndex = -1
    hook.sink = EMPTY_BUFFER
    installAllocationHook(previous)
  }
}

/** One replay delivered into the caller's buffers (`Replayer.runInto`). */
const runPlanInto = (state: ReplayState, leaves: readonly Tensor[], sinks: readonly (Sink | undefined)[]): void => {
  const { generated } = state
  if (generated !== undefined) runGenerated(state, generated, leaves, sinks)
  else runNodes(state, leaves, sinks, state.direct)
  const { graph, placeholder, slots } = state
  const outputLeaves = graph.outputLeaves
  for (let i = 0; i < outputLeaves.length; i++) {
    const leaf = outputLeaves[i]
    const sink = sinks[i]
    if (leaf === undefined || sink === undefined) continue
    const into = sink.buffer
    if (leaf.kind !== 'static') {
      const from = (slots[leaf.slot] ?? placeholder).data
      // Written there by its node already, or copied (see Replayer.runInto).
      if (from !== into) into.set(from)
    } else if (T.isTensor(leaf.value)) into.set(leaf.value.data)
    else if (isKeyLike(leaf.value)) {
      into[0] = leaf.value.words[0]
      into[1] = leaf.value.words[1]
    }
  }
  for (let i = 0; i < graph.inputCount; i++) slots[i] = placeholder
}

// ─── generated replay ───────────────────────────────────────────────────────────────────────────

/**
 * How `jit` and `jitFold` replay their plans: `'auto'` replays a new plan of `jit` in the
 * interpreted loop, unfused, and once it has replayed `GENERATE_AFTER` times plans it again with
 * element-wise fusion and runs it as generated code (where the platform allows it) — a fold's plan
 * after `FOLD_GENERATE_AFTER` steps; `'generated'` does so from the first call; `'loop'` never
 * generates code.
 */
export type ReplayChoice = 'auto' | 'generated' | 'loop'

/**
 * Replays of a plan in the interpreted loop before `'auto'` fuses and generates its code.
 * Generated code costs the engine an optimising compile of one large function (measured 60–95 ms
 * of CPU for the Pima training step's ~40 nodes, on a background thread but counted in the
 * process's CPU time) and fresh code to warm up, and saves about 30 ns per node and replay: it
 * pays off only over thousands of replays, and a `fit` of a few epochs would lose by it (W3).
 */
export const GENERATE_AFTER = 4096

/**
 * Replays of a fold's plan (`jitFold`, so every `fit`) in the interpreted loop before `'auto'` fuses
 * and generates its code (and the plan must have at least an eighth of the fold's steps, as a
 * `jit` plan of its function's calls: a rare plan stays in the loop). Generated code runs slower
 * than the loop for its first few thousand calls, until the engine optimises it, so switching pays
 * only over long folds. Measured through `fit` (WJ, `bench/dist/bench/run.js --only WJ,WB`, the
 * constant set in the build, alternating runs): switching after 1 024 steps made the Pima tutorial's
 * epochs (W3: 11 550 steps) run at 26 µs a step against 11 in the loop, and a 15-epoch fit 50–60 µs
 * against 22–26; after 16 384 steps, fits up to the tutorial's length never switch, and the 80 000
 * per-sample steps of WB still gain (5.7–5.9 µs an iteration against 9.6–10.2 in the loop; 4.2
 * when switching after 1 024). See docs/ARCHITECTURE.md.
 */
export const FOLD_GENERATE_AFTER = 16384

let replayChoice: ReplayChoice = 'auto'

/**
 * Chooses how functions jitted from now on replay (see `ReplayChoice`): `'auto'` (the default)
 * fuses and generates a plan's code once it has replayed `GENERATE_AFTER` times, where
 * `new Function` is allowed; `'generated'` from the first call; `'loop'` always runs the
 * interpreted loop (what a Content-Security-Policy without 'unsafe-eval' gets). Both run the same
 * kernels on the same buffers: the same bits (the jit law runs both ways).
 */
export const useReplay = (choice: ReplayChoice): void => {
  replayChoice = choice
}

/** The current choice of `useReplay`. */
export const replayInUse = (): ReplayChoice => replayChoice

let evalAllowed: boolean | undefined

/**
 * Whether code can be generated here: `new Function` throws an EvalError under a
 * Content-Security-Policy without 'unsafe-eval' (asked once per process).
 */
export const codeGenerationAllowed = (): boolean => {
  if (evalAllowed === undefined) {
    try {
      evalAllowed = typeof new Function('return 1') === 'function'
    } catch {
      evalAllowed = false
    }
  }
  return evalAllowed
}

/** `new Function(…parameters, source)`, or undefined where code cannot be generated. */
const compileFunction = (parameters: readonly string[], source: string): unknown => {
  if (!codeGenerationAllowed()) return undefined
  try {
    return new Function(...parameters, source)
  } catch (e) {
    // Forbidden here after all (a policy that changed): the caller falls back. Anything else — a
    // SyntaxError — is a bug in the generator, and surfaces.
    if (e instanceof EvalError) return undefined
    throw e
  }
}

/** Functions compiled so far, by parameters and source (a bounded cache: the oldest goes past `COMPILED`). */
const compiledFunctions = new Map<string, unknown>()
const COMPILED = 256

/**
 * Compiles `function (…parameters) { source }` — `new Function` — once per distinct source, the
 * result checked by `isResult`; undefined where code cannot be generated. For small generated
 * kernels (fuse.ts's fused loops) that take what differs between uses as arguments: every use of
 * one structure runs the same function, warm from its first call.
 */
export const compileShared = <R>(parameters: readonly string[], source: string, isResult: (u: unknown) => u is R): R | undefined => {
  const key = `${parameters.join(',')}\n${source}`
  let made = compiledFunctions.get(key)
  if (made === undefined) {
    made = compileFunction(parameters, source)
    if (made === undefined) return undefined
    if (compiledFunctions.size >= COMPILED) {
      const oldest = compiledFunctions.keys().next()
      if (oldest.done !== true) compiledFunctions.delete(oldest.value)
    }
    compiledFunctions.set(key, made)
  }
  return isResult(made) ? made : undefined
}

/**
 * Compiles `function (…parameters) { source }` afresh (no cache), the result checked by
 * `isResult`; undefined where code cannot be generated. For a plan's node loop: a function of its
 * own has the engine's feedback of its own, so its calls of element functions stay monomorphic
 * and inlined. Shared by source between plans of one structure (a second `fit` of the same model),
 * they met other closures of the same element functions (a scale's factor, a pullback's params),
 * the engine stopped inlining them, and every double passed to them was boxed: a fit-like Pima
 * epoch after another fit ran 11.2 µs a step and allocated 6.7–9.2 KB, against 9.6 µs and
 * 1.6–2.9 KB with a function of its own.
 */
export const compileOwn = <R>(parameters: readonly string[], source: string, isResult: (u: unknown) => u is R): R | undefined => {
  const made = compileFunction(parameters, source)
  return made !== undefined && isResult(made) ? made : undefined
}

/**
 * Steps per generated function: a plan's node loop is compiled as a sequence of functions of this
 * many steps each (locals within one; the slots array between them). The engine inlines calls
 * (element functions) into one optimised function only up to a budget of bytecode in all: in one
 * function for the whole plan, most element calls stayed calls, each double passed boxed.
 */
const CHUNK_STEPS = 6

/** A generated node loop: what the source does not write as text (kernels, buffers, functions, numbers) comes in `C` (see `generate`). */
type SharedBody = (C: GeneratedConstants, leaves: readonly Tensor[], slots: Tensor[], sinks: readonly (Sink | undefined)[]) => void

/** What a plan hands its generated node loop: flat arrays by step index (or by slot, for constants). */
interface GeneratedConstants {
  readonly state: ReplayState
  readonly allocate: typeof allocate
  readonly wrap: typeof unsafeTensor
  readonly checked: typeof checkedOutput
  readonly runMulti: typeof runMulti
  readonly sinkOf: typeof sinkOf
  /** Per slot, the output leaf whose sink the node filling it writes into, or -1. */
  readonly ND: readonly number[]
  /** By step: the specialised kernel, its argument list, its planned output buffer and tensor, the output's shape. */
  readonly K: readonly (SpecializedKernel | undefined)[]
  readonly A: readonly ReadonlyFloat64Array[][]
  readonly O: readonly (Float64Array | undefined)[]
  readonly T: readonly (Tensor | undefined)[]
  readonly H: readonly (T.Shape | undefined)[]
  /** By step, for nodes run through their value: the runner, its input list, its buffers and their lengths. */
  readonly R: readonly (((inputs: readonly Tensor[]) => Tensor) | undefined)[]
  readonly L: readonly Tensor[][]
  readonly B: readonly (readonly (Float64Array | undefined)[])[]
  readonly Z: readonly (readonly number[])[]
  /** The steps (for `runMulti`). */
  readonly S: Plan['steps']
  /** Constants by slot. */
  readonly CS: readonly (Tensor | undefined)[]
  /** The functions and numbers inline code reads, by position. */
  readonly F: readonly ((...xs: number[]) => number)[]
  readonly N: readonly number[]
  /** By step with several outputs: its output buffers (planned ones; fresh ones are made per call), its output tensors over them, their shapes. */
  readonly MB: readonly (readonly (Float64Array | undefined)[] | undefined)[]
  readonly MT: readonly (readonly (Tensor | undefined)[] | undefined)[]
  readonly MH: readonly (readonly T.Shape[] | undefined)[]
}

const isShared = (u: unknown): u is SharedBody => typeof u === 'function'

/**
 * The plan's node loop as generated code — a sequence of functions of `CHUNK_STEPS` steps each,
 * slots as local variables within one and through the slots array between them. A node with inline code
 * (inline.ts: element-wise loops and fused chains, small products, sums, fills) is its arithmetic
 * written out on the planned buffers, held as locals; any other node is one call site of its
 * kernel (monomorphic) with the allocation hook set as `runNodes` sets it. Either way each node
 * computes what its kernel computes, by the same operations in the same order, into the same
 * buffer (or the caller's sink, as `runNodes` does): the same bits. The source holds only numbers
 * and fixed identifiers (no name from the graph); kernels, buffers, element functions, numbers
 * and argument lists come in `C`. Each plan compiles its own function (`compileOwn`).
 */
const generate = (state: ReplayState): GeneratedBody | undefined => {
  const { graph, steps, direct } = state
  const shapes = slotShapes(graph)
  const prelude = [
    "'use strict'",
    'const state = C.state, hook = state.hook, placeholder = state.placeholder, allocate = C.allocate, wrap = C.wrap, checked = C.checked, runMulti = C.runMulti, sinkOf = C.sinkOf, ND = C.ND',
    'const K = C.K, A = C.A, O = C.O, TT = C.T, H = C.H, R = C.R, L = C.L, BB = C.B, Z = C.Z, S = C.S, CS = C.CS, F = C.F, N = C.N, MB = C.MB, MT = C.MT, MH = C.MH',
  ]
  // The chunk each step is written in, and per slot the last chunk that reads it (or Infinity: an output).
  const chunkOf = (k: number): number => Math.floor(k / CHUNK_STEPS)
  const lastReader = new Map<number, number>()
  steps.forEach((step, k) => {
    for (const slot of step.node.inputs) lastReader.set(slot, Math.max(lastReader.get(slot) ?? -1, chunkOf(k)))
  })
  for (const leaf of graph.outputLeaves) if (leaf.kind !== 'static') lastReader.set(leaf.slot, Number.POSITIVE_INFINITY)
  const functions: ((...xs: number[]) => number)[] = []
  const numbers: number[] = []
  const produced = new Set<number>()
  const sources: string[] = []
  // The chunk being written: its head and body, and the slots and names it has declared.
  let head: string[] = []
  let body: string[] = []
  let local = new Map<number, string>()
  let data = new Map<number, string>()
  let declared = new Set<string>()
  let chunk = 0
  const declare = (name: string, line: string): string => {
    if (!declared.has(name)) {
      declared.add(name)
      head.push(line)
    }
    return name
  }
  const scope: InlineScope = {
    fn: (f) => {
      let i = functions.indexOf(f)
      if (i < 0) {
        i = functions.length
        functions.push(f)
      }
      return declare(`f${i}`, `const f${i} = F[${i}]`)
    },
    number: (x) => {
      // Passed in, not written as text: its bits exactly (−0, NaN), and one function for every value.
      let i = numbers.findIndex((y) => Object.is(x, y))
      if (i < 0) {
        i = numbers.length
        numbers.push(x)
      }
      return declare(`n${i}`, `const n${i} = N[${i}]`)
    },
  }
  const ref = (slot: number): string => {
    const known = local.get(slot)
    if (known !== undefined) return known
    let name: string | undefined
    if (graph.constants.has(slot)) name = declare(`c${slot}`, `const c${slot} = CS[${slot}]`)
    else if (slot < graph.inputCount) {
      name = `s${slot}`
      body.push(`const ${name} = leaves[${slot}] ?? placeholder`)
    } else if (produced.has(slot)) {
      // Made in an earlier chunk, which left it in the slots array.
      name = `s${slot}`
      body.push(`const ${name} = slots[${slot}]`)
    }
    // A slot nothing fills (never in a consistent plan): the placeholder, as the loop reads it.
    if (name === undefined) return 'placeholder'
    local.set(slot, name)
    return name
  }
  // A slot's buffer as a local (declared at first use, before the block that reads it).
  const buffer = (slot: number): string => {
    const known = data.get(slot)
    if (known !== undefined) return known
    const r = ref(slot)
    if (r === 'placeholder') return 'placeholder.data'
    const name = `d${slot}`
    if (graph.constants.has(slot)) declare(name, `const ${name} = ${r}.data`)
    else body.push(`const ${name} = ${r}.data`)
    data.set(slot, name)
    return name
  }
  // A slot made here and read by a later chunk (or handed out) goes to the slots array.
  const made = (slot: number, name: string): void => {
    produced.add(slot)
    local.set(slot, name)
    if ((lastReader.get(slot) ?? -1) > chunk) body.push(`slots[${slot}] = ${name}`)
  }
  const flush = (): void => {
    sources.push(`${prelude.join('\n')}\n${head.join('\n')}\n${body.join('\n')}`)
    head = []
    body = []
    local = new Map()
    data = new Map()
    declared = new Set()
  }
  // The destination of a fresh output in slot `o` (a fold's sink, or new memory): emitted only where a sink can be.
  const sinkFor = (o: number, name: string): string | undefined => {
    if ((direct[o] ?? -1) < 0) return undefined
    body.push(`const ${name} = sinkOf(sinks, ND, ${o})`)
    return name
  }
  /**
   * Declares `target` as the memory of a fresh output in slot `o` (one the plan gives no buffer:
   * handed out) — the caller's sink where one can be, else `make` — and returns the declaration of
   * the tensor over it (`wrap` with `shape`, or the sink's own tensor), to be written after the
   * node's code has filled it.
   */
  const freshTarget = (o: number, sinkName: string, target: string, make: string): ((tensor: string, shape: string) => void) => {
    const sink = sinkFor(o, sinkName)
    body.push(sink === undefined ? `const ${target} = ${make}` : `const ${target} = ${sink} === undefined ? ${make} : ${sink}.buffer`)
    return (tensor, shape) =>
      body.push(sink === undefined ? `const ${tensor} = wrap(${target}, ${shape})` : `const ${tensor} = ${sink} === undefined ? wrap(${target}, ${shape}) : ${sink}.tensor`)
  }
  const inlineSteps: boolean[] = []
  steps.forEach((step, k) => {
    if (chunkOf(k) !== chunk) {
      flush()
      chunk = chunkOf(k)
    }
    if (step.kind === 'multi') {
      const multi = step.specialized === undefined ? undefined : inlineMultiOf(step.node, step.node.inputs.map((s) => shapes.get(s) ?? []))
      if (multi !== undefined && step.specialized !== undefined) {
        // Inline: each output into its planned buffer, or (handed out) the caller's sink or new memory.
        const ins = step.node.inputs.map(buffer)
        const tensors = step.node.outputs.map((o, i) => {
          if (step.specialized?.outputs[i] !== undefined) {
            body.push(`const d${o} = MB[${k}][${i}]`)
            return (tensor: string): void => void body.push(`const ${tensor} = MT[${k}][${i}]`)
          }
          return freshTarget(o, `m${k}_${i}`, `d${o}`, `new Float64Array(${T.sizeOf(step.node.shapes[i] ?? [])})`)
        })
        body.push(`{\n${multi(ins, step.node.outputs.map((o) => `d${o}`), scope)}\n}`)
        step.node.outputs.forEach((o, i) => {
          data.set(o, `d${o}`)
          tensors[i]?.(`s${o}`, `MH[${k}][${i}]`)
          made(o, `s${o}`)
        })
        return
      }
      // A node with several outputs runs as in the loop (`runMulti`, through the slots array): its
      // inputs go there first, its outputs come back into locals.
      step.node.inputs.forEach((s) => body.push(`slots[${s}] = ${ref(s)}`))
      body.push(`runMulti(state, ${k}, S[${k}], sinks, ND)`)
      for (const o of step.node.outputs) {
        body.push(`const s${o} = slots[${o}]`)
        produced.add(o)
        local.set(o, `s${o}`)
      }
      return
    }
    const { node, specialized, buffers } = step
    const o = node.output
    const out = `s${o}`
    const n = T.sizeOf(node.shape)
    const emitter = inlineOf(node, node.inputs.map((s) => shapes.get(s) ?? []))
    inlineSteps[k] = emitter !== undefined
    if (emitter !== undefined) {
      const ins = node.inputs.map(buffer)
      const planned = buffers[node.outputAllocation]
      const target = `d${o}`
      if (planned !== undefined) body.push(`const ${target} = O[${k}]`)
      const tensor = planned === undefined ? freshTarget(o, `k${k}`, target, `new Float64Array(${n})`) : undefined
      body.push(`{\n${emitter(ins, target, scope)}\n}`)
      data.set(o, target)
      if (tensor === undefined) body.push(`const ${out} = TT[${k}]`)
      else tensor(out, `H[${k}]`)
    } else if (specialized !== undefined) {
      const ins = node.inputs.map(buffer)
      body.push(`const a${k} = A[${k}]`)
      ins.forEach((r, i) => body.push(`a${k}[${i}] = ${r}`))
      body.push('hook.next = Infinity')
      if (specialized.output === undefined) {
        const tensor = freshTarget(o, `k${k}`, `o${k}`, `allocate(${n})`)
        body.push(`K[${k}](a${k}, o${k})`)
        tensor(out, `H[${k}]`)
      } else body.push(`K[${k}](a${k}, O[${k}])`, `const ${out} = TT[${k}]`)
    } else {
      const ins = node.inputs.map(ref)
      body.push(`const l${k} = L[${k}]`)
      ins.forEach((r, i) => body.push(`l${k}[${i}] = ${r}`))
      body.push(`hook.buffers = BB[${k}]`, `hook.sizes = Z[${k}]`, 'hook.next = 0')
      const sink = sinkFor(o, `k${k}`)
      if (sink === undefined) body.push(`const ${out} = checked(state, ${k}, R[${k}](l${k}))`)
      else body.push(`if (${sink} !== undefined) { hook.sinkIndex = ${node.outputAllocation}; hook.sink = ${sink}.buffer }`, `const ${out} = checked(state, ${k}, R[${k}](l${k}))`, 'hook.sinkIndex = -1')
    }
    made(o, out)
  })
  // The output leaves in the slots array (what earlier chunks made is there already; written again, harmless).
  for (const leaf of graph.outputLeaves) {
    if (leaf.kind !== 'static') body.push(`slots[${leaf.slot}] = ${ref(leaf.slot)}`)
  }
  flush()
  const compiled: SharedBody[] = []
  for (const source of sources) {
    const f = compileOwn(['C', 'leaves', 'slots', 'sinks'], source, isShared)
    if (f === undefined) return undefined
    compiled.push(f)
  }
  const single = (k: number) => {
    const step = steps[k]
    return step === undefined || step.kind === 'multi' ? undefined : step
  }
  const CS: (Tensor | undefined)[] = []
  for (const [slot, t] of graph.constants) CS[slot] = t
  const C: GeneratedConstants = {
    state,
    allocate,
    wrap: unsafeTensor,
    checked: checkedOutput,
    runMulti,
    sinkOf,
    ND: direct,
    K: steps.map((_, k) => single(k)?.specialized?.kernel),
    A: state.dataLists,
    O: steps.map((_, k) => {
      const step = single(k)
      return step === undefined ? undefined : step.buffers[step.node.outputAllocation]
    }),
    // The tensor over an inline node's planned buffer: the specialised kernel's, or one made here.
    T: steps.map((_, k) => {
      const step = single(k)
      if (step === undefined) return undefined
      const b = step.buffers[step.node.outputAllocation]
      return step.specialized?.output ?? (inlineSteps[k] === true && b !== undefined ? unsafeTensor(b, step.node.shape) : undefined)
    }),
    H: steps.map((_, k) => single(k)?.node.shape),
    R: steps.map((_, k) => single(k)?.node.run),
    L: state.inputLists,
    B: steps.map((step) => step.buffers),
    Z: steps.map((step) => step.node.allocations),
    S: steps,
    CS,
    F: functions,
    N: numbers,
    MB: state.multiBuffers,
    MT: steps.map((step) => (step.kind === 'multi' ? step.specialized?.outputs : undefined)),
    MH: steps.map((step) => (step.kind === 'multi' ? step.node.shapes : undefined)),
  }
  return (leaves, slots, sinks) => {
    for (let i = 0; i < compiled.length; i++) compiled[i]?.(C, leaves, slots, sinks)
  }
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The replayer of a plan.
 *
 * @throws {JitError} (from the replayer's `run`) when an op's output shape differs from the traced one
 */
export const replayer = (plan: Plan, generateCode = false): Replayer => {
  const { graph, steps } = plan
  const placeholder = T.scalar(0)
  const slots = new Array<Tensor>(graph.slotCount).fill(placeholder)
  for (const [slot, t] of graph.constants) slots[slot] = t
  const inputLists = steps.map((s) => new Array<Tensor>(s.node.inputs.length).fill(placeholder))
  const sizes = steps.map((s) => (s.kind === 'multi' ? 0 : T.sizeOf(s.node.shape)))
  const dataLists = steps.map((s) => new Array<ReadonlyFloat64Array>(s.node.inputs.length).fill(placeholder.data))
  const hook = new PlannedBuffers()
  // Output leaves made by a node that writes fresh memory go to the caller without a copy.
  const freshSlots = new Set<number>()
  for (const step of steps) {
    if (step.kind === 'multi') step.freshOutputs.forEach((f, o) => f && freshSlots.add(step.node.outputs[o] ?? -1))
    else if (step.freshOutput) freshSlots.add(step.node.output)
  }
  // A specialised node with several outputs writes into these (planned buffers; fresh ones replaced per call).
  const multiBuffers = steps.map((s) => (s.kind === 'multi' && s.specialized !== undefined ? s.node.outputAllocations.map((a) => s.buffers[a] ?? EMPTY_BUFFER) : undefined))
  const multiSizes = steps.map((s) => (s.kind === 'multi' ? s.node.shapes.map((shape) => T.sizeOf(shape)) : undefined))
  const handedOut = graph.outputLeaves.map((leaf) => leaf.kind === 'slot' && freshSlots.has(leaf.slot))
  const planned = new Set<ReadonlyFloat64Array>()
  for (const step of steps) for (const b of step.buffers) if (b !== undefined) planned.add(b)
  const outputs = new Array<unknown>(graph.outputLeaves.length)

  // A node whose fresh output is an output leaf writes into that leaf's sink under `runInto` (the first, if it appears twice).
  const firstLeafOf = new Map<number, number>()
  graph.outputLeaves.forEach((leaf, i) => {
    if (leaf.kind === 'slot' && !firstLeafOf.has(leaf.slot)) firstLeafOf.set(leaf.slot, i)
  })
  const direct = new Array<number>(graph.slotCount).fill(-1)
  for (const slot of freshSlots) if (slot >= 0) direct[slot] = firstLeafOf.get(slot) ?? -1

  const state: ReplayState = { graph, steps, placeholder, slots, inputLists, dataLists, sizes, hook, handedOut, planned, outputs, multiBuffers, multiSizes, direct, generated: undefined }
  if (generateCode) state.generated = generate(state)
  const run = (leaves: readonly Tensor[]): unknown => runPlan(state, leaves)
  const runInto = (leaves: readonly Tensor[], sinks: readonly (Sink | undefined)[]): void => runPlanInto(state, leaves, sinks)
  return { plan, run, runInto, generated: () => state.generated !== undefined }
}
