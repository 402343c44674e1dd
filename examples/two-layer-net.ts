/**
 * The two-layer network of "A Gentle Introduction to Neural Nets", written out by hand and then
 * checked against `grad`.
 *
 * Four samples of three inputs; the target is the first input. One layer of sigmoid units maps the
 * three inputs to one output. Training is plain gradient descent:
 *
 *   forward:   z = X·W,  ŷ = σ(z)
 *   error:     e = t − ŷ
 *   backward:  δ = e ⊙ σ'(z) = e ⊙ ŷ(1 − ŷ)
 *   update:    W ← W + Xᵀ·δ
 *
 * (The tutorial's printed update line assigns dot(layer2.T, delta); the intended update adds
 * dot(layer1.T, delta), which is what we do.) The update Xᵀ·δ is exactly −∂L/∂W for the loss
 * L = ½ Σ (t − ŷ)², and we check that against `grad` at every step.
 *
 *   npx tsx examples/two-layer-net.ts
 */
import { allClose, grad, matmul, mul, random, sigmoid, square, sub, sum, T, tensor, type Value } from '../src/index.js'

const quick = process.argv.includes('--quick')
const steps = quick ? 2000 : 10000

const X = tensor([
  [0, 0, 1],
  [0, 1, 1],
  [1, 0, 1],
  [1, 1, 1],
])
const targets = tensor([[0], [0], [1], [1]])

// Weights uniform in [−1, 1), from a fixed key (the tutorial's 2·random − 1).
let W = random.uniform(random.key(1), [3, 1], { min: -1, max: 1 })

const loss = (w: Value): Value => mul(sum(square(sub(targets, sigmoid(matmul(X, w))))), 0.5)
const gradient = grad(loss)

let handEqualsGrad = true
for (let i = 0; i < steps; i++) {
  // Forward and backward by hand, with plain tensor kernels.
  const output = T.sigmoid(T.matmul(X, W))
  const error = T.sub(targets, output)
  const delta = T.mul(error, T.mul(output, T.sub(T.scalar(1), output)))
  const update = T.matmulTransA(X, delta) // Xᵀ·δ
  // The same update from automatic differentiation: −∂L/∂W.
  if (i % 100 === 0 && !allClose(update, T.neg(gradient(W)), { rtol: 1e-12, atol: 1e-15 })) handEqualsGrad = false
  W = T.add(W, update)
}

const outputs = T.sigmoid(T.matmul(X, W))
console.log('Output after training (targets 0, 0, 1, 1):')
Array.from(outputs.data).forEach((v, i) => console.log(`  [${X.data.slice(i * 3, i * 3 + 3).join(', ')}] → ${v.toFixed(5)}`))
console.log(`Weights: ${Array.from(W.data, (v) => v.toFixed(4)).join(', ')}`)
console.log(`Hand-written backprop equals grad at every checked step: ${handEqualsGrad}`)
const maxError = Math.max(...Array.from(outputs.data, (v, i) => Math.abs(v - (targets.data[i] ?? 0))))
console.log(JSON.stringify({ example: 'two-layer-net', outputs: Array.from(outputs.data), maxError, handEqualsGrad, steps }))
