/**
 * Where a training step allocates (issue 14, Deliver 5): a sampled heap profile (V8's sampling
 * heap profiler through node:inspector, every 32 bytes on average, objects collected by minor and
 * major GCs included) of the Pima step (8-12-8-1, batch 10, binary cross-entropy, Adam) and the XOR
 * step (2-3-1, four rows, MSE, Adam), each three ways:
 *
 * - folded: `flatStep(…).start` stepped on one batch, in steady state (what an epoch runs per step);
 * - fit's epochs: one runner and one cut for every epoch (reshuffled in place, the batches
 *   gathered into the same buffers), as `fit` runs them, in steady state;
 * - a whole `train.fit` from scratch (tracing, the engine's warm-up and the history included).
 *
 * Each prints bytes per step and the allocation sites that make up most of it (function, file and
 * line of its start, and its caller). The profile samples: figures below ~10 B are noise.
 *
 *   npx tsc -p bench && node bench/dist/bench/alloc-profile.js
 *
 * bench/jit-steady.ts measures bytes per step another way (heap growth between forced collections).
 */
import { Session } from 'node:inspector/promises'
import * as data from '../src/data/index.js'
import type { Dataset } from '../src/data/index.js'
import * as losses from '../src/losses/index.js'
import * as nn from '../src/nn/index.js'
import * as optim from '../src/optim/index.js'
import * as random from '../src/random/index.js'
import { epochCut } from '../src/train/cut.js'
import * as train from '../src/train/index.js'
import * as tree from '../src/tree/index.js'

interface Case {
  readonly name: string
  readonly model: nn.Layer
  readonly inputs: number
  readonly loss: losses.Loss
  readonly data: Dataset
  readonly batchSize: number
  readonly learningRate: number
}

const pima = data.pima()
const cases: readonly Case[] = [
  {
    name: 'Pima 8-12-8-1, batch 10',
    model: nn.sequential(nn.dense(12), nn.relu, nn.dense(8), nn.relu, nn.dense(1), nn.sigmoid),
    inputs: 8,
    loss: losses.binaryCrossEntropy,
    data: pima,
    batchSize: 10,
    learningRate: 1e-3,
  },
  { name: 'XOR 2-3-1, 4 rows', model: nn.sequential(nn.dense(3), nn.relu, nn.dense(1), nn.sigmoid), inputs: 2, loss: losses.mse, data: data.gates.xor, batchSize: 4, learningRate: 0.01 },
]

interface ProfileNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly selfSize: number
  readonly children: readonly ProfileNode[]
}

const isProfileNode = (u: unknown): u is ProfileNode => typeof u === 'object' && u !== null && 'callFrame' in u && 'selfSize' in u && 'children' in u

const session = new Session()
session.connect()

/** Bytes per step of `run` (which takes `steps` steps) and its main allocation sites. */
const profile = async (steps: number, run: () => void): Promise<string> => {
  await session.post('HeapProfiler.startSampling', { samplingInterval: 32, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
  run()
  const { profile: sampled } = await session.post('HeapProfiler.stopSampling')
  const sites = new Map<string, number>()
  const name = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`
  const walk = (n: ProfileNode, caller: string): void => {
    const site = `${name(n)} ← ${caller}`
    if (n.selfSize > 0) sites.set(site, (sites.get(site) ?? 0) + n.selfSize)
    for (const c of n.children) walk(c, name(n))
  }
  const head: unknown = sampled.head
  if (!isProfileNode(head)) throw new Error('unexpected heap profile')
  walk(head, '')
  const total = [...sites.values()].reduce((a, b) => a + b, 0)
  const top = [...sites]
    .sort((a, b) => b[1] - a[1])
    .filter(([, bytes]) => bytes / steps >= 1)
    .slice(0, 6)
    .map(([site, bytes]) => `      ${(bytes / steps).toFixed(0).padStart(6)} B  ${site}`)
  return [`${(total / steps).toFixed(0)} B/step`, ...top].join('\n')
}

for (const c of cases) {
  const optimizer = optim.adam({ learningRate: c.learningRate })
  const { params, state } = c.model.init(random.key(0), [c.inputs])
  if (!tree.isTree(params) || !tree.isTree(state)) throw new Error('init gives trees of tensors')
  const { leaves, treedef } = tree.flatten(params)
  const batch = data.take(c.data, Array.from({ length: c.batchSize }, (_, i) => i))

  // Folded steps on one batch.
  const folded = train.flatStep(c.model, treedef, { loss: c.loss, optimizer })
  const run = folded.start?.(train.initialTrainState(leaves, state, optimizer, random.key(0)))
  if (run === undefined) throw new Error('a compiled flat step offers a fold')
  for (let i = 0; i < 3000; i++) run.step(batch)
  const steps = 20_000
  console.log(`${c.name}, folded step: ${await profile(steps, () => {
    for (let i = 0; i < steps; i++) run.step(batch)
  })}`)

  // fit's epochs: one runner, one cut reshuffled in place.
  const stepsPerEpoch = Math.ceil(data.rowCount(c.data) / c.batchSize)
  const runner = train.stepRunner(train.flatStep(c.model, treedef, { loss: c.loss, optimizer }), train.initialTrainState(leaves, state, optimizer, random.key(0)))
  const cut = epochCut(c.data, { batchSize: c.batchSize, key: random.key(5) })
  let e = 0
  const epoch = (): void => {
    cut.reorder(++e)
    train.runBatches(runner, cut.batches)
  }
  const epochs = Math.ceil(20_000 / stepsPerEpoch)
  for (let i = 0; i < Math.ceil(3000 / stepsPerEpoch); i++) epoch()
  console.log(`${c.name}, fit's epochs (${stepsPerEpoch} steps each): ${await profile(epochs * stepsPerEpoch, () => {
    for (let i = 0; i < epochs; i++) epoch()
  })}`)

  // A whole fit from scratch (after one to warm the engine up).
  const options = { loss: c.loss, optimizer, epochs, batchSize: c.batchSize, key: random.key(1) }
  train.fit(c.model, c.data, { ...options, epochs: Math.ceil(3000 / stepsPerEpoch) })
  console.log(`${c.name}, whole fit of ${epochs} epochs: ${await profile(epochs * stepsPerEpoch, () => void train.fit(c.model, c.data, options))}`)
}
session.disconnect()
