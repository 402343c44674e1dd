import { describe, expect, it } from 'vitest'
import { foldJitLaw, jitLaw, optimizerJitLaw, type FoldCompiler } from '../../laws/jit.js'
import { jit, jitFold, type Graph, type GraphNode } from '../../src/jit/index.js'
import * as optim from '../../src/optim/index.js'
import * as T from '../../src/tensor/index.js'
import { treeArb } from '../tree/arbitraries.js'

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

/**
 * A deliberately wrong fusion of a multi-output kernel (an optimizer's fused loop under jit): the
 * nodes of one leaf (the same inputs) all replay the first node's kernel, so every output of the
 * kernel gets the first one's values — a fusion that confuses which result goes where.
 */
const confuseFusedOutputs = (graph: Graph): Graph => {
  const firstOf = new Map<string, GraphNode>()
  const nodes = graph.nodes.map((n): GraphNode => {
    if (n.name !== 'fusedLeaves') return n
    const key = n.inputs.join(',')
    const first = firstOf.get(key)
    if (first === undefined) {
      firstOf.set(key, n)
      return n
    }
    const { specialize: _dropped, ...rest } = n
    return { ...rest, run: first.run, ...(first.specialize === undefined ? {} : { specialize: first.specialize }) }
  })
  return { ...graph, nodes }
}

describe('optimizer jit law', () => {
  const optimizers: Readonly<Record<string, optim.GradientTransformation<unknown>>> = {
    adam: optim.adam({ learningRate: 0.1 }),
    kerasAdam: optim.adam({ learningRate: 0.1, keras: true }),
    adamw: optim.adamw({ learningRate: 0.1, weightDecay: 0.05 }),
    sgd: optim.sgd({ learningRate: 0.1 }),
    momentum: optim.momentum({ learningRate: 0.1 }),
    nesterov: optim.nesterov({ learningRate: 0.1 }),
    rmsprop: optim.rmsprop({ learningRate: 0.1 }),
    adagrad: optim.adagrad({ learningRate: 0.1 }),
    clipped: optim.chain(optim.clipByValue(1), optim.scale(0.5), optim.scaleByAdam(), optim.scaleByLearningRate(0.1)),
    // Gradients are drawn in [−10, 10]: some trees are clipped, some are within the bound.
    globalNorm: optim.chain(optim.clipByGlobalNorm(8), optim.sgd({ learningRate: 0.1, momentum: 0.5 })),
    scheduled: optim.adam({ learningRate: optim.exponentialDecay({ initial: 0.1, decayRate: 0.5, decaySteps: 2 }) }),
    scheduledKeras: optim.adam({ learningRate: optim.stepDecay({ initial: 0.1, decaySteps: 2 }), keras: true }),
  }
  for (const [name, optimizer] of Object.entries(optimizers)) {
    it(`${name}: jit(update) equals update bit for bit, step after step`, () => {
      optimizerJitLaw(optimizer, treeArb(), { numRuns: 15 })
    })
  }
  it('catches a fusion that confuses the outputs of a fused kernel', () => {
    const wrong = <F extends (...args: never[]) => unknown>(f: F): F => jit(f, { rewrite: confuseFusedOutputs })
    let caught: unknown
    try {
      optimizerJitLaw(optim.adam({ learningRate: 0.1 }), treeArb(), { numRuns: 15, compile: wrong, seed: 1 })
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(Error)
    expect(String(caught instanceof Error ? caught.cause : undefined)).toMatch(/optimizer jit law: step \d+: /)
  })
})

describe('fold law', () => {
  it('jitFold(f)(init, items) equals iterating f bit for bit over generated programs', () => {
    foldJitLaw({ numRuns: 60 })
  })
  it('catches a fold whose plan changes the order of operations', () => {
    const wrong: FoldCompiler = (f) => jitFold(f, { rewrite: reassociateMul })
    let caught: unknown
    try {
      foldJitLaw({ numRuns: 300, compile: wrong, seed: 1 })
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(Error)
    expect(String(caught instanceof Error ? caught.cause : undefined)).toMatch(/fold law: (values|descent|curvature): .* vs /)
  })
})
