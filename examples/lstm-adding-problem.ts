/**
 * The adding problem: why LSTMs exist, measured.
 *
 * Each input is a sequence of 50 steps (10 in the quick form); a step holds a random number in [0, 1) and a marker, 0 or
 * 1. Exactly two steps are marked, one in each half. The target is the sum of the two marked
 * numbers. Predicting the average sum (1) gives a mean squared error of 2/12 ≈ 0.167 (the variance
 * of a sum of two uniform numbers): that is the baseline. To beat it, a network must remember a
 * number for up to 50 steps while ignoring everything else — the gradient of a simple recurrent
 * network fades over such distances, while the LSTM's and the GRU's gated cells carry it.
 *
 * Three networks of the same width (a recurrent layer, then one linear output) train on the same
 * sequences with Adam; we report the test MSE of each against the 0.167 baseline.
 *
 *   npx tsx examples/lstm-adding-problem.ts           (the full run)
 *   npx tsx examples/lstm-adding-problem.ts --quick   (a short run: sequences of 10 steps, 5 epochs)
 *   npx tsx examples/lstm-adding-problem.ts --only gru (one of simpleRnn, lstm, gru)
 */
import { data, losses, nn, optim, random, report, train, T } from '../src/index.js'

const quick = process.argv.includes('--quick')
// The quick form (run by the tests) uses sequences of 10 steps, which the gated networks learn in a
// few hundred updates; the lesson is the full run's 50.
const steps = quick ? 10 : 50
const units = 16
const trainCount = quick ? 2048 : 8192
const testCount = quick ? 512 : 1024
const epochs = quick ? 5 : 12

// ─── data ───────────────────────────────────────────────────────────────────────────────────────
/** `count` sequences [steps, 2] (value, marker) and their targets, from a key. */
const addingProblem = (key: random.Key, count: number): data.Dataset => {
  const [valueKey, firstKey, secondKey] = random.split(key, 3)
  const values = random.uniform(valueKey ?? key, [count, steps])
  const half = steps / 2
  const first = random.randint(firstKey ?? key, [count], 0, half)
  const second = random.randint(secondKey ?? key, [count], half, steps)
  const x = new Float64Array(count * steps * 2)
  const y = new Float64Array(count)
  for (let n = 0; n < count; n++) {
    const a = first.data[n] ?? 0
    const b = second.data[n] ?? 0
    for (let t = 0; t < steps; t++) {
      x[(n * steps + t) * 2] = values.data[n * steps + t] ?? 0
      x[(n * steps + t) * 2 + 1] = t === a || t === b ? 1 : 0
    }
    y[n] = (values.data[n * steps + a] ?? 0) + (values.data[n * steps + b] ?? 0)
  }
  return data.dataset(T.fromArray(x, [count, steps, 2]), T.fromArray(y, [count, 1]))
}
const [trainKey, testKey] = random.split(random.key(2026), 2)
const trainSet = addingProblem(trainKey ?? random.key(0), trainCount)
const testSet = addingProblem(testKey ?? random.key(1), testCount)
const baseline = T.item(T.mean(T.square(T.addScalar(testSet.y, -1))))
console.log(`${trainCount} training sequences, ${testCount} test sequences of ${steps} steps; baseline MSE (always predict 1): ${baseline.toFixed(4)}`)

// ─── three networks ─────────────────────────────────────────────────────────────────────────────
const networks = {
  simpleRnn: () => nn.sequential(nn.simpleRnn(units), nn.dense(1)),
  lstm: () => nn.sequential(nn.lstm(units), nn.dense(1)),
  gru: () => nn.sequential(nn.gru(units), nn.dense(1)),
} as const
type Name = keyof typeof networks
const isName = (s: string | undefined): s is Name => s === 'simpleRnn' || s === 'lstm' || s === 'gru'
const onlyArgument = process.argv.indexOf('--only')
const only = onlyArgument >= 0 ? process.argv[onlyArgument + 1] : undefined
if (only !== undefined && !isName(only)) throw new Error(`--only takes simpleRnn, lstm or gru, got ${only}`)
const chosen: readonly Name[] = only === undefined ? ['simpleRnn', 'lstm', 'gru'] : [only]

const testMse: Record<string, number> = {}
const seconds: Record<string, number> = {}
for (const name of chosen) {
  const model = networks[name]()
  console.log(`\n${name}: ${nn.summary(model, [steps, 2]).totalParams} parameters`)
  const start = report.clock()
  const result = train.fit(model, trainSet, {
    loss: losses.mse,
    optimizer: optim.chain(optim.clipByGlobalNorm(1), optim.adam({ learningRate: 3e-3 })),
    epochs,
    batchSize: 32,
    key: random.key(7),
  })
  seconds[name] = report.clock() - start
  result.history.forEach((h) => console.log(`  epoch ${h.epoch}: training MSE ${h.loss.toFixed(4)}`))
  const predictions = train.predict(model, result.params, result.state, testSet.x)
  testMse[name] = T.item(T.mean(T.square(T.sub(predictions, testSet.y))))
  console.log(`  test MSE ${testMse[name]?.toFixed(4)} (baseline ${baseline.toFixed(4)}), ${seconds[name]?.toFixed(1)} s`)
}

console.log(JSON.stringify({ example: 'lstm-adding-problem', steps, units, epochs, trainCount, baseline, testMse, seconds, quick }))
