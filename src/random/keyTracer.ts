/**
 * How `jit` follows keys through a trace (internal: src/jit installs a tracer while it traces; not
 * re-exported by the index). A traced key's words are known only when the plan replays, so a key
 * derived from one (`split`, `foldIn`) is recorded instead of computed. The tracer is the only
 * mutable module state here, and it is invisible to results: a derivation recorded and replayed
 * gives the very words it would have computed.
 */
import type { Key } from './key.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * `derive` returns the traced key that `f` makes from `k` when the plan replays — or undefined
 * when `k` is not traced, and then the derivation runs as usual.
 */
export interface KeyTracer {
  readonly derive: (k: Key, name: string, f: (k: Key) => Key) => Key | undefined
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

let tracer: KeyTracer | undefined

/**
 * Installs a key tracer (undefined: none) and returns the one it replaces, which the caller must
 * reinstall when done (in a `finally`). Internal to `jit`.
 */
export const installKeyTracer = (next: KeyTracer | undefined): KeyTracer | undefined => {
  const previous = tracer
  tracer = next
  return previous
}

/** The tracer installed now, if any. */
export const currentKeyTracer = (): KeyTracer | undefined => tracer
