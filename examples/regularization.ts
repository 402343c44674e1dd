/**
 * Regularisation against over-fitting: one network, four ways.
 *
 * A wide network trained long on few examples memorises them: training accuracy climbs while
 * test accuracy stalls or falls. We train the same 784-256-256-10 network on 500 MNIST digits
 *   - plainly,
 *   - with an L2 penalty on the weights (λ·Σw², pulling weights toward 0),
 *   - with dropout (randomly silencing a fifth of the pixels and half the hidden units in each
 *     step, so no unit can rely on another),
 *   - with batch normalisation (normalising each hidden layer's inputs over the batch),
 * and compare training and test accuracy. The gap between them is the over-fitting.
 *
 *   npx tsx examples/regularization.ts
 */
import { data, losses, metrics, nn, optim, random, report, train } from '../src/index.js'
import { saveCurvesChart } from '../src/node/index.js'

const quick = process.argv.includes('--quick')
const outArgument = process.argv.indexOf('--out')
// Charts go to --out DIR (default ./out); the test suite passes a temporary directory.
const outDir = outArgument >= 0 ? (process.argv[outArgument + 1] ?? 'out') : 'out'
const epochs = quick ? 5 : 30
const digits = await data.mnist()
const trainRows = data.take(digits.train, [...Array(500).keys()])
const testRows = digits.test

const variants: Record<string, { model: nn.Layer; l2?: number }> = {
  plain: { model: nn.sequential(nn.dense(256), nn.relu, nn.dense(256), nn.relu, nn.dense(10)) },
  l2: { model: nn.sequential(nn.dense(256), nn.relu, nn.dense(256), nn.relu, nn.dense(10)), l2: 1e-3 },
  dropout: { model: nn.sequential(nn.dropout(0.2), nn.dense(256), nn.relu, nn.dropout(0.5), nn.dense(256), nn.relu, nn.dropout(0.5), nn.dense(10)) },
  batchNorm: { model: nn.sequential(nn.dense(256), nn.batchNorm(), nn.relu, nn.dense(256), nn.batchNorm(), nn.relu, nn.dense(10)) },
}

const results: Record<string, { train: number; test: number }> = {}
const lossCurves: { name: string; values: number[] }[] = []
console.log(`784-256-256-10 on ${trainRows.x.shape[0]} digits, ${epochs} epochs, Adam 1e-3, batch 32\n`)
console.log('variant     train acc   test acc   gap')
for (const [name, { model, l2 }] of Object.entries(variants)) {
  const fitted = train.fit(model, trainRows, {
    loss: losses.softmaxCrossEntropy,
    optimizer: optim.adam({ learningRate: 1e-3 }),
    epochs,
    batchSize: 32,
    key: random.key(5),
    ...(l2 === undefined ? {} : { regularization: { l2 } }),
  })
  lossCurves.push({ name, values: fitted.history.map((h) => h.loss) })
  const accuracyOn = (ds: data.Dataset) => metrics.accuracy.compute(train.predict(model, fitted.params, fitted.state, ds.x), ds.y)
  const r = { train: accuracyOn(trainRows), test: accuracyOn(testRows) }
  results[name] = r
  console.log(`${name.padEnd(10)} ${(r.train * 100).toFixed(1).padStart(8)}% ${(r.test * 100).toFixed(1).padStart(9)}% ${((r.train - r.test) * 100).toFixed(1).padStart(5)}`)
}
console.log(`\nTraining loss of the plain network:\n${report.asciiCurve(lossCurves[0]?.values ?? [], { height: 5 })}`)
console.log(`Chart written to ${await saveCurvesChart(`${outDir}/regularization-loss.svg`, lossCurves, 'training loss per epoch')}`)
console.log(JSON.stringify({ example: 'regularization', results, epochs }))
