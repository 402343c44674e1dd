/**
 * Planning: which nodes run, and which buffer each kernel allocation gets.
 *
 * Dead nodes (whose output no output leaf needs) are dropped. Liveness: a slot lives from the node
 * that fills it to its last reader; a node whose output is not one of its own allocations (a view,
 * an input passed through) may alias its inputs and its allocations, so those live as long as its
 * output does. Buffers are then assigned greedily in node order from a pool of free buffers of the
 * same length: a node takes its buffers before any buffer it reads is released, so a kernel never
 * writes over its own inputs; a buffer returns to the pool after the last node that may read it.
 * Output leaves live to the end (they are copied out into fresh tensors).
 *
 * A node with several outputs is live when any of its outputs is needed; each output has its own
 * liveness and its own buffer (an output nobody reads gets a buffer released right after the node,
 * since the kernel writes it; an output handed to the caller gets fresh memory on every call).
 */
import type { SpecializedKernel, SpecializedMultiKernel } from '../ad/extend.js'
import * as T from '../tensor/index.js'
import { unsafeTensor } from '../tensor/internal.js'
import type { Shape, Tensor } from '../tensor/index.js'
import type { Graph, GraphNode, MultiGraphNode } from './graph.js'
import { slotShapes } from './graph.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A node as it replays: its buffers, one per allocation of its kernel, in order. */
export interface PlannedNode {
  /** Absent: a node with one output (see `PlannedMultiNode`). */
  readonly kind?: undefined
  readonly node: GraphNode
  /**
   * One per allocation of the kernel, in order: the planned buffer, or undefined where the kernel
   * gets fresh memory — the output of a node that is an output of the function, handed to the
   * caller as it is (no copy, and the plan never writes there again).
   */
  readonly buffers: readonly (Float64Array | undefined)[]
  /** The output goes to the caller: written into fresh memory on every call. */
  readonly freshOutput: boolean
  /**
   * The primitive's kernel specialised to this node's shapes, writing into the output buffer,
   * with the tensor that wraps that buffer (made once; none for a fresh output): replay then
   * allocates nothing for the node.
   */
  readonly specialized?: { readonly kernel: SpecializedKernel; readonly output: Tensor | undefined }
}

/** A node with several outputs as it replays. */
export interface PlannedMultiNode {
  readonly kind: 'multi'
  readonly node: MultiGraphNode
  /** One per allocation of the kernel, in order: the planned buffer, or undefined (fresh memory). */
  readonly buffers: readonly (Float64Array | undefined)[]
  /** Per output: whether it goes to the caller, written into fresh memory on every call. */
  readonly freshOutputs: readonly boolean[]
  /**
   * The kernel specialised to this node's shapes, writing each output into its buffer, with the
   * tensors that wrap those buffers (made once; undefined for a fresh output).
   */
  readonly specialized?: { readonly kernel: SpecializedMultiKernel; readonly outputs: readonly (Tensor | undefined)[] }
}

/** A step of a plan: a node with one output or several. */
export type PlanStep = PlannedNode | PlannedMultiNode

/** A replayable plan. */
export interface Plan {
  readonly graph: Graph
  readonly steps: readonly PlanStep[]
  /** Bytes of the buffers the plan owns. */
  readonly bytes: number
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** Plans a graph. */
export const planGraph = (graph: Graph): Plan => {
  const { nodes, slotCount } = graph
  const END = Number.POSITIVE_INFINITY
  const needed = new Array<boolean>(slotCount).fill(false)
  const lastUse = new Array<number>(slotCount).fill(-1)
  for (const leaf of graph.outputLeaves) {
    if (leaf.kind !== 'static') {
      needed[leaf.slot] = true
      lastUse[leaf.slot] = END
    }
  }
  const live: boolean[] = new Array<boolean>(nodes.length).fill(false)
  for (let j = nodes.length - 1; j >= 0; j--) {
    const node = nodes[j]
    if (node === undefined) continue
    if (node.kind === 'multi') {
      if (!node.outputs.some((o) => needed[o] === true)) continue
      live[j] = true
      const aliasing = node.outputAllocations.some((a) => a < 0)
      let outLast = j
      for (const o of node.outputs) outLast = Math.max(outLast, lastUse[o] ?? j)
      for (const s of node.inputs) {
        needed[s] = true
        const until = aliasing ? outLast : j
        if ((lastUse[s] ?? -1) < until) lastUse[s] = until
      }
      continue
    }
    if (needed[node.output] !== true) continue
    live[j] = true
    const aliasing = node.outputAllocation < 0
    const outLast = lastUse[node.output] ?? j
    for (const s of node.inputs) {
      needed[s] = true
      const until = aliasing ? Math.max(j, outLast) : j
      if ((lastUse[s] ?? -1) < until) lastUse[s] = until
    }
  }

  // Buffers free for reuse, by length; buffers to free after a node, by node index.
  const free = new Map<number, Float64Array[]>()
  const releases = new Map<number, Float64Array[]>()
  let bytes = 0
  const release = (at: number, b: Float64Array): void => {
    if (at === END) return
    const list = releases.get(at)
    if (list === undefined) releases.set(at, [b])
    else list.push(b)
  }
  const acquire = (n: number): Float64Array => {
    const pool = free.get(n)
    const reused = pool?.pop()
    if (reused !== undefined) return reused
    bytes += n * 8
    return new Float64Array(n)
  }
  const shapes = slotShapes(graph)
  const steps: PlanStep[] = []
  const freeAfter = (j: number): void => {
    for (const b of releases.get(j) ?? []) {
      const pool = free.get(b.length)
      if (pool === undefined) free.set(b.length, [b])
      else pool.push(b)
    }
    releases.delete(j)
  }
  nodes.forEach((node, j) => {
    if (live[j] !== true) return
    if (node.kind === 'multi') {
      steps.push(planMulti(node, j, { lastUse, shapes, acquire, release }))
      freeAfter(j)
      return
    }
    const outLast = lastUse[node.output] ?? j
    const freshOutput = node.outputAllocation >= 0 && outLast === END
    const aliasing = node.outputAllocation < 0
    const size = T.sizeOf(node.shape)
    const inputShapes = node.inputs.map((s) => shapes.get(s) ?? [])
    // A specialised kernel writes only into the output buffer (its temporaries are its own, e.g.
    // conv's one chunk of im2col): the node's other allocations get no buffer.
    const kernel = !aliasing && node.allocations[node.outputAllocation] === size ? node.specialize?.(inputShapes) : undefined
    const buffers = node.allocations.map((n, a) => {
      if (freshOutput && a === node.outputAllocation) return undefined
      if (kernel !== undefined && a !== node.outputAllocation) return undefined
      const b = acquire(n)
      // The output's buffer lives as long as the output; so does every buffer an aliasing output may view.
      release(a === node.outputAllocation || aliasing ? Math.max(j, outLast) : j, b)
      return b
    })
    const out = buffers[node.outputAllocation]
    steps.push(
      kernel === undefined
        ? { node, buffers, freshOutput }
        : { node, buffers, freshOutput, specialized: { kernel, output: out === undefined ? undefined : unsafeTensor(out, node.shape) } },
    )
    freeAfter(j)
  })
  return { graph, steps, bytes }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** What planning one node needs from the pass over the graph. */
interface Planning {
  readonly lastUse: readonly number[]
  readonly shapes: ReadonlyMap<number, Shape>
  readonly acquire: (n: number) => Float64Array
  readonly release: (at: number, b: Float64Array) => void
}

/**
 * The buffers of a node with several outputs (node index `j`): each output's allocation lives as
 * long as that output (all of them as long as the longest, when an output may alias); an output
 * that lives to the end gets fresh memory; a specialised kernel gets its outputs' buffers only.
 */
const planMulti = (node: MultiGraphNode, j: number, { lastUse, shapes, acquire, release }: Planning): PlannedMultiNode => {
  const END = Number.POSITIVE_INFINITY
  const { outputs, outputAllocations, allocations } = node
  const lasts = outputs.map((o) => lastUse[o] ?? -1)
  const aliasing = outputAllocations.some((a) => a < 0)
  const allLast = Math.max(j, ...lasts)
  // Per allocation: until when it lives, and whether it is an output that goes to the caller.
  const until = allocations.map(() => j)
  const fresh = allocations.map(() => false)
  const isOutput = allocations.map(() => false)
  outputAllocations.forEach((a, o) => {
    if (a < 0) return
    until[a] = Math.max(until[a] ?? j, lasts[o] ?? -1)
    isOutput[a] = true
  })
  allocations.forEach((_, a) => {
    // Fresh only when every output it holds goes to the caller.
    fresh[a] = isOutput[a] === true && outputAllocations.every((b, o) => b !== a || lasts[o] === END)
  })
  const distinct = new Set(outputAllocations).size === outputs.length
  const exact = !aliasing && distinct && outputAllocations.every((a, o) => allocations[a] === T.sizeOf(node.shapes[o] ?? []))
  const kernel = exact ? node.specialize?.(node.inputs.map((s) => shapes.get(s) ?? [])) : undefined
  const buffers = allocations.map((n, a) => {
    if (fresh[a] === true) return undefined
    if (kernel !== undefined && isOutput[a] !== true) return undefined
    const b = acquire(n)
    release(aliasing ? allLast : (until[a] ?? j), b)
    return b
  })
  const freshOutputs = outputAllocations.map((a) => a >= 0 && fresh[a] === true)
  if (kernel === undefined) return { kind: 'multi', node, buffers, freshOutputs }
  const wrapped = outputAllocations.map((a, o) => {
    const b = buffers[a]
    return b === undefined ? undefined : unsafeTensor(b, node.shapes[o] ?? [])
  })
  return { kind: 'multi', node, buffers, freshOutputs, specialized: { kernel, outputs: wrapped } }
}
