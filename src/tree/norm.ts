/**
 * The global norm of a tree: the Euclidean norm of all its scalars taken together, as gradient
 * clipping (`clipByGlobalNorm`) and training diagnostics use it.
 */
import type { Tensor } from '../tensor/index.js'
import { flattenNode } from './leaves.js'
import { tensorLeaf, type Tree } from './Tree.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * sqrt(Σ x²) over every scalar of every leaf. Computed without overflow or underflow: a first pass
 * finds the largest magnitude M, a second sums (x / M)² ≤ 1 per scalar, and the norm is
 * M·sqrt(Σ (x / M)²). So a tree of values 1e200 has a finite norm (the naive sum of squares would
 * overflow to Infinity) and values of 1e-200 do not vanish to 0. NaN anywhere gives NaN; otherwise
 * an infinite value gives Infinity. An empty tree has norm 0.
 *
 * @example
 * tree.globalNorm({ a: vector([3]), b: vector([4]) })  // 5
 * tree.globalNorm([vector([1e200, 1e200])])             // ≈ 1.414213562373095e200 (naively Infinity)
 */
export const globalNorm = (tree: Tree): number => {
  const found: Tensor[] = []
  flattenNode('tree.globalNorm', tree, tensorLeaf, found)
  let largest = 0
  let nan = false
  for (const leaf of found) {
    const d = leaf.data
    for (let i = 0; i < d.length; i++) {
      const a = Math.abs(d[i] ?? 0)
      if (a > largest) largest = a
      else if (a !== a) nan = true
    }
  }
  if (nan) return Number.NaN
  if (largest === 0 || largest === Number.POSITIVE_INFINITY) return largest
  let sum = 0
  for (const leaf of found) {
    const d = leaf.data
    for (let i = 0; i < d.length; i++) {
      const r = (d[i] ?? 0) / largest
      sum += r * r
    }
  }
  return largest * Math.sqrt(sum)
}
