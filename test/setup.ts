/**
 * fast-check's seed. Locally every run draws fresh inputs (set FC_SEED to replay one); under CI
 * (CI=true) the seed is fixed so that a run is reproducible and a red CI always means a change,
 * not an unlucky draw. A failing property prints its seed and counterexample either way.
 */
import fc from 'fast-check'
import { useKernels } from '../src/tensor/index.js'

const fromEnv = process.env['FC_SEED']
const seed = fromEnv !== undefined ? Number(fromEnv) : process.env['CI'] === 'true' ? 20261122 : undefined
if (seed !== undefined && Number.isInteger(seed)) fc.configureGlobal({ seed })

/**
 * DUALFLOW_KERNEL=js|wasm|auto runs the whole suite on one kernel backend (`npm run test:js`,
 * `npm run test:wasm`; CI runs the default and the JavaScript kernels). Unset: 'auto'.
 */
const kernel = process.env['DUALFLOW_KERNEL']
if (kernel === 'js' || kernel === 'wasm' || kernel === 'auto') useKernels(kernel)
else if (kernel !== undefined && kernel !== '') throw new Error(`DUALFLOW_KERNEL must be js, wasm or auto, got ${kernel}`)
