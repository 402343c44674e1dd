/**
 * Typed errors of the tensor core.
 *
 * Misuse inside the library is thrown early, before any allocation, as one of these errors. Each
 * carries a `_tag` for pattern matching and structured fields; its message names the op and the
 * shapes (`matmul: [2,3] x [4,5]: inner dimensions 3 and 4 differ`).
 */
import type { Shape } from './Tensor.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A shape or axis problem: incompatible shapes, a bad dimension, an axis out of range. */
export class ShapeError extends Error {
  readonly _tag = 'ShapeError' as const
  constructor(
    readonly op: string,
    readonly shapes: readonly Shape[],
    readonly detail: string,
  ) {
    super(`${op}: ${shapes.map(formatShape).join(' x ')}${shapes.length > 0 ? ': ' : ''}${detail}`)
    this.name = 'ShapeError'
  }
}

/** A bad non-shape argument: a NaN count, a non-integer index, ragged nested input. */
export class ArgumentError extends Error {
  readonly _tag = 'ArgumentError' as const
  constructor(
    readonly op: string,
    readonly detail: string,
  ) {
    super(`${op}: ${detail}`)
    this.name = 'ArgumentError'
  }
}

/** Every error the tensor core throws. */
export type TensorError = ShapeError | ArgumentError

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** `[2,3]` — the way every message prints a shape. */
export const formatShape = (shape: Shape): string => `[${shape.join(',')}]`
