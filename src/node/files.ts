/**
 * Model files on disk, for Node: `saveModel` writes a model file atomically, `loadModel` reads one
 * back through `decodeModel`. These are the only io functions that touch a file system, so they
 * live apart from the browser-safe core, under the package entry `dualflow/node`.
 *
 * Atomic writing: the text goes to a new temporary file in the target's directory (so that the
 * rename below stays on one file system), which is flushed to the disk (`fsync`) and closed, and
 * only then renamed over the target. A rename within a directory replaces the name in one step
 * (POSIX `rename(2)`), so a reader, or the disk after a crash, sees either the old complete file or
 * the new complete file, never a half-written one under the real name. The directory is then
 * flushed too, so that the rename itself survives a power loss (where the platform allows it). On
 * any failure the temporary file is removed and the target is left as it was.
 */
import { randomUUID } from 'node:crypto'
import { open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { either as E } from 'fp-ts'
import type { ValueTree } from '../ad/index.js'
import { decodeModel, encodeModel, ModelDecodeError, restoreModel, type RestoredModel, type RestoreOptions, type SavableModel, type SavedModel } from '../io/index.js'
import type { Tree } from '../tree/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A model file that could not be written or read: the operation, the file's path, what went wrong,
 * and the underlying error (`cause`, with its `code` such as `ENOENT` or `EACCES`). Problems with
 * the file's content are ModelDecodeErrors instead.
 */
export class ModelFileError extends Error {
  readonly _tag = 'ModelFileError' as const
  constructor(
    readonly op: 'saveModel' | 'loadModel',
    readonly path: string,
    readonly detail: string,
    override readonly cause: unknown,
  ) {
    super(`${op}: ${path}: ${detail}`)
    this.name = 'ModelFileError'
  }
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Saves a model's parameters, state and input shape to `path` as a model file (see
 * `io.encodeModel`), atomically: after a failure or a crash, `path` holds either its previous
 * content or the complete new file. Resolves to a Left ModelFileError when the file cannot be
 * written (missing directory, no permission, disk full, `path` is a directory). Values that do not
 * fit the model are misuse: `saveModel` throws the ModelEncodeError at once, before touching the
 * disk. The new file has the default permissions (0666 less the umask); those of a replaced file
 * are not kept.
 *
 * @example
 * const { params, state } = model.init(random.key(0), [8])
 * await saveModel('model.json', model, { params, state, inputShape: [8] })  // right(undefined)
 */
export const saveModel = (path: string, model: SavableModel, saved: SavedModel<ValueTree>): Promise<E.Either<ModelFileError, void>> =>
  writeFileAtomic(path, encodeModel(model, saved))

/**
 * Loads the model file at `path`. With a `model`, into that model (see `io.decodeModel` for the
 * checks); without one (or with options), the model is rebuilt from the file's layer description
 * (see `io.restoreModel`; pass `{ layers }` for layers of your own). Resolves to a Left
 * ModelFileError when the file cannot be read, and to a Left ModelDecodeError when its content is
 * not a valid model file (for `model`; text that is not UTF-8 included: reason `json`). Never
 * rejects.
 *
 * @example
 * const loaded = await loadModel('model.json', model)
 * if (E.isRight(loaded)) predict(model, loaded.right.params, loaded.right.state, x)
 * const alone = await loadModel('model.json')  // the model comes from the file
 * if (E.isRight(alone)) predict(alone.right.model, alone.right.params, alone.right.state, x)
 */
export function loadModel<P extends Tree = Tree, S extends Tree = Tree>(path: string, model: SavableModel<P, S>): Promise<E.Either<ModelFileError | ModelDecodeError, SavedModel<P, S>>>
export function loadModel(path: string, options?: RestoreOptions): Promise<E.Either<ModelFileError | ModelDecodeError, RestoredModel>>
export async function loadModel(
  path: string,
  modelOrOptions: SavableModel | RestoreOptions = {},
): Promise<E.Either<ModelFileError | ModelDecodeError, SavedModel | RestoredModel>> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (e) {
    return E.left(new ModelFileError('loadModel', path, `cannot read the file: ${messageOf(e)}`, e))
  }
  let text: string
  try {
    // fatal: invalid UTF-8 is an error rather than U+FFFD replacement characters. A BOM is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (e) {
    return E.left(new ModelDecodeError('json', '$', `the file is not UTF-8 text: ${messageOf(e)}`))
  }
  return 'init' in modelOrOptions ? decodeModel(text, modelOrOptions) : restoreModel(text, modelOrOptions)
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** Writes `text` to a temporary file beside `path`, flushes it, and renames it over `path`. */
const writeFileAtomic = async (path: string, text: string): Promise<E.Either<ModelFileError, void>> => {
  const directory = dirname(path)
  // A fresh random name, created exclusively ('wx'): two concurrent saves never share a temp file.
  const temporary = join(directory, `.${basename(path)}.${randomUUID()}.tmp`)
  let handle: FileHandle | undefined
  try {
    handle = await open(temporary, 'wx')
    await handle.writeFile(text, 'utf8')
    await handle.sync()
    await handle.close()
    handle = undefined
    await rename(temporary, path)
  } catch (e) {
    await handle?.close().catch(() => undefined)
    await unlink(temporary).catch(() => undefined)
    return E.left(new ModelFileError('saveModel', path, `cannot write the file: ${messageOf(e)}`, e))
  }
  await syncDirectory(directory)
  return E.right(undefined)
}

/**
 * Flushes a directory's entries, so that a rename in it survives a power loss. Best effort: some
 * platforms (Windows) cannot open or flush a directory, and the file itself is complete anyway.
 */
const syncDirectory = async (directory: string): Promise<void> => {
  try {
    const handle = await open(directory, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Not supported here; nothing more can be done.
  }
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))
