/** Models in IndexedDB, tested against fake-indexeddb (an in-memory implementation of the spec). */
import { IDBFactory } from 'fake-indexeddb'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { encodeModel, ModelDecodeError, ModelEncodeError } from '../../src/io/index.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import { zeros } from '../../src/tensor/Tensor.js'
import { loadModel, saveModel, WebError, type IdbFactory } from '../../src/web/index.js'
import { bitsOf } from '../io/fakes.js'

const model = nn.sequential(nn.dense(3), nn.batchNorm(), nn.relu, nn.dense(1))
const init = model.init(random.key(4), [2])
const saved = { params: init.params, state: init.state, inputShape: [2] }
const other = model.init(random.key(5), [2])

/** A fresh, empty IndexedDB for each test. */
const fresh = (): IdbFactory => new IDBFactory()

describe('saveModel and loadModel in IndexedDB', () => {
  it('save then load (with the model, and without it) gives back the values bit for bit', async () => {
    const indexedDB = fresh()
    expect(await saveModel('pima', model, saved, { indexedDB })).toEqual(E.right(undefined))
    const withModel = await loadModel('pima', model, { indexedDB })
    if (E.isLeft(withModel)) throw withModel.left
    expect(bitsOf(withModel.right.params)).toEqual(bitsOf(saved.params))
    expect(bitsOf(withModel.right.state)).toEqual(bitsOf(saved.state))
    const alone = await loadModel('pima', { indexedDB })
    if (E.isLeft(alone)) throw alone.left
    expect(alone.right.model.spec).toEqual(model.spec)
    expect(bitsOf(alone.right.params)).toEqual(bitsOf(saved.params))
  })

  it('stores the model file text itself, under its name, and a second save replaces the first', async () => {
    const indexedDB = fresh()
    await saveModel('m', model, saved, { indexedDB })
    await saveModel('m', model, { ...saved, params: other.params }, { indexedDB })
    await saveModel('n', model, saved, { indexedDB, database: 'elsewhere' })
    const loaded = await loadModel('m', model, { indexedDB })
    if (E.isLeft(loaded)) throw loaded.left
    expect(bitsOf(loaded.right.params)).toEqual(bitsOf(other.params))
    expect(E.isLeft(await loadModel('n', model, { indexedDB }))).toBe(true)
    expect(E.isRight(await loadModel('n', model, { indexedDB, database: 'elsewhere' }))).toBe(true)
  })

  it('is a Left WebError for a name with nothing stored', async () => {
    const loaded = await loadModel('missing', { indexedDB: fresh() })
    expect(E.isLeft(loaded) && loaded.left).toBeInstanceOf(WebError)
    expect(E.isLeft(loaded) && loaded.left.message).toBe('loadModel: missing: no model is stored under this name')
  })

  it('is a Left ModelDecodeError when the stored model does not fit the given model', async () => {
    const indexedDB = fresh()
    await saveModel('m', model, saved, { indexedDB })
    const loaded = await loadModel('m', nn.sequential(nn.dense(4)), { indexedDB })
    expect(E.isLeft(loaded) && loaded.left).toBeInstanceOf(ModelDecodeError)
  })

  it('is a Left WebError when there is no IndexedDB (Node has none)', async () => {
    expect(Reflect.get(globalThis, 'indexedDB')).toBeUndefined()
    const loaded = await loadModel('m')
    expect(E.isLeft(loaded) && loaded.left.message).toContain('no IndexedDB')
    const written = await saveModel('m', model, saved)
    expect(E.isLeft(written) && written.left).toBeInstanceOf(WebError)
  })

  it('is a Left WebError when the storage refuses (a factory whose open throws)', async () => {
    const broken: IdbFactory = {
      open: () => {
        throw new Error('SecurityError: storage disabled')
      },
    }
    const written = await saveModel('m', model, saved, { indexedDB: broken })
    expect(E.isLeft(written) && written.left.message).toContain('storage disabled')
  })

  it('throws a ModelEncodeError before touching storage when the values do not fit the model', async () => {
    const untouched: IdbFactory = {
      open: () => {
        throw new Error('must not be called')
      },
    }
    await expect(saveModel('m', model, { ...saved, params: [{ kernel: zeros([9, 9]) }] }, { indexedDB: untouched })).rejects.toBeInstanceOf(ModelEncodeError)
  })

  it('reads text that was stored by other code as a model file', async () => {
    const indexedDB = fresh()
    await saveModel('m', model, saved, { indexedDB })
    const again = await loadModel('m', { indexedDB })
    if (E.isLeft(again)) throw again.left
    expect(encodeModel(again.right.model, again.right)).toBe(encodeModel(model, saved))
  })
})
