/**
 * W2 — MNIST MLP 784-128-10 (ReLU, softmax cross-entropy on logits), Adam 1e-3, batch 128, on the
 * 8 000 bundled training digits; both libraries from the same initial weights and batch order.
 * Figures: training samples/s (median over the epochs after the first, which is the warm-up), test
 * accuracy on the 2 000 test digits after epoch 5, and dualflow's heap after GC at the end of
 * epochs 1 and 5.
 *
 * The full run trains 6 epochs (epoch 1 warm-up, epochs 2–6 timed: 5 repeats; the accuracy is read
 * after epoch 5). The quick run trains 3 epochs (2 timed) and reads the accuracy and the heap after
 * epoch 3.
 */
import * as data from '../../src/data/index.js';
import * as random from '../../src/random/index.js';
import { tfLibs, useBackend } from '../tfjs.js';
import { median, mib } from '../stats.js';
import { initialise, lossAgreement, maxRelativeDifference, permuted, trainOn } from '../mlp.js';
/** The W2 network (W6 predicts with it too). */
export const mnistSpec = { inputs: 784, layers: [{ units: 128, activation: 'relu' }, { units: 10, activation: 'linear' }] };
/** The seed of W2's (and W6's) initial weights. */
export const mnistInitSeed = 42;
export const runW2 = async (ctx) => {
    const { train, test } = await data.mnist();
    const epochs = ctx.quick ? 3 : 6;
    const accuracyEpoch = ctx.quick ? 3 : 5;
    const heapEpochs = [1, accuracyEpoch];
    const setup = {
        spec: mnistSpec,
        loss: 'softmaxCrossEntropy',
        learningRate: 1e-3,
        batchSize: 128,
        epochs,
        train: permuted(train, 1),
        initial: initialise(mnistSpec, random.key(mnistInitSeed)),
        evaluateAt: { epoch: accuracyEpoch, data: test },
        heapAt: heapEpochs,
    };
    const n = data.rowCount(train);
    const measurements = [];
    const notes = [];
    const records = [];
    const ratios = [];
    const outcomes = new Map();
    const record = (lib, o) => {
        const timed = o.epochSeconds.slice(1);
        const samplesPerSec = median(timed.map((s) => n / s));
        measurements.push({
            workload: 'W2',
            lib,
            metric: 'samplesPerSec',
            value: samplesPerSec,
            higherIsBetter: true,
            extras: { testAccuracy: o.evaluated ?? Number.NaN, accuracyEpoch, loss: o.epochLoss[accuracyEpoch - 1] ?? Number.NaN, timedEpochs: timed.length },
        });
        ctx.log(`W2 ${lib}: ${samplesPerSec.toFixed(0)} samples/s, epoch seconds ${o.epochSeconds.map((s) => s.toFixed(2)).join(' ')}, losses ${o.epochLoss.map((l) => l.toFixed(5)).join(' ')}, test accuracy ${o.evaluated}`);
        outcomes.set(lib, o);
    };
    if (ctx.libs.includes('dualflow')) {
        const o = trainOn('dualflow', setup);
        record('dualflow', o);
        const first = o.heap.get(1) ?? Number.NaN;
        const last = o.heap.get(accuracyEpoch) ?? Number.NaN;
        const growth = last / first - 1;
        records.push({ workload: 'memory', lib: 'dualflow', heapEpoch1: first, [`heapEpoch${accuracyEpoch}`]: last, growth, target: 0.05, met: Math.abs(growth) <= 0.05 });
        notes.push(`dualflow heap after GC: epoch 1 ${mib(first)}, epoch ${accuracyEpoch} ${mib(last)} (${(growth * 100).toFixed(2)}%; target within 5%${Math.abs(growth) <= 0.05 ? ', met' : ', NOT met'})`);
    }
    for (const lib of tfLibs(ctx.libs)) {
        await useBackend(lib);
        const o = trainOn('tfjs', setup);
        o.dispose();
        record(lib, o);
    }
    const d = outcomes.get('dualflow');
    const dAcc = d?.evaluated;
    if (d !== undefined && dAcc !== undefined) {
        for (const [lib, o] of outcomes) {
            if (lib === 'dualflow')
                continue;
            const diff = maxRelativeDifference(d.epochLoss, o.epochLoss);
            const accPoints = (dAcc - (o.evaluated ?? Number.NaN)) * 100;
            notes.push(`vs ${lib}: ${lossAgreement(d.epochLoss, o.epochLoss)}; test accuracy ${(dAcc * 100).toFixed(2)}% vs ${((o.evaluated ?? Number.NaN) * 100).toFixed(2)}% (${accPoints >= 0 ? '+' : ''}${accPoints.toFixed(2)} points; target within 1 point${Math.abs(accPoints) <= 1 ? ', met' : ', NOT met'})`);
            records.push({ workload: 'W2', agreement: { vs: lib, maxRelativeLossDifference: diff, accuracyPoints: accPoints } });
        }
    }
    return { measurements, ratios, records, notes };
};
