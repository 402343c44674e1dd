/**
 * Data augmentation: new training examples from old ones by transformations that keep the label.
 */
import * as random from '../random/index.js'
import type { Key } from '../random/index.js'
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Each image of `images` `[n, height, width, channels]` shifted by a whole number of pixels drawn
 * uniformly from −maxShift … maxShift in each direction (independently per image and axis),
 * zero-filled. The same key gives the same shifts.
 *
 * @example
 * data.randomShift(random.key(0), T.ones([2, 4, 4, 1]), 2).shape  // [2, 4, 4, 1]
 */
export const randomShift = (key: Key, images: Tensor, maxShift: number): Tensor => {
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new T.ArgumentError('randomShift', `maxShift must be a non-negative integer, got ${maxShift}`)
  const n = images.shape[0] ?? 0
  const draws = random.randint(key, [n, 2], -maxShift, maxShift + 1).data
  return T.translate(images, Array.from({ length: n }, (_, i) => [draws[2 * i] ?? 0, draws[2 * i + 1] ?? 0] as const))
}
