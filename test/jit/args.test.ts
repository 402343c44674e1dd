import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { flattenArgs, matchPattern, patternOf, type KeyLike } from '../../src/jit/args.js'
import * as ad from '../../src/ad/index.js'
import * as random from '../../src/random/index.js'
import * as T from '../../src/tensor/index.js'
import type { Tensor } from '../../src/tensor/index.js'

/** Argument trees as users hand them: tensors, keys, static values, arrays and records (keys that look like tokens among them). */
const leaf = fc.oneof(
  fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }).map((shape) => T.zeros(shape)),
  fc.constant(T.scalar(1)),
  fc.integer({ min: 0, max: 3 }).map((i) => random.key(i)),
  fc.constantFrom<unknown>(1, 'T', '{', 2, true, undefined, null),
  // Not tensors, keys or Duals: a structural tensor, a record tagged otherwise, a Dual.
  fc.constant<unknown>({ shape: [2], data: new Float64Array(2) }),
  fc.constant<unknown>({ _tag: 'Other', a: T.scalar(2) }),
)
const { tree } = fc.letrec<{ tree: unknown }>((go) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(go('tree'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', ':', '}', 'T', '0', '1', '_tag'), go('tree'), { maxKeys: 3 }),
  ),
}))

/**
 * The same structure with new tensors of the same shapes (and the same keys and static values);
 * 'renamed': each record's first key renamed; 'reshaped': each tensor one axis shorter (or [1]).
 */
const twin = (u: unknown, how: 'twin' | 'renamed' | 'reshaped'): unknown => {
  if (Array.isArray(u)) return u.map((v) => twin(v, how))
  if (T.isTensor(u) && !(u instanceof Object && Object.getPrototypeOf(u) === Object.prototype)) {
    return T.zeros(how !== 'reshaped' ? u.shape : u.shape.length > 0 ? u.shape.slice(0, -1) : [1])
  }
  if (typeof u === 'object' && u !== null && Object.getPrototypeOf(u) === Object.prototype && !('_tag' in u && u._tag === 'Key') && !('data' in u)) {
    // Renaming: each record's first key becomes one it does not have (same structure under another name).
    return Object.fromEntries(Object.entries(u).map(([k, v], i) => [how === 'renamed' && i === 0 ? `${k}'` : k, twin(v, how)]))
  }
  return u
}

describe('matchPattern', () => {
  it('says what comparing signatures says, and finds the same leaves and keys', () => {
    fc.assert(
      fc.property(tree, tree, fc.constantFrom('twin', 'renamed', 'reshaped', 'other'), (a, other, how) => {
        const b = how === 'other' ? other : twin(a, how)
        const fa = flattenArgs([a])
        const fb = flattenArgs([b])
        const leaves: Tensor[] = fa.leaves.map(() => T.scalar(0))
        const keys: KeyLike[] = fa.keys.map(() => random.key(99))
        const matched = matchPattern(b, patternOf(fa.tokens), fa.tokens, leaves, keys, { position: 0, leaf: 0, key: 0 })
        expect(matched).toBe(!fb.hasDual && fb.signature === fa.signature)
        if (matched) {
          leaves.forEach((t, i) => expect(t).toBe(fb.leaves[i]))
          keys.forEach((k, i) => expect(k).toBe(fb.keys[i]))
        }
        // A value always matches its own pattern.
        expect(matchPattern(a, patternOf(fa.tokens), fa.tokens, [...fa.leaves], [...fa.keys], { position: 0, leaf: 0, key: 0 })).toBe(!fa.hasDual)
      }),
      { numRuns: 400 },
    )
  })
  it('a Dual never matches (a differentiation runs f directly)', () => {
    const t = T.vector([1, 2])
    const fa = flattenArgs([{ x: t }])
    ad.grad((x: ad.Value) => {
      expect(matchPattern({ x }, patternOf(fa.tokens), fa.tokens, [t], [], { position: 0, leaf: 0, key: 0 })).toBe(false)
      return ad.sum(x)
    })(t)
  })
})
