/**
 * Timing single training steps of a dualflow model and of the same model in TensorFlow.js (W7,
 * W8): same initial weights (dualflow's, handed to tfjs in its weight order), same batches, Adam.
 */
import { ad, data, nn, optim, random, train, T } from '../../src/index.js'
import type { Tree } from '../../src/tree/index.js'
import { tf, useBackend, type TfLib } from '../tfjs.js'
import { median, now } from '../stats.js'

/** One training problem: a dualflow model and its tfjs twin. */
export interface StepSetup {
  readonly model: nn.Layer
  readonly inputShape: readonly number[]
  readonly loss: train.Loss
  /** The tfjs model with these (dualflow's initial) weights, in tfjs's order. */
  readonly tfModel: (weights: readonly T.Tensor[]) => tf.LayersModel
  readonly tfLoss: string
  readonly learningRate: number
}

/** Per-step times and the trained parameters. */
export interface StepOutcome {
  /** Seconds of each timed step. */
  readonly seconds: readonly number[]
  readonly params: Tree
  readonly state: Tree
}

/** The leaves of a parameter tree in tfjs's weight order (depth first, as the layers list them). */
export const weightLeaves = (tree: ad.ValueTree): T.Tensor[] => {
  if (T.isTensor(tree)) return [tree]
  if (ad.isDual(tree)) return [ad.primalTensor(tree)]
  if (Array.isArray(tree)) return tree.flatMap((t: ad.ValueTree) => weightLeaves(t))
  return Object.values(tree).flatMap((t) => weightLeaves(t))
}

/** A float64 tensor as a float32 tfjs tensor. */
export const toTf = (t: T.Tensor): tf.Tensor => tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32')

/** dualflow: `warmup` untimed steps, then one timed step per batch of `batches` (cycled to `timed`). */
export const dualflowSteps = (setup: StepSetup, batches: readonly data.Dataset[], warmup: number, timed: number): StepOutcome => {
  const { params, state } = setup.model.init(random.key(0), setup.inputShape)
  const optimizer = optim.adam({ learningRate: setup.learningRate })
  const step = train.trainStep(setup.model, { loss: setup.loss, optimizer })
  // init gives plain tensors: the trees are Trees of tensors.
  let ts = train.initialTrainState(params as Tree, state as Tree, optimizer, random.key(0))
  const seconds: number[] = []
  for (let i = 0; i < warmup + timed; i++) {
    const batch = batches[i % batches.length]
    if (batch === undefined) throw new Error('no batches')
    const start = now()
    ts = step(ts, batch)
    if (i >= warmup) seconds.push(now() - start)
  }
  return { seconds, params: ts.params, state: ts.modelState }
}

/** tfjs on `lib`: the same initial weights, the same batches; seconds per timed step. */
export const tfjsSteps = async (setup: StepSetup, lib: TfLib, batches: readonly data.Dataset[], warmup: number, timed: number): Promise<number[]> => {
  await useBackend(lib)
  const { params } = setup.model.init(random.key(0), setup.inputShape)
  const m = setup.tfModel(weightLeaves(params))
  m.compile({ optimizer: tf.train.adam(setup.learningRate, 0.9, 0.999, 1e-8), loss: setup.tfLoss })
  const tfBatches = batches.map((b) => [toTf(b.x), toTf(b.y)] as const)
  const seconds: number[] = []
  try {
    for (let i = 0; i < warmup + timed; i++) {
      const batch = tfBatches[i % tfBatches.length]
      if (batch === undefined) throw new Error('no batches')
      const start = now()
      await m.trainOnBatch(batch[0], batch[1])
      if (i >= warmup) seconds.push(now() - start)
    }
  } finally {
    for (const [x, y] of tfBatches) {
      x.dispose()
      y.dispose()
    }
    m.dispose()
  }
  return seconds
}

/** Median seconds per step. */
export const medianStep = (seconds: readonly number[]): number => median(seconds)
