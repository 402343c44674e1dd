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
import type { Plan, PlannedMultiNode } from './plan.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A plan with its replay state (slots and per-node input lists), reused across calls. */
export interface Replayer {
  readonly plan: Plan
  readonly run: (leaves: readonly Tensor[]) => unknown
  /** Whether the node loop runs as generated code (false: the interpreted loop). */
  readonly generated: boolean
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const EMPTY: readonly (Float64Array | undefined)[] = []
const NO_SIZES: readonly number[] = []
const EMPTY_BUFFER = new Float64Array(0)

/**
 * The hook of one replay: the current node's allocations, handed out in order while the lengths
 * match — its planned buffer (zero-filled), or fresh memory where the plan says so.
 */
class PlannedBuffers implements AllocationHook {
  buffers: readonly (Float64Array | undefined)[] = EMPTY
  sizes: readonly number[] = NO_SIZES
  next = 0
  readonly take = (n: number, zeroed: boolean): Float64Array | undefined => {
    const i = this.next
    if (i >= this.sizes.length || this.sizes[i] !== n) {
      // A kernel asked for something the trace did not see: fresh memory from here on (safe).
      this.next = Number.POSITIVE_INFINITY
      return undefined
    }
    this.next++
    const b = this.buffers[i]
    if (b === undefined) return undefined
    // Zero-filled as a fresh allocation is, unless the kernel overwrites every element first.
    if (zeroed) b.fill(0)
    return b
  }
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

/** The output's structure around its leaves (plain loops: a replay allocates only what it returns). */
const build = (template: OutputTemplate, leaves: readonly unknown[]): unknown => {
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
  /**
   * Where the output of step k goes when it goes to the caller (a specialised node whose output is
   * an output of the function): fresh memory. Prepared here, outside the node loop, so that the
   * loop and the generated code ask for it the same way.
   */
  readonly destination: (k: number) => Float64Array
  /** The node loop compiled into one function for this plan (see `generate`), or undefined: `runNodes`. */
  readonly generated: GeneratedBody | undefined
  /** Per step with several outputs: the buffers its specialised kernel writes (planned, or fresh per call). */
  readonly multiBuffers: readonly (Float64Array[] | undefined)[]
  /** Per step with several outputs: each output's length. */
  readonly multiSizes: readonly (readonly number[] | undefined)[]
}

/**
 * One replay of a node with several outputs (step `k`): the kernel runs once and each output
 * lands in its slot — its planned buffer, or fresh memory for an output handed to the caller.
 */
const runMulti = (state: ReplayState, k: number, step: PlannedMultiNode): void => {
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
      if (wrapped[o] === undefined) outs[o] = allocate(sizes[o] ?? 0)
    }
    specialized.kernel(data, outs)
    for (let o = 0; o < wrapped.length; o++) {
      const planned = wrapped[o]
      if (planned !== undefined) slots[node.outputs[o] ?? 0] = planned
      else {
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

/** A plan's node loop as generated code: reads the leaves, runs every node, leaves the output slots in `slots`. */
type GeneratedBody = (leaves: readonly Tensor[], slots: Tensor[]) => void

/** The output of generic step k, checked: its shape is the traced one, and it lands where the plan said. */
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

/** The node loop, interpreted: the fallback where code cannot be generated, and `useReplay('loop')`. */
const runNodes = (state: ReplayState, leaves: readonly Tensor[]): void => {
  const { graph, steps, placeholder, slots, inputLists, dataLists, hook, destination } = state
  for (let i = 0; i < graph.inputCount; i++) slots[i] = leaves[i] ?? placeholder
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k]
    const ins = inputLists[k]
    if (step === undefined || ins === undefined) continue
    if (step.kind === 'multi') {
      runMulti(state, k, step)
      continue
    }
    const { node, buffers, specialized } = step
    const refs = node.inputs
    const data = dataLists[k]
    if (specialized !== undefined && data !== undefined) {
      for (let i = 0; i < refs.length; i++) data[i] = (slots[refs[i] ?? 0] ?? placeholder).data
      // Whatever a specialised kernel allocates is fresh memory (its planned buffers are only its output).
      hook.next = Number.POSITIVE_INFINITY
      if (specialized.output === undefined) {
        // An output of the function: written where runPlan says, handed to the caller as it is.
        const out = destination(k)
        specialized.kernel(data, out)
        slots[node.output] = unsafeTensor(out, node.shape)
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
    slots[node.output] = checkedOutput(state, k, node.run(ins))
  }
}

/**
 * One replay. A module-level function shared by every plan (each plan passes its own state), so
 * that the engine compiles it once for the process, not once per plan.
 */
const runPlan = (state: ReplayState, leaves: readonly Tensor[]): unknown => {
  const { graph, placeholder, slots, hook, handedOut, planned, outputs, generated } = state
  const previous = installAllocationHook(hook)
  try {
    if (generated === undefined) runNodes(state, leaves)
    else generated(leaves, slots)
  } finally {
    hook.buffers = EMPTY
    installAllocationHook(previous)
  }
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
  // Let go of the caller's tensors and of this call's outputs (the plan keeps only its own buffers).
  for (let i = 0; i < graph.inputCount; i++) slots[i] = placeholder
  for (let i = 0; i < graph.outputLeaves.length; i++) {
    const leaf = graph.outputLeaves[i]
    if (leaf !== undefined && leaf.kind !== 'static' && !graph.constants.has(leaf.slot)) slots[leaf.slot] = placeholder
  }
  return build(graph.outputTemplate, outputs)
}

// ─── generated replay ───────────────────────────────────────────────────────────────────────────

/** How replays run their node loop: generated code where the platform allows it (`'auto'`), or always the loop. */
export type ReplayChoice = 'auto' | 'loop'

let replayChoice: ReplayChoice = 'auto'

/**
 * Chooses how plans made from now on replay: `'auto'` (the default) compiles each plan's node
 * loop into one generated function where `new Function` is allowed, `'loop'` always runs the
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

const isFunction = (u: unknown): u is (...args: never[]) => unknown => typeof u === 'function'

/** Factories compiled so far, by source (a bounded cache: the oldest goes past `FACTORIES`). */
const factories = new Map<string, unknown>()
const FACTORIES = 256

/**
 * Compiles a factory from source — `new Function('C', source)` — and calls it with `constants`,
 * its result checked to be a function; undefined where code cannot be generated. A source seen
 * before reuses its factory: every closure it makes then shares the engine's feedback and
 * optimised code, so a new plan of a known structure (the same model in a new `fit`, a new batch
 * size's trace) replays warm from its first calls instead of warming up fresh code.
 */
export const compileFactory = <R>(source: string, constants: unknown, isResult: (u: unknown) => u is R): R | undefined => {
  if (!codeGenerationAllowed()) return undefined
  let factory = factories.get(source)
  if (factory === undefined) {
    try {
      factory = new Function('C', source)
    } catch (e) {
      // Forbidden here after all (a policy that changed): the caller falls back. Anything else — a
      // SyntaxError — is a bug in the generator, and surfaces.
      if (e instanceof EvalError) return undefined
      throw e
    }
    if (factories.size >= FACTORIES) {
      const oldest = factories.keys().next()
      if (oldest.done !== true) factories.delete(oldest.value)
    }
    factories.set(source, factory)
  }
  const made: unknown = isFunction(factory) ? Reflect.apply(factory, undefined, [constants]) : undefined
  return isResult(made) ? made : undefined
}

const isBody = (u: unknown): u is GeneratedBody => typeof u === 'function'

/**
 * The plan's node loop as one function: straight-line code, one call site per node (each
 * monomorphic, so the engine can inline the kernel), slots as local variables, buffers, kernels
 * and argument lists as constants of the closure. It does exactly what `runNodes` does, node by
 * node — the same kernel on the same buffers — so the bits are the same. The source holds only
 * numbers and fixed identifiers (no name from the graph), and is built once per plan.
 */
const generate = (state: ReplayState): GeneratedBody | undefined => {
  const { graph, steps } = state
  const head: string[] = [
    "'use strict'",
    'const state = C.state, hook = state.hook, placeholder = state.placeholder, destination = state.destination, wrap = C.wrap, checked = C.checked, runMulti = C.runMulti, steps = state.steps, dataLists = state.dataLists, inputLists = state.inputLists, constants = C.constants',
  ]
  const body: string[] = []
  const local = new Map<number, string>()
  const ref = (slot: number): string => {
    const known = local.get(slot)
    if (known !== undefined) return known
    if (graph.constants.has(slot)) {
      const name = `c${slot}`
      head.push(`const ${name} = constants.get(${slot})`)
      local.set(slot, name)
      return name
    }
    // A slot nothing fills (never in a consistent plan): the placeholder, as the loop reads it.
    return 'placeholder'
  }
  for (let i = 0; i < graph.inputCount; i++) {
    body.push(`const s${i} = leaves[${i}] ?? placeholder`)
    local.set(i, `s${i}`)
  }
  steps.forEach((step, k) => {
    if (step.kind === 'multi') {
      // A node with several outputs runs as in the loop (`runMulti`, through the slots array): its
      // inputs go there first, its outputs come back into locals.
      head.push(`const m${k} = steps[${k}]`)
      step.node.inputs.forEach((s) => body.push(`slots[${s}] = ${ref(s)}`))
      body.push(`runMulti(state, ${k}, m${k})`)
      for (const o of step.node.outputs) {
        body.push(`const s${o} = slots[${o}]`)
        local.set(o, `s${o}`)
      }
      return
    }
    const { node, specialized } = step
    const out = `s${node.output}`
    const ins = node.inputs.map(ref)
    if (specialized !== undefined) {
      head.push(`const k${k} = steps[${k}].specialized.kernel, a${k} = dataLists[${k}]`)
      ins.forEach((r, i) => body.push(`a${k}[${i}] = ${r}.data`))
      body.push('hook.next = Infinity')
      if (specialized.output === undefined) {
        head.push(`const h${k} = steps[${k}].node.shape`)
        body.push(`const o${k} = destination(${k})`, `k${k}(a${k}, o${k})`, `const ${out} = wrap(o${k}, h${k})`)
      } else {
        head.push(`const b${k} = steps[${k}].buffers[steps[${k}].node.outputAllocation], t${k} = steps[${k}].specialized.output`)
        body.push(`k${k}(a${k}, b${k})`, `const ${out} = t${k}`)
      }
    } else {
      head.push(`const r${k} = steps[${k}].node.run, l${k} = inputLists[${k}], B${k} = steps[${k}].buffers, Z${k} = steps[${k}].node.allocations`)
      ins.forEach((r, i) => body.push(`l${k}[${i}] = ${r}`))
      body.push(`hook.buffers = B${k}`, `hook.sizes = Z${k}`, 'hook.next = 0', `const ${out} = checked(state, ${k}, r${k}(l${k}))`)
    }
    local.set(node.output, out)
  })
  for (const leaf of graph.outputLeaves) {
    if (leaf.kind !== 'static') body.push(`slots[${leaf.slot}] = ${ref(leaf.slot)}`)
  }
  const source = `${head.join('\n')}\nreturn function replay(leaves, slots) {\n${body.join('\n')}\n}`
  return compileFactory(source, { state, wrap: unsafeTensor, checked: checkedOutput, runMulti, constants: graph.constants }, isBody)
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The replayer of a plan.
 *
 * @throws {JitError} (from the replayer's `run`) when an op's output shape differs from the traced one
 */
export const replayer = (plan: Plan, choice: ReplayChoice = replayChoice): Replayer => {
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
  const destination = (k: number): Float64Array => allocate(sizes[k] ?? 0)

  const base = { graph, steps, placeholder, slots, inputLists, dataLists, sizes, hook, handedOut, planned, outputs, destination, multiBuffers, multiSizes }
  const state: ReplayState = { ...base, generated: choice === 'loop' ? undefined : generate({ ...base, generated: undefined }) }
  const run = (leaves: readonly Tensor[]): unknown => runPlan(state, leaves)
  return { plan, run, generated: state.generated !== undefined }
}
