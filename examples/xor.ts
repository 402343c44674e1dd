/**
 * XOR needs a hidden layer — and a lucky start. The lecture's comparison.
 *
 * A network with one hidden layer can bend the decision boundary so that (0,1) and (1,0) land on
 * one side and (0,0), (1,1) on the other. How easily it finds that boundary depends on the
 * activation and on where the weights start. We train three networks, each with MSE and Adam
 * (learning rate 0.01) for 1000 full-batch epochs:
 *   - 2 hidden units with the logistic (sigmoid) activation,
 *   - 2 hidden ReLU units,
 *   - 3 hidden ReLU units,
 * print what each predicts, then repeat each over 20 keys and count how often it reaches 100%.
 * Small networks get stuck from unlucky starts: a ReLU unit that starts "dead" on all four inputs
 * never recovers, and with two sigmoid units the loss surface has flat regions.
 *
 *   npx tsx examples/xor.ts
 */
import { data, losses, metrics, nn, optim, random, train, T } from '../src/index.js'

const quick = process.argv.includes('--quick')
const epochs = 1000
const keys = quick ? 5 : 20
const xor = data.gates.xor

const models = {
  'logistic-2': () => nn.sequential(nn.dense(2), nn.sigmoid, nn.dense(1), nn.sigmoid),
  'relu-2': () => nn.sequential(nn.dense(2), nn.relu, nn.dense(1), nn.sigmoid),
  'relu-3': () => nn.sequential(nn.dense(3), nn.relu, nn.dense(1), nn.sigmoid),
} as const
type Name = keyof typeof models

const run = (name: Name, seed: number) => {
  const model = models[name]()
  const result = train.fit(model, xor, { loss: losses.mse, optimizer: optim.adam({ learningRate: 0.01 }), epochs, batchSize: 4, shuffle: false, key: random.key(seed) })
  const probabilities = train.predict(model, result.params, result.state, xor.x)
  return { probabilities, accuracy: metrics.accuracy.compute(probabilities, xor.y) }
}

// The documented key: with it, every one of the three networks solves XOR.
const documentedKey = 1
const accuracy: Record<string, number> = {}
for (const name of Object.keys(models) as Name[]) {
  const { probabilities, accuracy: a } = run(name, documentedKey)
  accuracy[name] = a
  console.log(`\n${name} (key ${documentedKey}):  x1 x2 | probability | prediction | expected`)
  T.unstack(xor.x).forEach((x, i) => {
    const p = probabilities.data[i] ?? 0
    console.log(`                      ${x.data[0]}  ${x.data[1]} | ${p.toFixed(4).padStart(11)} | ${String(p > 0.5 ? 1 : 0).padStart(10)} | ${xor.y.data[i]}`)
  })
  console.log(`  accuracy ${(a * 100).toFixed(0)}%`)
}

console.log(`\nHow often each network reaches 100% over ${keys} keys (initialisation matters):`)
const successRate: Record<string, number> = {}
for (const name of Object.keys(models) as Name[]) {
  const solved = Array.from({ length: keys }, (_, seed) => run(name, seed).accuracy === 1).filter(Boolean).length
  successRate[name] = solved / keys
  console.log(`  ${name.padEnd(11)} ${solved}/${keys}`)
}
console.log(JSON.stringify({ example: 'xor', documentedKey, accuracy, successRate, keys, epochs }))
