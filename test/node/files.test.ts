import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { encodeModel, ModelDecodeError, ModelEncodeError, type SavedModel } from '../../src/io/index.js'
import { loadModel, ModelFileError, saveModel } from '../../src/node/index.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import { zeros } from '../../src/tensor/Tensor.js'
import { batchNorm, bitsOf, dense, sequential } from '../io/fakes.js'

const model = sequential(dense(3), batchNorm())
const init = model.init(random.key(4), [2])
const saved: SavedModel = { params: init.params, state: init.state, inputShape: [2] }
const other = model.init(random.key(5), [2])
const savedOther: SavedModel = { params: other.params, state: other.state, inputShape: [2] }

let root = ''
let counter = 0
/** A fresh empty directory per test. */
const freshDir = async (): Promise<string> => {
  const dir = join(root, `case-${counter++}`)
  await mkdir(dir)
  return dir
}

/** FileHandle's prototype, to make writes fail on purpose. */
const fileHandlePrototype = async (): Promise<FileHandle> => {
  const handle = await open(join(root, 'probe'), 'w')
  const proto: FileHandle = Object.getPrototypeOf(handle)
  await handle.close()
  return proto
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dualflow-files-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})
afterEach(() => {
  vi.restoreAllMocks()
})

describe('saveModel and loadModel', () => {
  it('save then load gives back the values bit for bit', async () => {
    const path = join(await freshDir(), 'model.json')
    expect(await saveModel(path, model, saved)).toEqual(E.right(undefined))
    expect(await readFile(path, 'utf8')).toBe(encodeModel(model, saved))
    const loaded = await loadModel(path, model)
    if (E.isLeft(loaded)) throw loaded.left
    expect(bitsOf(loaded.right.params)).toEqual(bitsOf(saved.params))
    expect(bitsOf(loaded.right.state)).toEqual(bitsOf(saved.state))
  })

  it('loadModel without a model rebuilds it from the file (nn layers)', async () => {
    const path = join(await freshDir(), 'alone.json')
    const real = nn.sequential(nn.dense(3), nn.batchNorm(), nn.relu, nn.dense(1))
    const values = real.init(random.key(9), [2])
    expect(await saveModel(path, real, { params: values.params, state: values.state, inputShape: [2] })).toEqual(E.right(undefined))
    const loaded = await loadModel(path)
    if (E.isLeft(loaded)) throw loaded.left
    expect(loaded.right.model.spec).toEqual(real.spec)
    expect(bitsOf(loaded.right.params)).toEqual(bitsOf(values.params))
    expect(loaded.right.inputShape).toEqual([2])
    const unknown = await loadModel(path, { layers: {} })
    expect(E.isLeft(unknown) && unknown.left.message).toContain('unknown layer kind "sequential"')
  })

  it('replaces an existing file and leaves no temporary file behind', async () => {
    const dir = await freshDir()
    const path = join(dir, 'model.json')
    await saveModel(path, model, saved)
    await saveModel(path, model, savedOther)
    expect(await readFile(path, 'utf8')).toBe(encodeModel(model, savedOther))
    expect(await readdir(dir)).toEqual(['model.json'])
  })

  it('leaves the old file untouched when the write fails midway', async () => {
    const dir = await freshDir()
    const path = join(dir, 'model.json')
    await saveModel(path, model, saved)
    const before = await readFile(path, 'utf8')
    const proto = await fileHandlePrototype()
    // Write half of the text, then fail as a full disk would.
    vi.spyOn(proto, 'writeFile').mockImplementation(async function (this: FileHandle, data) {
      await this.write(String(data).slice(0, 100))
      throw Object.assign(new Error('ENOSPC: no space left on device (simulated)'), { code: 'ENOSPC' })
    })
    const result = await saveModel(path, model, savedOther)
    expect(E.isLeft(result)).toBe(true)
    if (E.isLeft(result)) {
      expect(result.left).toBeInstanceOf(ModelFileError)
      expect(result.left.message).toContain(`saveModel: ${path}: cannot write the file: ENOSPC`)
    }
    expect(await readFile(path, 'utf8')).toBe(before)
    expect(await readdir(dir)).toEqual(['model.json'])
  })

  it('creates no file under the real name when the first write fails midway', async () => {
    const dir = await freshDir()
    const proto = await fileHandlePrototype()
    vi.spyOn(proto, 'writeFile').mockImplementation(async function (this: FileHandle, data) {
      await this.write(String(data).slice(0, 10))
      throw new Error('EIO: i/o error (simulated)')
    })
    expect(E.isLeft(await saveModel(join(dir, 'model.json'), model, saved))).toBe(true)
    expect(await readdir(dir)).toEqual([])
  })

  it('leaves the old file untouched when flushing to disk fails', async () => {
    const dir = await freshDir()
    const path = join(dir, 'model.json')
    await saveModel(path, model, saved)
    const before = await readFile(path, 'utf8')
    const proto = await fileHandlePrototype()
    vi.spyOn(proto, 'sync').mockRejectedValue(new Error('EIO: fsync failed (simulated)'))
    expect(E.isLeft(await saveModel(path, model, savedOther))).toBe(true)
    expect(await readFile(path, 'utf8')).toBe(before)
    expect(await readdir(dir)).toEqual(['model.json'])
  })

  it('is a Left when the target is a directory or its directory is missing', async () => {
    const dir = await freshDir()
    await mkdir(join(dir, 'taken'))
    const onDirectory = await saveModel(join(dir, 'taken'), model, saved)
    expect(E.isLeft(onDirectory) && onDirectory.left._tag).toBe('ModelFileError')
    expect((await readdir(dir)).sort()).toEqual(['taken'])
    const missing = await saveModel(join(dir, 'no', 'such', 'model.json'), model, saved)
    expect(E.isLeft(missing) && missing.left.cause).toMatchObject({ code: 'ENOENT' })
  })

  it('throws a ModelEncodeError before touching the disk when the values do not fit the model', async () => {
    const dir = await freshDir()
    expect(() => saveModel(join(dir, 'model.json'), model, { ...saved, params: [{ kernel: zeros([1]) }] })).toThrow(ModelEncodeError)
    expect(await readdir(dir)).toEqual([])
  })

  it('keeps one complete file when saves race', async () => {
    const dir = await freshDir()
    const path = join(dir, 'model.json')
    const results = await Promise.all([saveModel(path, model, saved), saveModel(path, model, savedOther), saveModel(path, model, saved)])
    expect(results.every(E.isRight)).toBe(true)
    expect([encodeModel(model, saved), encodeModel(model, savedOther)]).toContain(await readFile(path, 'utf8'))
    expect(await readdir(dir)).toEqual(['model.json'])
  })

  it('loadModel is a Left ModelFileError for a missing file', async () => {
    const path = join(await freshDir(), 'absent.json')
    const result = await loadModel(path, model)
    expect(E.isLeft(result) && result.left).toBeInstanceOf(ModelFileError)
    expect(E.isLeft(result) && result.left.message).toContain(`loadModel: ${path}: cannot read the file`)
  })

  it('loadModel is a Left ModelDecodeError for bad content', async () => {
    const dir = await freshDir()
    const truncated = join(dir, 'truncated.json')
    await writeFile(truncated, encodeModel(model, saved).slice(0, 200))
    const t = await loadModel(truncated, model)
    expect(E.isLeft(t) && t.left).toBeInstanceOf(ModelDecodeError)
    expect(E.isLeft(t) && t.left.path).toBe('$')

    const latin1 = join(dir, 'latin1.json')
    await writeFile(latin1, Buffer.concat([Buffer.from('{"format": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]))
    const l = await loadModel(latin1, model)
    expect(E.isLeft(l) && l.left.message).toContain('decodeModel: at $: the file is not UTF-8 text')
  })

  it('loadModel accepts a UTF-8 byte order mark', async () => {
    const path = join(await freshDir(), 'bom.json')
    await writeFile(path, `\uFEFF${encodeModel(model, saved)}`)
    expect(E.isRight(await loadModel(path, model))).toBe(true)
  })
})
