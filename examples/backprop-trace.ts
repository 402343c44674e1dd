/**
 * Backpropagation traced step by step: a 2-2-1 sigmoid network on one XOR sample.
 *
 * The forward pass computes z1 = x·W1 + b1, h = σ(z1), z2 = h·W2 + b2, p = σ(z2) and the squared
 * error L = (p − t)². The backward pass walks the same steps in reverse: each step receives the
 * cotangent of its output (∂L/∂output) and sends cotangents to its inputs by the chain rule.
 * `traceBackward` returns those steps as data; we print them and check the result against `grad`
 * and against the textbook delta rule written out by hand.
 *
 *   npx tsx examples/backprop-trace.ts
 */
import { add, allClose, grad, matmul, primalTensor, sigmoid, square, sub, sum, tensor, traceBackward, show, T, type Value } from '../src/index.js'

process.argv.includes('--quick') // the example is instant either way

// One XOR sample: inputs (1, 0), target 1.
const x = tensor([[1, 0]])
const target = tensor([[1]])
const params = {
  w1: tensor([[0.5, -0.4], [0.3, 0.8]]),
  b1: tensor([0.1, -0.1]),
  w2: tensor([[0.7], [-0.6]]),
  b2: tensor([0.2]),
}
type Params = { readonly w1: Value; readonly b1: Value; readonly w2: Value; readonly b2: Value }

const loss = (p: Params): Value => {
  const h = sigmoid(add(matmul(x, p.w1), p.b1))
  const prediction = sigmoid(add(matmul(h, p.w2), p.b2))
  return sum(square(sub(prediction, target)))
}

// Forward values, printed plainly.
const z1 = T.add(T.matmul(x, params.w1), params.b1)
const h = T.sigmoid(z1)
const z2 = T.add(T.matmul(h, params.w2), params.b2)
const p = T.sigmoid(z2)
console.log('Forward pass')
console.log('  z1 = x·W1 + b1 ', show(z1))
console.log('  h  = σ(z1)     ', show(h))
console.log('  z2 = h·W2 + b2 ', show(z2))
console.log('  p  = σ(z2)     ', show(p))
console.log('  L  = (p − t)²  ', T.item(T.sum(T.square(T.sub(p, target)))).toFixed(6))

// Backward pass, one line per step, newest first.
const { steps, gradient } = traceBackward(loss, params)
console.log('\nBackward pass (each step: cotangent in → cotangents out)')
steps.forEach((s, i) => {
  const outs = s.cotangentsOut.map((c) => (c === undefined ? 'const' : show(c, { precision: 5 }))).join(' ; ')
  console.log(`  ${String(i + 1).padStart(2)}. ${s.op.padEnd(8)} in ${show(s.cotangentIn, { precision: 5 })}  →  ${outs}`)
})

// The textbook delta rule by hand: δ2 = 2(p − t)·σ'(z2), δ1 = δ2·W2ᵀ ⊙ σ'(z1).
const delta2 = T.mul(T.scale(T.sub(p, target), 2), T.mul(p, T.sub(T.scalar(1), p)))
const delta1 = T.mul(T.matmulTransB(delta2, params.w2), T.mul(h, T.sub(T.scalar(1), h)))
const byHand = { w1: T.matmulTransA(x, delta1), b1: T.sum(delta1, { axis: 0 }), w2: T.matmulTransA(h, delta2), b2: T.sum(delta2, { axis: 0 }) }

const fromGrad = grad(loss)(params)
const names = ['w1', 'b1', 'w2', 'b2'] as const
const matches = names.every((k) => {
  const viaGrad = primalTensor(fromGrad[k])
  return allClose(primalTensor(gradient[k]), viaGrad, { rtol: 0, atol: 0 }) && allClose(byHand[k], viaGrad, { rtol: 1e-12, atol: 1e-15 })
})
console.log('\nGradients (trace = grad = delta rule by hand):')
for (const k of names) console.log(`  ∂L/∂${k.padEnd(3)}`, show(byHand[k], { precision: 6 }))
console.log(JSON.stringify({ example: 'backprop-trace', matches, steps: steps.length, loss: T.item(T.sum(T.square(T.sub(p, target)))) }))
