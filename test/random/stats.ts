/**
 * Small statistics helpers for the random tests: moments and Pearson's chi-square.
 */

/** Mean and (population) variance of a sample. */
export const moments = (xs: ArrayLike<number>): { mean: number; variance: number } => {
  let sum = 0
  for (let i = 0; i < xs.length; i++) sum += xs[i] ?? 0
  const mean = sum / xs.length
  let ss = 0
  for (let i = 0; i < xs.length; i++) ss += ((xs[i] ?? 0) - mean) ** 2
  return { mean, variance: ss / xs.length }
}

/** Pearson's chi-square of observed counts against equal expected counts. */
export const chiSquareUniform = (counts: ArrayLike<number>): number => {
  let total = 0
  for (let i = 0; i < counts.length; i++) total += counts[i] ?? 0
  const expected = total / counts.length
  let stat = 0
  for (let i = 0; i < counts.length; i++) stat += ((counts[i] ?? 0) - expected) ** 2 / expected
  return stat
}

/** Counts of values in [0, 1) over `buckets` equal-width buckets. */
export const bucketCounts = (xs: ArrayLike<number>, buckets: number): number[] => {
  const counts = new Array<number>(buckets).fill(0)
  for (let i = 0; i < xs.length; i++) {
    const b = Math.floor((xs[i] ?? 0) * buckets)
    counts[b] = (counts[b] ?? 0) + 1
  }
  return counts
}

/** 99.9% quantiles of the chi-square distribution (scipy.stats.chi2.ppf(0.999, dof)). */
export const CHI2_999 = { 4: 18.467, 9: 27.877, 24: 51.179, 99: 148.230, 119: 172.418 } as const
