/**
 * Handwritten digits: a multi-layer perceptron on MNIST — the demo behind `npm start`.
 *
 * Each 28×28 image is flattened into 784 inputs in [0, 1]. A hidden layer of ReLU units feeds ten
 * outputs, one per digit; softmax turns the ten scores into probabilities, and softmax
 * cross-entropy (on the raw scores, for stability) measures how wrong they are. Adam follows the
 * gradient. We train 784-128-10, then the lecture's smaller 784-32-10 and 784-15-10, and look at
 * what the network gets wrong.
 *
 *   npx tsx examples/mnist.ts            (10 epochs for 784-128-10, 5 for the small ones)
 *   npx tsx examples/mnist.ts --quick    (one epoch each)
 *   npx tsx examples/mnist.ts --key 42   (another starting key; the default is 7)
 */
import { data, losses, metrics, nn, optim, random, report, train, T } from '../src/index.js'
import { saveHistoryCharts } from '../src/node/index.js'

const quick = process.argv.includes('--quick')
const outArgument = process.argv.indexOf('--out')
// Charts go to --out DIR (default ./out); the test suite passes a temporary directory.
const outDir = outArgument >= 0 ? (process.argv[outArgument + 1] ?? 'out') : 'out'
// `--key N` trains from another key (default 7): how far the result moves with the start is part of the lesson.
const keyArgument = process.argv.indexOf('--key')
const seed = keyArgument >= 0 ? Number(process.argv[keyArgument + 1]) : 7
if (!Number.isInteger(seed) || seed < 0) throw new Error(`--key needs a non-negative integer, got ${process.argv[keyArgument + 1]}`)

// ─── data ───────────────────────────────────────────────────────────────────────────────────────
// The 10 000 digits of the `mnist` package, in the fixed documented order: 8 000 to train, 2 000 to test.
const digits = await data.mnist()
const trainSet = digits.train
const testSet = digits.test
console.log(`MNIST: ${trainSet.x.shape[0]} training digits, ${testSet.x.shape[0]} test digits, ${trainSet.x.shape[1]} pixels each`)

// ─── model, optimizer, fit ──────────────────────────────────────────────────────────────────────
// He initialisation suits ReLU units; dropout (30% of the hidden units silenced per step) and a
// learning rate that decays along a cosine keep the network from memorising 8 000 digits.
const batchSize = 32
const mlp = (hidden: number) => nn.sequential(nn.dense(hidden, { kernelInitializer: nn.heUniform }), nn.relu, nn.dropout(0.3), nn.dense(10))

const trainOne = (hidden: number, epochs: number, verbose: boolean) => {
  const model = mlp(hidden)
  if (verbose) console.log(`\n${nn.summary(model, [784]).text}`)
  const result = train.fit(model, trainSet, {
    loss: losses.softmaxCrossEntropy, // on logits; targets are one-hot rows
    optimizer: optim.adam({ learningRate: optim.cosineDecay({ initial: 4e-3, decaySteps: epochs * Math.ceil((trainSet.x.shape[0] ?? 0) / batchSize) }) }),
    epochs,
    batchSize,
    key: random.key(seed),
    metrics: [metrics.accuracy],
    ...(verbose ? { onEvent: report.terminalReporter(), clock: report.clock } : {}),
  })
  const scores = train.predict(model, result.params, result.state, testSet.x)
  const accuracy = metrics.accuracy.compute(scores, testSet.y)
  return { model, result, scores, accuracy }
}

console.log('\nTraining 784-128-10 (ReLU, dropout 0.3, softmax cross-entropy, Adam with cosine decay from 4e-3, batch 32)')
const main = trainOne(128, quick ? 1 : 10, true)
console.log(`\nTest accuracy of 784-128-10: ${(main.accuracy * 100).toFixed(2)}%`)

// ─── what it gets wrong ─────────────────────────────────────────────────────────────────────────
const confusion = metrics.confusionMatrix(main.scores, testSet.y, 10)
console.log('\nConfusion matrix (rows: true digit, columns: predicted)')
console.log('      ' + [...Array(10).keys()].map((d) => String(d).padStart(4)).join(''))
confusion.forEach((row, d) => console.log(`  ${d}:  ` + row.map((c) => String(c).padStart(4)).join('')))

const predicted = Array.from(T.argmax(main.scores, { axis: 1 }).data)
const wrong = testSet.labels.flatMap((label, i) => (predicted[i] === label ? [] : [i])).slice(0, 3)
const shades = ' .:-=+*#%@'
for (const i of wrong) {
  console.log(`\nDigit ${testSet.labels[i]} read as ${predicted[i]}:`)
  const pixels = T.slice(testSet.x, [i, 0], [1, 784]).data
  for (let r = 0; r < 28; r += 2) {
    let line = '  '
    for (let c = 0; c < 28; c++) line += shades[Math.min(9, Math.floor((pixels[r * 28 + c] ?? 0) * 10))]
    console.log(line)
  }
}

// ─── smaller networks ───────────────────────────────────────────────────────────────────────────
const sizes: Record<string, number> = { '784-128-10': main.accuracy }
for (const hidden of [32, 15]) {
  const { accuracy } = trainOne(hidden, quick ? 1 : 5, false)
  sizes[`784-${hidden}-10`] = accuracy
  console.log(`Test accuracy of 784-${hidden}-10: ${(accuracy * 100).toFixed(2)}%`)
}

// ─── the report ─────────────────────────────────────────────────────────────────────────────────
const paths = await saveHistoryCharts(outDir, 'mnist', main.result.history)
console.log(`\nLoss per epoch:\n${report.asciiCurve(main.result.history.map((h) => h.loss))}`)
console.log(`Report written to ${paths.join(' and ')}`)

console.log(JSON.stringify({ example: 'mnist', epochs: main.result.history.length, testAccuracy: sizes, key: seed, quick }))
