/**
 * W1 — matrix product C = A·B of square N×N matrices, N = 64, 128, 256, 512: GFLOP/s = 2N³ / time.
 * dualflow's `matmul` on plain tensors (float64) against tfjs's `tf.matMul` (float32). The inputs
 * are the same numbers for every library (a fixed LCG in [−0.5, 0.5)).
 */
import { matmul, fromArray } from '../../src/index.js';
import { tf, tfLibs, useBackend } from '../tfjs.js';
import { timeCall } from '../stats.js';
/** Reproducible values in [−0.5, 0.5). */
export const lcg = (length, seed) => {
    const out = new Float64Array(length);
    let state = seed >>> 0;
    for (let i = 0; i < length; i++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        out[i] = state / 4294967296 - 0.5;
    }
    return out;
};
export const runW1 = async (ctx) => {
    const sizes = [64, 128, 256, 512];
    const timing = ctx.quick ? { warmup: 1, warmupSeconds: 0.1, repeats: 5, minSampleSeconds: 0.02 } : { warmup: 2, warmupSeconds: 0.3, repeats: 9, minSampleSeconds: 0.1 };
    const measurements = [];
    const gflops = (n, seconds) => (2 * n * n * n) / seconds / 1e9;
    for (const n of sizes) {
        const a = lcg(n * n, 1);
        const b = lcg(n * n, 2);
        if (ctx.libs.includes('dualflow')) {
            const ta = fromArray(a, [n, n]);
            const tb = fromArray(b, [n, n]);
            const seconds = timeCall(() => void matmul(ta, tb), timing);
            measurements.push({ workload: 'W1', case: `N=${n}`, lib: 'dualflow', metric: 'gflops', value: gflops(n, seconds), higherIsBetter: true });
            ctx.log(`W1 N=${n} dualflow ${(seconds * 1e3).toFixed(3)} ms`);
        }
        for (const lib of tfLibs(ctx.libs)) {
            await useBackend(lib);
            const ta = tf.tensor2d(Float32Array.from(a), [n, n]);
            const tb = tf.tensor2d(Float32Array.from(b), [n, n]);
            // Both tfjs backends compute eagerly and synchronously: the product is done when matMul returns.
            const seconds = timeCall(() => tf.matMul(ta, tb).dispose(), timing);
            ta.dispose();
            tb.dispose();
            measurements.push({ workload: 'W1', case: `N=${n}`, lib, metric: 'gflops', value: gflops(n, seconds), higherIsBetter: true });
            ctx.log(`W1 N=${n} ${lib} ${(seconds * 1e3).toFixed(3)} ms`);
        }
    }
    return { measurements };
};
