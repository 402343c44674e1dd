/**
 * The error of the web helpers: storage or network that failed, as opposed to content that is not
 * a valid model (a ModelDecodeError) or not a valid CSV table (a CsvError).
 */

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** The web helpers, as named in errors. */
export type WebOp = 'saveModel' | 'loadModel' | 'fetchText' | 'fetchModel' | 'fetchCsv'

/**
 * Browser storage or a URL that could not be used: the operation, where (the stored model's name
 * or the URL), what went wrong, and the underlying error (`cause`) when there is one. An HTTP
 * status that is not 2xx is one too (`status` then holds it).
 */
export class WebError extends Error {
  readonly _tag = 'WebError' as const
  constructor(
    readonly op: WebOp,
    /** The stored model's name, or the URL. */
    readonly location: string,
    readonly detail: string,
    override readonly cause?: unknown,
    /** The HTTP status, for a response that is not 2xx. */
    readonly status?: number,
  ) {
    super(`${op}: ${location}: ${detail}`)
    this.name = 'WebError'
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** The message of a caught value. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))
