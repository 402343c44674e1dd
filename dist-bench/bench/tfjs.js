/**
 * TensorFlow.js set-up for the benchmarks: the pure-JavaScript `cpu` backend and the WebAssembly
 * backend, whose .wasm binaries are loaded from node_modules (no network). Both compute in float32.
 *
 * Production mode is switched on (as an application would for speed): it drops tfjs's debug-time
 * argument checks and silences its console warnings (such as the suggestion to install tfjs-node).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
export { tf };
let configured = false;
/** The folder that holds tfjs-backend-wasm's .wasm files, with a trailing slash. */
export const wasmDirectory = () => {
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
};
/** Switches tfjs to the backend of `lib` and waits until it is ready. */
export const useBackend = async (lib) => {
    if (!configured) {
        tf.enableProdMode();
        setWasmPaths(wasmDirectory());
        configured = true;
    }
    const name = lib === 'tfjs-cpu' ? 'cpu' : 'wasm';
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok || tf.getBackend() !== name)
        throw new Error(`tfjs backend ${name} could not be initialised (got ${tf.getBackend()})`);
};
/** The tfjs libraries among `libs`. */
export const tfLibs = (libs) => libs.filter((l) => l !== 'dualflow');
/** tfjs's version, for the report. */
export const tfVersion = () => tf.version.tfjs;
