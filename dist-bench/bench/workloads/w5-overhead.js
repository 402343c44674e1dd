/**
 * W5 — per-call overhead on tiny tensors, where the arithmetic costs nothing and dispatch is all:
 *   add: element-wise sums of two length-16 vectors (ops/s): dualflow's `add` on plain tensors,
 *        tfjs's `tf.add` followed by `dispose` of the result.
 *   valueAndGrad: value and gradient of f(x) = Σ tanh(x)·x at a length-16 vector (calls/s):
 *        dualflow's `valueAndGrad`, tfjs's `tf.valueAndGrad` (value and gradient disposed).
 */
import { add, mul, sum, tanh, valueAndGrad, vector } from '../../src/index.js';
import { tf, tfLibs, useBackend } from '../tfjs.js';
import { timeSamples } from '../stats.js';
import { lcg } from './w1-matmul.js';
export const runW5 = async (ctx) => {
    const adds = 100_000;
    const calls = ctx.quick ? 5_000 : 10_000;
    const timing = ctx.quick ? { warmup: 2, repeats: 5 } : { warmup: 3, repeats: 7 };
    const a = lcg(16, 3);
    const b = lcg(16, 4);
    const measurements = [];
    const record = (lib, addSeconds, gradSeconds, value) => {
        measurements.push({ workload: 'W5', case: 'add', lib, metric: 'opsPerSec', value: adds / addSeconds, higherIsBetter: true, extras: { count: adds } });
        measurements.push({ workload: 'W5', case: 'valueAndGrad', lib, metric: 'callsPerSec', value: calls / gradSeconds, higherIsBetter: true, extras: { count: calls, value } });
        ctx.log(`W5 ${lib}: ${(addSeconds / adds * 1e6).toFixed(3)} µs/add, ${(gradSeconds / calls * 1e6).toFixed(2)} µs/valueAndGrad`);
    };
    if (ctx.libs.includes('dualflow')) {
        const x = vector(a);
        const y = vector(b);
        const addSeconds = timeSamples(() => {
            for (let i = 0; i < adds; i++)
                add(x, y);
        }, timing);
        const f = (v) => sum(mul(tanh(v), v));
        const g = valueAndGrad(f);
        let value = Number.NaN;
        const gradSeconds = timeSamples(() => {
            for (let i = 0; i < calls; i++)
                value = g(x)[0].data[0] ?? Number.NaN;
        }, timing);
        record('dualflow', addSeconds, gradSeconds, value);
    }
    for (const lib of tfLibs(ctx.libs)) {
        await useBackend(lib);
        const x = tf.tensor1d(Float32Array.from(a));
        const y = tf.tensor1d(Float32Array.from(b));
        const addSeconds = timeSamples(() => {
            for (let i = 0; i < adds; i++)
                tf.add(x, y).dispose();
        }, timing);
        const g = tf.valueAndGrad((v) => tf.sum(tf.mul(tf.tanh(v), v)));
        let value = Number.NaN;
        const gradSeconds = timeSamples(() => {
            for (let i = 0; i < calls; i++) {
                const r = g(x);
                if (i === calls - 1)
                    value = r.value.dataSync()[0] ?? Number.NaN;
                r.value.dispose();
                r.grad.dispose();
            }
        }, timing);
        x.dispose();
        y.dispose();
        record(lib, addSeconds, gradSeconds, value);
    }
    return { measurements };
};
