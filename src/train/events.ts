/**
 * Training events: what `fit` tells an observer (a progress bar, a logger, a plot) as the fold runs.
 * Observers receive data; they cannot change the fold.
 */

/** Values of one epoch: the mean training loss and metrics, and validation ones when available. */
export interface EpochLog {
  /** 1-based. */
  readonly epoch: number
  readonly loss: number
  readonly metrics: Readonly<Record<string, number>>
  readonly validation?: { readonly loss: number; readonly metrics: Readonly<Record<string, number>> }
  /** Training samples per second, when fit was given a clock. */
  readonly samplesPerSecond?: number
  /** Seconds the epoch took, when fit was given a clock. */
  readonly seconds?: number
}

/** What fit reports, in order: trainStart, then per epoch epochStart, batchEnd…, epochEnd; trainEnd. */
export type TrainEvent =
  | { readonly type: 'trainStart'; readonly epochs: number; readonly samples: number; readonly batchesPerEpoch: number }
  | { readonly type: 'epochStart'; readonly epoch: number; readonly epochs: number }
  | {
      readonly type: 'batchEnd'
      readonly epoch: number
      readonly epochs: number
      readonly batch: number
      readonly batches: number
      /** Samples seen so far in this epoch. */
      readonly seen: number
      readonly samples: number
      /** Mean loss over the epoch's batches so far. */
      readonly loss: number
      readonly samplesPerSecond?: number
      readonly elapsedSeconds?: number
    }
  | { readonly type: 'epochEnd'; readonly epochs: number; readonly log: EpochLog }
  | { readonly type: 'trainEnd'; readonly history: readonly EpochLog[]; readonly stoppedEarly: boolean; readonly bestEpoch?: number }
