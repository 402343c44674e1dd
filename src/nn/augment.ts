/**
 * Augmentation layers: random transformations applied in training only (Keras's preprocessing
 * layers such as `RandomTranslation`), so that a model sees a new variant of each example every
 * epoch. At inference they are the identity.
 */
import * as ad from '../ad/index.js'
import { constantOp, keyWords } from '../ad/extend.js'
import * as random from '../random/index.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'
import { expectsInput, LayerError } from './errors.js'
import type { Layer, NoParams, NoState } from './Layer.js'

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * In training, shifts each image `[height, width, channels]` by whole pixels drawn uniformly from
 * −maxShift … maxShift per axis (from `ctx.key`), zero-filled; at inference, the identity. Put it
 * first: its input is data, not a value under differentiation.
 *
 * @example
 * const layer = nn.randomShift(1)
 * const x = T.ones([1, 3, 3, 1])
 * layer.apply({}, {}, x, { training: false }).y === x  // true
 * T.sum(ad.primalTensor(layer.apply({}, {}, x, { training: true, key: random.key(3) }).y)).data[0] <= 9  // true
 * @throws {ArgumentError} (from the tensor module) for a maxShift that is not a non-negative integer
 * @throws {LayerError} at init for an input that is not an image [height, width, channels]; in training without a key, or on a Dual
 */
export const randomShift = (maxShift: number): Layer<NoParams, NoState> => {
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new T.ArgumentError('randomShift', `maxShift must be a non-negative integer, got ${maxShift}`)
  const name = `randomShift(${maxShift})`
  return {
    name,
    spec: { kind: 'randomShift', maxShift },
    init: (_key, inputShape) => {
      if (inputShape.length !== 3) throw new LayerError(name, expectsInput('[height, width, channels]', inputShape))
      return { params: {}, state: {}, outputShape: inputShape }
    },
    apply: (_params, state, x, ctx) => {
      if (!ctx.training || maxShift === 0) return { y: x, state }
      if (ctx.key === undefined) throw new LayerError(name, 'training needs a key in the context ({ training: true, key }) to draw the shifts')
      if (!ad.isUndifferentiated(x)) throw new LayerError(name, 'its input must be data, not a value under differentiation: put it first in the model')
      // Drawn and applied by ops from the key's words: under `jit` the shifts are part of the plan
      // and are drawn afresh from each step's key (the same bits as here), so the step stays compiled.
      const n = ad.shapeOf(x)[0] ?? 0
      const shifts = drawShifts([keyWords(ctx.key)], { n, maxShift })
      return { y: shiftImages([x, shifts], undefined), state }
    },
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** The shifts [n, 2] (rows down, columns right) in −maxShift … maxShift, drawn from the key's words. */
const drawShifts = constantOp('randomShift.shifts', ([words]: readonly Tensor[], { n, maxShift }: { readonly n: number; readonly maxShift: number }) => {
  const w = words?.data
  return random.randint(random.keyFromWords([w?.[0] ?? 0, w?.[1] ?? 0]), [n, 2], -maxShift, maxShift + 1)
})

/** The images moved by their shifts, zero-filled (`T.translate`); a constant of every differentiation (its input is data). */
const shiftImages = constantOp('randomShift.translate', ([images, shifts]: readonly Tensor[]): Tensor => {
  const x = images ?? T.zeros([0, 0, 0, 0])
  const d = shifts?.data ?? new Float64Array(0)
  const n = x.shape[0] ?? 0
  return T.translate(x, Array.from({ length: n }, (_, i) => [d[2 * i] ?? 0, d[2 * i + 1] ?? 0] as const))
})
