/**
 * Optimizers side by side: the same network, data, initial weights and batch order under sgd,
 * momentum, nesterov, rmsprop and adam, with the loss after each epoch.
 *
 * Plain gradient descent takes steps proportional to the gradient. Momentum keeps a running
 * velocity, so consistent directions speed up and oscillations cancel; Nesterov looks ahead along
 * that velocity. RMSProp divides each step by a running average of squared gradients, so every
 * weight gets its own step size; Adam combines both ideas with bias correction.
 *
 *   npx tsx examples/optimizers.ts
 */
import { data, losses, nn, optim, random, report, train } from '../src/index.js'
import { saveCurvesChart } from '../src/node/index.js'

const quick = process.argv.includes('--quick')
const outArgument = process.argv.indexOf('--out')
// Charts go to --out DIR (default ./out); the test suite passes a temporary directory.
const outDir = outArgument >= 0 ? (process.argv[outArgument + 1] ?? 'out') : 'out'
const epochs = quick ? 5 : 30

const pima = data.pima()
const x = data.standardize.transform(data.standardize.fit(pima.x), pima.x)
const ds = { x, y: pima.y }
const model = nn.sequential(nn.dense(12), nn.relu, nn.dense(8), nn.relu, nn.dense(1), nn.sigmoid)
const initial = model.init(random.key(3), [8]) // the same starting weights for every optimizer

const optimizers = {
  sgd: optim.sgd({ learningRate: 0.01 }),
  momentum: optim.momentum({ learningRate: 0.01, momentum: 0.9 }),
  nesterov: optim.nesterov({ learningRate: 0.01, momentum: 0.9 }),
  rmsprop: optim.rmsprop({ learningRate: 1e-3 }),
  adam: optim.adam({ learningRate: 1e-3 }),
}

const lossCurve = <S>(optimizer: optim.GradientTransformation<S>): number[] =>
  train.fit(model, ds, { loss: losses.binaryCrossEntropy, optimizer, epochs, batchSize: 32, key: random.key(4), initial }).history.map((h) => h.loss)

const curves: Record<string, number[]> = {
  sgd: lossCurve(optimizers.sgd),
  momentum: lossCurve(optimizers.momentum),
  nesterov: lossCurve(optimizers.nesterov),
  rmsprop: lossCurve(optimizers.rmsprop),
  adam: lossCurve(optimizers.adam),
}

const names = Object.keys(curves)
console.log('epoch ' + names.map((n) => n.padStart(10)).join(''))
for (let e = 0; e < epochs; e++) console.log(String(e + 1).padStart(5) + ' ' + names.map((n) => (curves[n]?.[e] ?? NaN).toFixed(4).padStart(10)).join(''))
for (const n of names) console.log(`\n${n}:\n${report.asciiCurve(curves[n] ?? [], { height: 5 })}`)
const chart = await saveCurvesChart(`${outDir}/optimizers-loss.svg`, names.map((n) => ({ name: n, values: curves[n] ?? [] })), 'training loss per epoch by optimizer')
console.log(`\nChart written to ${chart}`)
const finalLoss = Object.fromEntries(names.map((n) => [n, curves[n]?.[epochs - 1] ?? NaN]))
console.log(JSON.stringify({ example: 'optimizers', finalLoss, epochs }))
