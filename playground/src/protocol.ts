/** The messages between the page and the training worker. */
import type { Backprop, DenseWeights, LossPoint } from './engine.js'
import type { LawReport } from './laws.js'
import type { Settings } from './settings.js'

export type Request =
  | { readonly type: 'reset'; readonly settings: Settings }
  | { readonly type: 'play' }
  | { readonly type: 'pause' }
  | { readonly type: 'step' }
  | { readonly type: 'backprop'; readonly point: readonly [number, number]; readonly label: number }
  | { readonly type: 'prove'; readonly runs: number }

export type Response =
  | { readonly type: 'points'; readonly train: [number, number, number][]; readonly test: [number, number, number][] }
  | {
      readonly type: 'frame'
      readonly step: number
      readonly playing: boolean
      readonly history: readonly LossPoint[]
      /** The output probability over the plane, res × res from the top-left. */
      readonly boundary: readonly number[]
      /** Each unit's output over the plane: neurons[layer][unit], res × res. */
      readonly neurons: number[][][]
      readonly weights: DenseWeights[]
    }
  | { readonly type: 'backprop'; readonly step: number; readonly result: Backprop }
  | { readonly type: 'prove'; readonly step: number; readonly reports: LawReport[] }
  | { readonly type: 'error'; readonly message: string }
