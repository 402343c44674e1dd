/**
 * Does memory stay flat over a long training run? Heap after a full garbage collection at the end
 * of epoch 5 and of epoch 50 of the W2 set-up: the real MNIST subset (8 000 training digits, not a
 * synthetic stand-in: 50 epochs take about a minute on the machine of bench/README.md), 784-128-10 with ReLU,
 * softmax cross-entropy, Adam 1e-3, batch 128, reshuffled every epoch by `fit`.
 *
 *   node --expose-gc --import tsx bench/memory-long.ts [--epochs 50] [--json]
 *
 * The heap is also printed every 5 epochs, so a slow leak shows as a trend. `fit` keeps one
 * history entry per epoch (a few hundred bytes each), which is expected growth.
 */
import * as data from '../src/data/index.js';
import * as losses from '../src/losses/index.js';
import * as optim from '../src/optim/index.js';
import * as random from '../src/random/index.js';
import * as train from '../src/train/index.js';
import { dualflowModel } from './mlp.js';
import { heapAfterGc, mib, now } from './stats.js';
import { mnistSpec } from './workloads/w2-mnist.js';
const argValue = (name) => {
    const i = process.argv.indexOf(name);
    return i < 0 ? undefined : process.argv[i + 1];
};
const epochs = Number(argValue('--epochs') ?? 50);
const json = process.argv.includes('--json');
const first = Math.min(5, epochs);
if (typeof globalThis.gc !== 'function') {
    process.stderr.write('run with node --expose-gc (the heap after GC cannot be measured otherwise)\n');
    process.exit(1);
}
const { train: digits } = await data.mnist();
const heap = new Map();
const started = now();
train.fit(dualflowModel(mnistSpec), digits, {
    loss: losses.softmaxCrossEntropy,
    optimizer: optim.adam({ learningRate: 1e-3 }),
    epochs,
    batchSize: 128,
    key: random.key(0),
    onEvent: (event) => {
        if (event.type !== 'epochEnd')
            return;
        const { epoch } = event.log;
        if (epoch === first || epoch === epochs || epoch % 5 === 0) {
            const bytes = heapAfterGc();
            heap.set(epoch, bytes);
            process.stderr.write(`epoch ${epoch}: loss ${event.log.loss.toFixed(4)}, heap after GC ${mib(bytes)} (${(now() - started).toFixed(0)} s)\n`);
        }
    },
});
const atFirst = heap.get(first) ?? Number.NaN;
const atLast = heap.get(epochs) ?? Number.NaN;
const ratio = atLast / atFirst;
if (json) {
    process.stdout.write(`${JSON.stringify({ bench: 'memory-long', data: 'mnist 8000 digits', [`heapEpoch${first}`]: atFirst, [`heapEpoch${epochs}`]: atLast, ratio })}\n`);
}
else {
    process.stdout.write(`MNIST 784-128-10 on the 8 000 bundled digits, ${epochs} epochs, node ${process.version}\n`);
    process.stdout.write(`  heap after GC at epoch ${first}: ${mib(atFirst)}\n`);
    process.stdout.write(`  heap after GC at epoch ${epochs}: ${mib(atLast)}\n`);
    process.stdout.write(`  ratio ${ratio.toFixed(4)} (${((ratio - 1) * 100).toFixed(2)}%)\n`);
}
