/**
 * Embedding: integer ids → rows of a learned table, as Keras's `Embedding(inputDim, outputDim)`.
 * Params `{ embeddings: [inputDim, outputDim] }`; an input `[batch, …]` of ids gives
 * `[batch, …, outputDim]`. The gradient reaches the table only (ids are not differentiable); rows
 * picked several times add up their cotangents.
 */
import * as ad from '../ad/index.js'
import { primalTensor } from '../ad/index.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'
import { LayerError } from './errors.js'
import { uniform, type Initializer } from './init.js'
import type { Layer, NoState } from './Layer.js'
import { leafWithShape } from './params.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link embedding}. */
export interface EmbeddingOptions {
  /** How the table starts (default uniform on [−0.05, 0.05), Keras's `'uniform'`). */
  readonly embeddingsInitializer?: Initializer
}

/** The parameters of an embedding layer: the table `[inputDim, outputDim]`. */
export type EmbeddingParams = { readonly embeddings: Tensor }

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * A table of `inputDim` vectors of length `outputDim`, looked up by integer ids in [0, inputDim).
 * An id that is not an integer or is out of range is a `LayerError` naming its position.
 *
 * @example
 * const layer = nn.embedding(3, 2)
 * const table = { embeddings: tensor([[0, 0], [1, 10], [2, 20]]) }
 * layer.apply(table, {}, tensor([[2, 1]]), { training: false }).y  // [[[2, 20], [1, 10]]]
 * layer.apply(table, {}, tensor([[2, 3]]), { training: false })    // throws LayerError "embedding(3, 2): id 3 at [0,1] is out of range [0, 3)"
 * @throws {ArgumentError} (from the tensor module) for dimensions that are not positive integers
 * @throws {LayerError} at apply for an id that is not an integer or out of range (naming its position), or a table of the wrong shape
 */
export const embedding = (inputDim: number, outputDim: number, { embeddingsInitializer = uniform() }: EmbeddingOptions = {}): Layer<EmbeddingParams, NoState> => {
  for (const [what, v] of [['inputDim', inputDim], ['outputDim', outputDim]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new T.ArgumentError('embedding', `${what} must be a positive integer, got ${v}`)
  }
  const name = `embedding(${inputDim}, ${outputDim})`
  return {
    name,
    spec: { kind: 'embedding', inputDim, outputDim },
    init: (key, inputShape) => ({
      params: { embeddings: embeddingsInitializer(key, [inputDim, outputDim]) },
      state: {},
      outputShape: [...inputShape, outputDim],
    }),
    apply: (params, state, x) => {
      const table = leafWithShape(name, 'params', params, 'embeddings', [inputDim, outputDim])
      const ids = primalTensor(x)
      if (ids.shape.length === 0) throw new LayerError(name, `expects ids [batch, ...], got a scalar`)
      const indices = Array.from(ids.data, (id, i) => {
        if (!Number.isInteger(id)) throw new LayerError(name, `id ${id} at ${position(ids.shape, i)} is not an integer`)
        if (id < 0 || id >= inputDim) throw new LayerError(name, `id ${id} at ${position(ids.shape, i)} is out of range [0, ${inputDim})`)
        return id
      })
      return { y: ad.reshape(ad.gather(table, indices, 0), [...ids.shape, outputDim]), state }
    },
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** The multi-index of flat position i in a row-major shape: `[1,3]`. */
const position = (shape: T.Shape, i: number): string => {
  const index: number[] = []
  let rest = i
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] ?? 1
    index.unshift(rest % size)
    rest = Math.floor(rest / size)
  }
  return T.formatShape(index)
}
