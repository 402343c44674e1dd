/**
 * Forward mode: `jvp` pushes a tangent through f with dual numbers. Each Dual of the forward trace
 * carries its tangent; every primitive's jvp rule computes the output's tangent as it goes. It is
 * an independent derivative path: the laws compare it with reverse mode and finite differences.
 */
import * as T from '../tensor/index.js'
import type { Tensor } from '../tensor/index.js'
import * as tree from '../tree/index.js'
import { dualsIn, forwardInput, isDual, maxLevel, newTrace, shapeOf, valueLeaf, type Value, type ValueTree } from './Dual.js'
import { GradError } from './errors.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * f(x) and the Jacobian–vector product J_f(x)·v (the directional derivative along v). v has the
 * structure and shapes of x; extra arguments pass through.
 *
 * @throws {GradError} when the tangent does not have the input's structure and leaf shapes
 * @example
 * jvp((x) => mul(x, x), tensor([3]), tensor([1]))  // [[9], [6]]
 */
export function jvp<R extends unknown[]>(f: (x: Value, ...rest: R) => Value, x: Tensor, v: Tensor, ...rest: R): readonly [Tensor, Tensor]
export function jvp<X extends ValueTree, Y extends ValueTree, R extends unknown[]>(f: (x: X, ...rest: R) => Y, x: X, v: X, ...rest: R): readonly [Y, Y]
export function jvp(f: (...args: never[]) => unknown, x: ValueTree, v: ValueTree, ...rest: unknown[]): readonly [ValueTree, ValueTree] {
  const primal = tree.flatten(x, valueLeaf)
  const tangent = tree.flatten(v, valueLeaf)
  if (tangent.leaves.length !== primal.leaves.length) {
    throw new GradError('jvp', `the tangent has ${tangent.leaves.length} leaves, the input ${primal.leaves.length}`)
  }
  primal.leaves.forEach((leaf, i) => {
    const t = tangent.leaves[i]
    if (t === undefined || !T.shapesEqual(shapeOf(t), shapeOf(leaf))) {
      throw new GradError('jvp', `tangent ${tree.paths(tangent.treedef)[i] || '(root)'} must have shape ${T.formatShape(shapeOf(leaf))}, got ${t === undefined ? 'nothing' : T.formatShape(shapeOf(t))}`)
    }
  })
  const level = 1 + Math.max(maxLevel(primal.leaves), maxLevel(tangent.leaves), rest.length === 0 ? 0 : maxLevel(dualsIn(rest)))
  const trace = newTrace('forward', level)
  const inputs = primal.leaves.map((leaf, i) => forwardInput(trace, leaf, tangent.leaves[i] ?? T.zeros(shapeOf(leaf))))
  const output: unknown = Reflect.apply(f, undefined, [tree.unflatten(primal.treedef, inputs), ...rest])
  const out = tree.flatten(output, valueLeaf)
  const ours = (leaf: Value): boolean => isDual(leaf) && leaf.trace === trace
  const values = out.leaves.map((leaf) => (isDual(leaf) && ours(leaf) ? leaf.primal : leaf))
  const tangents = out.leaves.map((leaf) => (isDual(leaf) && ours(leaf) ? (leaf.tangent ?? T.zeros(shapeOf(leaf))) : T.zeros(shapeOf(leaf))))
  return [tree.unflatten(out.treedef, values), tree.unflatten(out.treedef, tangents)]
}
