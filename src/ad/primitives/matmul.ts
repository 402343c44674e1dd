/**
 * Matrix products. Three primitives — A·B, Aᵀ·B and A·Bᵀ — whose pullbacks are each other, so a
 * backward pass never materialises a transpose. Leading (batch) dimensions broadcast; the pullback
 * sums a cotangent back over broadcast batch dimensions.
 */
import * as T from '../../tensor/index.js'
import type { Tensor } from '../../tensor/index.js'
import { affineInto, matmulKernel, productInline, type MatmulLayout } from '../../tensor/internal.js'
import { isDual, shapeOf, type Value } from '../Dual.js'
import { arg, bind, input, productOverloads, type Primitive, type ProductOp } from '../primitive.js'
import { add, mul } from './binary.js'
import { reshape, sumTo } from './shape.js'
import { sum } from './reduce.js'

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

type Product = (a: Value, b: Value) => Value


/**
 * A product primitive from its kernel and, for each input, the product that gives its cotangent
 * from (g, other input), with the argument order that product needs.
 */
const productPrimitive = (
  name: string,
  kernel: (a: Tensor, b: Tensor) => Tensor,
  cotangentA: (g: Value, b: Value) => Value,
  cotangentB: (g: Value, a: Value) => Value,
  self: () => Product,
  layout: MatmulLayout,
): Primitive<void> => ({
  name,
  // For jit: two matrices (no batch) are one call of the kernel the product's driver makes —
  // chosen by the same entry point, at each call — on a zeroed output as the driver's fresh buffer is.
  specialize: ([sa, sb]) => {
    if (sa?.length !== 2 || sb?.length !== 2) return undefined
    const transA = layout === 'atb'
    const transB = layout === 'abt'
    const m = (transA ? sa[1] : sa[0]) ?? 0
    const k = (transA ? sa[0] : sa[1]) ?? 0
    const n = (transB ? sb[0] : sb[1]) ?? 0
    if (m * n === 0) return undefined
    return (ins, out) => {
      const a = ins[0]
      const b = ins[1]
      if (a === undefined || b === undefined) return
      out.fill(0)
      matmulKernel(layout, m, k, n)(a, 0, b, 0, out, 0, m, k, n)
    }
  },
  // For jit's inline code: the same product as source text, summed in the kernels' order (small products only).
  inline: ([sa, sb]) => {
    if (sa?.length !== 2 || sb?.length !== 2) return undefined
    const transA = layout === 'atb'
    const transB = layout === 'abt'
    return productInline(layout, (transA ? sa[1] : sa[0]) ?? 0, (transA ? sa[0] : sa[1]) ?? 0, (transB ? sb[0] : sb[1]) ?? 0, false)
  },
  value: (inputs) => kernel(input(inputs, 0, name), input(inputs, 1, name)),
  vjp: (g, inputs, _y, _p, wanted) => {
    const a = arg(inputs, 0, name)
    const b = arg(inputs, 1, name)
    return [
      wanted[0] === true ? sumTo(cotangentA(g, b), shapeOf(a)) : undefined,
      wanted[1] === true ? sumTo(cotangentB(g, a), shapeOf(b)) : undefined,
    ]
  },
  jvp: ([ta, tb], [a, b]) => {
    const product = self()
    const left = ta === undefined || b === undefined ? undefined : product(ta, b)
    const right = tb === undefined || a === undefined ? undefined : product(a, tb)
    if (left !== undefined && right !== undefined) return add(left, right)
    const only = left ?? right
    if (only === undefined) throw new T.ArgumentError(name, 'no tangent')
    return only
  },
})

// C = A·B: dA = G·Bᵀ, dB = Aᵀ·G.
const matmulPrimitive: Primitive<void> = productPrimitive(
  'matmul',
  T.matmul,
  (g, b) => matmulTransB(g, b),
  (g, a) => matmulTransA(a, g),
  () => matmul2,
  'ab',
)

// C = Aᵀ·B (A is [k, m]): dA = B·Gᵀ, dB = A·G.
const matmulTransAPrimitive: Primitive<void> = productPrimitive(
  'matmulTransA',
  T.matmulTransA,
  (g, b) => matmulTransB(b, g),
  (g, a) => matmul2(a, g),
  () => matmulTransA,
  'atb',
)

// C = A·Bᵀ (B is [n, k]): dA = G·B, dB = Gᵀ·A.
const matmulTransBPrimitive: Primitive<void> = productPrimitive(
  'matmulTransB',
  T.matmulTransB,
  (g, b) => matmul2(g, b),
  (g, a) => matmulTransA(g, a),
  () => matmulTransB,
  'abt',
)

const none = (): void => undefined

const productOp = (primitive: Primitive<void>, kernel: (a: Tensor, b: Tensor) => Tensor): ProductOp => {
  return productOverloads((a: Value, b: Value): Value => (isDual(a) || isDual(b) ? bind(primitive, [a, b], none()) : kernel(a, b)))
}

/** A·B for operands of rank ≥ 2 (the primitive itself). */
const matmul2 = productOp(matmulPrimitive, T.matmul)

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Matrix product, batched over leading dimensions (which broadcast); 1-D operands are promoted as
 * NumPy does ([k]·[k, n] → [n], [m, k]·[k] → [m], [k]·[k] → []).
 *
 * @example
 * matmul(tensor([[1, 2]]), tensor([[3], [4]]))  // [[11]]
 */
export const matmul = productOverloads((a: Value, b: Value): Value => {
  if (!isDual(a) && !isDual(b)) return T.matmul(a, b)
  const ra = shapeOf(a).length
  const rb = shapeOf(b).length
  if (ra >= 2 && rb >= 2) return matmul2(a, b)
  // Promote 1-D operands to matrices, multiply, and drop the promoted axes again.
  const a2 = ra === 1 ? reshape(a, [1, shapeOf(a)[0] ?? 0]) : a
  const b2 = rb === 1 ? reshape(b, [shapeOf(b)[0] ?? 0, 1]) : b
  const y = matmul2(a2, b2)
  const outShape = T.matmul(T.zeros(shapeOf(a)), T.zeros(shapeOf(b))).shape
  return reshape(y, outShape)
})

/** Aᵀ·B over the last two axes, without forming Aᵀ. */
export const matmulTransA = productOp(matmulTransAPrimitive, T.matmulTransA)

/** A·Bᵀ over the last two axes, without forming Bᵀ. */
export const matmulTransB = productOp(matmulTransBPrimitive, T.matmulTransB)

/** Inner product of two vectors. */
export const dot = productOverloads((a: Value, b: Value): Value => {
  if (!isDual(a) && !isDual(b)) return T.dot(a, b)
  const sa = shapeOf(a)
  const sb = shapeOf(b)
  if (sa.length !== 1 || sb.length !== 1 || sa[0] !== sb[0]) T.dot(T.zeros(sa), T.zeros(sb)) // throws the kernel's message
  return sum(mul(a, b))
})

/** Outer product of two vectors: [n] ⊗ [m] → [n, m]. */
export const outer = productOverloads((a: Value, b: Value): Value => {
  if (!isDual(a) && !isDual(b)) return T.outer(a, b)
  const sa = shapeOf(a)
  const sb = shapeOf(b)
  if (sa.length !== 1 || sb.length !== 1) T.outer(T.zeros(sa), T.zeros(sb)) // throws the kernel's message
  return mul(reshape(a, [sa[0] ?? 0, 1]), reshape(b, [1, sb[0] ?? 0]))
})

// x·W + b in one node: dx = G·Wᵀ, dW = xᵀ·G, db = column sums of G.
const affinePrimitive: Primitive<void> = {
  name: 'affine',
  value: (inputs) => T.affine(input(inputs, 0, 'affine'), input(inputs, 1, 'affine'), input(inputs, 2, 'affine')),
  // For jit: T.affine's kernel entry point (which picks the backend) into the plan's zeroed buffer.
  specialize: ([sx, sw]) => {
    if (sx?.length !== 2 || sw?.length !== 2) return undefined
    const m = sx[0] ?? 0
    const k = sx[1] ?? 0
    const n = sw[1] ?? 0
    if (m * n === 0) return undefined
    return (ins, out) => {
      const x = ins[0]
      const w = ins[1]
      const bias = ins[2]
      if (x === undefined || w === undefined || bias === undefined) return
      out.fill(0)
      affineInto(x, w, bias, out, m, k, n)
    }
  },
  // For jit's inline code: the product, then the bias added to each entry, as `affineInto` does (small products only).
  inline: ([sx, sw]) => (sx?.length !== 2 || sw?.length !== 2 ? undefined : productInline('ab', sx[0] ?? 0, sx[1] ?? 0, sw[1] ?? 0, true)),
  vjp: (g, inputs, _y, _p, wanted) => {
    const x = arg(inputs, 0, 'affine')
    const w = arg(inputs, 1, 'affine')
    const b = arg(inputs, 2, 'affine')
    return [
      wanted[0] === true ? matmulTransB(g, w) : undefined,
      wanted[1] === true ? matmulTransA(x, g) : undefined,
      wanted[2] === true ? sumTo(g, shapeOf(b)) : undefined,
    ]
  },
  jvp: ([tx, tw, tb], [x, w], y) => {
    const terms = [
      tx === undefined || w === undefined ? undefined : matmul2(tx, w),
      tw === undefined || x === undefined ? undefined : matmul2(x, tw),
      tb,
    ]
    let total: Value | undefined
    for (const t of terms) if (t !== undefined) total = total === undefined ? t : add(total, t)
    return total === undefined ? T.zeros(shapeOf(y)) : add(total, T.zeros(shapeOf(y)))
  },
}

/**
 * The affine map of a dense layer, x·W + b (x [m, k], W [k, n], b [n]), as one primitive: one
 * recorded step and one output buffer instead of two.
 */
export function affine(x: Tensor, w: Tensor, b: Tensor): Tensor
export function affine(x: Value, w: Value, b: Value): Value
export function affine(x: Value, w: Value, b: Value): Value {
  return isDual(x) || isDual(w) || isDual(b) ? bind(affinePrimitive, [x, w, b], undefined) : T.affine(x, w, b)
}
