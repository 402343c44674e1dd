/**
 * fast-check's seed. Locally every run draws fresh inputs (set FC_SEED to replay one); under CI
 * (CI=true) the seed is fixed so that a run is reproducible and a red CI always means a change,
 * not an unlucky draw. A failing property prints its seed and counterexample either way.
 */
import fc from 'fast-check'
import { useReplay } from '../src/jit/index.js'
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

/**
 * DUALFLOW_JIT_REPLAY=loop|generated|auto runs the whole suite with jit's interpreted replay loop
 * (what a Content-Security-Policy without 'unsafe-eval' gets), with generated code from a plan's
 * first call, or as by default ('auto': generated after GENERATE_AFTER replays). Unset: 'auto'.
 */
const replay = process.env['DUALFLOW_JIT_REPLAY']
if (replay === 'loop' || replay === 'auto' || replay === 'generated') useReplay(replay)
else if (replay !== undefined && replay !== '') throw new Error(`DUALFLOW_JIT_REPLAY must be loop, generated or auto, got ${replay}`)
