/**
 * fast-check arbitraries for parameter trees: nested records and arrays of small tensors.
 *
 * `sameStructure(n)` draws n trees with one structure (same keys, same array lengths, same leaf
 * shapes) and independent values, which is what the zip and monoid laws need.
 */
import fc from 'fast-check'
import { fromArray, sizeOf, type Shape, type Tensor } from '../../src/tensor/Tensor.js'
import type { Tree } from '../../src/tree/Tree.js'

export interface TreeArbOptions {
  /** Integer values in [-1000, 1000] (exact float64 sums) instead of doubles (default false). */
  readonly integers?: boolean
  /** Bound on the magnitude of double values (default 1e3). */
  readonly maxAbs?: number
  /** Maximum nesting depth (default 3). */
  readonly maxDepth?: number
}

/** Record keys, including ones that are not identifiers, an integer-like key and `__proto__`. */
export const recordKey = fc.constantFrom('weight', 'bias', 'layers', 'gamma', 'beta', 'm', 'v', '0', '12', 'conv 1', '__proto__')

export const shapeArb: fc.Arbitrary<Shape> = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 })

type Desc =
  | { readonly kind: 'leaf'; readonly tensors: readonly Tensor[] }
  | { readonly kind: 'array'; readonly items: readonly Desc[] }
  | { readonly kind: 'record'; readonly entries: ReadonlyArray<readonly [string, Desc]> }

const valueArb = (o: TreeArbOptions): fc.Arbitrary<number> =>
  o.integers === true
    ? fc.integer({ min: -1000, max: 1000 })
    : fc.double({ min: -(o.maxAbs ?? 1e3), max: o.maxAbs ?? 1e3, noNaN: true, noDefaultInfinity: true })

const leafDesc = (n: number, o: TreeArbOptions): fc.Arbitrary<Desc> =>
  shapeArb.chain((shape) =>
    fc
      .array(fc.array(valueArb(o), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }), { minLength: n, maxLength: n })
      .map((values) => ({ kind: 'leaf' as const, tensors: values.map((v) => fromArray(v, shape)) })),
  )

const descArb = (n: number, o: TreeArbOptions, depth: number): fc.Arbitrary<Desc> => {
  if (depth <= 0) return leafDesc(n, o)
  const child = descArb(n, o, depth - 1)
  return fc.oneof(
    { weight: 2, arbitrary: leafDesc(n, o) },
    { weight: 1, arbitrary: fc.array(child, { maxLength: 3 }).map((items) => ({ kind: 'array' as const, items })) },
    {
      weight: 2,
      arbitrary: fc
        .uniqueArray(fc.tuple(recordKey, child), { selector: ([k]) => k, maxLength: 3 })
        .map((entries) => ({ kind: 'record' as const, entries })),
    },
  )
}

const toTree = (d: Desc, j: number): Tree => {
  switch (d.kind) {
    case 'leaf': {
      const t = d.tensors[j]
      if (t === undefined) throw new Error('leaf index out of range')
      return t
    }
    case 'array':
      return d.items.map((x) => toTree(x, j))
    case 'record':
      // Object.fromEntries defines own properties, so `__proto__` stays an ordinary key.
      return Object.fromEntries(d.entries.map(([k, x]) => [k, toTree(x, j)]))
  }
}

/** n trees with the same structure and independent values. */
export const sameStructure = (n: number, o: TreeArbOptions = {}): fc.Arbitrary<Tree[]> =>
  descArb(n, o, o.maxDepth ?? 3).map((d) => Array.from({ length: n }, (_, j) => toTree(d, j)))

/** One parameter tree. */
export const treeArb = (o: TreeArbOptions = {}): fc.Arbitrary<Tree> => sameStructure(1, o).map(([t]) => t ?? [])
