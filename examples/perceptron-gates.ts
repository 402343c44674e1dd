/**
 * Perceptrons and logic gates — the first lesson of the lecture.
 *
 * A perceptron computes z = x·w + b and fires (outputs 1) when z > 0: the Heaviside step. It learns
 * with the perceptron rule, one sample at a time: w ← w + η·(t − y)·x, b ← b + η·(t − y). That rule
 * is gradient descent on the squared error with the step's derivative replaced by 1 — the
 * "straight-through" estimator that `nn.stepStraightThrough` provides for trained perceptron layers.
 *
 * AND and OR are linearly separable: a line splits the 1s from the 0s, and the perceptron finds one.
 * XOR is not: (0,1) and (1,0) must be on one side, (0,0) and (1,1) on the other, and no single
 * line does that — so a single perceptron never gets all four right.
 *
 *   npx tsx examples/perceptron-gates.ts
 */
import { data, T, tensor, type Tensor } from '../src/index.js'

const quick = process.argv.includes('--quick')
const epochs = quick ? 20 : 50
const learningRate = 0.1

interface Perceptron {
  readonly w: Tensor
  readonly b: number
}

const fire = (z: number): number => (z > 0 ? 1 : 0)
const zOf = (p: Perceptron, x: Tensor): number => T.item(T.dot(x, p.w)) + p.b

/** One pass of the perceptron rule over the four rows, in order. A fold: no mutation. */
const epoch = (p: Perceptron, gate: data.Dataset): Perceptron => {
  const rows = T.unstack(gate.x)
  return rows.reduce<Perceptron>((q, x, i) => {
    const error = (gate.y.data[i] ?? 0) - fire(zOf(q, x))
    return { w: T.add(q.w, T.scale(x, learningRate * error)), b: q.b + learningRate * error }
  }, p)
}

const learn = (gate: data.Dataset): Perceptron => {
  let p: Perceptron = { w: tensor([0, 0]), b: 0 }
  for (let e = 0; e < epochs; e++) p = epoch(p, gate)
  return p
}

const accuracies: Record<string, number> = {}
for (const name of ['and', 'or', 'xor'] as const) {
  const gate = data.gates[name]
  const p = learn(gate)
  console.log(`\n${name.toUpperCase()}: w = [${Array.from(p.w.data, (v) => v.toFixed(2)).join(', ')}], b = ${p.b.toFixed(2)}`)
  console.log('  x1 x2 | z = x·w + b | output | target')
  let correct = 0
  T.unstack(gate.x).forEach((x, i) => {
    const z = zOf(p, x)
    const target = gate.y.data[i] ?? 0
    if (fire(z) === target) correct++
    console.log(`   ${x.data[0]}  ${x.data[1]} | ${z.toFixed(2).padStart(11)} | ${String(fire(z)).padStart(6)} | ${target}`)
  })
  accuracies[name] = correct / 4
  console.log(`  accuracy ${(correct / 4) * 100}%`)
}
console.log('\nXOR is not linearly separable: no line puts (0,1) and (1,0) on one side and (0,0), (1,1) on the')
console.log('other, so the perceptron keeps flipping between lines and never gets all four rows right.')
console.log('A hidden layer fixes that: see examples/xor.ts.')
console.log(JSON.stringify({ example: 'perceptron-gates', accuracy: accuracies, epochs }))
