/**
 * `scaleByLearningRate`: the descent step. Multiplies the updates by −learningRate, the rate taken
 * from a constant or from a schedule of the step count; the count lives in the state.
 */
import { isDual, primalTensor } from '../../ad/index.js'
import * as T from '../../tensor/index.js'
import type { Tensor } from '../../tensor/index.js'
import { elementwiseKernels as K } from '../../tensor/internal.js'
import * as tree from '../../tree/index.js'
import { arityError, containsDual, fusedLeaves, fusedScalar } from '../fused.js'
import type { GradientTransformation } from '../GradientTransformation.js'
import type { Schedule } from '../schedules.js'
import { learningRate } from '../validation.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * How many updates have been made (0 before the first), as a scalar tensor: a compiled training
 * step carries it through its plan.
 */
export interface ScaleByLearningRateState {
  readonly step: Tensor
}

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * u ← −η(step) · g, then step ← step + 1. The first update uses η(0). A constant rate must be a
 * positive finite number; a schedule may give any finite rate ≥ 0 (a warm-up starts at 0), and a
 * negative or non-finite one is an error naming the step.
 *
 * @example
 * const transform = optim.scaleByLearningRate(0.1)
 * transform.update({ w: vector([1, 2]) }, transform.init({ w: zeros([2]) }))  // [{ w: [-0.1, -0.2] }, { step: 1 }]
 */
export const scaleByLearningRate = (rate: number | Schedule): GradientTransformation<ScaleByLearningRateState> => {
  const checked = learningRate('scaleByLearningRate', rate)
  const rateAt = (step: number): number => {
    if (typeof checked === 'number') return checked
    const r = checked(step)
    if (!(r >= 0 && Number.isFinite(r))) {
      throw new T.ArgumentError('scaleByLearningRate', `the schedule gave the learning rate ${r} at step ${step}; it must be a finite number >= 0`)
    }
    return r
  }
  return {
    init: () => ({ step: T.scalar(0) }),
    update: (grads, { step }) => {
      const next = fusedScalar('scaleByLearningRate.count', step, (s) => s + 1)
      if (typeof checked !== 'number' && isDual(step)) {
        // Under jit a schedule runs inside the plan: a node asks it for the rate of the count it
        // reads at each replay (a schedule is a pure function of the count), and the loop scales by −rate.
        const rateNow = fusedScalar('scaleByLearningRate.rate', step, rateAt)
        const [u] = fusedLeaves(
          [grads],
          1,
          ([g, r], [u1]) => {
            if (g === undefined || r === undefined || u1 === undefined) throw arityError('scaleByLearningRate')
            K.scaleLoop(g, -(r[0] ?? Number.NaN), u1)
          },
          [rateNow],
        )
        return [u, { step: next }]
      }
      const factor = -(typeof checked === 'number' ? checked : rateAt(primalTensor(step).data[0] ?? Number.NaN))
      // Plain tensors: tree.scale (T.scale is K.scaleLoop); tracers: the same loop, recorded.
      const u = containsDual(grads)
        ? fusedLeaves([grads], 1, ([g], [u1]) => {
            if (g === undefined || u1 === undefined) throw arityError('scaleByLearningRate')
            K.scaleLoop(g, factor, u1)
          })[0]
        : tree.scale(grads, factor)
      return [u, { step: next }]
    },
  }
}
