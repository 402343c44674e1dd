/**
 * The jit law: `jit(f)(x)` equals `f(x)` bit for bit — values, gradients (reverse and forward
 * mode) and second derivatives — over generated compositions of the op vocabulary, shapes and
 * trees. "Bit for bit" is `Object.is` on every element (so −0 ≠ 0 and NaN = NaN): a plan that
 * reorders a single floating-point operation fails it.
 *
 * A program is a list of instructions over a pool of values that all broadcast against one shape
 * S: unary and binary element-wise ops, reductions with kept dimensions, softmax, clip, where with
 * a comparison, stopGradient, a reshape round trip, transposes, a pair of matrix products that
 * lands back on S, and element-wise chains with scalar and trailing-row broadcasts (which jit
 * fuses into single loops). Its inputs are the leaves of a tree `{ a, b: [c, d] }`; its outputs are a tree
 * too (the last value and one chosen intermediate), and its loss is the sum of the last value.
 *
 * The fold law says the same of a compiled fold: `jitFold(f)(init, items)` equals iterating f.
 *
 * ```ts
 * import { jitLaw } from 'dualflow/laws'
 * jitLaw()                       // the generated vocabulary
 * checkJitEqual(f, [x])          // one function of yours
 * foldJitLaw()                   // folds of the generated vocabulary
 * checkFoldEqual(f, init, items) // one fold of yours
 * ```
 */
import fc from 'fast-check'
import * as ad from '../src/ad/index.js'
import type { Value } from '../src/ad/index.js'
import { jit, jitFold, type FoldBody, type FoldResult } from '../src/jit/index.js'
import { applyUpdates, type GradientTransformation } from '../src/optim/index.js'
import type { Tree } from '../src/tree/index.js'
import * as T from '../src/tensor/index.js'
import type { Shape, Tensor } from '../src/tensor/index.js'
import { shape as shapeArb, tensorOf } from './arbitraries.js'
import { gradientsLike } from './optimizer.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** One instruction: an op, the pool indices of its operands (taken modulo the pool), a choice. */
export interface Instruction {
  readonly op: string
  readonly operands: readonly [number, number, number]
  /** An axis, a constant or a variant, by the op's own reading. */
  readonly choice: number
}

/** A generated program over the tree `{ a, b: [c, d] }` of tensors of one shape. */
export interface Program {
  readonly shape: Shape
  readonly instructions: readonly Instruction[]
  /** Pool index of the intermediate returned beside the last value. */
  readonly keep: number
}

/** The input tree of a program. */
export interface ProgramInput {
  readonly a: Tensor
  readonly b: readonly [Tensor, Tensor]
}

/** Where two results differ, or undefined when they are equal bit for bit. */
export type Difference = string | undefined

/** Options of `jitLaw`. */
export interface JitLawOptions {
  readonly numRuns?: number
  readonly seed?: number
  /** Most instructions per program (default 8). */
  readonly maxInstructions?: number
  /**
   * The jit under test (default `jit`): the mutation tests pass a deliberately wrong one.
   *
   * @typeParam F the type of the function compiled
   */
  readonly compile?: <F extends (...args: never[]) => unknown>(f: F) => F
}

// ─── the vocabulary ─────────────────────────────────────────────────────────────────────────────

/** An instruction of a generated program: up to three operands, a drawn choice (an axis, a constant) and a shape. */
export type Ternary = (x: Value, y: Value, z: Value, choice: number, s: Shape) => Value

const unary = (f: (x: Value) => Value): Ternary => (x) => f(x)
const binary = (f: (x: Value, y: Value) => Value): Ternary => (x, y) => f(x, y)
const axisOf = (s: Shape, choice: number): number => (s.length === 0 ? 0 : choice % s.length)
const reduceKept = (f: (x: Value, o: T.ReduceOptions) => Value): Ternary => (x, _y, _z, choice, s) =>
  s.length === 0 ? f(x, {}) : f(x, { axis: axisOf(s, choice), keepDims: true })

/** A row of shape S without its first axis (the sum of y over it): a trailing broadcast, like a bias. */
const rowOf = (y: Value, s: Shape): Value => (s.length === 0 ? y : ad.sum(ad.broadcastTo(y, s), { axis: 0 }))

/** The ops a program draws from, by name. Every result broadcasts against the program's shape S. */
export const vocabulary: Readonly<Record<string, Ternary>> = {
  neg: unary(ad.neg),
  abs: unary(ad.abs),
  exp: unary(ad.exp),
  log: unary(ad.log),
  log1p: unary(ad.log1p),
  expm1: unary(ad.expm1),
  sqrt: unary(ad.sqrt),
  square: unary(ad.square),
  reciprocal: unary(ad.reciprocal),
  tanh: unary(ad.tanh),
  sigmoid: unary(ad.sigmoid),
  softplus: unary(ad.softplus),
  relu: unary(ad.relu),
  leakyRelu: (x, _y, _z, c) => ad.leakyRelu(x, 0.05 * (1 + (c % 3))),
  elu: (x, _y, _z, c) => ad.elu(x, 0.5 + (c % 3)),
  erf: unary(ad.erf),
  gelu: unary(ad.gelu),
  sin: unary(ad.sin),
  cos: unary(ad.cos),
  sign: unary(ad.sign),
  step: unary(ad.step),
  scale: (x, _y, _z, c) => ad.scale(x, (c % 7) - 3.5),
  addScalar: (x, _y, _z, c) => ad.addScalar(x, (c % 5) - 2.25),
  powScalar: (x, _y, _z, c) => ad.powScalar(x, [2, 3, 0.5, -1][c % 4] ?? 2),
  add: binary(ad.add),
  sub: binary(ad.sub),
  mul: binary(ad.mul),
  div: binary(ad.div),
  pow: binary(ad.pow),
  maximum: binary(ad.maximum),
  minimum: binary(ad.minimum),
  addNumber: (x, _y, _z, c) => ad.add(x, c / 4),
  where: (x, y, z, c) => ad.where([ad.greater, ad.less, ad.equal, ad.greaterEqual][c % 4]?.(x, z) ?? ad.greater(x, z), x, y),
  clip: (x, _y, _z, c) => ad.clip(x, -1 - (c % 3), 1 + (c % 2)),
  stopGradient: (x, y) => ad.mul(ad.stopGradient(x), y),
  sum: reduceKept(ad.sum),
  mean: reduceKept(ad.mean),
  max: reduceKept(ad.max),
  min: reduceKept(ad.min),
  logSumExp: reduceKept(ad.logSumExp),
  variance: reduceKept((x, o) => ad.variance(x, o)),
  softmax: (x, _y, _z, c, s) => (s.length === 0 ? x : ad.softmax(x, axisOf(s, c))),
  logSoftmax: (x, _y, _z, c, s) => (s.length === 0 ? x : ad.logSoftmax(x, axisOf(s, c))),
  reshape: (x, _y, _z, _c, s) => ad.reshape(ad.reshape(x, [-1]), ad.shapeOf(x).length === s.length ? ad.shapeOf(x) : [-1]),
  transposeTwice: (x) => ad.transpose(ad.add(ad.transpose(x), 1)),
  broadcast: (x, _y, _z, _c, s) => ad.broadcastTo(x, s),
  affine: (x, y, z, _c, s) => {
    // x [m, n] · W [n, n] + b [n], with W = yᵀ·z and b the column sums of z: back on S (rank 2 only).
    if (s.length !== 2) return ad.add(x, y)
    const zs = ad.broadcastTo(z, s)
    return ad.affine(ad.broadcastTo(x, s), ad.matmulTransA(ad.broadcastTo(y, s), zs), ad.sum(zs, { axis: 0 }))
  },
  // Element-wise chains (jit fuses them into one loop when their intermediates have no other
  // reader), with the broadcasts a fused loop indexes: a scalar, a trailing row (a bias).
  biasRow: (x, y, _z, _c, s) => ad.add(x, rowOf(y, s)),
  sum3: (x, y, z) => ad.add(ad.add(x, y), z),
  product3: (x, y, z) => ad.mul(ad.mul(x, y), z),
  difference3: (x, y, z) => ad.div(ad.sub(x, y), ad.addScalar(ad.square(z), 1)),
  scaleChain: (x, _y, _z, c) => ad.addScalar(ad.scale(ad.scale(x, 1.5), (c % 5) - 2), 0.25),
  denseChain: (x, y, _z, c, s) => {
    const pre = ad.add(ad.scale(x, 0.5 + (c % 3)), rowOf(y, s))
    return [ad.relu, ad.sigmoid, ad.tanh, ad.softplus][c % 4]?.(pre) ?? pre
  },
  // What jit's inline code writes out besides chains: a sum over every element (broadcast back),
  // a small transpose of a product, a reshape that copies.
  sumAll: (x, y) => ad.add(y, ad.mul(ad.sum(x), 0.5)),
  transposed: (x, y, _z, _c, s) => {
    // Y·(Xᵀ·X): [m, n]·[n, n], back on S (rank 2 only).
    if (s.length !== 2) return ad.mul(x, y)
    const xs = ad.broadcastTo(x, s)
    return ad.matmul(ad.broadcastTo(y, s), ad.matmul(ad.transpose(xs), xs))
  },
  matmul: (x, y, z, c, s) => {
    // [..., m, n] · [..., m, n]ᵀ · [..., m, n] = [..., m, n]: back on S (rank ≥ 2 only).
    if (s.length < 2) return ad.mul(x, y)
    const xs = ad.broadcastTo(x, s)
    const ys = ad.broadcastTo(y, s)
    const zs = ad.broadcastTo(z, s)
    return c % 2 === 0 ? ad.matmul(ad.matmulTransB(xs, ys), zs) : ad.matmulTransA(ad.matmul(xs, ad.transpose(ys, s.map((_, i) => (i < s.length - 2 ? i : i === s.length - 2 ? i + 1 : i - 1)))), zs)
  },
}

const opNames = Object.keys(vocabulary)

// ─── arbitraries ────────────────────────────────────────────────────────────────────────────────

/** A program: a shape (rank 0–3, dimensions 1–3) and 1–maxInstructions instructions. */
export const program = (maxInstructions = 8): fc.Arbitrary<Program> =>
  fc.record({
    shape: shapeArb({ minRank: 0, maxRank: 3, maxDim: 3 }),
    instructions: fc.array(
      fc.record({
        op: fc.constantFrom(...opNames),
        operands: fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)),
        choice: fc.nat(11),
      }),
      { minLength: 1, maxLength: maxInstructions },
    ),
    keep: fc.nat(20),
  })

/** An input tree `{ a, b: [c, d] }` of tensors of one shape, values in [−3, 3] (plain objects and arrays). */
export const inputOf = (s: Shape): fc.Arbitrary<ProgramInput> =>
  fc
    .tuple(tensorOf(s, { min: -3, max: 3 }), tensorOf(s, { min: -3, max: 3 }), tensorOf(s, { min: -3, max: 3 }))
    .map(([a, c, d]) => ({ a, b: [c, d] as const }))

/** A program with its input tree (values in [−3, 3]). */
export const programWithInput = (maxInstructions = 8): fc.Arbitrary<readonly [Program, ProgramInput]> =>
  program(maxInstructions).chain((p) =>
    fc.tuple(
      fc.constant(p),
      inputOf(p.shape),
    ),
  )

// ─── running a program ──────────────────────────────────────────────────────────────────────────

/** The values of a program: its pool after every instruction. */
const poolOf = (p: Program, input: { readonly a: Value; readonly b: readonly [Value, Value] }): Value[] => {
  const pool: Value[] = [input.a, input.b[0], input.b[1]]
  for (const ins of p.instructions) {
    const f = vocabulary[ins.op]
    if (f === undefined) throw new Error(`jit law: unknown op ${ins.op}`)
    const pick = (i: number): Value => pool[i % pool.length] ?? input.a
    pool.push(f(pick(ins.operands[0]), pick(ins.operands[1]), pick(ins.operands[2]), ins.choice, p.shape))
  }
  return pool
}

/** The program as a function of its input tree: `{ last, kept: [intermediate] }`. */
export const runProgram =
  (p: Program) =>
  (input: { readonly a: Value; readonly b: readonly [Value, Value] }): { readonly last: Value; readonly kept: readonly [Value] } => {
    const pool = poolOf(p, input)
    const last = pool[pool.length - 1] ?? input.a
    return { last, kept: [pool[p.keep % pool.length] ?? input.a] }
  }

/** The program's scalar loss: the sum of its last value (and of the kept one, so both have gradients). */
export const programLoss =
  (p: Program) =>
  (input: { readonly a: Value; readonly b: readonly [Value, Value] }): Value => {
    const { last, kept } = runProgram(p)(input)
    return ad.add(ad.sum(last), ad.mul(ad.sum(kept[0]), 0.5))
  }

// ─── predicates ─────────────────────────────────────────────────────────────────────────────────

/**
 * Where two results differ (structure, shape, or the first element that is not `Object.is`
 * equal), or undefined when they are identical bit for bit.
 */
export const bitDifference = (expected: unknown, actual: unknown, path = ''): Difference => {
  const isT = (u: unknown): u is Tensor => T.isTensor(u)
  if (ad.isDual(expected) || ad.isDual(actual)) return `${path || '(root)'}: a Dual where plain values were expected`
  if (isT(expected) || isT(actual)) {
    if (!isT(expected) || !isT(actual)) return `${path || '(root)'}: a tensor on one side only`
    if (!T.shapesEqual(expected.shape, actual.shape)) return `${path || '(root)'}: shape ${T.formatShape(expected.shape)} vs ${T.formatShape(actual.shape)}`
    for (let i = 0; i < expected.data.length; i++) {
      const e = expected.data[i]
      const a = actual.data[i]
      if (!Object.is(e, a)) return `${path || '(root)'}[${i}]: ${String(e)} vs ${String(a)}`
    }
    return undefined
  }
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual) || expected.length !== actual.length) return `${path || '(root)'}: arrays differ in length`
    for (let i = 0; i < expected.length; i++) {
      const d = bitDifference(expected[i], actual[i], `${path}[${i}]`)
      if (d !== undefined) return d
    }
    return undefined
  }
  if (typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null) {
    const ke = Object.keys(expected)
    const ka = Object.keys(actual)
    if (ke.join() !== ka.join()) return `${path || '(root)'}: keys ${ke.join()} vs ${ka.join()}`
    for (const k of ke) {
      const d = bitDifference(Reflect.get(expected, k), Reflect.get(actual, k), `${path}.${k}`)
      if (d !== undefined) return d
    }
    return undefined
  }
  return Object.is(expected, actual) ? undefined : `${path || '(root)'}: ${String(expected)} vs ${String(actual)}`
}

/**
 * Runs `f` interpreted and compiled (twice: the trace's own run and a replay with the same
 * arguments, then a replay on `again` when given) and returns the first difference.
 */
export const checkJitEqual = <A extends unknown[]>(
  f: (...args: A) => unknown,
  args: A,
  again?: A,
  compile: <F extends (...args: never[]) => unknown>(g: F) => F = jit,
): Difference => {
  const compiled = compile(f)
  const expected = f(...args)
  const first = bitDifference(expected, compiled(...args))
  if (first !== undefined) return `first call: ${first}`
  const second = bitDifference(expected, compiled(...args))
  if (second !== undefined) return `replay: ${second}`
  if (again === undefined) return undefined
  const third = bitDifference(f(...again), compiled(...again))
  return third === undefined ? undefined : `replay on other values: ${third}`
}

/** The four things compiled for a program: its value, value and gradient, a jvp, and a jvp of a function of its gradient (second order). */
export const programFunctions = (p: Program) => {
  const loss = programLoss(p)
  // A second-order function: its jvp runs a forward differentiation over a backward pass.
  const gradientNorm = (y: { readonly a: Value; readonly b: readonly [Value, Value] }): Value => {
    const g = ad.grad(loss)(y)
    return ad.add(ad.sum(ad.mul(g.a, g.a)), ad.sum(ad.mul(g.b[0], g.b[1])))
  }
  return {
    /** The program's value. */
    value: (x: ProgramInput) => runProgram(p)(x),
    /** The value and gradient of the program's scalar loss. */
    valueAndGrad: (x: ProgramInput) => ad.valueAndGrad(loss)(x),
    /** The loss pushed forward along a tangent v. */
    jvp: (x: ProgramInput, v: ProgramInput) => ad.jvp(loss, x, v),
    /** Second order: a jvp of a function of the gradient. */
    hvp: (x: ProgramInput, v: ProgramInput) => ad.jvp(gradientNorm, x, v),
  } as const
}

// ─── runners ────────────────────────────────────────────────────────────────────────────────────

/**
 * The law over generated programs: for each, the value, the value and gradient, the forward
 * derivative and a Hessian–vector product are equal bit for bit with and without jit, on the
 * traced input and on a second input of the same shapes (a replay).
 */
export const jitLaw = ({ numRuns = 100, seed, maxInstructions = 8, compile = jit }: JitLawOptions = {}): void => {
  const inputs = programWithInput(maxInstructions).chain(([p, x]) =>
    fc.tuple(
      fc.constant(p),
      fc.constant(x),
      inputOf(p.shape),
    ),
  )
  fc.assert(
    fc.property(inputs, ([p, x, y]) => {
      const fns = programFunctions(p)
      const failures = [
        ['value', checkJitEqual(fns.value, [x], [y], compile)],
        ['valueAndGrad', checkJitEqual(fns.valueAndGrad, [x], [y], compile)],
        ['jvp', checkJitEqual(fns.jvp, [x, y], [y, x], compile)],
        ['hvp', checkJitEqual(fns.hvp, [x, y], [y, x], compile)],
      ].filter(([, d]) => d !== undefined)
      if (failures.length > 0) throw new Error(`jit law: ${failures.map(([name, d]) => `${name}: ${d}`).join('; ')}`)
    }),
    { numRuns, ...(seed === undefined ? {} : { seed }) },
  )
}

/** Options of `optimizerJitLaw`. */
export interface OptimizerJitLawOptions extends Pick<JitLawOptions, 'numRuns' | 'seed' | 'compile'> {
  /** Updates per generated case (default 4): the state, step counts included, carried through the plan. */
  readonly steps?: number
}

/**
 * The law for an optimizer under jit: `jit((g, s, p) => update(g, s, p) and the new parameters)`
 * equals the interpreted update bit for bit, step after step — the state (moments, step counts)
 * fed back each time — over parameter trees drawn from `arbitraryParams` and gradients drawn like
 * them. One trace serves every step (a step count that entered the plan as a JavaScript number
 * would be frozen at its traced value and fail the law from the second step on).
 */
export const optimizerJitLaw = <S>(
  optimizer: GradientTransformation<S>,
  arbitraryParams: fc.Arbitrary<Tree>,
  { numRuns = 30, seed, steps = 4, compile = jit }: OptimizerJitLawOptions = {},
): void => {
  const cases = arbitraryParams.chain((params) => fc.tuple(fc.constant(params), fc.array(gradientsLike(params), { minLength: steps, maxLength: steps })))
  fc.assert(
    fc.property(cases, ([params, gradients]) => {
      const update = (g: Tree, s: S, p: Tree) => {
        const [updates, next] = optimizer.update(g, s, p)
        return { params: applyUpdates(p, updates), state: next }
      }
      const compiled = compile(update)
      let interpreted = { params, state: optimizer.init(params) }
      let replayed = interpreted
      gradients.forEach((g, i) => {
        interpreted = update(g, interpreted.state, interpreted.params)
        replayed = compiled(g, replayed.state, replayed.params)
        const d = bitDifference(interpreted, replayed)
        if (d !== undefined) throw new Error(`optimizer jit law: step ${i + 1}: ${d}`)
      })
    }),
    { numRuns, ...(seed === undefined ? {} : { seed }) },
  )
}

/** A compiled fold as the fold law calls it (default `jitFold`; the mutation tests pass a wrong one). */
export type FoldCompiler = <C, X, E>(f: FoldBody<C, X, E>) => (init: C, items: Iterable<X>) => FoldResult<C, E>

/** The carry of the fold law's bodies: a program's input tree, of values. */
export type FoldCarry = { readonly a: Value; readonly b: readonly [Value, Value] }

/** Options of `foldJitLaw`. */
export interface FoldJitLawOptions extends Pick<JitLawOptions, 'numRuns' | 'seed' | 'maxInstructions'> {
  /** Items per fold (default 4). */
  readonly steps?: number
  /** The compiled fold under test (default `jitFold`). */
  readonly compile?: FoldCompiler
}

/** f iterated over the items by hand: the reference a compiled fold must equal. */
export const iterateFold = <C, X, E>(f: FoldBody<C, X, E>, init: C, items: Iterable<X>): FoldResult<C, E> => {
  let carry = init
  const emitted: E[] = []
  for (const item of items) {
    const [next, e] = f(carry, item)
    carry = next
    emitted.push(e)
  }
  return { carry, emitted }
}

/**
 * Folds `f` over the items compiled and by iterating it, and returns the first difference in the
 * final carry or any emission (bit for bit); the initial carry must come back unwritten too.
 */
export const checkFoldEqual = <C, X, E>(f: FoldBody<C, X, E>, init: C, items: readonly X[], compile: FoldCompiler = jitFold): Difference => {
  const expected = iterateFold(f, init, items)
  const before = T.isTensor(init) ? T.toArray(init) : JSON.stringify(init, (_k, v: unknown) => (T.isTensor(v) ? Array.from(v.data) : v))
  const actual = compile(f)(init, items)
  const d = bitDifference(expected, actual)
  if (d !== undefined) return d
  const after = T.isTensor(init) ? T.toArray(init) : JSON.stringify(init, (_k, v: unknown) => (T.isTensor(v) ? Array.from(v.data) : v))
  return JSON.stringify(before) === JSON.stringify(after) ? undefined : 'the initial carry was written'
}

/**
 * The fold law over generated programs: two bodies per program — the program's value as the next
 * carry (broadcast back to the carry's shape, one leaf passed through from the item, one emitted
 * twice), a gradient step on the program's loss and a second-order step — folded over a few items: compiled equals
 * iterated bit for bit, carry and every emission.
 */
export const foldJitLaw = ({ numRuns = 50, seed, maxInstructions = 8, steps = 4, compile = jitFold }: FoldJitLawOptions = {}): void => {
  const cases = program(maxInstructions).chain((p) => fc.tuple(fc.constant(p), inputOf(p.shape), fc.array(inputOf(p.shape), { minLength: steps, maxLength: steps })))
  fc.assert(
    fc.property(cases, ([p, init, items]) => {
      const s = p.shape
      const values = (c: FoldCarry, item: ProgramInput): readonly [FoldCarry, { readonly last: Value; readonly kept: Value }] => {
        const { last, kept } = runProgram(p)({ a: c.a, b: [c.b[0], item.a] })
        const a = ad.broadcastTo(last, s)
        return [{ a, b: [ad.broadcastTo(kept[0], s), item.b[1]] }, { last, kept: a }]
      }
      const loss = programLoss(p)
      const descent = (c: FoldCarry, item: ProgramInput): readonly [FoldCarry, Value] => {
        const [v, g] = ad.valueAndGrad(loss)({ a: c.a, b: [c.b[0], item.a] })
        return [{ a: ad.sub(c.a, ad.mul(g.a, 0.01)), b: [ad.sub(c.b[0], ad.mul(g.b[0], 0.01)), c.b[1]] }, v]
      }
      // Second order (a jvp of a function of the gradient): where most multiplication chains are.
      const gradientNorm = (y: FoldCarry): Value => {
        const g = ad.grad(loss)(y)
        return ad.add(ad.sum(ad.mul(g.a, g.a)), ad.sum(ad.mul(g.b[0], g.b[1])))
      }
      const curvature = (c: FoldCarry, item: ProgramInput): readonly [FoldCarry, Value] => {
        const at: FoldCarry = { a: c.a, b: [c.b[0], item.a] }
        const along: FoldCarry = { a: item.b[0], b: [item.b[1], c.b[1]] }
        const [y, t] = ad.jvp(gradientNorm, at, along)
        return [{ a: ad.add(c.a, ad.mul(t, 1e-3)), b: [c.b[0], ad.mul(c.b[1], item.b[0])] }, y]
      }
      const start: FoldCarry = init
      const failures = [
        ['values', checkFoldEqual(values, start, items, compile)],
        ['descent', checkFoldEqual(descent, start, items, compile)],
        ['curvature', checkFoldEqual(curvature, start, items, compile)],
      ].filter(([, d]) => d !== undefined)
      if (failures.length > 0) throw new Error(`fold law: ${failures.map(([name, d]) => `${name}: ${d}`).join('; ')}`)
    }),
    { numRuns, ...(seed === undefined ? {} : { seed }) },
  )
}
