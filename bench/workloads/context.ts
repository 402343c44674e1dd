/**
 * What every workload receives from the runner.
 */
import type { Lib, Measurement } from '../stats.js'

export interface Context {
  /** The short version (the whole suite in under two minutes). */
  readonly quick: boolean
  /** The libraries to run. */
  readonly libs: readonly Lib[]
  /** Progress and remarks, to stderr. */
  readonly log: (message: string) => void
  /** Measurements of the workloads that ran before this one (W6 reads W2's). */
  readonly earlier: readonly Measurement[]
}
