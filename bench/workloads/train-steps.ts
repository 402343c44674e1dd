/**
 * Timing single training steps of a dualflow model and of the same model in TensorFlow.js (W7,
 * W8): same initial weights (dualflow's, handed to tfjs in its weight order), same batches, Adam.
 *
 * A library is a `Stepper`: it keeps its model and optimizer state between calls, so that the
 * libraries can be timed in alternating rounds (dualflow, tfjs-cpu, tfjs-wasm, dualflow, …) and
 * a change of the machine's load falls on all of them alike. Each step's wall time and the CPU
 * time of this process are recorded.
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

/** Wall and CPU seconds of each timed step. */
export interface StepTimes {
  readonly wall: number[]
  readonly cpu: number[]
}

/** A library's training loop, advanced one batch at a time. */
export interface Stepper {
  /** Runs one step on the batch; `timed` records its times. */
  readonly step: (batch: data.Dataset, timed: boolean) => Promise<void>
  readonly times: StepTimes
  /** dualflow's current parameters and state (for evaluation); undefined for tfjs. */
  readonly trained?: () => { readonly params: Tree; readonly state: Tree }
  readonly dispose: () => void
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

const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

const timedRun = async (times: StepTimes, timed: boolean, run: () => Promise<void> | void): Promise<void> => {
  const wall = now()
  const cpu = cpuSeconds()
  await run()
  if (timed) {
    times.wall.push(now() - wall)
    times.cpu.push(cpuSeconds() - cpu)
  }
}

/** dualflow: `train.trainStep` (compiled with jit, as `fit` runs it). */
export const dualflowStepper = (setup: StepSetup): Stepper => {
  const { params, state } = setup.model.init(random.key(0), setup.inputShape)
  const optimizer = optim.adam({ learningRate: setup.learningRate })
  const step = train.trainStep(setup.model, { loss: setup.loss, optimizer })
  // init gives plain tensors: the trees are Trees of tensors.
  let ts = train.initialTrainState(params as Tree, state as Tree, optimizer, random.key(0))
  const times: StepTimes = { wall: [], cpu: [] }
  return {
    times,
    step: (batch, timed) => timedRun(times, timed, () => void (ts = step(ts, batch))),
    trained: () => ({ params: ts.params, state: ts.modelState }),
    dispose: () => undefined,
  }
}

/** tfjs on `lib`, from dualflow's initial weights. Switches the backend: run one lib's steps at a time. */
export const tfjsStepper = async (setup: StepSetup, lib: TfLib): Promise<Stepper> => {
  await useBackend(lib)
  const { params } = setup.model.init(random.key(0), setup.inputShape)
  const m = setup.tfModel(weightLeaves(params))
  m.compile({ optimizer: tf.train.adam(setup.learningRate, 0.9, 0.999, 1e-8), loss: setup.tfLoss })
  const times: StepTimes = { wall: [], cpu: [] }
  const cache = new Map<data.Dataset, readonly [tf.Tensor, tf.Tensor]>()
  return {
    times,
    step: async (batch, timed) => {
      await useBackend(lib)
      let pair = cache.get(batch)
      if (pair === undefined) {
        pair = [toTf(batch.x), toTf(batch.y)]
        cache.set(batch, pair)
      }
      const [x, y] = pair
      await timedRun(times, timed, async () => void (await m.trainOnBatch(x, y)))
    },
    dispose: () => {
      for (const [x, y] of cache.values()) {
        x.dispose()
        y.dispose()
      }
      m.dispose()
    },
  }
}

/** Median seconds of a list. */
export const medianOf = (seconds: readonly number[]): number => median(seconds)
