/**
 * User primitives: `customVjp` turns a plain function and its hand-written pullback into an op
 * that works on tensors and Duals like the built-in ones.
 */
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'
import { isDual, type Value } from './Dual.js'
import { GradError } from './errors.js'
import { bind, type Primitive } from './primitive.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** What a user primitive states. */
export interface CustomVjpSpec {
  /** Shown in errors and backward traces. */
  readonly name: string
  /** The value on plain tensors. */
  readonly value: (...inputs: Tensor[]) => Tensor
  /**
   * Cotangents of the inputs from the output's cotangent. Write it with dualflow's ops if the
   * primitive must support higher derivatives.
   */
  readonly vjp: (cotangent: Value, inputs: readonly Value[], output: Value) => readonly Value[]
  /** Optional forward rule; without it, `jvp` through this op is an error. */
  readonly jvp?: (tangents: readonly (Value | undefined)[], inputs: readonly Value[], output: Value) => Value
}

/** A user-defined op from a value function and its vector–Jacobian product. */
export interface CustomOp {
  (...inputs: Tensor[]): Tensor
  (...inputs: Value[]): Value
}

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * Defines a differentiable op from its value and its pullback.
 *
 * @throws {GradError} when the op is used under `jvp` without a forward rule, or its rules return the wrong number or shapes of values
 * @example
 * const cube = customVjp({ name: 'cube', value: (x) => T.powScalar(x, 3), vjp: (g, [x]) => [mul(g, mul(3, mul(x, x)))] })
 * grad((x) => sum(cube(x)))(tensor([2]))  // [12]
 */
export const customVjp = (spec: CustomVjpSpec): CustomOp => {
  const primitive: Primitive<void> = {
    name: spec.name,
    value: (inputs) => spec.value(...inputs),
    vjp: (g, inputs, output) => spec.vjp(g, inputs, output),
    jvp: (tangents, inputs, output) => {
      if (spec.jvp === undefined) throw new GradError(spec.name, 'this customVjp op has no forward rule (jvp); give one in its spec to use it under jvp')
      return spec.jvp(tangents, inputs, output)
    },
  }
  const op = (...inputs: Value[]): Value =>
    inputs.some(isDual) ? bind(primitive, inputs, undefined) : spec.value(...inputs.filter(T.isTensor))
  return op as CustomOp
}
