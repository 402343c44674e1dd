/**
 * Two-dimensional toy problems for binary classification — the four of TensorFlow Playground:
 * XOR quadrants, a disc inside a ring, two Gaussian blobs, and two interleaved spirals.
 *
 * Each is a function of a key and options giving a Dataset with x [samples, 2] (points in the
 * square [-3, 3]², before noise) and y [samples, 1] (class 0 or 1). Rows alternate class 0 and
 * class 1 (row i has class i mod 2), so the classes are balanced; shuffle or split with a key to
 * reorder. Noise is Gaussian, added to both coordinates with standard deviation `noise`, after the
 * label is decided: noise moves points across the boundary instead of relabelling them. The same
 * key gives the same bits on every engine (only arithmetic and sin/cos/sqrt of Threefry draws).
 */
import { normal, split, uniform, type Key } from '../random/index.js'
import { ArgumentError } from '../tensor/index.js'
import { fromData } from '../tensor/internal.js'
import { dataset, type Dataset } from './Dataset.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options of the planar datasets. */
export interface PlanarOptions {
  /** Number of points, at least 2 (default 200). */
  readonly samples?: number
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0). */
  readonly noise?: number
}

/** Half-width of the square the noise-free points lie in. */
export const planarRadius = 3

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * XOR quadrants: points uniform in [-3, 3]² (kept 0.3 away from the axes), class 1 where
 * x₁·x₂ > 0 (first and third quadrants), class 0 elsewhere. No straight line separates them.
 *
 * @example
 * data.xorQuadrants(random.key(0), { samples: 4 }).y  // [[0], [1], [0], [1]]
 */
export const xorQuadrants = (key: Key, options: PlanarOptions = {}): Dataset =>
  planar('xorQuadrants', key, options, (u, v, label, _i, w) => {
    // u, v in [0, 1): the coordinates' magnitudes in [0.3, 3]; w: which of the label's two quadrants.
    const a = 0.3 + u * (planarRadius - 0.3)
    const b = 0.3 + v * (planarRadius - 0.3)
    const flip = w < 0.5
    return label === 1 ? (flip ? [-a, -b] : [a, b]) : flip ? [-a, b] : [a, -b]
  })

/**
 * A disc inside a ring: class 1 within radius 1.5 of the origin, class 0 between radius 2.1 and
 * 3, angles uniform.
 *
 * @example
 * data.circles(random.key(0), { samples: 10 }).x.shape  // [10, 2]
 */
export const circles = (key: Key, options: PlanarOptions = {}): Dataset =>
  planar('circles', key, options, (u, v, label) => {
    const r = label === 1 ? u * 0.5 * planarRadius : (0.7 + u * 0.3) * planarRadius
    const angle = 2 * Math.PI * v
    return [r * Math.sin(angle), r * Math.cos(angle)]
  })

/**
 * Two Gaussian blobs of standard deviation 0.6 (before noise): class 1 around (1.5, 1.5), class 0
 * around (−1.5, −1.5). Linearly separable without noise.
 *
 * @example
 * data.twoGaussians(random.key(0)).y.shape  // [200, 1]
 */
export const twoGaussians = (key: Key, options: PlanarOptions = {}): Dataset => {
  const [blobKey = key, restKey = key] = split(key, 2)
  const n = checkedSamples('twoGaussians', options)
  const offsets = normal(blobKey, [n, 2], { stddev: 0.6 }).data
  return planar('twoGaussians', restKey, options, (_u, _v, label, i) => {
    const centre = label === 1 ? 1.5 : -1.5
    return [centre + (offsets[2 * i] ?? 0), centre + (offsets[2 * i + 1] ?? 0)]
  })
}

/**
 * Two interleaved spirals, each turning 1.75 times as its radius grows from 0 to 3; class 1 is the
 * first spiral rotated by half a turn. Without noise the points do not depend on the key.
 *
 * @example
 * data.spiral(random.key(0), { samples: 6 }).y  // [[0], [1], [0], [1], [0], [1]]
 */
export const spiral = (key: Key, options: PlanarOptions = {}): Dataset => {
  const n = checkedSamples('spiral', options)
  const perClass = Math.ceil(n / 2)
  return planar('spiral', key, options, (_u, _v, label, i) => {
    const t = Math.floor(i / 2) / perClass
    const r = t * planarRadius
    const angle = 1.75 * t * 2 * Math.PI + (label === 1 ? Math.PI : 0)
    return [r * Math.sin(angle), r * Math.cos(angle)]
  })
}

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** Maps three independent uniform draws in [0, 1) (u, v, w) and the row's label to the noise-free point. */
type Place = (u: number, v: number, label: 0 | 1, row: number, w: number) => readonly [number, number]

function checkedSamples(op: string, { samples = 200, noise = 0 }: PlanarOptions): number {
  if (!Number.isInteger(samples) || samples < 2) {
    throw new ArgumentError(op, `samples must be an integer of at least 2, got ${samples}`)
  }
  if (!(Number.isFinite(noise) && noise >= 0)) {
    throw new ArgumentError(op, `noise must be a finite number ≥ 0, got ${noise}`)
  }
  return samples
}

/** Rows alternate class 0 and 1; `place` maps three uniform draws to the noise-free point. */
function planar(op: string, key: Key, options: PlanarOptions, place: Place): Dataset {
  const n = checkedSamples(op, options)
  const noise = options.noise ?? 0
  const [drawKey = key, noiseKey = key] = split(key, 2)
  const draws = uniform(drawKey, [n, 3]).data
  const jitter = normal(noiseKey, [n, 2], { stddev: noise }).data
  const x = new Float64Array(2 * n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const label = i % 2 === 0 ? 0 : 1
    const [p, q] = place(draws[3 * i] ?? 0, draws[3 * i + 1] ?? 0, label, i, draws[3 * i + 2] ?? 0)
    x[2 * i] = p + (jitter[2 * i] ?? 0)
    x[2 * i + 1] = q + (jitter[2 * i + 1] ?? 0)
    y[i] = label
  }
  return dataset(fromData(x, [n, 2]), fromData(y, [n, 1]))
}
