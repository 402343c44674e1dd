/**
 * Inputs for the AD tests: tensors of random shapes drawn from each op's well-conditioned domain,
 * kept away from kinks and ties where a central difference would straddle them.
 */
import fc from 'fast-check'
import * as arb from '../../laws/arbitraries.js'
import * as T from '../../src/tensor/index.js'
import type { Shape, Tensor } from '../../src/tensor/index.js'

/** A tensor of random shape (rank 0–3, dims 1–4) with values in [min, max]. */
export const anyTensor = (min = -3, max = 3): fc.Arbitrary<Tensor> =>
  arb.shape({ maxRank: 3, maxDim: 4 }).chain((s) => arb.tensorOf(s, { min, max }))

/** A tensor of random shape with values positive (log, sqrt, reciprocal domains). */
export const positiveTensor = (min = 0.1, max = 5): fc.Arbitrary<Tensor> =>
  arb.shape({ maxRank: 3, maxDim: 4 }).chain((s) => arb.positiveTensorOf(s, { min, max }))

/** A tensor of random shape whose values stay at least `margin` away from 0 (kinks at 0). */
export const awayFromZeroTensor = (margin = 0.05, max = 3): fc.Arbitrary<Tensor> =>
  arb.shape({ maxRank: 3, maxDim: 4 }).chain((s) => arb.awayFromZeroTensorOf(s, margin, { max }))

/** Two tensors of broadcast-compatible shapes. */
export const broadcastPair = (min = -3, max = 3): fc.Arbitrary<readonly [Tensor, Tensor]> =>
  arb.broadcastPair({ maxRank: 3, maxDim: 4 }).chain(([a, b]) => fc.tuple(arb.tensorOf(a, { min, max }), arb.tensorOf(b, { min, max })))

/** Two broadcast-compatible tensors whose values differ by at least `gap` wherever they meet (max/min). */
export const separatedPair = (gap = 0.05): fc.Arbitrary<readonly [Tensor, Tensor]> =>
  arb.broadcastPair({ maxRank: 3, maxDim: 4 }).chain(([sa, sb]) =>
    fc.tuple(arb.tensorOf(sa, { min: -3, max: 3 }), arb.tensorOf(sb, { min: -3, max: 3 })).map(([a, b]) => {
      // Push b away from a: where they are within gap, move b by 2·gap; the result keeps b's shape.
      const ab = T.broadcastTo(a, T.broadcastShapes('pair', sa, sb))
      const bb = T.broadcastTo(b, ab.shape)
      const tooClose = ab.data.some((v, i) => Math.abs(v - (bb.data[i] ?? 0)) < gap)
      return tooClose ? ([a, T.addScalar(b, 10)] as const) : ([a, b] as const)
    }),
  )

/** Values with all pairwise gaps ≥ gap (for max/min reductions, so there are no ties). */
export const distinctTensor = (gap = 0.05): fc.Arbitrary<Tensor> =>
  arb.shape({ minRank: 1, maxRank: 3, maxDim: 4 }).chain((s: Shape) =>
    fc
      .shuffledSubarray(
        Array.from({ length: 200 }, (_, i) => i),
        { minLength: T.sizeOf(s), maxLength: T.sizeOf(s) },
      )
      .map((picks) => T.fromArray(picks.map((p) => (p - 100) * gap), s)),
  )
