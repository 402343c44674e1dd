/**
 * Loading a model file without the code that built the model: the file's layer description
 * rebuilds the architecture through a layer registry, and the tensors are then checked against the
 * rebuilt model exactly as `decodeModel` checks them against a given one.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Layer } from '../nn/index.js'
import { readModelFile, savedFromFile, type DecodeOptions } from './decode.js'
import type { ModelDecodeError } from './errors.js'
import { layerFromSpec, layers, type LayerRegistry } from './registry.js'
import type { SavedModel } from './SavedModel.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A model rebuilt from its file, with its parameters, state and input shape. */
export interface RestoredModel extends SavedModel {
  readonly model: Layer
}

/** Options of `restoreModel`. */
export interface RestoreOptions extends DecodeOptions {
  /**
   * The layer kinds the file may use (default: the library's, `io.layers`). Pass
   * `{ ...io.layers, myLayer: io.layerKind(codec, build) }` for layers of your own.
   */
  readonly layers?: LayerRegistry
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The model a file describes, rebuilt from the file alone, with its trained values: the layer
 * description (`spec`) builds the layers through the registry, then the tensors are checked
 * against that model as {@link decodeModel} does (same stages, same errors). Keras's `load_model`.
 * Never throws for any text (it throws an ArgumentError only for a `maxElements` that is not a
 * positive integer). A Left ModelDecodeError names the JSON path: an unknown layer kind at
 * `$.spec.layers[2].kind`, a refused option at its spec, a description the layer would not write
 * back the same way (an extra key, say) at the differing path.
 *
 * Layer options that are not part of a spec (a dense layer's initializers) take their defaults in
 * the rebuilt model: they matter only to `init`, not to the loaded values.
 *
 * @example
 * const model = nn.sequential(nn.dense(4), nn.relu, nn.dense(1), nn.sigmoid)
 * const { params, state } = model.init(random.key(0), [3])
 * const restored = io.restoreModel(io.encodeModel(model, { params, state, inputShape: [3] }))
 * E.isRight(restored) && nn.summary(restored.right.model, [3]).text === nn.summary(model, [3]).text  // true
 */
export const restoreModel = (json: string, { layers: registry = layers, ...decodeOptions }: RestoreOptions = {}): E.Either<ModelDecodeError, RestoredModel> => {
  const file = readModelFile(json, decodeOptions)
  if (E.isLeft(file)) return file
  const model = layerFromSpec(file.right.spec, registry)
  if (E.isLeft(model)) return model
  const saved = savedFromFile(file.right, model.right)
  return E.isLeft(saved) ? saved : E.right({ model: model.right, ...saved.right })
}
