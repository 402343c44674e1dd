/**
 * W4 — XOR 2-3-1 (ReLU, sigmoid), MSE, Adam 0.01, full batch (4 rows), 2 000 steps, from 10 keys'
 * initial weights: µs per step (median over all steps of all keys, the first step of each run left
 * out) and how many keys solve it (all four outputs on the right side of 0.5). The quick run uses
 * 3 keys.
 */
import * as data from '../../src/data/index.js';
import * as random from '../../src/random/index.js';
import { tfLibs, useBackend } from '../tfjs.js';
import { median } from '../stats.js';
import { accuracyOf, initialise, trainOn } from '../mlp.js';
const spec = { inputs: 2, layers: [{ units: 3, activation: 'relu' }, { units: 1, activation: 'sigmoid' }] };
export const runW4 = async (ctx) => {
    const xor = data.gates.xor;
    const keys = ctx.quick ? 3 : 10;
    const steps = 2000;
    const setups = Array.from({ length: keys }, (_, k) => ({
        spec,
        loss: 'mse',
        learningRate: 0.01,
        batchSize: 4,
        epochs: steps,
        train: xor,
        initial: initialise(spec, random.key(k)),
    }));
    const measurements = [];
    const solvedBy = new Map();
    const run = (lib, engine) => {
        const perStep = [];
        let total = 0;
        const solved = [];
        setups.forEach((setup, k) => {
            const o = trainOn(engine, setup);
            perStep.push(...o.epochSeconds.slice(1));
            total += o.totalSeconds;
            if (accuracyOf({ shape: [4, 1], data: Float64Array.from(o.predict(xor.x)) }, xor.y) === 1)
                solved.push(k);
            o.dispose();
        });
        const us = median(perStep) * 1e6;
        measurements.push({
            workload: 'W4',
            lib,
            metric: 'usPerStep',
            value: us,
            higherIsBetter: false,
            extras: { solved: solved.length, keys, usPerStepMean: (total / (keys * steps)) * 1e6 },
        });
        solvedBy.set(lib, solved.join(','));
        ctx.log(`W4 ${lib}: ${us.toFixed(1)} µs/step (mean with set-up ${((total / (keys * steps)) * 1e6).toFixed(1)}), solved ${solved.length}/${keys}: keys ${solved.join(',')}`);
    };
    if (ctx.libs.includes('dualflow'))
        run('dualflow', 'dualflow');
    for (const lib of tfLibs(ctx.libs)) {
        await useBackend(lib);
        run(lib, 'tfjs');
    }
    const notes = [...solvedBy].map(([lib, keysSolved]) => `${lib} solved keys: ${keysSolved === '' ? 'none' : keysSolved}`);
    return { measurements, notes };
};
