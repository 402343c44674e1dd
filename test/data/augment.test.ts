import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as data from '../../src/data/index.js'
import * as ad from '../../src/ad/index.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'

const image = T.fromArray(Array.from({ length: 16 }, (_, i) => i + 1), [1, 4, 4, 1])

describe('translate', () => {
  it('moves each image by its own offset, zero-filled', () => {
    expect(T.toArray(T.reshape(T.translate(image, [[1, 2]]), [4, 4]))).toEqual([
      [0, 0, 0, 0],
      [0, 0, 1, 2],
      [0, 0, 5, 6],
      [0, 0, 9, 10],
    ])
    expect(T.toArray(T.reshape(T.translate(image, [[-3, 0]]), [4, 4]))).toEqual([[13, 14, 15, 16], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
  })
  it('shifting there and back keeps the pixels that stayed inside', () =>
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 }), (dy, dx) => {
        const back = T.translate(T.translate(image, [[dy, dx]]), [[-dy, -dx]])
        back.data.forEach((v, i) => expect(v === 0 || v === image.data[i]).toBe(true))
      }),
    ))
  it('refuses a wrong rank, a missing offset and fractional offsets', () => {
    expect(() => T.translate(T.zeros([4, 4]), [])).toThrow('translate: [4,4]: expects images [n, height, width, channels]')
    expect(() => T.translate(image, [])).toThrow('translate: needs one offset per image: 1 images, 0 offsets')
    expect(() => T.translate(image, [[0.5, 0]])).toThrow('translate: offsets must be integers')
  })
})

describe('randomShift', () => {
  it('draws shifts of at most maxShift from the key: same key, same images', () => {
    const images = T.ones([20, 6, 6, 1])
    const a = data.randomShift(random.key(5), images, 2)
    expect(a).toEqual(data.randomShift(random.key(5), images, 2))
    expect(a).not.toEqual(data.randomShift(random.key(6), images, 2))
    // A shift of at most 2 per axis keeps the central 2×2 of a 6×6 image of ones.
    for (let n = 0; n < 20; n++) for (const [y, x] of [[2, 2], [2, 3], [3, 2], [3, 3]]) expect(a.data[(n * 6 + (y ?? 0)) * 6 + (x ?? 0)]).toBe(1)
    expect(T.item(T.sum(a))).toBeLessThan(20 * 36)
  })
  it('as a layer: the identity at inference, a keyed shift in training, refused on a Dual', () => {
    const layer = nn.randomShift(1)
    expect(layer.apply({}, {}, image, { training: false }).y).toBe(image)
    const y = layer.apply({}, {}, image, { training: true, key: random.key(1) }).y
    expect(y).toEqual(layer.apply({}, {}, image, { training: true, key: random.key(1) }).y)
    // The layer draws through ops on the key's words: the same shifts as data.randomShift with that key.
    expect(y).toEqual(data.randomShift(random.key(1), image, 1))
    expect(() => layer.apply({}, {}, image, { training: true })).toThrow('randomShift(1): training needs a key')
    expect(() => ad.grad((x: ad.Value) => ad.sum(layer.apply({}, {}, x, { training: true, key: random.key(1) }).y))(image)).toThrow(
      'randomShift(1): its input must be data, not a value under differentiation',
    )
    expect(() => layer.init(random.key(0), [4, 4])).toThrow('randomShift(1): expects input [height, width, channels], got [4,4]')
  })
})
