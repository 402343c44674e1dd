/**
 * The Keras tutorial network on the Pima Indians diabetes data.
 *
 * 768 patients, 8 measurements each, and whether they developed diabetes within five years. The
 * network is 8-12-8-1: two ReLU hidden layers and a sigmoid output giving a probability;
 * binary cross-entropy measures the error; Adam trains it for 150 epochs in batches of 10.
 * First on the raw features, exactly as the tutorial does (it reports about 77% training
 * accuracy), then the way one should: standardized features and a stratified 80/20 split, so that
 * the accuracy is measured on patients the network never saw.
 *
 *   npx tsx examples/pima.ts
 */
import { data, losses, metrics, nn, optim, random, report, train } from '../src/index.js'
import { saveHistoryCharts } from '../src/node/index.js'

const quick = process.argv.includes('--quick')
const outArgument = process.argv.indexOf('--out')
// Charts go to --out DIR (default ./out); the test suite passes a temporary directory.
const outDir = outArgument >= 0 ? (process.argv[outArgument + 1] ?? 'out') : 'out'
const epochs = quick ? 50 : 150

const pima = data.pima()
console.log(`Pima: ${pima.x.shape[0]} rows, ${pima.x.shape[1]} features`)

const network = () => nn.sequential(nn.dense(12), nn.relu, nn.dense(8), nn.relu, nn.dense(1), nn.sigmoid)
const fitOptions = (seed: number) => ({
  loss: losses.binaryCrossEntropy,
  optimizer: optim.adam({ learningRate: 1e-3 }),
  epochs,
  batchSize: 10,
  key: random.key(seed),
  metrics: [metrics.accuracy],
})

// 1. The tutorial: raw features, training accuracy.
const model = network()
console.log(`\n${nn.summary(model, [8]).text}\n`)
const raw = train.fit(model, pima, { ...fitOptions(7), onEvent: report.terminalReporter({ every: quick ? 5 : 25 }), clock: report.clock })
const trainingAccuracy = metrics.accuracy.compute(train.predict(model, raw.params, raw.state, pima.x), pima.y)
console.log(`\nTraining accuracy on raw features: ${(trainingAccuracy * 100).toFixed(2)}% (the tutorial reports about 77%)`)
console.log(report.asciiCurve(raw.history.map((h) => h.loss)))
console.log(`Charts written to ${(await saveHistoryCharts(outDir, 'pima', raw.history)).join(' and ')}`)

// 2. Standardized features, stratified 80/20 split, held-out accuracy.
const { train: trainRows, test: testRows } = data.trainTestSplit(pima, 0.2, random.key(1), { stratify: true })
const stats = data.standardize.fit(trainRows.x) // statistics of the training rows only
const scaled = { x: data.standardize.transform(stats, trainRows.x), y: trainRows.y }
const held = { x: data.standardize.transform(stats, testRows.x), y: testRows.y }
const model2 = network()
const fitted = train.fit(model2, scaled, fitOptions(7))
const heldOutAccuracy = train.evaluate(model2, fitted.params, fitted.state, held, [metrics.accuracy]).metrics['accuracy'] ?? Number.NaN
console.log(`Held-out accuracy with standardized features (stratified 80/20): ${(heldOutAccuracy * 100).toFixed(2)}%`)

console.log(JSON.stringify({ example: 'pima', trainingAccuracy, heldOutAccuracy, epochs }))
