/**
 * Typed errors of `jit`.
 */

/**
 * A function cannot be traced (or a replay met what tracing could not see): `op` names the op or
 * the place, `detail` says why and what to do instead.
 */
export class JitError extends Error {
  readonly _tag = 'JitError' as const
  constructor(
    readonly op: string,
    readonly detail: string,
  ) {
    super(`jit: ${op}: ${detail}`)
    this.name = 'JitError'
  }
}
