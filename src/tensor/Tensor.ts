/**
 * The tensor: a readonly shape plus read-only, row-major, contiguous Float64Array data.
 *
 * A scalar has shape `[]` and one element. No function ever writes into a tensor it did not just
 * allocate: the data type is read-only, and `laws/purity.ts` checks the contract at run time.
 */
import { either as E } from 'fp-ts'
import { ArgumentError, ShapeError, type TensorError } from './errors.js'
import { allocate } from './kernels/alloc.js'
import { toString } from './format.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Dimensions, outermost first. `[]` is a scalar. */
export type Shape = readonly number[]

/** A Float64Array without its mutating methods and with read-only elements. */
export type ReadonlyFloat64Array = Readonly<
  Omit<Float64Array, 'set' | 'fill' | 'copyWithin' | 'reverse' | 'sort'>
>

/** An immutable n-dimensional array of float64 values. */
export interface Tensor {
  readonly shape: Shape
  readonly data: ReadonlyFloat64Array
}

/** Nested arrays of numbers, as `tensor` accepts them. */
export type NestedArray = number | readonly NestedArray[]

// ─── guards ─────────────────────────────────────────────────────────────────────────────────────

/**
 * True for a value shaped like a tensor (a shape array and a Float64Array). The shape is asked
 * first: a value without one (a Dual, a jit tracer, whose `data` getter throws) is never probed for data.
 */
export const isTensor = (u: unknown): u is Tensor =>
  typeof u === 'object' &&
  u !== null &&
  'shape' in u &&
  Array.isArray(u.shape) &&
  'data' in u &&
  u.data instanceof Float64Array

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/** Number of elements of a shape (1 for a scalar). */
export const sizeOf = (shape: Shape): number => {
  let n = 1
  // An index loop: no iterator per call (sizeOf runs per node of every replay).
  for (let i = 0; i < shape.length; i++) n *= shape[i] ?? 0
  return n
}

/**
 * Throws unless every dimension is a non-negative integer.
 *
 * @throws {ShapeError} for a dimension that is not a non-negative integer
 */
export const checkShape = (op: string, shape: Shape): void => {
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]
    if (d === undefined || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(op, [], `dimension ${i} of shape [${shape.join(',')}] must be a non-negative integer, got ${String(d)}`)
    }
  }
}

/**
 * Wraps data the caller has just allocated, without copying. Internal: the caller must never write
 * into `data` afterwards. Checks the length.
 *
 * @throws {ShapeError} for a bad shape, or a length that does not fit it
 */
export const fromData = (data: Float64Array | ReadonlyFloat64Array, shape: Shape): Tensor => {
  checkShape('fromData', shape)
  const n = sizeOf(shape)
  if (data.length !== n) {
    throw new ShapeError('fromData', [shape], `expected ${n} values for this shape, got ${data.length}`)
  }
  return new TensorRecord(Object.freeze([...shape]), data)
}

/** Internal fast constructor for kernels: no checks, no copies. */
export const unsafeTensor = (data: Float64Array, shape: Shape): Tensor => new TensorRecord(shape, data)

/**
 * A tensor from flat values and a shape; copies the values.
 *
 * @throws {ShapeError} for a bad shape, or a number of values that does not fit it
 * @example
 * fromArray([1, 2, 3, 4], [2, 2])  // [[1, 2], [3, 4]]
 */
export const fromArray = (values: ArrayLike<number>, shape: Shape): Tensor => {
  checkShape('fromArray', shape)
  const n = sizeOf(shape)
  if (values.length !== n) {
    throw new ShapeError('fromArray', [shape], `expected ${n} values for this shape, got ${values.length}`)
  }
  return fromData(Float64Array.from(values), shape)
}

/** A scalar (shape `[]`). */
export const scalar = (value: number): Tensor => fromData(Float64Array.of(value), [])

/** A 1-D tensor. */
export const vector = (values: ArrayLike<number>): Tensor => fromArray(values, [values.length])

/** A tensor of the given shape filled with one value. */
export const full = (shape: Shape, value: number): Tensor => {
  checkShape('full', shape)
  return fromData(allocate(sizeOf(shape)).fill(value), shape)
}

/** A tensor of zeros. */
export const zeros = (shape: Shape): Tensor => {
  checkShape('zeros', shape)
  return fromData(allocate(sizeOf(shape)), shape)
}

/** A tensor of ones. */
export const ones = (shape: Shape): Tensor => full(shape, 1)

/** The n×m identity (m defaults to n). */
export const eye = (n: number, m: number = n): Tensor => {
  checkShape('eye', [n, m])
  const data = allocate(n * m)
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1
  return fromData(data, [n, m])
}

/**
 * Values start, start + step, … below stop (NumPy's arange). `arange(3)` is [0, 1, 2].
 *
 * @throws {ArgumentError} unless start, stop and step are finite and step is non-zero
 */
export const arange = (startOrStop: number, stop?: number, step = 1): Tensor => {
  const [start, end] = stop === undefined ? [0, startOrStop] : [startOrStop, stop]
  if (!Number.isFinite(start) || !Number.isFinite(end) || !Number.isFinite(step) || step === 0) {
    throw new ArgumentError('arange', `start, stop and step must be finite and step non-zero, got ${start}, ${end}, ${step}`)
  }
  const n = Math.max(0, Math.ceil((end - start) / step))
  const data = allocate(n)
  for (let i = 0; i < n; i++) data[i] = start + i * step
  return fromData(data, [n])
}

/**
 * `count` evenly spaced values from start to stop inclusive.
 *
 * @throws {ArgumentError} for a count that is not a non-negative integer, or bounds that are not finite
 */
export const linspace = (start: number, stop: number, count: number): Tensor => {
  if (!Number.isInteger(count) || count < 0) {
    throw new ArgumentError('linspace', `count must be a non-negative integer, got ${count}`)
  }
  if (!Number.isFinite(start) || !Number.isFinite(stop)) {
    throw new ArgumentError('linspace', `start and stop must be finite, got ${start}, ${stop}`)
  }
  const data = allocate(count)
  const step = count > 1 ? (stop - start) / (count - 1) : 0
  for (let i = 0; i < count; i++) data[i] = i === count - 1 && count > 1 ? stop : start + i * step
  return fromData(data, [count])
}

/**
 * A tensor from untrusted nested arrays, as an Either: ragged input, non-numbers and empty inner
 * arrays of mismatched depth are a Left naming the path (`[1][2]`) and what was expected.
 */
export const tensorEither = (nested: unknown): E.Either<TensorError, Tensor> => {
  const shape: number[] = []
  let probe: unknown = nested
  while (Array.isArray(probe)) {
    shape.push(probe.length)
    probe = probe[0]
  }
  const data = allocate(sizeOf(shape))
  let offset = 0
  // An explicit stack instead of recursion: deep nesting cannot overflow.
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value: nested, depth: 0, path: '' }]
  while (stack.length > 0) {
    const top = stack.pop()
    if (top === undefined) break
    const { value, depth, path } = top
    if (depth === shape.length) {
      if (typeof value !== 'number') {
        const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value
        return E.left(new ArgumentError('tensor', `at ${path || 'the root'}: expected a number, got ${got} (ragged or mixed nesting)`))
      }
      data[offset++] = value
      continue
    }
    if (!Array.isArray(value)) {
      return E.left(new ArgumentError('tensor', `at ${path || 'the root'}: expected an array of length ${shape[depth]}, got ${typeof value === 'number' ? `the number ${value}` : typeof value} (ragged input)`))
    }
    if (value.length !== shape[depth]) {
      return E.left(new ArgumentError('tensor', `at ${path || 'the root'}: expected an array of length ${shape[depth]}, got length ${value.length} (ragged input)`))
    }
    for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth: depth + 1, path: `${path}[${i}]` })
  }
  return E.right(fromData(data, shape))
}

/**
 * A tensor from nested arrays; the shape is inferred and ragged input is rejected.
 *
 * @example
 * tensor([[1, 2], [3, 4]]).shape  // [2, 2]
 */
export const tensor = (nested: NestedArray): Tensor => {
  const result = tensorEither(nested)
  if (E.isLeft(result)) throw result.left
  return result.right
}

// ─── instances ──────────────────────────────────────────────────────────────────────────────────

/**
 * The key Node's `util.inspect` (and so `console.log`) looks up for a custom rendering. Taken with
 * `Symbol.for`, not from `node:util`, so the core stays free of Node imports; browsers ignore it.
 */
const inspectCustom = Symbol.for('nodejs.util.inspect.custom')

/**
 * Internal: what the library's constructors build. A tensor is still the plain record
 * `{ shape, data }` — those are its only own properties, so `JSON.stringify`, spreading,
 * `Object.keys` and structural equality (`toEqual`) see exactly that, and a literal
 * `{ shape, data }` from a user is a tensor too (`isTensor` is structural). The prototype adds one
 * non-enumerable method, Node's inspect hook, so `console.log(t)` prints `show(t)`. A prototype
 * rather than a per-object symbol property: the property would be copied by spreads, compared by
 * equality tests, and would cost every allocation; objects made by one constructor also keep the
 * kernels' property reads monomorphic. (Only prototype-strict comparisons, like
 * `assert.deepStrictEqual(t, { shape, data })` or `toStrictEqual`, tell the two apart; compare
 * `t.shape` and `t.data`, or use `allClose`.)
 */
class TensorRecord implements Tensor {
  constructor(
    readonly shape: Shape,
    readonly data: ReadonlyFloat64Array,
  ) {}

  [inspectCustom](): string {
    return toString(this)
  }
}

/**
 * True for a tensor made by this library's constructors (one prototype check, no property probe):
 * a fast path for hot loops that must tell tensors from other values; `isTensor` decides for the rest.
 */
export const isTensorRecord = (u: unknown): u is Tensor => u instanceof TensorRecord

