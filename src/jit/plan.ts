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
 */
import type { SpecializedKernel } from '../ad/extend.js'
import * as T from '../tensor/index.js'
import { unsafeTensor } from '../tensor/internal.js'
import type { Shape, Tensor } from '../tensor/index.js'
import type { Graph, GraphNode } from './graph.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A node as it replays: its buffers, one per allocation of its kernel, in order. */
export interface PlannedNode {
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

/** A replayable plan. */
export interface Plan {
  readonly graph: Graph
  readonly steps: readonly PlannedNode[]
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
    if (node === undefined || needed[node.output] !== true) continue
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
  const shapes = new Map<number, Shape>()
  graph.inputShapes.forEach((s, i) => shapes.set(i, s))
  for (const [slot, t] of graph.constants) shapes.set(slot, t.shape)
  for (const node of nodes) shapes.set(node.output, node.shape)
  const steps: PlannedNode[] = []
  nodes.forEach((node, j) => {
    if (live[j] !== true) return
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
    for (const b of releases.get(j) ?? []) {
      const pool = free.get(b.length)
      if (pool === undefined) free.set(b.length, [b])
      else pool.push(b)
    }
    releases.delete(j)
  })
  return { graph, steps, bytes }
}
