/**
 * `jit(f)`: the public face. A call flattens its arguments, looks the signature up in a small LRU
 * cache of plans, traces and plans on a miss, and replays.
 */
import { JitError } from './errors.js'
import { flattenArgs, matchArgs, type KeyLike, type MatchCursor } from './args.js'
import type { Tensor } from '../tensor/index.js'
import { unsafeTensor } from '../tensor/internal.js'
import type { Graph } from './graph.js'
import { fuseElementwise } from './fuse.js'
import { planGraph } from './plan.js'
import { codeGenerationAllowed, GENERATE_AFTER, replayer, replayInUse, type ReplayChoice, type Replayer } from './replay.js'
import { traceFunction } from './tracer.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of `jit`. */
export interface JitOptions {
  /**
   * Plans kept (least recently used dropped first), default 8: one per distinct signature of the
   * arguments (tree structure, shapes, static values) — e.g. the full batches of an epoch and its
   * smaller last batch take two. Must be a positive integer.
   */
  readonly cacheSize?: number
  /**
   * Bytes of buffers the cached plans may hold together, default 2³⁰ (1 GiB): past it, least
   * recently used plans are dropped — never the newest, whatever its size. A plan holds its
   * intermediates (a CNN's forward pass over 2 000 images in one batch: about 0.5 GB), so a few
   * large batch shapes would otherwise stay resident. Must be a positive number (Infinity: no bound).
   */
  readonly cacheBytes?: number
  /**
   * A rewrite of the traced graph before it is planned (default: none). For tests of the equality
   * law, which must catch a rewrite that changes any floating-point operation or its order.
   */
  readonly rewrite?: (graph: Graph) => Graph
  /**
   * How this function's plans replay (default: `useReplay`'s choice, 'auto'): 'auto' replays a
   * new plan in the interpreted loop and, once it has replayed `GENERATE_AFTER` times (a fold's:
   * `FOLD_GENERATE_AFTER`) and is not a rare plan among the function's others, plans it again with element-wise fusion and runs it as generated
   * code with inline arithmetic, where `new Function` is allowed; 'generated' does so from the
   * first call; 'loop' always runs the interpreted loop.
   * The same bits every way.
   */
  readonly replay?: ReplayChoice
  /**
   * Exact element-wise fusion: chains of element-wise nodes whose intermediates nobody else reads
   * become one loop computing the same operations per element (fuse.ts). 'auto' (the default, or
   * `useFusion`'s choice) fuses the plans that run generated code (see `replay`) — without it a
   * fused loop is an interpreted evaluator, slower on small arrays than the separate kernels'
   * tight loops; true fuses every plan, false none; a function replaces the pass (the mutation
   * tests pass wrong ones).
   */
  readonly fuse?: FusionChoice | ((graph: Graph) => Graph)
}

/** What a jitted function has done so far. */
export interface JitStats {
  /** Calls that traced (cache misses, and calls whose read keys differed). */
  readonly traces: number
  /** Calls that replayed a plan. */
  readonly replays: number
  /** Calls that ran f directly (Dual arguments: under a differentiation or another jit). */
  readonly direct: number
  /** Plans in the cache now. */
  readonly cached: number
  /** Bytes of buffers held by the cached plans. */
  readonly bytes: number
  /** Whether a cached plan read a random key's words (so it replays only for that key). */
  readonly readsKeys: boolean
  /** Cached plans whose node loop runs as generated code (the others run the interpreted loop). */
  readonly generated: number
}

/**
 * A jitted function: f's signature, plus its statistics.
 *
 * @typeParam F the signature of the function compiled
 */
export type Jitted<F extends (...args: never[]) => unknown> = F & {
  /** What the jitted function has done so far: traces, replays, plans held. */
  readonly stats: () => JitStats
  /** The number of traces so far (`stats().traces`, without building the record: for hot loops). */
  readonly traceCount: () => number
}

interface Entry {
  readonly replay: Replayer
  /** The plan's inputs: the call's tensor leaves, then each key's words (`keyWords`, refilled per call). */
  readonly inputs: Tensor[]
  readonly wordBuffers: readonly Float64Array[]
  readonly keysRead: readonly boolean[]
  readonly keyWords: readonly (readonly [number, number])[]
  /** The signature's tokens, and arrays the fast path fills with a matching call's leaves and keys. */
  readonly tokens: readonly (string | number)[]
  readonly leaves: Tensor[]
  readonly keys: KeyLike[]
  readonly cursor: MatchCursor
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const keysMatch = (entry: Entry, keys: readonly KeyLike[]): boolean => {
  for (let i = 0; i < entry.keysRead.length; i++) {
    if (entry.keysRead[i] !== true) continue
    const a = entry.keyWords[i]
    const b = keys[i]?.words
    if (a === undefined || b === undefined || a[0] !== b[0] || a[1] !== b[1]) return false
  }
  return true
}

/**
 * The plan's inputs for a call: its leaves, then its keys' words — written into the entry's own
 * buffers (inputs only: a replay never hands an input's memory out, it copies).
 */
const inputsOf = (entry: Entry, leaves: readonly Tensor[], keys: readonly KeyLike[]): readonly Tensor[] => {
  const inputs = entry.inputs
  for (let i = 0; i < leaves.length; i++) {
    const t = leaves[i]
    if (t !== undefined) inputs[i] = t
  }
  for (let i = 0; i < keys.length; i++) {
    const w = entry.wordBuffers[i]
    const k = keys[i]
    if (w === undefined || k === undefined) continue
    w[0] = k.words[0]
    w[1] = k.words[1]
  }
  return inputs
}

/**
 * The cache bounds of `jit` or `jitFold` (`op`), checked.
 *
 * @throws {JitError} when cacheSize is not a positive integer or cacheBytes not a positive number
 */
export const cacheLimits = (op: string, options: JitOptions): { readonly cacheSize: number; readonly cacheBytes: number } => {
  const cacheSize = options.cacheSize ?? 8
  if (!Number.isInteger(cacheSize) || cacheSize < 1) throw new JitError(op, `cacheSize must be a positive integer, got ${cacheSize}`)
  const cacheBytes = options.cacheBytes ?? 2 ** 30
  if (!(cacheBytes > 0)) throw new JitError(op, `cacheBytes must be a positive number, got ${cacheBytes}`)
  return { cacheSize, cacheBytes }
}

/** Drops the least recently used plans (first in the map) past the bounds, never the newest (last). */
export const evict = (cache: Map<string, { readonly replay: Replayer }>, cacheSize: number, cacheBytes: number): void => {
  let held = 0
  for (const e of cache.values()) held += e.replay.plan.bytes
  while (cache.size > cacheSize || (held > cacheBytes && cache.size > 1)) {
    const oldest = cache.entries().next()
    if (oldest.done === true) break
    const [signature, dropped] = oldest.value
    held -= dropped.replay.plan.bytes
    cache.delete(signature)
  }
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Compiles a pure function of tensors and trees (arrays and plain records of tensors, with any
 * static values among them: numbers, strings, functions). The first call with a given signature
 * traces f into a graph of primitives — calls to grad, valueAndGrad, vjp and jvp inside f are
 * traced too, their backward pass being made of primitives — and plans it; later calls with the
 * same signature replay the plan into reused buffers and return fresh tensors, bit for bit what f
 * returns. Random keys in the arguments are dynamic unless f reads them in JavaScript (then their
 * values become part of the signature). Under a differentiation (Dual arguments) the jitted
 * function simply runs f. A function that branches on tensor values cannot be traced: the trace
 * fails with a JitError naming the op.
 *
 * @example
 * const f = jit((x) => sum(mul(x, x)))
 * f(tensor([1, 2, 3]))  // 14
 * f(tensor([3, 4]))     // 25
 * jit(valueAndGrad((x) => sum(mul(x, x))))(tensor([1, 2]))  // [5, [2, 4]]
 *
 * @throws {JitError} when cacheSize is not a positive integer or cacheBytes not a positive number; when f cannot be traced (it reads a
 *   traced tensor's values, a traced value escapes it); when a replayed op's output shape differs
 *   from the traced one (a shape that depends on values)
 * @typeParam F the signature of the function compiled
 */
export const jit = <F extends (...args: never[]) => unknown>(f: F, options: JitOptions = {}): Jitted<F> => {
  const { cacheSize, cacheBytes } = cacheLimits('jit', options)
  const compile = compiler(options, GENERATE_AFTER)
  const cache = new Map<string, Entry>()
  let traces = 0
  let replays = 0
  let direct = 0
  // The most recently used plan: a call with the same structure skips building the signature.
  let last: Entry | undefined
  const call = (...args: unknown[]): unknown => {
    if (last !== undefined && matchArgs(args, last.tokens, last.leaves, last.keys, last.cursor) && keysMatch(last, last.keys)) {
      replays++
      return last.replay.run(inputsOf(last, last.leaves, last.keys))
    }
    const flat = flattenArgs(args)
    if (flat.hasDual) {
      direct++
      return Reflect.apply(f, undefined, args)
    }
    const hit = cache.get(flat.signature)
    if (hit !== undefined && keysMatch(hit, flat.keys)) {
      // Most recently used last (Map keeps insertion order).
      cache.delete(flat.signature)
      cache.set(flat.signature, hit)
      last = hit
      replays++
      return hit.replay.run(inputsOf(hit, flat.leaves, flat.keys))
    }
    traces++
    const traced = traceFunction(f, args, flat.leaves, flat.keys)
    const wordBuffers = flat.keys.map(() => new Float64Array(2))
    const entry: Entry = {
      replay: compile(traced.graph),
      inputs: [...flat.leaves, ...wordBuffers.map((w) => unsafeTensor(w, [2]))],
      wordBuffers,
      keysRead: traced.keysRead,
      keyWords: flat.keys.map((k) => k.words),
      tokens: flat.tokens,
      leaves: [...flat.leaves],
      keys: [...flat.keys],
      cursor: { position: 0, leaf: 0, key: 0 },
    }
    last = entry
    cache.delete(flat.signature)
    cache.set(flat.signature, entry)
    evict(cache, cacheSize, cacheBytes)
    // The trace computed on the real values, but its results are the plan's first replay: one
    // code path for every call.
    return entry.replay.run(inputsOf(entry, flat.leaves, flat.keys))
  }
  const stats = (): JitStats => {
    let bytes = 0
    let readsKeys = false
    let generated = 0
    for (const e of cache.values()) {
      bytes += e.replay.plan.bytes
      if (e.keysRead.includes(true)) readsKeys = true
      if (e.replay.generated()) generated++
    }
    return { traces, replays, direct, cached: cache.size, bytes, readsKeys, generated }
  }
  return asJitted<F>(Object.assign(call, { stats, traceCount: () => traces }))
}

/**
 * How a traced graph is planned and replayed — the one choice `jit` and `jitFold` both make, by
 * their options: under 'auto' a new plan replays unfused in the interpreted loop and, once hot
 * (`generateAfter` replays, `run` or `runInto` alike, and a fair share of its function's: see
 * `tiered`), is planned again with fusion and replayed as generated code with inline arithmetic;
 * 'generated' does so from the first replay; 'loop' never generates code (nor where code
 * generation is forbidden). `jit` waits `GENERATE_AFTER` replays, `jitFold` `FOLD_GENERATE_AFTER`.
 * `options.rewrite` (tests) runs first.
 */
export const compiler = (options: JitOptions, generateAfter: number): ((graph: Graph) => Replayer) => {
  const replay = options.replay ?? replayInUse()
  const fuse = options.fuse ?? fusionDefault
  const generating = replay !== 'loop' && codeGenerationAllowed()
  const fused = (graph: Graph): Graph =>
    fuse === false || (fuse === 'auto' && !generating) ? graph : fuse === true || fuse === 'auto' ? fuseElementwise(graph, generating) : fuse(graph)
  const { rewrite } = options
  const tiering = replay === 'auto' && generating && fuse === 'auto'
  // Replays of all this function's tiered plans: a plan's share of them tells a hot plan from a rare one.
  const count: ReplayCount = { total: 0 }
  return (traced) => {
    const graph = rewrite === undefined ? traced : rewrite(traced)
    // Tiered (the interpreted loop, unfused, until it is hot), else as asked.
    return tiering ? tiered(graph, fused, generateAfter, count) : replayer(planGraph(fused(graph)), generating && replay === 'generated')
  }
}

/** Replays of every tiered plan of one jitted function or fold, counted together. */
interface ReplayCount {
  total: number
}

/**
 * A replayer that starts cold — the graph planned as traced, replayed in the interpreted loop —
 * and once hot plans the graph again through `hot` (fusion) and replays that as generated code:
 * the same bits either way, the compile paid only by plans that run long. Hot: `generateAfter`
 * replays of its own, and at least an eighth of its function's replays since it was planned — so
 * a plan replayed now and then among others (an epoch's smaller last batch, once per epoch) stays
 * in the loop: the engine would take thousands of its calls to optimise its generated code, which
 * runs slower than the loop until then.
 */
const tiered = (graph: Graph, hot: (graph: Graph) => Graph, generateAfter: number, count: ReplayCount): Replayer => {
  let current = replayer(planGraph(graph), false)
  const born = count.total
  let own = 0
  let cold = true
  const tick = (): void => {
    count.total++
    if (!cold) return
    own++
    if (own >= generateAfter && 8 * own >= count.total - born) {
      cold = false
      current = replayer(planGraph(hot(graph)), true)
    }
  }
  return {
    get plan() {
      return current.plan
    },
    run: (leaves) => {
      const out = current.run(leaves)
      tick()
      return out
    },
    runInto: (leaves, sinks) => {
      current.runInto(leaves, sinks)
      tick()
    },
    generated: () => current.generated(),
  }
}

/** When `jit` fuses element-wise chains: where its plans run generated code ('auto'), always, or never. */
export type FusionChoice = 'auto' | boolean

let fusionDefault: FusionChoice = 'auto'

/**
 * When functions jitted from now on fuse element-wise chains by default ('auto' unless set; a
 * function's own `fuse` option wins). For measuring what fusion saves, and for tests.
 */
export const useFusion = (choice: FusionChoice): void => {
  fusionDefault = choice
}

/**
 * Types the jitted function as f's own signature (the one assertion of this module): a replay
 * returns what f returned on the trace, structure for structure, with fresh tensors for its
 * traced leaves, and a direct call returns f's own result.
 */
const asJitted = <F extends (...args: never[]) => unknown>(g: ((...args: unknown[]) => unknown) & { readonly stats: () => JitStats; readonly traceCount: () => number }): Jitted<F> =>
  g as unknown as Jitted<F>
