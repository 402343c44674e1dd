/**
 * `jitFold(f)`: a compiled fold. `f(carry, item) → [carry', emitted]` is traced and planned as
 * `jit` would (one plan per signature of the carry and the item), and iterated with the carry kept
 * in two sets of buffers the fold owns: step i reads one set and its output nodes write straight
 * into the other (where `jit` gives an output fresh memory), then they swap. The intermediate
 * carries are never handed out, so they need no fresh tensors; the final carry is copied out.
 */
import { isDual, primalTensor } from '../ad/index.js'
import * as random from '../random/index.js'
import * as T from '../tensor/index.js'
import type { Shape, Tensor } from '../tensor/index.js'
import { allocate, unsafeTensor } from '../tensor/internal.js'
import { flattenArgs, isKeyLike, matchPattern, patternOf, rebuildArgs, staticPart, type FlatArgs, type KeyLike, type MatchCursor, type Pattern } from './args.js'
import { JitError } from './errors.js'
import type { Graph, OutputLeaf, OutputTemplate } from './graph.js'
import { slotShapes } from './graph.js'
import { cacheLimits, compiler, evict, type JitOptions, type JitStats } from './jit.js'
import { build, FOLD_GENERATE_AFTER, type Replayer, type Sink } from './replay.js'
import { traceFunction } from './tracer.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** The body of a fold: the next carry and what this step emits. */
export type FoldBody<C, X, E> = (carry: C, item: X) => readonly [C, E]

/** Options of one fold over a list. */
export interface FoldOptions {
  /**
   * Which emissions the result keeps (default 'all'): every step's, the last step's only, or none
   * ('last' and 'none' copy nothing out of the other steps).
   */
  readonly emitted?: 'all' | 'last' | 'none'
}

/** What a fold over a list gives: the final carry and the emissions asked for, as fresh tensors. */
export interface FoldResult<C, E> {
  readonly carry: C
  readonly emitted: readonly E[]
}

/**
 * A fold taken step by step (`Folded.start`), for a loop that looks at each step's emission (a
 * loss to report, a divergence check) before it goes on. Its intermediate carries stay inside:
 * only `carry()` and `previous()` hand one out, as fresh tensors.
 */
export interface FoldRun<C, X, E> {
  /**
   * One step: the carry becomes `f(carry, item)[0]`.
   *
   * @throws {JitError} as `jit` does (f cannot be traced, a shape that depends on values); the
   *   run's carry is then as it was before the step (and `previous()` may have become the carry now)
   */
  readonly step: (item: X) => void
  /** Steps taken so far. */
  readonly steps: () => number
  /** The carry now (the initial carry itself before any step; fresh tensors after a compiled step). */
  readonly carry: () => C
  /** The carry the last step read (the initial carry before any step): the fold before its last step. */
  readonly previous: () => C
  /**
   * The last step's emission, as fresh tensors.
   *
   * @throws {JitError} before the first step
   */
  readonly emitted: () => E
  /**
   * The value of one tensor leaf of the last step's emission (leaves counted depth-first, arrays by
   * index, records in key order; default the first), which must hold one element: a loss, read
   * without making a tensor.
   *
   * @throws {JitError} before the first step, or when there is no such leaf or it has more than one element
   */
  readonly scalar: (leaf?: number) => number
}

/** A compiled fold: `folded(init, items)` folds a list; `start(init)` folds step by step. */
export type Folded<C, X, E> = ((init: C, items: Iterable<X>, options?: FoldOptions) => FoldResult<C, E>) & {
  /** A fold step by step from `init`. */
  readonly start: (init: C) => FoldRun<C, X, E>
  /** What the fold has done so far: traces, replays (steps from a plan), direct steps, plans held. */
  readonly stats: () => JitStats
  /** The number of traces so far (`stats().traces`). */
  readonly traceCount: () => number
}

/** A plan of the fold's body for one signature, with where each part of its output goes. */
interface Entry {
  /** The signature it is cached under. */
  readonly signature: string
  readonly replay: Replayer
  readonly graph: Graph
  /** Tensor leaves and keys of the carry, and tensor leaves of the call (carry's and item's). */
  readonly carryLeaves: number
  readonly carryKeys: number
  readonly leafCount: number
  /** The plan's inputs: the carry's leaves, the item's leaves, then the words of every key. */
  readonly inputs: Tensor[]
  readonly wordBuffers: readonly Float64Array[]
  readonly wordTensors: readonly Tensor[]
  readonly readsKeys: boolean
  readonly keysRead: readonly boolean[]
  readonly keyWords: readonly (readonly [number, number])[]
  /** The item's structural tokens, and arrays the fast path fills with a matching item's leaves and keys. */
  readonly itemTokens: readonly (string | number)[]
  /** The item's structure as a tree, which the fast path matches an item against. */
  readonly itemPattern: Pattern
  readonly itemLeaves: Tensor[]
  readonly itemKeys: KeyLike[]
  readonly cursor: MatchCursor
  /** Output leaves of the carry's tensor leaves and keys, in the carry's flattening order. */
  readonly carryOut: readonly number[]
  readonly carryKeyOut: readonly number[]
  /** The emission's structure, and its output leaves: tensors (in order) and keys. */
  readonly emitTemplate: OutputTemplate
  readonly emitLeaves: readonly number[]
  readonly emitKeys: readonly number[]
  /** The shape of each output leaf's sink (undefined: none). */
  readonly sinkShapes: readonly (Shape | undefined)[]
}

/** The carry's buffers of one set. */
interface CarrySet {
  readonly leaves: readonly Sink[]
  readonly keys: readonly Sink[]
}

/**
 * One run's sinks for one plan: by the set written (0 or 1), and the emission's; and the plan's
 * inputs by the set read, the carry's leaves and keys bound once to that set's buffers (a step
 * binds only the item's).
 */
interface RunPlan {
  readonly kind: 'plan'
  readonly entry: Entry
  readonly sinks: readonly [readonly (Sink | undefined)[], readonly (Sink | undefined)[]]
  readonly emission: readonly (Sink | undefined)[]
  readonly inputs: readonly [Tensor[], Tensor[]]
}

/**
 * How many of a run's recently replayed plans a step tries, most recent first, before the slow
 * path (those still in the fold's cache, but for the last one): the plan of an epoch's batches
 * and that of its smaller last batch, with room to spare.
 */
const RECENT_PLANS = 4

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const SIGNATURE_SEPARATOR = '\u0002'

const sinkOf = (shape: Shape): Sink => {
  const buffer = new Float64Array(T.sizeOf(shape))
  return { buffer, tensor: unsafeTensor(buffer, shape) }
}

const freshCopy = (data: ArrayLike<number>, shape: Shape): Tensor => {
  const out = allocate(data.length)
  out.set(data)
  return unsafeTensor(out, shape)
}

const keyOf = (words: ArrayLike<number>): KeyLike => random.keyFromWords([words[0] ?? 0, words[1] ?? 0])

/** The tokens `flattenArgs` would give for an output of this template (to check the carry keeps its structure). */
const templateTokens = (template: OutputTemplate, leaves: readonly OutputLeaf[], shapes: ReadonlyMap<number, Shape>, out: (string | number)[]): void => {
  switch (template.kind) {
    case 'array':
      out.push('[')
      for (const t of template.items) templateTokens(t, leaves, shapes, out)
      out.push(']')
      return
    case 'record':
      out.push('{')
      template.keys.forEach((k, i) => {
        const t = template.items[i]
        out.push(':', k)
        if (t !== undefined) templateTokens(t, leaves, shapes, out)
      })
      out.push('}')
      return
    case 'leaf': {
      const leaf = leaves[template.index]
      if (leaf === undefined) return
      const shape = leaf.kind === 'slot' ? shapes.get(leaf.slot) : leaf.kind === 'static' && !isDual(leaf.value) && !isKeyLike(leaf.value) && T.isTensor(leaf.value) ? leaf.value.shape : undefined
      if (leaf.kind === 'key' || (leaf.kind === 'static' && isKeyLike(leaf.value))) out.push('K')
      else if (shape !== undefined) out.push('T', shape.length, ...shape)
      else out.push(leaf.kind === 'static' ? staticPart(leaf.value) : '?')
    }
  }
}

/** Tokens as a reader sees them: `T[2,3]` for a tensor, `K` for a key. */
const describe = (tokens: readonly (string | number)[]): string => {
  const parts: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    if (t === 'T') {
      const rank = Number(tokens[i + 1] ?? 0)
      parts.push(`T[${tokens.slice(i + 2, i + 2 + rank).join(',')}]`)
      i += 1 + rank
    } else parts.push(String(t))
  }
  return parts.join(' ')
}

/** The output leaves under a template, in order: tensors (planned or constant) and keys. */
const leavesUnder = (template: OutputTemplate, leaves: readonly OutputLeaf[], tensors: number[], keys: number[]): void => {
  if (template.kind !== 'leaf') {
    for (const t of template.items) leavesUnder(t, leaves, tensors, keys)
    return
  }
  const leaf = leaves[template.index]
  if (leaf === undefined) return
  if (leaf.kind === 'key' || (leaf.kind === 'static' && isKeyLike(leaf.value))) keys.push(template.index)
  else if (leaf.kind === 'slot' || (leaf.kind === 'static' && !isDual(leaf.value) && T.isTensor(leaf.value))) tensors.push(template.index)
}


/** The plan of a traced body, with the carry's structure checked and its output leaves found. */
const entryOf = (signature: string, graph: Graph, replay: Replayer, carry: FlatArgs, flat: FlatArgs, item: FlatArgs, keysRead: readonly boolean[]): Entry => {
  const top = graph.outputTemplate
  const [carryTemplate, emitTemplate] = top.kind === 'array' && top.items.length === 2 ? top.items : []
  if (carryTemplate === undefined || emitTemplate === undefined) {
    throw new JitError('jitFold', 'the body must return a pair [carry, emitted]')
  }
  const shapes = slotShapes(graph)
  const returned: (string | number)[] = []
  templateTokens(carryTemplate, graph.outputLeaves, shapes, returned)
  const given = carry.tokens
  if (returned.length !== given.length || returned.some((t, i) => t !== given[i])) {
    throw new JitError('jitFold', `the body must return a carry of the structure, shapes and static values it was given: given ${describe(given)}, returned ${describe(returned)}`)
  }
  const carryOut: number[] = []
  const carryKeyOut: number[] = []
  leavesUnder(carryTemplate, graph.outputLeaves, carryOut, carryKeyOut)
  const emitLeaves: number[] = []
  const emitKeys: number[] = []
  leavesUnder(emitTemplate, graph.outputLeaves, emitLeaves, emitKeys)
  const sinkShapes = graph.outputLeaves.map((leaf): Shape | undefined => {
    if (leaf.kind === 'key') return [2]
    if (leaf.kind === 'slot') return shapes.get(leaf.slot) ?? []
    if (isKeyLike(leaf.value)) return [2]
    return !isDual(leaf.value) && T.isTensor(leaf.value) ? leaf.value.shape : undefined
  })
  const wordBuffers = flat.keys.map(() => new Float64Array(2))
  const wordTensors = wordBuffers.map((w) => unsafeTensor(w, [2]))
  return {
    signature,
    replay,
    graph,
    carryLeaves: carry.leaves.length,
    carryKeys: carry.keys.length,
    leafCount: flat.leaves.length,
    inputs: [...flat.leaves, ...wordTensors],
    wordBuffers,
    wordTensors,
    readsKeys: keysRead.includes(true),
    keysRead,
    // Copied: a caller may hand the fold a key record it rewrites between steps (train's runner does).
    keyWords: flat.keys.map((k): readonly [number, number] => [k.words[0], k.words[1]]),
    itemTokens: item.tokens,
    itemPattern: patternOf(item.tokens),
    itemLeaves: [...item.leaves],
    itemKeys: [...item.keys],
    cursor: { position: 0, leaf: 0, key: 0 },
    carryOut,
    carryKeyOut,
    emitTemplate,
    emitLeaves,
    emitKeys,
    sinkShapes,
  }
}

/** Binds the carry's buffers of a set to a plan's inputs. */
const bindSet = (entry: Entry, s: CarrySet, inputs: Tensor[]): void => {
  for (let p = 0; p < entry.carryLeaves; p++) {
    const sink = s.leaves[p]
    if (sink !== undefined) inputs[p] = sink.tensor
  }
  for (let q = 0; q < entry.carryKeys; q++) {
    const sink = s.keys[q]
    if (sink !== undefined) inputs[entry.leafCount + q] = sink.tensor
  }
}

/** Binds the item's leaves and keys (as matched or flattened) to a plan's inputs. */
const bindItem = (entry: Entry, leaves: readonly Tensor[], keys: readonly KeyLike[], inputs: Tensor[]): void => {
  const { carryLeaves, carryKeys, leafCount, wordBuffers, wordTensors } = entry
  for (let j = 0; j < leaves.length; j++) {
    const t = leaves[j]
    if (t !== undefined) inputs[carryLeaves + j] = t
  }
  for (let j = 0; j < keys.length; j++) {
    const w = wordBuffers[carryKeys + j]
    const k = keys[j]
    const t = wordTensors[carryKeys + j]
    if (w === undefined || k === undefined || t === undefined) continue
    w[0] = k.words[0]
    w[1] = k.words[1]
    inputs[leafCount + carryKeys + j] = t
  }
}

/** Whether the words of every key the plan read in JavaScript are the ones it was traced with. */
const keysMatch = (entry: Entry, carryWords: (q: number) => ArrayLike<number> | undefined, itemKeys: readonly KeyLike[]): boolean => {
  if (!entry.readsKeys) return true
  for (let i = 0; i < entry.keysRead.length; i++) {
    if (entry.keysRead[i] !== true) continue
    const a = entry.keyWords[i]
    const b = i < entry.carryKeys ? carryWords(i) : itemKeys[i - entry.carryKeys]?.words
    if (a === undefined || b === undefined || a[0] !== b[0] || a[1] !== b[1]) return false
  }
  return true
}

/**
 * The words of a set's keys, by index. Made by a function of its own: a closure over the set made
 * in the fast path would have V8 allocate a scope for it at every step, read keys or not.
 */
const wordsIn = (s: CarrySet) => (q: number): ArrayLike<number> | undefined => s.keys[q]?.buffer

/** Every tensor leaf of a value (Duals by their primal), in flattening order: a direct step's emission. */
const tensorLeaves = (u: unknown, out: Tensor[]): Tensor[] => {
  if (Array.isArray(u)) for (const v of u) tensorLeaves(v, out)
  else if (isDual(u)) out.push(primalTensor(u))
  else if (isKeyLike(u)) return out
  else if (T.isTensor(u)) out.push(u)
  else if (typeof u === 'object' && u !== null && Object.getPrototypeOf(u) === Object.prototype) for (const v of Object.values(u)) tensorLeaves(v, out)
  return out
}

/**
 * Types a carry or an emission rebuilt from the fold's buffers as f's own type (the one assertion
 * of this module): a carry is the initial carry's structure with each tensor leaf and key replaced
 * by one of the same shape (the trace checked that f returns that structure); an emission is what f
 * returned on the trace, structure for structure, with fresh tensors for its traced leaves — as a
 * jitted function's result is.
 */
const asBodyOutput = <A>(u: unknown): A => u as A

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Compiles a fold: `f(carry, item) → [carry', emitted]`, traced and planned as `jit` would (one
 * plan per signature of the carry and the item; random keys among them are dynamic words), and
 * iterated with the carry in two sets of buffers the fold owns, written in turn: the steps in
 * between allocate no tensors for their carries. Bit for bit what iterating f gives, and as pure:
 * the initial carry is only read, the final carry and every emission handed out are fresh
 * tensors. An item of another signature (an epoch's smaller last batch) switches plans and keeps
 * the carry. Where `jit` would run f directly (Dual arguments: under a differentiation or another
 * jit) the fold iterates f directly.
 *
 * @example
 * // A running sum and each step's total.
 * const running = jitFold((total, x) => [add(total, x), sum(add(total, x))])
 * const out = running(tensor([0, 0]), [tensor([1, 2]), tensor([3, 4])])
 * out.carry     // [4, 6]
 * out.emitted   // [3, 10]
 * const run = running.start(tensor([0, 0]))
 * run.step(tensor([1, 2]))
 * run.scalar()  // 3
 *
 * @throws {JitError} when cacheSize is not a positive integer or cacheBytes not a positive number;
 *   from a step, as `jit` (f cannot be traced, a shape that depends on values), and when f does not
 *   return a pair whose carry has the structure, shapes and static values of the carry it was given
 * @typeParam C the carry
 * @typeParam X an item
 * @typeParam E what a step emits
 */
export const jitFold = <C, X, E>(f: FoldBody<C, X, E>, options: JitOptions = {}): Folded<C, X, E> => {
  const { cacheSize, cacheBytes } = cacheLimits('jitFold', options)
  const compile = compiler(options, FOLD_GENERATE_AFTER)
  const cache = new Map<string, Entry>()
  let traces = 0
  let replays = 0
  let direct = 0

  const start = (init: C): FoldRun<C, X, E> => {
    // The carry now and before the last step: a value (the initial carry, or a direct step's) or a set of buffers.
    type Where = { readonly kind: 'value'; readonly value: C } | { readonly kind: 'set'; readonly set: 0 | 1 }
    const SET: readonly [Where, Where] = [
      { kind: 'set', set: 0 },
      { kind: 'set', set: 1 },
    ]
    let current: Where = { kind: 'value', value: init }
    let before: Where = current
    let steps = 0
    // The last step's emission: in a plan's sinks (made once per plan), or a direct step's value.
    let emission: RunPlan | { readonly kind: 'value'; readonly value: E } | undefined
    // The carry's buffers (made at the first compiled step, for the carry's shapes) and the value that gave their structure.
    let sets: readonly [CarrySet, CarrySet] | undefined
    let shapeSource: unknown
    let carrySignature = ''
    const plans = new Map<Entry, RunPlan>()
    // The plans this run replayed lately, most recent first (at most RECENT_PLANS): what a step tries before the slow path.
    const recent: RunPlan[] = []

    const setsFor = (carry: FlatArgs, value: C): readonly [CarrySet, CarrySet] => {
      if (sets !== undefined && carry.signature === carrySignature) return sets
      const make = (): CarrySet => ({ leaves: carry.leaves.map((t) => sinkOf(t.shape)), keys: carry.keys.map(() => sinkOf([2])) })
      sets = [make(), make()]
      shapeSource = value
      carrySignature = carry.signature
      // Plans bound to the buffers of another carry (a direct step that changed it) are bound anew.
      plans.clear()
      recent.length = 0
      return sets
    }
    const planFor = (entry: Entry, carrySets: readonly [CarrySet, CarrySet]): RunPlan => {
      const known = plans.get(entry)
      if (known !== undefined) return known
      // A run keeps only plans the fold's cache still holds: the cache's bound is the run's too.
      for (const held of plans.keys()) if (cache.get(held.signature) !== held) plans.delete(held)
      const emitted = new Set([...entry.emitLeaves, ...entry.emitKeys])
      const emissionSinks = entry.sinkShapes.map((shape, i) => (shape === undefined || !emitted.has(i) ? undefined : sinkOf(shape)))
      const sinksInto = (s: CarrySet): (Sink | undefined)[] => {
        const sinks = [...emissionSinks]
        entry.carryOut.forEach((leaf, p) => (sinks[leaf] = s.leaves[p]))
        entry.carryKeyOut.forEach((leaf, q) => (sinks[leaf] = s.keys[q]))
        return sinks
      }
      const inputsFrom = (s: CarrySet): Tensor[] => {
        const inputs = [...entry.inputs]
        bindSet(entry, s, inputs)
        return inputs
      }
      const plan: RunPlan = {
        kind: 'plan',
        entry,
        sinks: [sinksInto(carrySets[0]), sinksInto(carrySets[1])],
        emission: emissionSinks,
        inputs: [inputsFrom(carrySets[0]), inputsFrom(carrySets[1])],
      }
      plans.set(entry, plan)
      return plan
    }
    const materialize = (set: 0 | 1): C => {
      const s = sets?.[set]
      if (s === undefined) throw new JitError('jitFold', 'internal: a carry in buffers that were never made')
      const [rebuilt] = rebuildArgs(
        [shapeSource],
        (_t, i) => {
          const sink = s.leaves[i]
          return sink === undefined ? T.scalar(0) : freshCopy(sink.buffer, sink.tensor.shape)
        },
        (_k, i) => keyOf(s.keys[i]?.buffer ?? [0, 0]),
      )
      return asBodyOutput<C>(rebuilt)
    }
    const valueOf = (where: Where): C => (where.kind === 'value' ? where.value : materialize(where.set))

    /** Replays a plan whose inputs are bound: the carry into the other set, the emission into its sinks. */
    const replayInto = (plan: RunPlan, inputs: readonly Tensor[], target: 0 | 1): void => {
      try {
        plan.entry.replay.runInto(inputs, plan.sinks[target])
      } catch (e) {
        // The step wrote part of the set it was filling, which held the carry before the last step.
        if (before === SET[target]) before = current
        throw e
      }
      replays++
      steps++
      before = current
      current = SET[target]
      emission = plan
      if (recent[0] !== plan) {
        const at = recent.indexOf(plan)
        if (at >= 0) recent.splice(at, 1)
        else if (recent.length >= RECENT_PLANS) recent.pop()
        recent.unshift(plan)
      }
    }

    const directStep = (item: X): void => {
      direct++
      const out = f(valueOf(current), item)
      if (!Array.isArray(out) || out.length !== 2) throw new JitError('jitFold', 'the body must return a pair [carry, emitted]')
      steps++
      before = current
      current = { kind: 'value', value: out[0] }
      emission = { kind: 'value', value: out[1] }
      recent.length = 0
    }

    /** A step that does not match the last plan: another signature, the first step, a trace. */
    const slowStep = (item: X): void => {
      const itemFlat = flattenArgs([item])
      const carryValue = current.kind === 'value' ? current.value : undefined
      const carryFlat = carryValue === undefined ? undefined : flattenArgs([carryValue])
      if (itemFlat.hasDual || carryFlat?.hasDual === true) return directStep(item)
      const signature = (carryFlat?.signature ?? carrySignature) + SIGNATURE_SEPARATOR + itemFlat.signature
      const set = current.kind === 'set' ? current.set : undefined
      const carryWords = (q: number): ArrayLike<number> | undefined => (set === undefined ? carryFlat?.keys[q]?.words : sets?.[set].keys[q]?.buffer)
      let entry = cache.get(signature)
      if (entry === undefined || !keysMatch(entry, carryWords, itemFlat.keys)) {
        traces++
        const traceCarry = valueOf(current)
        const traceCarryFlat = carryFlat ?? flattenArgs([traceCarry])
        const args = [traceCarry, item]
        const flat = flattenArgs(args)
        const traced = traceFunction(f, args, flat.leaves, flat.keys)
        const replay = compile(traced.graph)
        entry = entryOf(signature, replay.plan.graph, replay, traceCarryFlat, flat, itemFlat, traced.keysRead)
      }
      cache.delete(signature)
      cache.set(signature, entry)
      evict(cache, cacheSize, cacheBytes)
      // Bind the inputs: the carry (a value's leaves and words, or a set's buffers), then the item.
      if (carryFlat !== undefined && carryValue !== undefined) {
        const carrySets = setsFor(carryFlat, carryValue)
        for (let p = 0; p < carryFlat.leaves.length; p++) {
          const t = carryFlat.leaves[p]
          if (t !== undefined) entry.inputs[p] = t
        }
        carryFlat.keys.forEach((k, q) => {
          const w = entry.wordBuffers[q]
          const t = entry.wordTensors[q]
          if (w === undefined || t === undefined) return
          w[0] = k.words[0]
          w[1] = k.words[1]
          entry.inputs[entry.leafCount + q] = t
        })
        bindItem(entry, itemFlat.leaves, itemFlat.keys, entry.inputs)
        replayInto(planFor(entry, carrySets), entry.inputs, 0)
      } else if (set !== undefined && sets !== undefined) {
        const plan = planFor(entry, sets)
        const inputs = plan.inputs[set]
        bindItem(entry, itemFlat.leaves, itemFlat.keys, inputs)
        replayInto(plan, inputs, set === 0 ? 1 : 0)
      }
    }

    const step = (item: X): void => {
      // The fast path: the carry in a set, the item of a recent plan's signature, the last one's
      // first (nothing allocated; an epoch's last batch and the next epoch's first switch here).
      if (current.kind === 'set' && sets !== undefined) {
        const set = current.set
        const s = sets[set]
        for (let r = 0; r < recent.length; r++) {
          const plan = recent[r]
          if (plan === undefined) continue
          const entry = plan.entry
          // A plan other than the last one's is tried while the fold's cache holds it: the cache's bound stays the bound.
          if (r > 0 && cache.get(entry.signature) !== entry) continue
          if (matchPattern(item, entry.itemPattern, entry.itemTokens, entry.itemLeaves, entry.itemKeys, entry.cursor) && (!entry.readsKeys || keysMatch(entry, wordsIn(s), entry.itemKeys))) {
            const inputs = plan.inputs[set]
            bindItem(entry, entry.itemLeaves, entry.itemKeys, inputs)
            replayInto(plan, inputs, set === 0 ? 1 : 0)
            return
          }
        }
      }
      slowStep(item)
    }

    const emitted = (): E => {
      if (emission === undefined) throw new JitError('jitFold', 'no step has been taken yet: there is no emission')
      if (emission.kind === 'value') return emission.value
      const { entry, emission: sinks } = emission
      const values = new Array<unknown>(entry.graph.outputLeaves.length)
      for (const i of entry.emitLeaves) {
        const leaf = entry.graph.outputLeaves[i]
        const sink = sinks[i]
        if (leaf?.kind === 'static') values[i] = leaf.value
        else if (sink !== undefined) values[i] = freshCopy(sink.buffer, sink.tensor.shape)
      }
      for (const i of entry.emitKeys) {
        const leaf = entry.graph.outputLeaves[i]
        values[i] = leaf?.kind === 'static' ? leaf.value : keyOf(sinks[i]?.buffer ?? [0, 0])
      }
      return asBodyOutput<E>(build(entry.emitTemplate, values))
    }

    const scalar = (leaf = 0): number => {
      if (emission === undefined) throw new JitError('jitFold', 'no step has been taken yet: there is no emission')
      if (emission.kind === 'value') {
        const leaves = tensorLeaves(emission.value, [])
        const t = leaves[leaf]
        if (t === undefined) throw new JitError('jitFold', `the emission has ${leaves.length} tensor leaves; leaf ${leaf} was asked for`)
        if (t.data.length !== 1) throw new JitError('jitFold', `emitted leaf ${leaf} has shape ${T.formatShape(t.shape)}: a scalar must hold one element`)
        return t.data[0] ?? Number.NaN
      }
      const { entry, emission: sinks } = emission
      const i = entry.emitLeaves[leaf]
      if (i === undefined) throw new JitError('jitFold', `the emission has ${entry.emitLeaves.length} tensor leaves; leaf ${leaf} was asked for`)
      const out = entry.graph.outputLeaves[i]
      const data = out?.kind === 'static' && T.isTensor(out.value) ? out.value.data : sinks[i]?.buffer
      if (data === undefined || data.length !== 1) throw new JitError('jitFold', `emitted leaf ${leaf} has ${data?.length ?? 0} elements: a scalar must hold one`)
      return data[0] ?? Number.NaN
    }

    return { step, steps: () => steps, carry: () => valueOf(current), previous: () => valueOf(before), emitted, scalar }
  }

  const fold = (init: C, items: Iterable<X>, { emitted = 'all' }: FoldOptions = {}): FoldResult<C, E> => {
    const run = start(init)
    const kept: E[] = []
    for (const item of items) {
      run.step(item)
      if (emitted === 'all') kept.push(run.emitted())
    }
    if (emitted === 'last' && run.steps() > 0) kept.push(run.emitted())
    return { carry: run.carry(), emitted: kept }
  }
  const stats = (): JitStats => {
    let bytes = 0
    let readsKeys = false
    let generated = 0
    for (const e of cache.values()) {
      bytes += e.replay.plan.bytes
      if (e.readsKeys) readsKeys = true
      if (e.replay.generated()) generated++
    }
    return { traces, replays, direct, cached: cache.size, bytes, readsKeys, generated }
  }
  return Object.assign(fold, { start, stats, traceCount: () => traces })
}
