/**
 * `traceMomentum`: heavy-ball momentum, optionally Nesterov's. The running velocity is the state.
 */
import * as tree from '../../tree/index.js'
import type { Tree } from '../../tree/index.js'
import type { ReadonlyFloat64Array } from '../../tensor/index.js'
import { arityError, fusedLeaves } from '../fused.js'
import type { GradientTransformation } from '../GradientTransformation.js'
import { decayRate } from '../validation.js'
import { momentumInto, momentumSource } from '../../tensor/internal.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** The velocity v, shaped like the parameters (zeros before the first update). */
export interface TraceMomentumState {
  readonly velocity: Tree
}

/** Options of `traceMomentum`. */
export interface TraceMomentumOptions {
  /** β, the decay of the velocity, in [0, 1) (default 0.9). */
  readonly decay?: number
  /** Use Nesterov's look-ahead update β·v + g instead of v (default false). */
  readonly nesterov?: boolean
}

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * v ← β·v + g; the update is v (heavy ball), or β·v + g with the new v (Nesterov, as optax and
 * Keras's `nesterov=True`). Chained before `scaleByLearningRate(η)` this is Keras's SGD with
 * momentum: v_Keras = −η·v for a constant η.
 *
 * @example
 * const transform = optim.traceMomentum({ decay: 0.5 })
 * const g = { w: vector([2]) }
 * const [u1, s1] = transform.update(g, transform.init(g))  // [{ w: [2] }, { velocity: { w: [2] } }]
 * transform.update(g, s1)[0]                               // { w: [3] } = 0.5·2 + 2
 */
export const traceMomentum = ({ decay = 0.9, nesterov = false }: TraceMomentumOptions = {}): GradientTransformation<TraceMomentumState> => {
  decayRate('traceMomentum', 'decay', decay)
  return {
    init: (params) => ({ velocity: tree.zerosLike(params) }),
    update: (grads, { velocity }) => {
      // With β = 0 the velocity is the gradient and so is the update: plain SGD, no arithmetic.
      if (decay === 0) return [grads, { velocity: grads }]
      if (!nesterov) {
        const [v] = fusedLeaves(
          [grads, velocity],
          1,
          Object.assign(
            ([g, v0]: readonly ReadonlyFloat64Array[], [v1]: readonly Float64Array[]): void => {
              if (g === undefined || v0 === undefined || v1 === undefined) throw arityError('traceMomentum')
              momentumInto(g, v0, v1, undefined, decay)
            },
            // Under jit's generated code: the same loop inline (momentumInto's element function).
            { inline: (length: number) => momentumSource(length, decay, false) },
          ),
        )
        return [v, { velocity: v }]
      }
      const [u, v] = fusedLeaves(
        [grads, velocity],
        2,
        Object.assign(
          ([g, v0]: readonly ReadonlyFloat64Array[], [u1, v1]: readonly Float64Array[]): void => {
            if (g === undefined || v0 === undefined || u1 === undefined || v1 === undefined) throw arityError('traceMomentum')
            momentumInto(g, v0, v1, u1, decay)
          },
          { inline: (length: number) => momentumSource(length, decay, true) },
        ),
      )
      return [u, { velocity: v }]
    },
  }
}
