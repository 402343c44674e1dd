/**
 * Every setting of a run, and its round trip through the URL's query string. A run is a pure
 * function of its settings (the key included), so a link replays it — bit for bit on the same
 * browser engine.
 */

/** Half-width of the plane drawn: the data's [-3, 3]² plus room for noise. */
export const extent = 4

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

export const datasetNames = ['xor', 'circles', 'gaussians', 'spiral'] as const
export type DatasetName = (typeof datasetNames)[number]

export const featureNames = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'] as const
export type FeatureName = (typeof featureNames)[number]

/** How each input feature is written on the page. */
export const featureLabels: Record<FeatureName, string> = {
  x1: 'x₁',
  x2: 'x₂',
  x1sq: 'x₁²',
  x2sq: 'x₂²',
  x1x2: 'x₁x₂',
  sinx1: 'sin x₁',
  sinx2: 'sin x₂',
}

/**
 * `wrongTanh` is tanh whose pullback uses 1 − y instead of 1 − y²: a planted bug, for "prove the
 * gradients" to catch (with a counterexample) while training still seems to work.
 */
export const activationNames = ['tanh', 'relu', 'sigmoid', 'linear', 'wrongTanh'] as const
export type ActivationName = (typeof activationNames)[number]

export const optimizerNames = ['sgd', 'momentum', 'adam', 'rmsprop'] as const
export type OptimizerName = (typeof optimizerNames)[number]

export interface Settings {
  readonly dataset: DatasetName
  /** Standard deviation of the Gaussian noise on the points. */
  readonly noise: number
  /** Share of the points held out as the test set. */
  readonly testFraction: number
  readonly samples: number
  readonly features: readonly FeatureName[]
  /** Units of each hidden layer. */
  readonly hidden: readonly number[]
  readonly activation: ActivationName
  readonly optimizer: OptimizerName
  readonly learningRate: number
  readonly l1: number
  readonly l2: number
  readonly batchSize: number
  /** The seed of the random key: data, split, initial weights and batch order all derive from it. */
  readonly key: number
  /** When set, training runs to exactly this step and pauses (what a shared link replays). */
  readonly steps: number | undefined
}

export const defaults: Settings = {
  dataset: 'xor',
  noise: 0,
  testFraction: 0.5,
  samples: 400,
  features: ['x1', 'x2'],
  hidden: [4],
  activation: 'tanh',
  optimizer: 'adam',
  learningRate: 0.03,
  l1: 0,
  l2: 0,
  batchSize: 10,
  key: 7,
  steps: undefined,
}

// ─── the query string ───────────────────────────────────────────────────────────────────────────

const oneOf = <T extends string>(names: readonly T[], value: string | null, fallback: T): T => names.find((n) => n === value) ?? fallback

const numberIn = (value: string | null, fallback: number, min: number, max: number, integer = false): number => {
  if (value === null || value.trim() === '') return fallback
  const n = Number(value)
  return Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n)) ? n : fallback
}

/** Settings from a query string; a missing or invalid value takes its default. */
export const parseSettings = (query: string): Settings => {
  const p = new URLSearchParams(query)
  const features = (p.get('features') ?? '').split(',').flatMap((f) => featureNames.filter((n) => n === f))
  const hidden = (p.get('hidden') ?? '').split(',').filter((h) => h !== '').map(Number)
  const steps = numberIn(p.get('steps'), -1, 0, 1e7, true)
  return {
    dataset: oneOf(datasetNames, p.get('dataset'), defaults.dataset),
    noise: numberIn(p.get('noise'), defaults.noise, 0, 2),
    testFraction: numberIn(p.get('test'), defaults.testFraction, 0.1, 0.9),
    samples: numberIn(p.get('samples'), defaults.samples, 20, 2000, true),
    features: p.has('features') && features.length > 0 ? [...new Set(features)] : defaults.features,
    hidden: p.has('hidden') && hidden.every((h) => Number.isInteger(h) && h >= 1 && h <= 8) && hidden.length <= 6 ? hidden : defaults.hidden,
    activation: oneOf(activationNames, p.get('activation'), defaults.activation),
    optimizer: oneOf(optimizerNames, p.get('optimizer'), defaults.optimizer),
    learningRate: numberIn(p.get('lr'), defaults.learningRate, 1e-6, 10),
    l1: numberIn(p.get('l1'), defaults.l1, 0, 1),
    l2: numberIn(p.get('l2'), defaults.l2, 0, 1),
    batchSize: numberIn(p.get('batch'), defaults.batchSize, 1, 2000, true),
    key: numberIn(p.get('key'), defaults.key, 0, 2 ** 32 - 1, true),
    steps: steps < 0 ? undefined : steps,
  }
}

/** The query string of a run: every setting, always written out (a link does not depend on defaults). */
export const formatSettings = (s: Settings): string => {
  const p = new URLSearchParams()
  p.set('dataset', s.dataset)
  p.set('noise', String(s.noise))
  p.set('test', String(s.testFraction))
  p.set('samples', String(s.samples))
  p.set('features', s.features.join(','))
  p.set('hidden', s.hidden.join(','))
  p.set('activation', s.activation)
  p.set('optimizer', s.optimizer)
  p.set('lr', String(s.learningRate))
  p.set('l1', String(s.l1))
  p.set('l2', String(s.l2))
  p.set('batch', String(s.batchSize))
  p.set('key', String(s.key))
  if (s.steps !== undefined) p.set('steps', String(s.steps))
  return `?${p.toString()}`
}
