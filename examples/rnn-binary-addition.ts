/**
 * A recurrent network learns binary addition, bit by bit.
 *
 * Adding two numbers in binary is a loop with a memory: at each position, the sum bit depends on
 * the two input bits and on the carry from the position before. A simple recurrent network reads
 * the two numbers one bit pair at a time, least significant first, and must learn to keep the
 * carry in its hidden state. Inputs are pairs (a, b) with a, b < 128, so a + b fits in 8 bits.
 *
 * The network: SimpleRNN(16) returning its state at every step, then the same 16 → 1 map at every
 * step (a 1-wide convolution is exactly that), and a sigmoid: the probability that the sum bit is 1.
 * We hold out a fifth of all pairs and count a sum correct only when all 8 bits are right.
 *
 *   npx tsx examples/rnn-binary-addition.ts           (10 epochs)
 *   npx tsx examples/rnn-binary-addition.ts --quick   (2 epochs)
 */
import { data, losses, nn, optim, random, train, T } from '../src/index.js'

const quick = process.argv.includes('--quick')
const bits = 8

// ─── data ───────────────────────────────────────────────────────────────────────────────────────
// Every pair (a, b) with a, b < 128, as sequences of 8 steps [bit of a, bit of b], least significant first.
const bitOf = (n: number, i: number): number => (n >> i) & 1
const pairs = Array.from({ length: 128 * 128 }, (_, i) => [Math.floor(i / 128), i % 128] as const)
const encode = (chosen: readonly (readonly [number, number])[]) => ({
  x: T.fromArray(chosen.flatMap(([a, b]) => Array.from({ length: bits }, (_, i) => [bitOf(a, i), bitOf(b, i)]).flat()), [chosen.length, bits, 2]),
  y: T.fromArray(chosen.flatMap(([a, b]) => Array.from({ length: bits }, (_, i) => bitOf(a + b, i))), [chosen.length, bits, 1]),
})
const order = random.permutation(random.key(1), pairs.length)
const heldOutCount = Math.floor(pairs.length / 5)
const pairAt = (i: number): readonly [number, number] => pairs[i] ?? [0, 0]
const testPairs = order.slice(0, heldOutCount).map(pairAt)
const trainPairs = order.slice(heldOutCount).map(pairAt)
const trainSet = data.dataset(encode(trainPairs).x, encode(trainPairs).y)
const testSet = encode(testPairs)
console.log(`${trainPairs.length} training pairs, ${testPairs.length} held-out pairs, ${bits} bits each`)

// ─── model, optimizer, fit ──────────────────────────────────────────────────────────────────────
const model = nn.sequential(nn.simpleRnn(16, { returnSequences: true }), nn.conv1d(1, 1), nn.sigmoid)
console.log(`\n${nn.summary(model, [bits, 2]).text}\n`)
const epochs = quick ? 2 : 10
const result = train.fit(model, trainSet, {
  loss: losses.binaryCrossEntropy,
  optimizer: optim.adam({ learningRate: 0.01 }),
  epochs,
  batchSize: 32,
  key: random.key(3),
})
result.history.forEach((h) => console.log(`epoch ${h.epoch}: loss ${h.loss.toFixed(4)}`))

// ─── evaluate ───────────────────────────────────────────────────────────────────────────────────
const probabilities = train.predict(model, result.params, result.state, testSet.x)
const predictedBits = Array.from(probabilities.data, (p): number => (p > 0.5 ? 1 : 0))
const sumOf = (k: number): number => predictedBits.slice(k * bits, (k + 1) * bits).reduce((s, bit, i) => s + bit * 2 ** i, 0)
const correct = testPairs.filter(([a, b], k) => sumOf(k) === a + b).length
const accuracy = correct / testPairs.length

const binary = (n: number): string => n.toString(2).padStart(bits, '0')
console.log('\nA few held-out sums (most significant bit first):')
for (const k of [0, 1, 2, 3]) {
  const [a, b] = testPairs[k] ?? [0, 0]
  console.log(`    ${binary(a)}   ${a}`)
  console.log(`  + ${binary(b)}   ${b}`)
  console.log(`  = ${binary(sumOf(k))}   ${sumOf(k)} ${sumOf(k) === a + b ? '✓' : `✗ (${a + b})`}\n`)
}
console.log(`Held-out sums with all ${bits} bits right: ${correct}/${testPairs.length} (${(accuracy * 100).toFixed(2)}%)`)
console.log(JSON.stringify({ example: 'rnn-binary-addition', epochs, heldOutAccuracy: accuracy, finalLoss: result.history[result.history.length - 1]?.loss, quick }))
