import { describe, expect, it } from 'vitest'
import { foldJitLaw, jitLaw, optimizerJitLaw, type FoldCompiler } from '../../laws/jit.js'
import { jit, jitFold, type AnyGraphNode, type FusedOperation, type Graph, type GraphNode } from '../../src/jit/index.js'
import { fusableNodes, fuseChains, fusedNode, fuseElementwise } from '../../src/jit/fuse.js'
import * as optim from '../../src/optim/index.js'
import type { InlineMultiKernel, InlineScope } from '../../src/ad/extend.js'
import { adamUpdate, layoutStrides, momentumElement, type MatmulLayout } from '../../src/tensor/internal.js'
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
  for (const n of graph.nodes) if (n.kind === undefined) producer.set(n.output, n)
  const nodes = graph.nodes.map((n): AnyGraphNode => {
    if (n.kind === 'multi') return n
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
    // Generated code from each plan's first call (by default it comes after GENERATE_AFTER replays).
    jitLaw({ numRuns: 200, compile: (f) => jit(f, { replay: 'generated' }) })
  })
  it('the same with the interpreted replay loop and interpreted fused loops (no generated code: a CSP without unsafe-eval)', () => {
    jitLaw({ numRuns: 100, compile: (f) => jit(f, { replay: 'loop', fuse: true }) })
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
 * A deliberately wrong fusion of a multi-output kernel (an optimizer's fused loop under jit, one
 * node with several outputs): the node's outputs are handed out rotated — each output slot gets
 * the next output's values (Adam's update gets the new first moment, and so on), the same kernel
 * run once, on the same inputs, with its results confused.
 */
const confuseFusedOutputs = (graph: Graph): Graph => {
  const nodes = graph.nodes.map((n): AnyGraphNode => {
    if (n.kind !== 'multi' || n.outputs.length < 2) return n
    const rotate = <A>(xs: readonly A[]): A[] => [...xs.slice(1), ...xs.slice(0, 1)]
    const { specialize } = n
    const specialized = specialize === undefined ? {} : {
      specialize: (shapes: readonly T.Shape[]) => {
        const kernel = specialize(shapes)
        // The kernel writes output o + 1 where output o's buffer is: the values land one slot off.
        return kernel === undefined ? undefined : (data: readonly T.ReadonlyFloat64Array[], outs: readonly Float64Array[]) => kernel(data, [...outs.slice(-1), ...outs.slice(0, -1)])
      },
    }
    // The same confusion in the kernel's inline source (generated code writes the outputs inline).
    const { inline } = n
    const inlined = inline === undefined ? {} : {
      inline: (shapes: readonly T.Shape[]) => {
        const source = inline(shapes)
        return source === undefined ? undefined : (ins: readonly string[], outs: readonly string[], scope: InlineScope) => source(ins, [...outs.slice(-1), ...outs.slice(0, -1)], scope)
      },
    }
    return { ...n, run: (xs) => rotate(n.run(xs)), ...specialized, ...inlined }
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
  it("a fused kernel is one node per leaf with all its outputs, and the plan holds one buffer per output it keeps", () => {
    const params = { w: T.zeros([30, 20]), b: T.zeros([20]) }
    const optimizer = optim.adam({ learningRate: 0.1 })
    let graph: Graph | undefined
    const update = jit(
      (g: typeof params, s: optim.AdamState) => {
        const [u, next] = optimizer.update(g, s, params)
        return { u: optim.applyUpdates(params, u), next }
      },
      {
        rewrite: (g) => {
          graph = g
          return g
        },
      },
    )
    const grads = { w: T.full([30, 20], 0.5), b: T.full([20], -0.25) }
    update(grads, optimizer.init(params))
    const fused = graph?.nodes.filter((n) => n.name === 'fusedLeaves') ?? []
    // Adam's loop per leaf: u, m, v from one node; then the learning rate's scale and applyUpdates' add, one output each.
    expect(fused.map((n) => (n.kind === 'multi' ? n.outputs.length : 1))).toEqual([3, 3, 1, 1, 1, 1])
    // The step's constants once per step: the new count and both bias corrections from one node.
    expect(graph?.nodes.filter((n) => n.name === 'scaleByAdam.count').map((n) => (n.kind === 'multi' ? n.outputs.length : 1))).toEqual([3])
    // m, v, the count and the new parameters go to the caller (fresh): the plan keeps Adam's u per
    // leaf and its scaled copy, and the two bias corrections.
    expect(update.stats().bytes).toBe(2 * 8 * (30 * 20 + 20) + 2 * 8)
  })
  const multiOutput: readonly (readonly [string, optim.GradientTransformation<unknown>])[] = [
    ['adam', optimizers.adam ?? optim.adam()],
    ['kerasAdam', optimizers.kerasAdam ?? optim.adam()],
    ['nesterov', optimizers.nesterov ?? optim.nesterov()],
  ]
  for (const [name, optimizer] of multiOutput) {
    it(`catches a fusion that confuses the outputs of a fused kernel (${name})`, () => {
      const wrong = <F extends (...args: never[]) => unknown>(f: F): F => jit(f, { rewrite: confuseFusedOutputs })
      let caught: unknown
      try {
        optimizerJitLaw(optimizer, treeArb(), { numRuns: 15, compile: wrong, seed: 1 })
      } catch (e) {
        caught = e
      }
      expect(caught).toBeInstanceOf(Error)
      expect(String(caught instanceof Error ? caught.cause : undefined)).toMatch(/optimizer jit law: step \d+: /)
    })
  }
})

/**
 * A fusion that changes the order of operations: in each fused loop, (a ∘ b) ∘ c becomes
 * a ∘ (b ∘ c) for ∘ = add, mul or mulStrongZero — the same operations, reassociated, as a
 * careless fusion of a chain would do (the inner operation is left in place, unused).
 */
const reassociateFused = (graph: Graph): Graph => {
  const nodes = graph.nodes.map((n): AnyGraphNode => {
    const expression = n.kind === 'multi' ? undefined : n.fused
    if (n.kind === 'multi' || expression === undefined) return n
    let changed = false
    const operations = expression.operations.map((op): FusedOperation => {
      const [left, c] = op.operands
      const inner = left?.kind === 'op' ? expression.operations[left.index] : undefined
      if (!['add', 'mul', 'mulStrongZero'].includes(op.name) || inner?.name !== op.name || c === undefined) return op
      const [a, b] = inner.operands
      if (a === undefined || b === undefined) return op
      changed = true
      const f = op.f
      return { ...op, f: (x, y, z) => f(x, f(y, z, 0), 0), operands: [a, b, c] }
    })
    return changed ? fusedNode({ ...expression, operations }, n.inputs, n.output, n.shape) : n
  })
  return { ...graph, nodes }
}

/**
 * A fusion across an intermediate that is read elsewhere: each fusable node absorbs its fusable
 * producer of the same size even when other nodes (or the output) read the producer's value, and
 * those readers then read the fused node's output instead — as if the intermediate, "needing no
 * buffer", shared the fused output's.
 */
const fuseShared = (graph: Graph): Graph => {
  const fusable = fusableNodes(graph)
  const producer = new Map<number, number>()
  graph.nodes.forEach((n, j) => {
    if (n.kind !== 'multi') producer.set(n.output, j)
  })
  const taken = new Set<number>()
  const chains: number[][] = []
  const renamed = new Map<number, number>()
  graph.nodes.forEach((n, j) => {
    const p = n.inputs[0] === undefined ? undefined : producer.get(n.inputs[0])
    const inner = p === undefined ? undefined : graph.nodes[p]
    if (n.kind === 'multi' || inner?.kind === 'multi') return
    if (p === undefined || inner === undefined || fusable[j] !== true || fusable[p] !== true || taken.has(p) || taken.has(j)) return
    if (T.sizeOf(inner.shape) !== T.sizeOf(n.shape)) return
    taken.add(p)
    taken.add(j)
    chains.push([p, j])
    renamed.set(inner.output, n.output)
  })
  const fused = fuseChains(graph, chains)
  const rename = (s: number): number => renamed.get(s) ?? s
  return {
    ...fused,
    nodes: fused.nodes.map((n) => (n.kind !== 'multi' && n.fused !== undefined ? n : { ...n, inputs: n.inputs.map(rename) })),
    outputLeaves: fused.outputLeaves.map((leaf) => (leaf.kind === 'static' ? leaf : { ...leaf, slot: rename(leaf.slot) })),
  }
}

describe('jit law: the mutation suite of element-wise fusion', () => {
  const catches = (mutant: (graph: Graph) => Graph, seed: number): void => {
    let caught: unknown
    try {
      jitLaw({ numRuns: 300, compile: (f) => jit(f, { fuse: mutant }), seed })
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(Error)
    expect(String(caught instanceof Error ? caught.cause : undefined)).toMatch(/jit law: (value|valueAndGrad|jvp|hvp): .* vs /)
  }
  for (const seed of [1, 2, 3]) {
    it(`catches a fused loop that reassociates (a∘b)∘c as a∘(b∘c) (seed ${seed})`, () => catches((g) => reassociateFused(fuseElementwise(g)), seed))
    it(`catches a fusion across an intermediate read elsewhere (seed ${seed})`, () => catches(fuseShared, seed))
  }
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

/**
 * Inline code that sums a product in another order: every small product's entries summed with p
 * falling instead of rising, ((0 + a_{k−1}b_{k−1}) + …) + a₀b₀ — the same terms, reassociated, as a
 * careless product emitter would write them.
 */
const reversedProducts = (graph: Graph): Graph => {
  const layouts: Readonly<Record<string, MatmulLayout>> = { matmul: 'ab', matmulTransA: 'atb', matmulTransB: 'abt', affine: 'ab' }
  const nodes = graph.nodes.map((n): AnyGraphNode => {
    const layout = layouts[n.name]
    if (n.kind === 'multi' || layout === undefined || n.inline === undefined) return n
    return {
      ...n,
      inline: ([sa, sb]) => {
        if (sa?.length !== 2 || sb?.length !== 2) return undefined
        const m = (layout === 'atb' ? sa[1] : sa[0]) ?? 0
        const k = (layout === 'atb' ? sa[0] : sa[1]) ?? 0
        const nn = (layout === 'abt' ? sb[0] : sb[1]) ?? 0
        const { aRow, aDepth, bDepth, bCol } = layoutStrides(layout, m, k, nn)
        return ([a, b, bias], out) => {
          const lines: string[] = []
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < nn; j++) {
              let sum = '0'
              for (let p = k - 1; p >= 0; p--) sum += ` + ${a}[${i * aRow + p * aDepth}] * ${b}[${p * bDepth + j * bCol}]`
              lines.push(`${out}[${i * nn + j}] = ${n.name === 'affine' ? `(${sum}) + ${bias}[${j}]` : sum}`)
            }
          }
          return lines.join('\n')
        }
      },
    }
  })
  return { ...graph, nodes }
}

/**
 * Inline code that sums a reduction in another order: every inline sum (over everything, or rows
 * onto a trailing row) adds its terms last to first.
 */
const reversedSums = (graph: Graph): Graph => {
  const nodes = graph.nodes.map((n): AnyGraphNode => {
    if (n.kind === 'multi' || (n.name !== 'sum' && n.name !== 'sumTo') || n.inline === undefined) return n
    const inline = n.inline
    return {
      ...n,
      inline: (shapes) => {
        const total = T.sizeOf(shapes[0] ?? [])
        const m = T.sizeOf(n.shape)
        // Left alone where the node copies (a sum over axes of size 1): the same values in any order.
        if (inline(shapes) === undefined || m === total) return inline(shapes)
        return ([x], out) => {
          const lines: string[] = []
          for (let j = 0; j < m; j++) {
            let sum = '-0'
            for (let r = total - m + j; r >= 0; r -= m) sum += ` + ${x}[${r}]`
            lines.push(`${out}[${j}] = ${sum}`)
          }
          return lines.join('\n')
        }
      },
    }
  })
  return { ...graph, nodes }
}

/**
 * An inline optimizer loop with a wrong operation: in Adam's and momentum's inline loops, the update
 * adds ε inside the square root (Keras's form) and momentum subtracts the gradient — one operation
 * changed, the kernels (calls) left right.
 */
const wrongOptimizerLoops = (graph: Graph): Graph => {
  const wrongAdam = (m1: number, v1: number, c1: number, c2: number, eps: number): number => m1 / c1 / Math.sqrt(v1 / c2 + eps)
  const wrongMomentum = (g: number, v: number, decay: number): number => decay * v - g
  const nodes = graph.nodes.map((n): AnyGraphNode => {
    if (n.kind !== 'multi' || n.inline === undefined) return n
    const inline = n.inline
    const wrong = (shapes: readonly T.Shape[]): InlineMultiKernel | undefined => {
      const source = inline(shapes)
      if (source === undefined) return undefined
      return (ins, outs, scope) => source(ins, outs, { ...scope, fn: (f) => scope.fn(f === adamUpdate ? wrongAdam : f === momentumElement ? wrongMomentum : f) })
    }
    return { ...n, inline: wrong }
  })
  return { ...graph, nodes }
}

describe('jit law: the mutation suite of inline code', () => {
  const catches = (mutant: (graph: Graph) => Graph, seed: number): void => {
    let caught: unknown
    try {
      jitLaw({ numRuns: 300, compile: (f) => jit(f, { replay: 'generated', rewrite: mutant }), seed })
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(Error)
    expect(String(caught instanceof Error ? caught.cause : undefined)).toMatch(/jit law: (value|valueAndGrad|jvp|hvp): .* vs /)
  }
  const optimizers: readonly (readonly [string, optim.GradientTransformation<unknown>])[] = [
    ['adam', optim.adam({ learningRate: 0.1 })],
    ['momentum', optim.momentum({ learningRate: 0.1 })],
    ['nesterov', optim.nesterov({ learningRate: 0.1 })],
  ]
  for (const seed of [1, 2, 3]) {
    it(`catches inline products summed in another order (seed ${seed})`, () => catches(reversedProducts, seed))
    it(`catches inline sums added in another order (seed ${seed})`, () => catches(reversedSums, seed))
    for (const [name, optimizer] of optimizers) {
      it(`catches an inline ${name} loop with a wrong operation (seed ${seed})`, () => {
        let caught: unknown
        try {
          optimizerJitLaw(optimizer, treeArb(), { numRuns: 15, compile: (f) => jit(f, { replay: 'generated', rewrite: wrongOptimizerLoops }), seed })
        } catch (e) {
          caught = e
        }
        expect(caught).toBeInstanceOf(Error)
        expect(String(caught instanceof Error ? caught.cause : undefined)).toMatch(/optimizer jit law: step \d+: /)
      })
    }
  }
})

describe('fold law over inline code', () => {
  it('a fold running generated code from its first step equals iterating f bit for bit', () => {
    foldJitLaw({ numRuns: 60, compile: (f) => jitFold(f, { replay: 'generated' }) })
  })
})
