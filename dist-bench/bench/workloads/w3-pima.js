/**
 * W3 — Pima diabetes 8-12-8-1 (ReLU, ReLU, sigmoid), binary cross-entropy, Adam 1e-3, batch 10, all
 * 768 rows, 150 epochs (the Keras "first neural network" tutorial): µs per training step (median
 * over epochs 2…150 of the epoch's time over its 77 steps) and the final training accuracy. Both
 * libraries start from the same weights and see the same batches. The quick run trains 15 epochs.
 */
import * as data from '../../src/data/index.js';
import * as random from '../../src/random/index.js';
import { tfLibs, useBackend } from '../tfjs.js';
import { median } from '../stats.js';
import { accuracyOf, initialise, lossAgreement, permuted, trainOn } from '../mlp.js';
const spec = {
    inputs: 8,
    layers: [
        { units: 12, activation: 'relu' },
        { units: 8, activation: 'relu' },
        { units: 1, activation: 'sigmoid' },
    ],
};
export const runW3 = async (ctx) => {
    const all = data.pima();
    const epochs = ctx.quick ? 15 : 150;
    const batchSize = 10;
    const setup = {
        spec,
        loss: 'binaryCrossEntropy',
        learningRate: 1e-3,
        batchSize,
        epochs,
        train: permuted(all, 2),
        initial: initialise(spec, random.key(7)),
    };
    const steps = Math.ceil(data.rowCount(all) / batchSize);
    const measurements = [];
    const notes = [];
    const outcomes = new Map();
    const record = (lib, o) => {
        const us = median(o.epochSeconds.slice(1)) / steps * 1e6;
        const trainAccuracy = accuracyOf({ shape: [data.rowCount(all), 1], data: Float64Array.from(o.predict(all.x)) }, all.y);
        const finalLoss = o.epochLoss[o.epochLoss.length - 1] ?? Number.NaN;
        measurements.push({
            workload: 'W3',
            lib,
            metric: 'usPerStep',
            value: us,
            higherIsBetter: false,
            extras: { trainAccuracy, finalLoss, epochs, usPerStepMean: (o.epochSeconds.reduce((a, b) => a + b, 0) / (epochs * steps)) * 1e6 },
        });
        ctx.log(`W3 ${lib}: ${us.toFixed(1)} µs/step, final loss ${finalLoss.toFixed(5)}, training accuracy ${(trainAccuracy * 100).toFixed(2)}%`);
        outcomes.set(lib, o);
    };
    if (ctx.libs.includes('dualflow'))
        record('dualflow', trainOn('dualflow', setup));
    for (const lib of tfLibs(ctx.libs)) {
        await useBackend(lib);
        const o = trainOn('tfjs', setup);
        record(lib, o);
        o.dispose();
    }
    const d = outcomes.get('dualflow');
    if (d !== undefined) {
        for (const [lib, o] of outcomes) {
            if (lib !== 'dualflow')
                notes.push(`vs ${lib}: ${lossAgreement(d.epochLoss, o.epochLoss)}`);
        }
    }
    return { measurements, notes };
};
