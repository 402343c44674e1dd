/**
 * A compiled training step in steady state, without `fit` around it (issue 14): the Pima step
 * (8-12-8-1, batch 10, binary cross-entropy, Adam) and the XOR step (2-3-1, the four rows, MSE,
 * Adam) through `train.flatStep`, compiled (the whole step, one plan), interpreted, and folded as an
 * epoch folds it (`flatStep(…).start`: one `jitFold` whose carry stays in its own buffers, the loss
 * read as a number), in alternating rounds in one process: CPU µs per step (medians; this process's user + system time,
 * so waiting for a core on a shared machine does not count) and their ratio, and bytes allocated
 * per step over 10 000 steps (heap and array buffers between forced collections, median over
 * batches of 100) next to the bytes of tensor data a step returns (new parameters, both Adam
 * moments, two step counts, the loss and the predictions).
 *
 *   npx tsc -p bench && node --expose-gc bench/dist/bench/jit-steady.js
 *
 * Then whole epochs as `fit` runs them (shuffled batches of the whole set): fit's runner (one
 * `jitFold` for all epochs) and cut (one order reshuffled in place each epoch, the batches gathered
 * into the same buffers) against the same compiled step called batch by batch on `epochBatches`'
 * fresh batches, as fit ran before the fold; µs and bytes per step.
 *
 * The WJ workload measures the same steps through `fit` (batch gathering, key derivation, events
 * and each run's tracing included on both sides); this isolates the step itself.
 */
import * as data from '../src/data/index.js'
import { useFusion, useReplay } from '../src/jit/index.js'
import type { Dataset } from '../src/data/index.js'
import * as losses from '../src/losses/index.js'
import * as nn from '../src/nn/index.js'
import * as optim from '../src/optim/index.js'
import * as random from '../src/random/index.js'
import * as train from '../src/train/index.js'
import { epochCut } from '../src/train/cut.js'
import * as tree from '../src/tree/index.js'
import { median } from './stats.js'

const gc = globalThis.gc
if (typeof gc !== 'function') {
  process.stderr.write('run with node --expose-gc (bytes per step cannot be measured otherwise)\n')
  process.exit(1)
}

const cpuMicros = (): number => {
  const { user, system } = process.cpuUsage()
  return user + system
}

interface Case {
  readonly name: string
  readonly model: nn.Layer
  readonly inputs: number
  readonly batch: Dataset
  readonly loss: losses.Loss
  /** The whole training set and batch size of the epoch-level measurement. */
  readonly data: Dataset
  readonly batchSize: number
}

const cases: readonly Case[] = [
  {
    name: 'Pima 8-12-8-1, batch 10',
    model: nn.sequential(nn.dense(12), nn.relu, nn.dense(8), nn.relu, nn.dense(1), nn.sigmoid),
    inputs: 8,
    batch: data.take(data.pima(), Array.from({ length: 10 }, (_, i) => i)),
    loss: losses.binaryCrossEntropy,
    data: data.pima(),
    batchSize: 10,
  },
  { name: 'XOR 2-3-1, 4 rows', model: nn.sequential(nn.dense(3), nn.relu, nn.dense(1), nn.sigmoid), inputs: 2, batch: data.gates.xor, loss: losses.mse, data: data.gates.xor, batchSize: 4 },
]

for (const c of cases) {
  const { params, state } = c.model.init(random.key(0), [c.inputs])
  if (!tree.isTree(params) || !tree.isTree(state)) throw new Error('init gives trees of tensors')
  const { leaves, treedef } = tree.flatten(params)
  const optimizer = optim.adam({ learningRate: 1e-3 })
  // 'jit': the compiled step replayed by the interpreted loop, unfused (as before generated code);
  // 'generated': the same step fused and replayed as generated code with inline arithmetic from its
  // first call; 'fold': the fold in the interpreted loop, unfused; 'fold generated': the fold as
  // generated code from its first step (by default, 'auto', a fold switches after GENERATE_AFTER steps).
  const sides = (['interpreted', 'jit', 'fold', 'generated', 'fold generated'] as const).map((side) => {
    const jit = side !== 'interpreted'
    const generating = side === 'generated' || side === 'fold generated'
    useReplay(generating ? 'generated' : side === 'interpreted' ? 'auto' : 'loop')
    useFusion(generating ? 'auto' : side === 'interpreted' ? 'auto' : false)
    const step = train.flatStep(c.model, treedef, { loss: c.loss, optimizer, jit })
    let ts = train.initialTrainState(leaves, state, optimizer, random.key(0))
    if (side === 'fold' || side === 'fold generated') {
      // The epoch's way: one compiled fold, each step's loss read as a number.
      const runner = step.start?.(ts)
      if (runner === undefined) throw new Error('a compiled flat step offers a fold')
      return { side, jit, step, run: (): void => void runner.step(c.batch), times: [] as number[] }
    }
    const run = (): void => {
      ts = step(ts, c.batch)
    }
    return { side, jit, step, run, times: [] as number[] }
  })
  useReplay('auto')
  useFusion('auto')
  for (const side of sides) for (let i = 0; i < 2000; i++) side.run()
  for (let round = 0; round < 7; round++) {
    for (const side of sides) {
      const n = side.jit ? 20_000 : 4_000
      const t0 = cpuMicros()
      for (let i = 0; i < n; i++) side.run()
      side.times.push((cpuMicros() - t0) / n)
    }
  }
  const bytes = sides.map((side) => {
    const samples: number[] = []
    for (let done = 0; done < 10_000; done += 100) {
      gc()
      const m0 = process.memoryUsage()
      for (let i = 0; i < 100; i++) side.run()
      const m1 = process.memoryUsage()
      samples.push((m1.heapUsed - m0.heapUsed + m1.arrayBuffers - m0.arrayBuffers) / 100)
    }
    return median(samples)
  })
  const [interpreted, compiled, folded, generated, foldGenerated] = sides
  if (interpreted === undefined || compiled === undefined || folded === undefined || generated === undefined || foldGenerated === undefined) throw new Error('five sides')
  const rows = c.batch.y.shape[0] ?? 0
  const returned = (3 * leaves.reduce((n, t) => n + t.data.length, 0) + 2 + 1 + rows) * 8
  const ti = median(interpreted.times)
  const tj = median(compiled.times)
  const tf = median(folded.times)
  const tg = median(generated.times)
  const tfg = median(foldGenerated.times)
  console.log(
    `${c.name}: interpreted ${ti.toFixed(2)} µs/step, jit (${compiled.step.mode()}) ${tj.toFixed(2)} µs/step: ×${(ti / tj).toFixed(2)}, ` +
      `fold ${tf.toFixed(2)} µs/step: ×${(ti / tf).toFixed(2)} (fold ÷ jit time ${(tf / tj).toFixed(2)}); ` +
      `bytes/step interpreted ${bytes[0]?.toFixed(0)}, jit ${bytes[1]?.toFixed(0)} (returned tensor data ${returned}), fold ${bytes[2]?.toFixed(0)}`,
  )
  console.log(
    `${c.name}: jit with generated replay and fusion ${tg.toFixed(2)} µs/step (interpreted loop, unfused ÷ generated ${(tj / tg).toFixed(2)}); bytes/step ${bytes[3]?.toFixed(0)}`,
  )
  console.log(
    `${c.name}: fold as generated code ${tfg.toFixed(2)} µs/step (fold in the loop ÷ generated ${(tf / tfg).toFixed(2)}; interpreted ÷ generated fold ×${(ti / tfg).toFixed(2)}); bytes/step ${bytes[4]?.toFixed(0)}`,
  )

  // Whole epochs as fit runs them (shuffled batches of the whole set, the step key derived per
  // step): fit's runner (one jitFold for all epochs, no state made between epochs) and cut (one
  // order reshuffled in place, batches gathered into the same buffers) against the same compiled step called batch by batch (a fresh
  // batch and state per step, as fit ran before).
  const shuffle = random.key(5)
  const stepsPerEpoch = Math.ceil(data.rowCount(c.data) / c.batchSize)
  const epochSides = (['per step', 'folded'] as const).map((side) => {
    const compiledStep = train.flatStep(c.model, treedef, { loss: c.loss, optimizer })
    const start = train.initialTrainState(leaves, state, optimizer, random.key(0))
    let e = 0
    if (side === 'folded') {
      // As fit runs: one runner and one cut for every epoch (reshuffled in place, its batches
      // gathered into the same buffers), the runner's state never asked for.
      const runner = train.stepRunner(compiledStep, start)
      const cut = epochCut(c.data, { batchSize: c.batchSize, key: shuffle })
      const run = (): void => {
        cut.reorder(++e)
        train.runBatches(runner, cut.batches)
      }
      return { side, run, times: [] as number[] }
    }
    // As fit ran before the fold: the compiled step called batch by batch, a fresh batch (`take`) and state per step.
    const step = (ts: Parameters<typeof compiledStep>[0], b: Dataset) => compiledStep(ts, b)
    let ts = start
    const run = (): void => {
      ts = train.epoch(step, ts, train.epochBatches(c.data, { batchSize: c.batchSize, key: shuffle, epoch: ++e })).state
    }
    return { side, run, times: [] as number[] }
  })
  const epochsPerRound = Math.max(1, Math.round(2000 / stepsPerEpoch))
  for (const side of epochSides) for (let i = 0; i < epochsPerRound; i++) side.run()
  for (let round = 0; round < 7; round++) {
    for (const side of epochSides) {
      const t0 = cpuMicros()
      for (let i = 0; i < epochsPerRound; i++) side.run()
      side.times.push((cpuMicros() - t0) / (epochsPerRound * stepsPerEpoch))
    }
  }
  const epochBytes = epochSides.map((side) => {
    const samples: number[] = []
    const per = Math.max(1, Math.round(100 / stepsPerEpoch))
    for (let done = 0; done < 10_000; done += per * stepsPerEpoch) {
      gc()
      const m0 = process.memoryUsage()
      for (let i = 0; i < per; i++) side.run()
      const m1 = process.memoryUsage()
      samples.push((m1.heapUsed - m0.heapUsed + m1.arrayBuffers - m0.arrayBuffers) / (per * stepsPerEpoch))
    }
    return median(samples)
  })
  const [perStep, foldedEpoch] = epochSides
  if (perStep === undefined || foldedEpoch === undefined) throw new Error('two epoch sides')
  const tp = median(perStep.times)
  const te = median(foldedEpoch.times)
  console.log(
    `${c.name}, whole epochs (${stepsPerEpoch} steps, shuffled): compiled step per batch ${tp.toFixed(2)} µs/step, folded ${te.toFixed(2)} µs/step: ×${(tp / te).toFixed(2)}; ` +
      `bytes/step per batch ${epochBytes[0]?.toFixed(0)}, folded ${epochBytes[1]?.toFixed(0)}`,
  )
}
