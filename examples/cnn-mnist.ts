/**
 * Handwritten digits with a convolutional network.
 *
 * The multi-layer perceptron of `mnist.ts` sees 784 unrelated numbers; a convolution sees an image:
 * the same small 3×3 filters slide over every position, so a stroke is recognised wherever it is,
 * with far fewer weights. Two convolution + max-pooling stages turn the 28×28 digit into 5×5 maps
 * of features, and a small dense layer reads them.
 *
 * Augmentation is part of the lesson: with 8 000 training digits the network soon knows each one
 * by heart. A `randomShift` layer moves every training image by up to 2 pixels in each direction,
 * new shifts every step (nothing changes at test time), and the learning rate decays along a
 * cosine: the network has to learn the digit, not the picture.
 *
 *   npx tsx examples/cnn-mnist.ts            (the full run: 15 epochs)
 *   npx tsx examples/cnn-mnist.ts --quick    (1 epoch on 1 500 digits, tested on 1 000)
 */
import { data, losses, metrics, nn, optim, random, report, train, T } from '../src/index.js'
import { saveHistoryCharts } from '../src/node/index.js'

const quick = process.argv.includes('--quick')
const outArgument = process.argv.indexOf('--out')
// Charts go to --out DIR (default ./out); the test suite passes a temporary directory.
const outDir = outArgument >= 0 ? (process.argv[outArgument + 1] ?? 'out') : 'out'
const epochs = quick ? 1 : 15
const batchSize = 32

// ─── data ───────────────────────────────────────────────────────────────────────────────────────
// The 10 000 digits of the `mnist` package: 8 000 to train, 2 000 to test, as images [28, 28, 1].
const digits = await data.mnist()
const asImages = (ds: data.Dataset, rows: number): data.Dataset => {
  const n = Math.min(rows, ds.x.shape[0] ?? 0)
  return data.dataset(T.reshape(T.slice(ds.x, [0, 0], [n, 784]), [n, 28, 28, 1]), T.slice(ds.y, [0, 0], [n, 10]))
}
const trainSet = asImages(digits.train, quick ? 1500 : 8000)
const testSet = asImages(digits.test, quick ? 1000 : 2000)
console.log(`MNIST: ${trainSet.x.shape[0]} training digits, ${testSet.x.shape[0]} test digits, images ${trainSet.x.shape.slice(1).join('×')}`)

// ─── model ──────────────────────────────────────────────────────────────────────────────────────
const model = nn.sequential(
  nn.randomShift(2),
  nn.conv2d(16, 3, { kernelInitializer: nn.heUniform }),
  nn.relu,
  nn.maxPool2d(2),
  nn.conv2d(32, 3, { kernelInitializer: nn.heUniform }),
  nn.relu,
  nn.maxPool2d(2),
  nn.flatten(),
  nn.dense(128, { kernelInitializer: nn.heUniform }),
  nn.relu,
  nn.dropout(0.3),
  nn.dense(10),
)
console.log(`\n${nn.summary(model, [28, 28, 1]).text}\n`)

// ─── fit ────────────────────────────────────────────────────────────────────────────────────────
const stepsPerEpoch = Math.ceil((trainSet.x.shape[0] ?? 0) / batchSize)
const start = report.clock()
const result = train.fit(model, trainSet, {
  loss: losses.softmaxCrossEntropy,
  optimizer: optim.adam({ learningRate: optim.cosineDecay({ initial: 2e-3, decaySteps: epochs * stepsPerEpoch }) }),
  epochs,
  batchSize,
  key: random.key(7),
  validationData: testSet,
  metrics: [metrics.accuracy],
  onEvent: report.terminalReporter(),
  clock: report.clock,
})
const seconds = report.clock() - start

// ─── evaluate ───────────────────────────────────────────────────────────────────────────────────
const scores = train.predict(model, result.params, result.state, testSet.x)
const testAccuracy = metrics.accuracy.compute(scores, testSet.y)
console.log(`\nTest accuracy: ${(testAccuracy * 100).toFixed(2)}% after ${epochs} epoch${epochs > 1 ? 's' : ''} in ${seconds.toFixed(0)} s (the MLP of mnist.ts: 95.15%)`)
const paths = await saveHistoryCharts(outDir, 'cnn-mnist', result.history)
console.log(`Loss and accuracy charts (training and test) written to ${paths.join(' and ')}`)
console.log(JSON.stringify({ example: 'cnn-mnist', epochs, trainCount: trainSet.x.shape[0], testAccuracy, seconds, quick }))
