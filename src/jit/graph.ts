/**
 * The graph a trace records: slots (the function's input leaves, constants, and one per output of
 * a recorded application) and the nodes that fill them, in creation order — which is a topological
 * order, since a node can only use slots that existed when it was recorded. Most nodes have one
 * output (`GraphNode`); a kernel with several outputs (`constantMultiOp`: an optimizer's fused
 * per-leaf loop) is one `MultiGraphNode` filling several slots.
 */
import type { ElementFunction, InlineKernel, InlineMultiKernel, SpecializedKernel, SpecializedMultiKernel } from '../ad/extend.js'
import type { Shape, Tensor } from '../tensor/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** One recorded primitive application (one output). */
export interface GraphNode {
  /** Absent: a node with one output (see `MultiGraphNode`). */
  readonly kind?: undefined
  /** The primitive's name (errors and the graph's printout). */
  readonly name: string
  /** Runs the primitive's kernel on plain inputs, with the params it was recorded with. */
  readonly run: (inputs: readonly Tensor[]) => Tensor
  /** The primitive's kernel specialised to the given input shapes, when it offers one. */
  readonly specialize?: (shapes: readonly Shape[]) => SpecializedKernel | undefined
  /** The specialised kernel as source text for generated code, when the primitive offers one (`Primitive.inline`). */
  readonly inline?: (shapes: readonly Shape[]) => InlineKernel | undefined
  /** Slots of the inputs. */
  readonly inputs: readonly number[]
  /** The slot this node fills. */
  readonly output: number
  readonly shape: Shape
  /** Lengths of the buffers the kernel allocated, in the order it asked for them. */
  readonly allocations: readonly number[]
  /**
   * Which of those allocations holds the output, or -1 when the output is none of them (a view,
   * an input passed through, a buffer from elsewhere): then it may alias any input and any of the
   * node's allocations, and liveness treats it so.
   */
  readonly outputAllocation: number
  /**
   * The per-element function the kernel computes, when the primitive states one (`Primitive.element`):
   * what jit's element-wise fusion (fuse.ts) calls in its fused loops.
   */
  readonly element?: ElementFunction | undefined
  /** For a node made by fusion: the chain it computes per element. */
  readonly fused?: FusedExpression
}

/** How a fused loop reads one of its inputs at element i of its output (of n elements). */
export type Access =
  /** x[i]: the input has the output's n elements. */
  | { readonly kind: 'element' }
  /** x[0]: one value for every element. */
  | { readonly kind: 'scalar' }
  /** x[i mod m]: the input is the output's trailing dimensions (a bias row), m elements. */
  | { readonly kind: 'trailing'; readonly length: number }

/** An operand of a fused operation: an input of the fused node, or the result of an earlier operation. */
export type Operand = { readonly kind: 'input'; readonly index: number } | { readonly kind: 'op'; readonly index: number }

/** One operation of a fused chain: a node's element function on its operands. */
export interface FusedOperation {
  /** The primitive's name. */
  readonly name: string
  readonly f: ElementFunction
  readonly operands: readonly Operand[]
}

/**
 * A chain of element-wise nodes as one loop: per element, the operations in the nodes' order,
 * each on the same operands as its node; the last operation's result is the output.
 */
export interface FusedExpression {
  /** The fused node's inputs (its `inputs` slots, in order) and how each is read. */
  readonly access: readonly Access[]
  readonly operations: readonly FusedOperation[]
}

/**
 * One recorded application of a kernel with several outputs: it runs once per replay and writes
 * each output into its own planned buffer (or fresh memory, for an output handed to the caller).
 */
export interface MultiGraphNode {
  readonly kind: 'multi'
  /** The kernel's name (errors and the graph's printout). */
  readonly name: string
  /** Runs the kernel on plain inputs, with the params it was recorded with: its outputs, in order. */
  readonly run: (inputs: readonly Tensor[]) => readonly Tensor[]
  /** The kernel specialised to the given input shapes, when it offers one. */
  readonly specialize?: (shapes: readonly Shape[]) => SpecializedMultiKernel | undefined
  /** The specialised kernel as source text for generated code, when the kernel offers one. */
  readonly inline?: (shapes: readonly Shape[]) => InlineMultiKernel | undefined
  /** Slots of the inputs. */
  readonly inputs: readonly number[]
  /** The slots this node fills, one per output. */
  readonly outputs: readonly number[]
  /** The outputs' shapes. */
  readonly shapes: readonly Shape[]
  /** Lengths of the buffers the kernel allocated, in the order it asked for them. */
  readonly allocations: readonly number[]
  /**
   * Per output, which allocation holds it, or -1 (then that output may alias any input and any of
   * the node's allocations, as a single output does).
   */
  readonly outputAllocations: readonly number[]
}

/** A node of the graph: one output or several. */
export type AnyGraphNode = GraphNode | MultiGraphNode

/** Where an output leaf of the traced function comes from. */
export type OutputLeaf =
  | { readonly kind: 'slot'; readonly slot: number }
  /** A random key rebuilt from the words in `slot` (a key derived from the call's keys). */
  | { readonly kind: 'key'; readonly slot: number }
  | { readonly kind: 'static'; readonly value: unknown }

/** The output's structure: arrays and plain records around leaves. */
export type OutputTemplate =
  | { readonly kind: 'leaf'; readonly index: number }
  | { readonly kind: 'array'; readonly items: readonly OutputTemplate[] }
  | { readonly kind: 'record'; readonly keys: readonly string[]; readonly items: readonly OutputTemplate[] }

/** A finished trace. */
export interface Graph {
  /** Number of input leaves: slots 0 … inputCount − 1. */
  readonly inputCount: number
  /** Shapes of the input leaves. */
  readonly inputShapes: readonly Shape[]
  /** Slot count (inputs, constants, nodes). */
  readonly slotCount: number
  /** Constants by slot. */
  readonly constants: ReadonlyMap<number, Tensor>
  readonly nodes: readonly AnyGraphNode[]
  readonly outputLeaves: readonly OutputLeaf[]
  readonly outputTemplate: OutputTemplate
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** The shape of every slot of a graph: its inputs, constants and node outputs. */
export const slotShapes = (graph: Graph): Map<number, Shape> => {
  const shapes = new Map<number, Shape>()
  graph.inputShapes.forEach((s, i) => shapes.set(i, s))
  for (const [slot, t] of graph.constants) shapes.set(slot, t.shape)
  for (const node of graph.nodes) {
    if (node.kind === 'multi') node.outputs.forEach((o, i) => shapes.set(o, node.shapes[i] ?? []))
    else shapes.set(node.output, node.shape)
  }
  return shapes
}
