/**
 * data — datasets as `{ x, y }` tensors: batching, shuffling and splitting with keys, one-hot
 * encoding, feature scaling, CSV decoding, the planar toy problems (XOR quadrants, circles, two
 * Gaussians, spiral), and the bundled datasets (logic gates, Pima diabetes,
 * MNIST through the optional `mnist` package). Re-exports only.
 *
 * @module dualflow/data
 */
export * from './Dataset.js'
export * from './batches.js'
export * from './split.js'
export * from './encoding.js'
export * from './scaling.js'
export * from './csv.js'
export * from './gates.js'
export * from './pima.js'
export * from './mnist.js'
export * from './iris.js'
export * from './augment.js'
export * from './planar.js'
