/** Models and CSV from a URL: a local HTTP server serving files from a temporary directory. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFile } from 'node:fs/promises'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CsvError } from '../../src/data/index.js'
import { encodeModel, ModelDecodeError } from '../../src/io/index.js'
import * as nn from '../../src/nn/index.js'
import * as random from '../../src/random/index.js'
import { fetchCsv, fetchModel, fetchText, WebError, type FetchLike } from '../../src/web/index.js'
import { bitsOf } from '../io/fakes.js'

const model = nn.sequential(nn.dense(3), nn.relu, nn.dense(1))
const init = model.init(random.key(4), [2])
const saved = { params: init.params, state: init.state, inputShape: [2] }

let dir = ''
let server: Server | undefined
let base = ''

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualflow-fetch-'))
  await writeFile(join(dir, 'model.json'), encodeModel(model, saved))
  await writeFile(join(dir, 'table.csv'), 'a,b,outcome\n1,2,0\n3,4,1\n')
  await writeFile(join(dir, 'bad.csv'), 'a,b,outcome\n1,2x,0\n')
  server = createServer((request, response) => {
    const name = (request.url ?? '').replace(/^\//, '')
    readFile(join(dir, name)).then(
      (body) => response.writeHead(200).end(body),
      () => response.writeHead(404, 'Not Found').end(),
    )
  })
  const listening = server
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`
})

afterAll(async () => {
  const running = server
  if (running !== undefined) await new Promise((resolve) => running.close(resolve))
  await rm(dir, { recursive: true, force: true })
})

describe('fetchModel, fetchText, fetchCsv over HTTP (the global fetch)', () => {
  it('fetchModel without a model rebuilds it from the file; with one, loads into it', async () => {
    const alone = await fetchModel(`${base}/model.json`)
    if (E.isLeft(alone)) throw alone.left
    expect(alone.right.model.spec).toEqual(model.spec)
    expect(bitsOf(alone.right.params)).toEqual(bitsOf(saved.params))
    const into = await fetchModel(`${base}/model.json`, model)
    if (E.isLeft(into)) throw into.left
    expect(bitsOf(into.right.params)).toEqual(bitsOf(saved.params))
  })

  it('fetchCsv gives the dataset; fetchText the text', async () => {
    const table = await fetchCsv(`${base}/table.csv`, { label: 'outcome' })
    if (E.isLeft(table)) throw table.left
    expect(table.right.x.shape).toEqual([2, 2])
    expect([...table.right.y.data]).toEqual([0, 1])
    expect(await fetchText(`${base}/table.csv`)).toEqual(E.right('a,b,outcome\n1,2,0\n3,4,1\n'))
  })

  it('a status that is not 2xx is a Left WebError with the status', async () => {
    const missing = await fetchModel(`${base}/nothing.json`)
    expect(E.isLeft(missing) && missing.left).toBeInstanceOf(WebError)
    expect(E.isLeft(missing) && missing.left.message).toBe(`fetchModel: ${base}/nothing.json: HTTP 404 Not Found`)
    expect(E.isLeft(missing) && missing.left instanceof WebError && missing.left.status).toBe(404)
  })

  it('content that is not a model, or not the table, is a Left of the content error', async () => {
    const notModel = await fetchModel(`${base}/table.csv`)
    expect(E.isLeft(notModel) && notModel.left).toBeInstanceOf(ModelDecodeError)
    const badTable = await fetchCsv(`${base}/bad.csv`, { label: 'outcome' })
    expect(E.isLeft(badTable) && badTable.left).toBeInstanceOf(CsvError)
  })

  it('a request that fails (nothing listening) is a Left WebError with the cause', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const failed = await fetchText(`http://127.0.0.1:${port}/x`)
    expect(E.isLeft(failed) && failed.left.message).toContain('the request failed')
    expect(E.isLeft(failed) && failed.left.cause).toBeDefined()
  })
})

describe('an injected fetch', () => {
  it('is used instead of the global one', async () => {
    const seen: string[] = []
    const fetch: FetchLike = async (url) => {
      seen.push(url)
      return { ok: true, status: 200, statusText: 'OK', text: async () => encodeModel(model, saved) }
    }
    const loaded = await fetchModel('memory://model', { fetch })
    expect(E.isRight(loaded)).toBe(true)
    const into = await fetchModel('memory://again', model, { fetch })
    expect(E.isRight(into)).toBe(true)
    expect(seen).toEqual(['memory://model', 'memory://again'])
  })

  it('a body that cannot be read is a Left WebError', async () => {
    const fetch: FetchLike = async () => ({ ok: true, status: 200, statusText: 'OK', text: async () => Promise.reject(new Error('stream broke')) })
    const text = await fetchText('memory://x', { fetch })
    expect(E.isLeft(text) && text.left.message).toBe('fetchText: memory://x: the body could not be read: stream broke')
  })
})
