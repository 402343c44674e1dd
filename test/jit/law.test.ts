import { describe, expect, it } from 'vitest'
import { jitLaw } from '../../laws/jit.js'
import { jit, type Graph, type GraphNode } from '../../src/jit/index.js'
import * as T from '../../src/tensor/index.js'

/**
 * A deliberately wrong fusion: (a·b)·c recorded as two muls replays as a·(b·c) — the same
 * operations in a different order, as a careless fusion of a multiplication chain would do. The
 * derivative rules scale cotangents and tangents with `mulStrongZero` (issue 11), so its chains
 * are fused the same way: they are where a gradient's multiplication chains are.
 */
const reassociateMul = (graph: Graph): Graph => {
  const producer = new Map<number, GraphNode>()
  for (const n of graph.nodes) producer.set(n.output, n)
  const nodes = graph.nodes.map((n): GraphNode => {
    const [left, c] = n.inputs
    const inner = left === undefined ? undefined : producer.get(left)
    const product = n.name === 'mul' ? T.mul : n.name === 'mulStrongZero' ? T.mulStrongZero : undefined
    if (product === undefined || c === undefined || inner?.name !== n.name) return n
    const [a, b] = inner.inputs
    if (a === undefined || b === undefined) return n
    return { ...n, inputs: [a, b, c], run: ([x, y, z]) => product(x ?? T.scalar(0), product(y ?? T.scalar(0), z ?? T.scalar(0))), outputAllocation: -1 }
  })
  return { ...graph, nodes }
}

describe('jit law', () => {
  it('jit(f)(x) equals f(x) bit for bit over generated programs: values, gradients, jvp, second order', () => {
    jitLaw({ numRuns: 200 })
  })
  it('catches a fusion that changes the order of operations', () => {
    const wrong = <F extends (...args: never[]) => unknown>(f: F): F => jit(f, { rewrite: reassociateMul })
    let caught: unknown
    try {
      jitLaw({ numRuns: 300, compile: wrong, seed: 1 })
    } catch (e) {
      caught = e
    }
    // fast-check reports the counterexample; the law's own message (which output differed, where) is the cause.
    expect(caught).toBeInstanceOf(Error)
    expect(String(caught instanceof Error ? caught.cause : undefined)).toMatch(/jit law: (value|valueAndGrad|jvp|hvp): .* vs /)
  })
})
