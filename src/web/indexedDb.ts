/**
 * Models in browser storage (IndexedDB): `saveModel` stores a model file's text under a name,
 * `loadModel` reads it back through `io.decodeModel` (with a model) or `io.restoreModel` (without).
 * The IndexedDB factory can be passed in (`options.indexedDB`: a test fake, a worker's) and
 * defaults to the global `indexedDB`. Nothing here throws or rejects: every outcome is an Either.
 *
 * The stored value is the same text a model file holds (`io.encodeModel`), so a stored model can
 * be exported as a file and a file imported as is. One database (default `dualflow`), one object
 * store `models`, keyed by the name given. A `put` in a `readwrite` transaction replaces the old
 * value in one step: a reader sees the old model or the new one, never a mix.
 *
 * The types below describe the part of the IndexedDB API used here, structurally, so that the
 * declarations need no DOM library: the browser's `indexedDB` and `fake-indexeddb` both fit.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ValueTree } from '../ad/index.js'
import {
  decodeModel,
  encodeModel,
  restoreModel,
  type ModelDecodeError,
  type RestoredModel,
  type RestoreOptions,
  type SavableModel,
  type SavedModel,
} from '../io/index.js'
import { messageOf, WebError, type WebOp } from './errors.js'
import type { Tree } from '../tree/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** The part of an IDBRequest used here. */
export interface IdbRequest<T> {
  readonly result: T
  readonly error: unknown
  /** Called when the request succeeds. */
  onsuccess: ((event: never) => unknown) | null
  /** Called when the request fails. */
  onerror: ((event: never) => unknown) | null
}

/** The part of an IDBOpenDBRequest used here. */
export interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  /** Called when the database is created or its version raised: the place to create stores. */
  onupgradeneeded: ((event: never) => unknown) | null
  /** Called when older connections keep the database from upgrading. */
  onblocked: ((event: never) => unknown) | null
}

/** The part of an IDBObjectStore used here. */
export interface IdbObjectStore {
  /** Stores `value` under `key`, replacing what was there. */
  put(value: string, key: string): IdbRequest<unknown>
  /** The value stored under `key` (`undefined` when none). */
  get(key: string): IdbRequest<unknown>
}

/** The part of an IDBTransaction used here. */
export interface IdbTransaction {
  /** The transaction's object store of that name. */
  objectStore(name: string): IdbObjectStore
  readonly error: unknown
  /** Called when the transaction has committed. */
  oncomplete: ((event: never) => unknown) | null
  /** Called when a request of the transaction fails. */
  onerror: ((event: never) => unknown) | null
  /** Called when the transaction is aborted. */
  onabort: ((event: never) => unknown) | null
}

/** The part of an IDBDatabase used here. */
export interface IdbDatabase {
  /** The names of the database's object stores. */
  readonly objectStoreNames: {
    /** Whether a store of that name exists. */
    contains(name: string): boolean
  }
  /** Creates an object store (during an upgrade). */
  createObjectStore(name: string): unknown
  /** Starts a transaction on one store. */
  transaction(store: string, mode: 'readonly' | 'readwrite'): IdbTransaction
  /** Closes the connection once its transactions complete. */
  close(): void
}

/** The part of an IDBFactory used here: the global `indexedDB` is one. */
export interface IdbFactory {
  /** Opens (creating or upgrading) a database. */
  open(name: string, version?: number): IdbOpenRequest
}

/** Options of the IndexedDB helpers. */
export interface IndexedDbOptions {
  /** The IndexedDB factory (default: the global `indexedDB`). */
  readonly indexedDB?: IdbFactory
  /** The database name (default `dualflow`). */
  readonly database?: string
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Stores a model's parameters, state and input shape under `name` in IndexedDB, as a model file's
 * text (`io.encodeModel`), replacing what was stored under that name. Resolves to a Left WebError
 * when there is no IndexedDB or the storage fails (quota, private mode). Values that do not fit the
 * model are misuse: it throws the ModelEncodeError at once, before touching storage.
 *
 * @example
 * await saveModel('pima', model, { params, state, inputShape: [8] })  // right(undefined)
 */
export const saveModel = async (
  name: string,
  model: SavableModel,
  saved: SavedModel<ValueTree>,
  options: IndexedDbOptions = {},
): Promise<E.Either<WebError, void>> => {
  const text = encodeModel(model, saved)
  const db = await openDatabase('saveModel', name, options)
  if (E.isLeft(db)) return db
  try {
    return await transact('saveModel', name, db.right, 'readwrite', (store) => store.put(text, name), () => undefined)
  } finally {
    db.right.close()
  }
}

/**
 * Loads the model stored under `name`. With a `model`, into that model (`io.decodeModel`); without
 * one (or with options), rebuilt from the stored description (`io.restoreModel`; `options.layers`
 * for layers of your own). A Left WebError when there is no IndexedDB, nothing is stored under the
 * name, or the storage fails; a Left ModelDecodeError for content that is not a valid model.
 *
 * @example
 * const loaded = await loadModel('pima')
 * if (isRight(loaded)) train.predict(loaded.right.model, loaded.right.params, loaded.right.state, x)
 */
export function loadModel<P extends Tree = Tree, S extends Tree = Tree>(name: string, model: SavableModel<P, S>, options?: IndexedDbOptions): Promise<E.Either<WebError | ModelDecodeError, SavedModel<P, S>>>
export function loadModel(name: string, options?: IndexedDbOptions & RestoreOptions): Promise<E.Either<WebError | ModelDecodeError, RestoredModel>>
export async function loadModel(
  name: string,
  modelOrOptions: SavableModel | (IndexedDbOptions & RestoreOptions) = {},
  options: IndexedDbOptions = {},
): Promise<E.Either<WebError | ModelDecodeError, SavedModel | RestoredModel>> {
  const stored = await storedText(name, 'init' in modelOrOptions ? options : modelOrOptions)
  if (E.isLeft(stored)) return stored
  return 'init' in modelOrOptions ? decodeModel(stored.right, modelOrOptions) : restoreModel(stored.right, modelOrOptions)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** The text stored under `name`. */
const storedText = async (name: string, options: IndexedDbOptions): Promise<E.Either<WebError, string>> => {
  const db = await openDatabase('loadModel', name, options)
  if (E.isLeft(db)) return db
  let stored: E.Either<WebError, unknown>
  try {
    stored = await transact('loadModel', name, db.right, 'readonly', (store) => store.get(name), (request) => request.result)
  } finally {
    db.right.close()
  }
  if (E.isLeft(stored)) return stored
  const text = stored.right
  if (text === undefined) return E.left(new WebError('loadModel', name, 'no model is stored under this name'))
  if (typeof text !== 'string') return E.left(new WebError('loadModel', name, `the stored value is not a model file's text (got ${typeof text})`))
  return E.right(text)
}

const STORE = 'models'
const VERSION = 1

/** Opens (creating on first use) the database and its object store. */
const openDatabase = (op: WebOp, name: string, { indexedDB = globalIndexedDb(), database = 'dualflow' }: IndexedDbOptions): Promise<E.Either<WebError, IdbDatabase>> =>
  new Promise((resolve) => {
    if (indexedDB === undefined) {
      resolve(E.left(new WebError(op, name, 'no IndexedDB: this platform has no global indexedDB; pass options.indexedDB')))
      return
    }
    let request: IdbOpenRequest
    try {
      request = indexedDB.open(database, VERSION)
    } catch (e) {
      resolve(E.left(new WebError(op, name, `cannot open the database ${JSON.stringify(database)}: ${messageOf(e)}`, e)))
      return
    }
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE)
    }
    request.onsuccess = () => resolve(E.right(request.result))
    request.onerror = () => resolve(E.left(new WebError(op, name, `cannot open the database ${JSON.stringify(database)}: ${messageOf(request.error)}`, request.error)))
    request.onblocked = () => resolve(E.left(new WebError(op, name, `the database ${JSON.stringify(database)} is blocked by another open connection of an older version`)))
  })

/** Runs one request in a transaction; resolves when the transaction completes (so a write is durable). */
const transact = <R, A>(
  op: WebOp,
  name: string,
  db: IdbDatabase,
  mode: 'readonly' | 'readwrite',
  start: (store: IdbObjectStore) => IdbRequest<R>,
  read: (request: IdbRequest<R>) => A,
): Promise<E.Either<WebError, A>> =>
  new Promise((resolve) => {
    const failed = (e: unknown): void => resolve(E.left(new WebError(op, name, `the storage failed: ${messageOf(e)}`, e)))
    let transaction: IdbTransaction
    let request: IdbRequest<R>
    try {
      transaction = db.transaction(STORE, mode)
      request = start(transaction.objectStore(STORE))
    } catch (e) {
      failed(e)
      return
    }
    transaction.oncomplete = () => resolve(E.right(read(request)))
    transaction.onerror = () => failed(transaction.error ?? request.error)
    transaction.onabort = () => failed(transaction.error ?? 'the transaction was aborted')
  })

/** The global indexedDB, when the platform has one. */
const globalIndexedDb = (): IdbFactory | undefined => {
  const factory: unknown = Reflect.get(globalThis, 'indexedDB')
  return isIdbFactory(factory) ? factory : undefined
}

// The global is the platform's IDBFactory; this guard is the boundary to the structural type above.
const isIdbFactory = (u: unknown): u is IdbFactory => typeof u === 'object' && u !== null && 'open' in u && typeof u.open === 'function'
