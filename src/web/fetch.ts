/**
 * Models and CSV text from a URL, with `fetch` (browsers, Node ≥ 18, Deno, workers). The fetch
 * function can be passed in (`options.fetch`) — for tests, credentials or a proxy — and defaults
 * to the global one. Nothing here throws or rejects: every outcome is an Either.
 */
import * as E from 'fp-ts/lib/Either.js'
import { fromCsv, type CsvError, type Dataset, type FromCsvOptions } from '../data/index.js'
import { decodeModel, restoreModel, type ModelDecodeError, type RestoredModel, type RestoreOptions, type SavableModel, type SavedModel } from '../io/index.js'
import { messageOf, WebError, type WebOp } from './errors.js'
import type { Tree } from '../tree/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** What the helpers read of a fetch response (a `Response` is one). */
export interface FetchResponse {
  readonly ok: boolean
  readonly status: number
  readonly statusText: string
  /** The body as text. */
  text(): Promise<string>
}

/** A fetch function: the global `fetch` is one. */
export type FetchLike = (url: string) => Promise<FetchResponse>

/** Options of the fetch helpers. */
export interface FetchOptions {
  /** The fetch function (default: the global `fetch`). */
  readonly fetch?: FetchLike
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The body of `url` as text. A Left WebError when there is no fetch function, the request fails
 * (network, CORS, a bad URL), the status is not 2xx (`status` holds it), or the body cannot be read.
 *
 * @example
 * const csv = await fetchText('https://example.org/pima.csv')
 * if (isRight(csv)) data.fromCsv(csv.right, { label: 'outcome' })
 */
export const fetchText = (url: string, options: FetchOptions = {}): Promise<E.Either<WebError, string>> => textAt('fetchText', url, options)

/**
 * A model file from `url`. With a `model`, loaded into it (`io.decodeModel`); without one, the
 * model is rebuilt from the file (`io.restoreModel`; `options.layers` for layers of your own).
 * A Left WebError for the request (see {@link fetchText}), a Left ModelDecodeError for the content.
 *
 * @example
 * const loaded = await fetchModel('https://example.org/pima.json')
 * if (isRight(loaded)) train.predict(loaded.right.model, loaded.right.params, loaded.right.state, x)
 */
export function fetchModel<P extends Tree = Tree, S extends Tree = Tree>(url: string, model: SavableModel<P, S>, options?: FetchOptions): Promise<E.Either<WebError | ModelDecodeError, SavedModel<P, S>>>
export function fetchModel(url: string, options?: FetchOptions & RestoreOptions): Promise<E.Either<WebError | ModelDecodeError, RestoredModel>>
export async function fetchModel(
  url: string,
  modelOrOptions: SavableModel | (FetchOptions & RestoreOptions) = {},
  options: FetchOptions = {},
): Promise<E.Either<WebError | ModelDecodeError, SavedModel | RestoredModel>> {
  if ('init' in modelOrOptions) {
    const text = await textAt('fetchModel', url, options)
    return E.isLeft(text) ? text : decodeModel(text.right, modelOrOptions)
  }
  const text = await textAt('fetchModel', url, modelOrOptions)
  return E.isLeft(text) ? text : restoreModel(text.right, modelOrOptions)
}

/**
 * A dataset from the CSV text at `url` (`data.fromCsv` with `options`). A Left WebError for the
 * request (see {@link fetchText}), a Left CsvError for the content.
 *
 * @example
 * const pima = await fetchCsv('https://example.org/pima.csv', { label: 'outcome' })
 */
export const fetchCsv = async (url: string, options: FromCsvOptions & FetchOptions): Promise<E.Either<WebError | CsvError, Dataset>> => {
  const text = await textAt('fetchCsv', url, options)
  return E.isLeft(text) ? text : fromCsv(text.right, options)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const textAt = async (op: WebOp, url: string, { fetch = globalFetch() }: FetchOptions): Promise<E.Either<WebError, string>> => {
  if (fetch === undefined) return E.left(new WebError(op, url, 'no fetch function: this platform has no global fetch; pass options.fetch'))
  let response: FetchResponse
  try {
    response = await fetch(url)
  } catch (e) {
    return E.left(new WebError(op, url, `the request failed: ${messageOf(e)}`, e))
  }
  if (!response.ok) return E.left(new WebError(op, url, `HTTP ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}`, undefined, response.status))
  try {
    return E.right(await response.text())
  } catch (e) {
    return E.left(new WebError(op, url, `the body could not be read: ${messageOf(e)}`, e))
  }
}

/** The global fetch, when the platform has one. */
const globalFetch = (): FetchLike | undefined => {
  const f: unknown = Reflect.get(globalThis, 'fetch')
  return isFetch(f) ? (url) => f(url) : undefined
}

// The global is a function of the platform's own type; this guard is the boundary to ours.
const isFetch = (u: unknown): u is FetchLike => typeof u === 'function'
