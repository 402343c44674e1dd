/**
 * Typed errors of automatic differentiation.
 */

/** `grad` of a function whose output is not a scalar, and other misuse of the AD API. */
export class GradError extends Error {
  readonly _tag = 'GradError' as const
  constructor(
    readonly op: string,
    readonly detail: string,
  ) {
    super(`${op}: ${detail}`)
    this.name = 'GradError'
  }
}

/**
 * Two unrelated differentiations of the same nesting level met in one op: an inner differentiated
 * function used an outer Dual through a closure instead of an argument.
 */
export class PerturbationError extends Error {
  readonly _tag = 'PerturbationError' as const
  constructor(readonly op: string) {
    super(
      `${op}: values from two different differentiations of the same nesting level meet here. ` +
        'When a differentiated function calls grad/vjp/jvp itself, pass the outer value to the inner ' +
        'function as an argument (extra arguments pass through) rather than capturing it in a closure.',
    )
    this.name = 'PerturbationError'
  }
}
