/**
 * Bytes of buffers a compiled training step's plan holds (`jit(step).stats().bytes`): the whole
 * step — forward, loss, backward, Adam's update and the new parameters — as `train.flatStep`
 * compiles it, for W2's MLP (784-128-10, batch 128, softmax cross-entropy, Adam) and Pima
 * (8-12-8-1, batch 10, binary cross-entropy, Adam) — and the array-buffer bytes the compiled
 * function keeps alive in all (between forced collections: with it, and after letting it go), which
 * also counts memory a kernel's `specialize` allocated for itself outside the plan's buffers.
 * No timing.
 *
 *   npx tsc -p bench && node --expose-gc bench/dist/bench/jit-plan-bytes.js
 */
import * as ad from '../src/ad/index.js'
import type { Value } from '../src/ad/index.js'
import { jit } from '../src/jit/index.js'
import * as losses from '../src/losses/index.js'
import * as nn from '../src/nn/index.js'
import * as optim from '../src/optim/index.js'
import * as random from '../src/random/index.js'
import * as T from '../src/tensor/index.js'
import type { Tensor } from '../src/tensor/index.js'
import * as tree from '../src/tree/index.js'

const gc = globalThis.gc
if (typeof gc !== 'function') {
  process.stderr.write('run with node --expose-gc (retained bytes cannot be measured otherwise)\n')
  process.exit(1)
}
const arrayBytes = (): number => {
  for (let i = 0; i < 4; i++) gc()
  return process.memoryUsage().arrayBuffers
}

interface Case {
  readonly name: string
  readonly model: nn.Layer
  readonly inputs: number
  readonly outputs: number
  readonly rows: number
  readonly loss: losses.Loss
}

const cases: readonly Case[] = [
  { name: 'W2 MLP 784-128-10, batch 128', model: nn.sequential(nn.dense(128), nn.relu, nn.dense(10)), inputs: 784, outputs: 10, rows: 128, loss: losses.softmaxCrossEntropy },
  { name: 'Pima 8-12-8-1, batch 10', model: nn.sequential(nn.dense(12), nn.relu, nn.dense(8), nn.relu, nn.dense(1), nn.sigmoid), inputs: 8, outputs: 1, rows: 10, loss: losses.binaryCrossEntropy },
]

for (const c of cases) {
  const { params, state } = c.model.init(random.key(0), [c.inputs])
  if (!tree.isTree(params) || !tree.isTree(state)) throw new Error('init gives trees of tensors')
  const { leaves, treedef } = tree.flatten(params)
  const optimizer = optim.adam({ learningRate: 1e-3 })
  const step = (ps: readonly Tensor[], s: unknown, x: Tensor, y: Tensor) => {
    const [value, grads] = ad.valueAndGrad((ts: readonly Tensor[]) => {
      const ls: readonly Value[] = ts
      return c.loss(c.model.apply(tree.unflatten(treedef, ls) as never, state, x, { training: true, key: random.key(1) }).y, y)
    })(ps)
    const [updates, next] = optimizer.update(grads, s as never, ps)
    return { value, params: optim.applyUpdates(ps, updates), state: next }
  }
  let compiled: ReturnType<typeof jit<typeof step>> | undefined = jit(step)
  const x = random.normal(random.key(2), [c.rows, c.inputs])
  const y = c.loss === losses.softmaxCrossEntropy ? T.tensor(Array.from({ length: c.rows }, (_, i) => Array.from({ length: c.outputs }, (_, j) => (j === i % c.outputs ? 1 : 0)))) : T.zeros([c.rows, c.outputs])
  let s: unknown = optimizer.init(leaves)
  let ps: readonly Tensor[] = leaves
  for (let i = 0; i < 3; i++) {
    const out = compiled(ps, s, x, y)
    ps = out.params
    s = out.state
  }
  const { bytes, traces } = compiled.stats()
  const held = arrayBytes()
  compiled = undefined
  const retained = held - arrayBytes()
  const paramBytes = leaves.reduce((n, t) => n + t.data.length * 8, 0)
  console.log(`${c.name}: plan bytes ${bytes}, retained by the compiled step ${retained} (parameters ${paramBytes} bytes; traces ${traces}; ${ps.length} leaves)`)
}
