/**
 * Inline code: a node's arithmetic as source text for a plan's generated function, instead of a
 * call of its kernel. Three sources, each the kernel's own definition of the operation:
 *
 * - an element-wise node or a fused chain: a loop calling the nodes' `element` functions — the very
 *   functions their kernels' loops call (and jit's fused loops) — on the same operands, read with the
 *   same broadcasts (an input of the output's size, one value, a trailing row);
 * - a node whose primitive states `inline` (small products, sums, a broadcast fill): the source the
 *   kernel's module writes next to the kernel (`productSource`, `sumSource`), in the kernel's order;
 * - anything else: no inline code (the generated function calls the kernel, as the loop does).
 *
 * The source holds only numbers, operators and fixed identifiers: the buffers' names are given by
 * the generator, element functions are read from an array by position (`F[i]`).
 */
import type { InlineKernel, InlineMultiKernel } from '../ad/extend.js'
import * as T from '../tensor/index.js'
import type { Shape } from '../tensor/index.js'
import type { FusedExpression, GraphNode, MultiGraphNode, Operand } from './graph.js'
import { accessOf } from './fuse.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Element-wise nodes (not fused) are inlined up to this many elements; longer ones stay kernel
 * calls, whose loops run in WebAssembly SIMD from `ELEMENTWISE_MIN_LENGTH` (256) elements under
 * 'auto'. Both give the same bits (the element function is the WebAssembly loop's definition too):
 * the bound is one of speed only.
 */
export const INLINE_ELEMENTS = 256

/**
 * The inline code of a single-output node whose inputs have `shapes`, or undefined (then the
 * generated code calls its kernel). The node must write its output into one allocation of the
 * output's size (the buffer the inline code writes instead).
 */
export const inlineOf = (node: GraphNode, shapes: readonly Shape[]): InlineKernel | undefined => {
  const n = T.sizeOf(node.shape)
  if (n === 0 || node.outputAllocation < 0 || node.allocations[node.outputAllocation] !== n) return undefined
  if (node.fused !== undefined) return expressionEmitter(node.fused, n)
  const stated = node.inline?.(shapes)
  if (stated !== undefined) return stated
  const { element } = node
  if (element === undefined || n > INLINE_ELEMENTS || shapes.length < 1 || shapes.length > 3) return undefined
  const access = []
  for (const shape of shapes) {
    const a = accessOf(shape, node.shape)
    if (a === undefined) return undefined
    access.push(a)
  }
  const operands = shapes.map((_, index): Operand => ({ kind: 'input', index }))
  return expressionEmitter({ access, operations: [{ name: node.name, f: element, operands }] }, n)
}

/**
 * The inline code of a node with several outputs, when its kernel states one and every output is
 * its own allocation of its size (the buffers the code writes instead), or undefined.
 */
export const inlineMultiOf = (node: MultiGraphNode, shapes: readonly Shape[]): InlineMultiKernel | undefined => {
  const { outputAllocations, allocations } = node
  const exact = new Set(outputAllocations).size === outputAllocations.length && outputAllocations.every((a, o) => a >= 0 && allocations[a] === T.sizeOf(node.shapes[o] ?? []))
  return exact ? node.inline?.(shapes) : undefined
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/**
 * The loop of a fused expression over n elements, as fuse.ts's generated kernel writes it: per
 * element, each operation a call of its element function with exactly its operands (a local for an
 * earlier operation's result), a counter per trailing length instead of i mod m.
 */
const expressionEmitter =
  ({ access, operations }: FusedExpression, n: number): InlineKernel =>
  (ins, out, { fn }) => {
    const before: string[] = []
    const step: string[] = []
    const lengths = new Set<number>()
    const read = (o: Operand): string => {
      if (o.kind === 'op') return `v${o.index}`
      const a = access[o.index]
      const x = ins[o.index] ?? ''
      if (a === undefined || a.kind === 'element') return `${x}[i]`
      if (a.kind === 'scalar') return `c${o.index}`
      return `${x}[j${a.length}]`
    }
    access.forEach((a, i) => {
      if (a.kind === 'scalar') before.push(`const c${i} = ${ins[i] ?? ''}[0]`)
      if (a.kind === 'trailing' && !lengths.has(a.length)) {
        lengths.add(a.length)
        before.push(`let j${a.length} = 0`)
      }
    })
    operations.forEach((op, k) => {
      // Exactly the operation's operands (Math.max of a third, undefined, argument would be NaN).
      const args = op.operands.map(read).join(', ')
      step.push(`const v${k} = ${fn(op.f)}(${args})`)
    })
    step.push(`${out}[i] = v${operations.length - 1}`)
    for (const m of lengths) step.push(`if (++j${m} === ${m}) j${m} = 0`)
    return `${before.join('\n')}\nfor (let i = 0; i < ${n}; i++) {\n${step.join('\n')}\n}`
  }
