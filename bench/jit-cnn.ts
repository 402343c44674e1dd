/**
 * The CNN of examples/cnn-mnist.ts under `jit` (issue 14 follow-ups), two measurements:
 *
 * - `step [batch]` (default): the training step of the example's model — randomShift(2), two conv2d +
 *   relu + maxPool stages, dense(128), dropout(0.3), dense(10), softmax cross-entropy, Adam, batch
 *   32 (or the given size) on MNIST digits — through `train.flatStep`, compiled and interpreted, in alternating rounds
 *   in one process: CPU µs per step (medians; this process's user + system time) and their ratio,
 *   and the compiled step's `mode()`.
 * - `predict <jit|interpreted> [n]`: resident memory (RSS) after `train.predict` of the model on n
 *   digits (default 2 000) in one batch of n, compiled or not.
 *   Run each in its own process: RSS is per process.
 * - `plan [n]`: the bytes of buffers the plan of that forward pass holds (`jit(…).stats().bytes`).
 * - `gradplan [n]`: the same for the forward and backward pass of a training step on a batch of n (default 256).
 *
 *   npx tsc -p bench && node --expose-gc bench/dist/bench/jit-cnn.js [step [batch] | predict jit|interpreted [n] | plan [n] | gradplan [n]]
 */
import * as ad from '../src/ad/index.js'
import * as data from '../src/data/index.js'
import * as losses from '../src/losses/index.js'
import * as nn from '../src/nn/index.js'
import * as optim from '../src/optim/index.js'
import * as random from '../src/random/index.js'
import * as T from '../src/tensor/index.js'
import * as train from '../src/train/index.js'
import * as tree from '../src/tree/index.js'
import { jit } from '../src/jit/index.js'
import { median } from './stats.js'

const cpuMicros = (): number => {
  const { user, system } = process.cpuUsage()
  return user + system
}

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

const digits = await data.mnist()
const images = (ds: data.Dataset, n: number): data.Dataset =>
  data.dataset(T.reshape(T.slice(ds.x, [0, 0], [n, 784]), [n, 28, 28, 1]), T.slice(ds.y, [0, 0], [n, 10]))

const { params, state } = model.init(random.key(0), [28, 28, 1])
if (!tree.isTree(params) || !tree.isTree(state)) throw new Error('init gives trees of tensors')

const mode = process.argv[2] ?? 'step'
if (mode === 'step') {
  const batchSize = Number(process.argv[3] ?? 32)
  const batches = data.batches(images(digits.train, batchSize * Math.max(2, Math.round(1280 / batchSize))), batchSize)
  const { leaves, treedef } = tree.flatten(params)
  const optimizer = optim.adam({ learningRate: 1e-3 })
  const compiled = train.flatStep(model, treedef, { loss: losses.softmaxCrossEntropy, optimizer })
  const interpreted = train.flatStep(model, treedef, { loss: losses.softmaxCrossEntropy, optimizer, jit: false })
  let a = train.initialTrainState(leaves, state, optimizer, random.key(1))
  let b = a
  const times = { compiled: [] as number[], interpreted: [] as number[] }
  const rounds = batchSize > 64 ? 3 : 6
  for (let r = 0; r < rounds; r++) {
    for (const batch of batches) {
      let t = cpuMicros()
      a = compiled(a, batch)
      if (r > 0) times.compiled.push(cpuMicros() - t)
      t = cpuMicros()
      b = interpreted(b, batch)
      if (r > 0) times.interpreted.push(cpuMicros() - t)
    }
  }
  const same = a.params.every((p, i) => {
    const q = b.params[i]
    return q !== undefined && p.data.every((v, j) => Object.is(v, q.data[j]))
  })
  const c = median(times.compiled)
  const i = median(times.interpreted)
  process.stdout.write(
    `cnn-mnist step, batch ${batchSize}, ${times.compiled.length} timed steps each: compiled ${(c / 1000).toFixed(1)} ms CPU, interpreted ${(i / 1000).toFixed(1)} ms CPU, ` +
      `interpreted/compiled ${(i / c).toFixed(2)}; compiled mode ${compiled.mode()}; same bits ${same}\n`,
  )
} else if (mode === 'predict') {
  const jit = process.argv[3] !== 'interpreted'
  const n = Number(process.argv[4] ?? 2000)
  const x = images(digits.test, n).x
  const before = process.memoryUsage().rss
  const scores = train.predict(model, params, state, x, { batchSize: n, jit })
  const after = process.memoryUsage().rss
  // What stays once the garbage is collected (with --expose-gc): the plan's buffers, kept for the next call.
  globalThis.gc?.()
  const settled = process.memoryUsage().rss
  const arrays = process.memoryUsage().arrayBuffers
  process.stdout.write(
    `predict ${n} digits in one batch, ${jit ? 'compiled' : 'interpreted'}: RSS before ${(before / 2 ** 20).toFixed(0)} MB, after ${(after / 2 ** 20).toFixed(0)} MB, after a collection ${(settled / 2 ** 20).toFixed(0)} MB, of which array buffers ${(arrays / 2 ** 20).toFixed(0)} MB (scores ${scores.shape.join('×')})\n`,
  )
} else if (mode === 'plan') {
  // The forward pass `predict` compiles, jitted here to read the bytes its plan holds.
  const n = Number(process.argv[3] ?? 2000)
  const x = images(digits.test, n).x
  const forward = jit((p: typeof params, s: typeof state, rows: T.Tensor) => model.apply(p, s, rows, { training: false }).y)
  forward(params, state, x)
  process.stdout.write(`forward pass over ${n} digits in one batch, compiled: the plan holds ${(forward.stats().bytes / 2 ** 20).toFixed(0)} MB of buffers\n`)
} else if (mode === 'gradplan') {
  // The forward and backward pass of a training step (what flatStep compiles, without the optimizer).
  const n = Number(process.argv[3] ?? 256)
  const batch = images(digits.train, n)
  const gradient = jit((p: typeof params, x: T.Tensor, y: T.Tensor, key: random.Key) =>
    ad.valueAndGrad((q: typeof params) => losses.softmaxCrossEntropy(model.apply(q, state, x, { training: true, key }).y, y))(p),
  )
  gradient(params, batch.x, batch.y, random.key(2))
  process.stdout.write(`forward and backward pass over a batch of ${n} digits, compiled: the plan holds ${(gradient.stats().bytes / 2 ** 20).toFixed(0)} MB of buffers\n`)
} else {
  process.stderr.write(`unknown mode ${mode}: step | predict jit | predict interpreted\n`)
  process.exit(1)
}
