/**
 * Integer translation of channels-last images, zero-filled: the kernel behind random-shift data
 * augmentation.
 */
import { ArgumentError, ShapeError } from './errors.js'
import { allocate } from './kernels/alloc.js'
import { unsafeTensor, type Tensor } from './Tensor.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Each image of `images` `[n, height, width, channels]` moved by its own whole-pixel offset
 * `[down, right]` (negative: up, left); pixels moved in from outside are 0.
 *
 * @example
 * T.toArray(T.translate(T.tensor([[[[1], [2]], [[3], [4]]]]), [[1, -1]]))  // [[[[0], [0]], [[2], [0]]]]
 * @throws {ShapeError} for images that are not [n, height, width, channels]
 * @throws {ArgumentError} for a missing offset or an offset that is not an integer
 */
export const translate = (images: Tensor, offsets: readonly (readonly [number, number])[]): Tensor => {
  if (images.shape.length !== 4) throw new ShapeError('translate', [images.shape], 'expects images [n, height, width, channels]')
  const [n = 0, h = 0, w = 0, c = 0] = images.shape
  if (offsets.length !== n) throw new ArgumentError('translate', `needs one offset per image: ${n} images, ${offsets.length} offsets`)
  const out = allocate(n * h * w * c)
  const x = images.data
  for (let b = 0; b < n; b++) {
    const [down = 0, right = 0] = offsets[b] ?? [0, 0]
    if (!Number.isInteger(down) || !Number.isInteger(right)) throw new ArgumentError('translate', `offsets must be integers, got [${down}, ${right}] for image ${b}`)
    for (let y = 0; y < h; y++) {
      const sy = y - down
      if (sy < 0 || sy >= h) continue
      for (let xx = 0; xx < w; xx++) {
        const sx = xx - right
        if (sx < 0 || sx >= w) continue
        const to = ((b * h + y) * w + xx) * c
        const from = ((b * h + sy) * w + sx) * c
        for (let ch = 0; ch < c; ch++) out[to + ch] = x[from + ch] ?? 0
      }
    }
  }
  return unsafeTensor(out, [n, h, w, c])
}
