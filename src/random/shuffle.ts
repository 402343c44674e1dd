/**
 * The forward Fisher–Yates shuffle under a key's words, written into an array its caller owns: the
 * one implementation behind `permutation` and `choice` (which allocate their result) and train's
 * folded epochs (which shuffle into one buffer per training run, every epoch, allocating nothing).
 * Internal to the library (`random/internal.ts` re-exports it).
 */
import { boundedDraw } from './draws.js'
import { threefry2x32Into } from './threefry.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * order[0..n) becomes the forward Fisher–Yates shuffle of 0..n−1 under the key with words (k0, k1),
 * stopped after its first `count` steps (so order[0..count) is `choice(k, n, count)` and, with
 * count = n, the whole order is `permutation(k, n)`): at step i, position i swaps with i + the
 * i-th draw of `integersBelow(k, ·, (i) => n − i)`. `scratch` (at least four words) is the
 * caller's and is overwritten. n ≤ 2^32 and count ≤ n, unchecked (the public functions check).
 */
export const shuffleInto = (order: number[] | Uint32Array, n: number, count: number, k0: number, k1: number, scratch: Uint32Array): void => {
  // The draw stream's two keys, split(k, 2): blocks (0, 0) and (0, 1) under k.
  threefry2x32Into(scratch, 0, k0, k1, 0, 0)
  threefry2x32Into(scratch, 2, k0, k1, 0, 1)
  const f0 = scratch[0] ?? 0
  const f1 = scratch[1] ?? 0
  const r0 = scratch[2] ?? 0
  const r1 = scratch[3] ?? 0
  for (let i = 0; i < n; i++) order[i] = i
  // Steps past n − 2 would draw from a single position; skip them.
  const steps = Math.min(count, Math.max(n - 1, 0))
  for (let i = 0; i < steps; i++) {
    const j = i + boundedDraw(f0, f1, r0, r1, i, n - i, scratch)
    const held = order[i] ?? i
    order[i] = order[j] ?? j
    order[j] = held
  }
}
