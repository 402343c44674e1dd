/**
 * Exact element-wise fusion: a planning pass, graph → graph, that turns a chain of element-wise
 * nodes whose intermediates nobody else reads into one node whose loop computes, per element,
 * the same operations in the same order as the separate kernels.
 *
 * Exact by construction: a node is fused only when its primitive states `element`, the very
 * function its kernel's loop calls per element (shared, not copied), and only for the broadcasts
 * the fused loop indexes the same way the kernel does (an input of the output's size, one value,
 * or the output's trailing dimensions). Each operation of the fused loop then receives the same
 * operand values its node's kernel would have read — the intermediate it would have read from
 * memory is the same double held in a local — and calls the same function on them: the same
 * bits. The order across elements does not matter (each element depends only on its own
 * operations), and within an element each operation still follows the operations it reads.
 *
 * An intermediate is fused away only when exactly one node reads it and it is no output of the
 * function; it then needs no buffer. The fused node takes the place of the chain's last node, so
 * liveness keeps its meaning (each external input lives to the fused node, where the chain read it).
 */
import type { ElementFunction, SpecializedKernel } from '../ad/extend.js'
import * as T from '../tensor/index.js'
import type { ReadonlyFloat64Array, Shape, Tensor } from '../tensor/index.js'
import { allocateOverwritten, unsafeTensor } from '../tensor/internal.js'
import type { Access, AnyGraphNode, FusedExpression, FusedOperation, Graph, GraphNode, Operand } from './graph.js'
import { slotShapes } from './graph.js'
import { compileShared } from './replay.js'

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** True when `inner` equals the trailing dimensions of `outer`. */
const isTrailing = (inner: Shape, outer: Shape): boolean => {
  const offset = outer.length - inner.length
  if (offset < 0) return false
  for (let i = 0; i < inner.length; i++) if (inner[i] !== outer[offset + i]) return false
  return true
}

/** How a node's element-wise kernel reads an input of shape `input` for its output `output`, or undefined when a fused loop cannot index it so. */
export const accessOf = (input: Shape, output: Shape): Access | undefined => {
  const n = T.sizeOf(output)
  const m = T.sizeOf(input)
  if (m === n) return { kind: 'element' }
  if (m === 1) return { kind: 'scalar' }
  if (m > 0 && isTrailing(input, output)) return { kind: 'trailing', length: m }
  return undefined
}

/** The node's element function, when the node can be fused: it writes its own output of its shape's size and reads every input by an access a loop can index. */
const fusableElement = (node: AnyGraphNode, shapes: ReadonlyMap<number, Shape>): ElementFunction | undefined => {
  if (node.kind === 'multi') return undefined
  const { element } = node
  if (element === undefined || node.inputs.length < 1 || node.inputs.length > 3) return undefined
  const n = T.sizeOf(node.shape)
  if (n === 0 || node.outputAllocation < 0 || node.allocations[node.outputAllocation] !== n) return undefined
  for (const s of node.inputs) {
    const shape = shapes.get(s)
    if (shape === undefined || accessOf(shape, node.shape) === undefined) return undefined
  }
  return element
}

/** One element of operation k: its function called with exactly its operands (Math.max of a third, undefined, argument would be NaN). */
const callOf = (arity: number, f: string, args: readonly string[]): string => `${f}(${args.slice(0, arity).join(', ')})`

/** A generated fused loop: the element functions come in `F`, so that chains of one structure share one compiled function. */
type SharedKernel = (F: readonly ElementFunction[], ins: readonly ReadonlyFloat64Array[], out: Float64Array) => void

const isShared = (u: unknown): u is SharedKernel => typeof u === 'function'

/**
 * The fused loop as generated code: each operation a call of its element function (the engine
 * inlines them), intermediates in locals, a counter per trailing length instead of i mod m.
 */
const generatedKernel = (expression: FusedExpression): SpecializedKernel | undefined => {
  const { access, operations } = expression
  const before: string[] = ["'use strict'", ...operations.map((_, k) => `const f${k} = F[${k}]`)]
  const step: string[] = []
  const lengths = new Set<number>()
  const read = (o: Operand): string => {
    if (o.kind === 'op') return `v${o.index}`
    const a = access[o.index]
    if (a === undefined) return '0'
    if (a.kind === 'element') return `x${o.index}[i]`
    if (a.kind === 'scalar') return `c${o.index}`
    return `x${o.index}[j${a.length}]`
  }
  access.forEach((a, i) => {
    before.push(`const x${i} = ins[${i}]`)
    if (a.kind === 'scalar') before.push(`const c${i} = x${i}[0]`)
    if (a.kind === 'trailing' && !lengths.has(a.length)) {
      lengths.add(a.length)
      before.push(`let j${a.length} = 0`)
    }
  })
  operations.forEach((op, k) => step.push(`const v${k} = ${callOf(op.operands.length, `f${k}`, op.operands.map(read))}`))
  step.push(`out[i] = v${operations.length - 1}`)
  for (const m of lengths) step.push(`if (++j${m} === ${m}) j${m} = 0`)
  const shared = compileShared(['F', 'ins', 'out'], `${before.join('\n')}\nfor (let i = 0; i < out.length; i++) {\n${step.join('\n')}\n}`, isShared)
  if (shared === undefined) return undefined
  const F = operations.map((op) => op.f)
  return (ins, out) => shared(F, ins, out)
}

/**
 * The fused loop without generated code (where `new Function` is forbidden): the same calls on
 * the same operands, element by element, the intermediates held in a scratch array of doubles.
 */
const interpretedKernel = (expression: FusedExpression): SpecializedKernel => {
  const { access, operations } = expression
  const values = new Float64Array(operations.length)
  return (ins, out) => {
    const read = (o: Operand, i: number): number => {
      if (o.kind === 'op') return values[o.index] ?? 0
      const x: ReadonlyFloat64Array | undefined = ins[o.index]
      const a = access[o.index]
      if (x === undefined || a === undefined) return 0
      return (a.kind === 'element' ? x[i] : a.kind === 'scalar' ? x[0] : x[i % a.length]) ?? 0
    }
    for (let i = 0; i < out.length; i++) {
      for (let k = 0; k < operations.length; k++) {
        const op = operations[k]
        if (op === undefined) continue
        const [p, q, r] = op.operands
        values[k] =
          r !== undefined && p !== undefined && q !== undefined
            ? op.f(read(p, i), read(q, i), read(r, i))
            : q !== undefined && p !== undefined
              ? callTwo(op.f, read(p, i), read(q, i))
              : p !== undefined
                ? callOne(op.f, read(p, i))
                : 0
      }
      out[i] = values[operations.length - 1] ?? 0
    }
  }
}

// Calls with exactly one or two arguments: an element function of fewer parameters is typed as
// ElementFunction (unused trailing arguments ignored), and Math.max/Math.min read every argument.
const callOne = (f: (...xs: number[]) => number, x: number): number => f(x)
const callTwo = (f: (...xs: number[]) => number, x: number, y: number): number => f(x, y)

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The node that computes `expression` per element into `output` (of `shape`), reading `inputs`:
 * its kernel is the generated loop where code can be generated, else the interpreted one (the
 * same bits); its `run` writes into one allocation of the output's size, so the replay loop can
 * run it as any other node.
 */
export const fusedNode = (expression: FusedExpression, inputs: readonly number[], output: number, shape: Shape, generate = true): GraphNode => {
  const kernel = (generate ? generatedKernel(expression) : undefined) ?? interpretedKernel(expression)
  const n = T.sizeOf(shape)
  const data: ReadonlyFloat64Array[] = []
  return {
    name: `fused(${expression.operations.map((op) => op.name).join(', ')})`,
    run: (xs: readonly Tensor[]): Tensor => {
      for (let i = 0; i < xs.length; i++) data[i] = xs[i]?.data ?? new Float64Array(0)
      const out = allocateOverwritten(n)
      kernel(data, out)
      return unsafeTensor(out, shape)
    },
    specialize: () => kernel,
    inputs,
    output,
    shape,
    allocations: [n],
    outputAllocation: 0,
    fused: expression,
  }
}

/**
 * The chains of fusable nodes, as lists of node indices in node order (the last one the chain's
 * root, whose output the rest of the graph reads): a node absorbs the chain of an input when
 * that input is made by a fusable node, has the output's size (read element by element), is read
 * by no other node and is no output of the function. Chains of one node are left out.
 */
export const fusionGroups = (graph: Graph): readonly (readonly number[])[] => {
  const shapes = slotShapes(graph)
  const readers = new Map<number, number>()
  for (const node of graph.nodes) for (const s of new Set(node.inputs)) readers.set(s, (readers.get(s) ?? 0) + 1)
  const outputs = new Set<number>()
  for (const leaf of graph.outputLeaves) if (leaf.kind !== 'static') outputs.add(leaf.slot)
  // The chain ending at each fusable node's output slot.
  const chainOf = new Map<number, number[]>()
  const roots: number[][] = []
  graph.nodes.forEach((node, j) => {
    if (node.kind === 'multi' || fusableElement(node, shapes) === undefined) return
    const n = T.sizeOf(node.shape)
    const chain: number[] = []
    for (const s of new Set(node.inputs)) {
      const inner = chainOf.get(s)
      if (inner === undefined || readers.get(s) !== 1 || outputs.has(s) || T.sizeOf(shapes.get(s) ?? []) !== n) continue
      chain.push(...inner)
      chainOf.delete(s)
    }
    chain.push(j)
    chain.sort((a, b) => a - b)
    chainOf.set(node.output, chain)
  })
  for (const chain of chainOf.values()) if (chain.length > 1) roots.push(chain)
  return roots
}

/**
 * Which nodes of a graph fusion may put in a loop (each on its own: an element-wise kernel that
 * writes its own output and reads each input element by element, as one value or as a trailing row).
 */
export const fusableNodes = (graph: Graph): readonly boolean[] => {
  const shapes = slotShapes(graph)
  return graph.nodes.map((node) => fusableElement(node, shapes) !== undefined)
}


/**
 * The fused expression of a chain (node indices in node order, the last its root): per member,
 * its element function on its operands — an earlier member's result, or an input of the fused
 * node (slots outside the chain, in order of first use, each with its access).
 */
export const chainExpression = (graph: Graph, chain: readonly number[]): { readonly expression: FusedExpression; readonly inputs: readonly number[] } => {
  const shapes = slotShapes(graph)
  const produced = new Map<number, number>()
  const inputs: number[] = []
  const access: Access[] = []
  const operations: FusedOperation[] = []
  for (const j of chain) {
    const node = graph.nodes[j]
    const f = node === undefined ? undefined : fusableElement(node, shapes)
    if (node === undefined || node.kind === 'multi' || f === undefined) throw new Error(`jit fusion: node ${j} is not element-wise`)
    const operands = node.inputs.map((s): Operand => {
      const k = produced.get(s)
      if (k !== undefined) return { kind: 'op', index: k }
      const known = inputs.indexOf(s)
      if (known >= 0) return { kind: 'input', index: known }
      inputs.push(s)
      access.push(accessOf(shapes.get(s) ?? [], node.shape) ?? { kind: 'element' })
      return { kind: 'input', index: inputs.length - 1 }
    })
    produced.set(node.output, operations.length)
    operations.push({ name: node.name, f, operands })
  }
  return { expression: { access, operations }, inputs }
}

/**
 * Replaces each chain by one fused node at its root's place (the other members dropped: their
 * outputs were read only inside the chain).
 */
export const fuseChains = (graph: Graph, chains: readonly (readonly number[])[], generate = true): Graph => {
  const replaced = new Map<number, GraphNode>()
  const dropped = new Set<number>()
  for (const chain of chains) {
    const root = chain[chain.length - 1]
    const node = root === undefined ? undefined : graph.nodes[root]
    if (root === undefined || node === undefined || node.kind === 'multi') continue
    const { expression, inputs } = chainExpression(graph, chain)
    replaced.set(root, fusedNode(expression, inputs, node.output, node.shape, generate))
    for (const j of chain) if (j !== root) dropped.add(j)
  }
  const nodes: AnyGraphNode[] = []
  graph.nodes.forEach((node, j) => {
    if (!dropped.has(j)) nodes.push(replaced.get(j) ?? node)
  })
  return { ...graph, nodes }
}

/** The fusion pass: every exact chain (`fusionGroups`) fused (`fuseChains`). */
export const fuseElementwise = (graph: Graph, generate = true): Graph => fuseChains(graph, fusionGroups(graph), generate)
