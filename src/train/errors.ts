/**
 * Typed errors of training: bad options or data, rejected before any work, and a loss that turned
 * NaN or infinite during training.
 */
import type { Tree } from '../tree/index.js'

/** An option or the data given to fit/evaluate is unusable; `option` names which. */
export class TrainError extends Error {
  readonly _tag = 'TrainError' as const
  constructor(
    readonly option: string,
    readonly detail: string,
  ) {
    super(`fit: ${option}: ${detail}`)
    this.name = 'TrainError'
  }
}

/**
 * The loss became NaN or infinite. Carries where (epoch and batch, 1-based) and the last finite
 * parameters and model state, from before the step that diverged.
 */
export class DivergedError extends Error {
  readonly _tag = 'DivergedError' as const
  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly loss: number,
    readonly params: Tree,
    readonly state: Tree,
  ) {
    super(`fit: the loss became ${loss} at epoch ${epoch}, batch ${batch}; training stopped (the error carries the last finite parameters)`)
    this.name = 'DivergedError'
  }
}
