/**
 * fast-check's seed. Locally every run draws fresh inputs (set FC_SEED to replay one); under CI
 * (CI=true) the seed is fixed so that a run is reproducible and a red CI always means a change,
 * not an unlucky draw. A failing property prints its seed and counterexample either way.
 */
import fc from 'fast-check'

const fromEnv = process.env['FC_SEED']
const seed = fromEnv !== undefined ? Number(fromEnv) : process.env['CI'] === 'true' ? 20261122 : undefined
if (seed !== undefined && Number.isInteger(seed)) fc.configureGlobal({ seed })
