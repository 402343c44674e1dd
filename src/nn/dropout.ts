/**
 * Dropout: during training, each unit is zeroed with probability `rate` and the kept units are
 * scaled by 1/(1 − rate) ("inverted" dropout), so that the expected output equals the input and
 * inference needs no rescaling. At inference the layer is the identity.
 */
import * as ad from '../ad/index.js'
import { constantOp, keyWords } from '../ad/extend.js'
import * as random from '../random/index.js'
import * as T from '../tensor/index.js'
import type { Shape, Tensor } from '../tensor/index.js'
import { LayerError } from './errors.js'
import type { Layer, NoParams, NoState } from './Layer.js'

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * Dropout of rate `rate` in [0, 1). When `ctx.training` is true the mask is drawn from `ctx.key`
 * (Bernoulli with keep probability 1 − rate, one draw per element of the batch): the same key gives
 * the same mask; a training call without a key is a `LayerError` (even at rate 0, so that the mistake shows before the rate is raised). The mask is a constant: the
 * gradient flows through the kept units, scaled by 1/(1 − rate).
 *
 * @throws {ArgumentError} (from the tensor module) for a rate outside [0, 1)
 * @throws {LayerError} when applied in training without a key in the context
 * @example
 * const layer = nn.dropout(0.5)
 * const x = tensor([[1, 2, 3, 4]])
 * layer.apply({}, {}, x, { training: false }).y === x               // true
 * layer.apply({}, {}, x, { training: true, key: random.key(1) }).y  // [[2, 4, 0, 0]]
 */
export const dropout = (rate: number): Layer<NoParams, NoState> => {
  if (!(rate >= 0 && rate < 1)) throw new T.ArgumentError('dropout', `rate must be in [0, 1), got ${rate}`)
  const name = `dropout(${rate})`
  const keep = 1 - rate
  return {
    name,
    spec: { kind: 'dropout', rate },
    init: (_key, inputShape) => ({ params: {}, state: {}, outputShape: inputShape }),
    apply: (_params, state, x, ctx) => {
      if (!ctx.training) return { y: x, state }
      if (ctx.key === undefined) throw new LayerError(name, 'training needs a key in the context ({ training: true, key }) to draw the mask')
      if (rate === 0) return { y: x, state }
      // Drawn by an op from the key's words: under jit the mask is part of the plan and is drawn
      // afresh from each step's key (the same bits as here), so the step stays compiled.
      const mask = drawMask([keyWords(ctx.key)], { keep, shape: ad.shapeOf(x) })
      return { y: ad.mul(x, mask), state }
    },
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** The inverted-dropout mask bernoulli(key, keep)/keep, from the key's words (a constant of every differentiation). */
const drawMask = constantOp('dropout.mask', ([words]: readonly Tensor[], { keep, shape }: { readonly keep: number; readonly shape: Shape }) => {
  const w = words?.data
  const k = random.keyFromWords([w?.[0] ?? 0, w?.[1] ?? 0])
  return T.scale(random.bernoulli(k, keep, shape), 1 / keep)
})
