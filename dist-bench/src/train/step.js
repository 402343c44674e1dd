/**
 * One training step as a pure function: `(trainState, batch) → trainState`.
 *
 * The loss of the model's output (plus any L1/L2 penalty) is differentiated with respect to the
 * parameters; the optimizer turns the gradient into updates; the model's own state (batch-norm
 * statistics) comes back from the forward pass as plain data. An epoch is a fold of this function
 * over batches; `fit` is a fold over epochs.
 */
import * as ad from '../ad/index.js';
import { applyUpdates } from '../optim/index.js';
import * as random from '../random/index.js';
import { flattenValues, mapDuals } from '../ad/valueTree.js';
// ─── constructors ───────────────────────────────────────────────────────────────────────────────
/** The state before the first step: the given parameters and the optimizer's initial state. */
export const initialTrainState = (params, modelState, optimizer, key) => ({
    params,
    modelState,
    optimizerState: optimizer.init(params),
    step: 0,
    key,
    loss: Number.NaN,
    predictions: undefined,
});
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/**
 * The penalty Σ l1·|w| + l2·w² over the parameters of rank ≥ 2 (weight matrices and kernels, not
 * biases or normalisation scales — what Keras users attach `kernel_regularizer` to). No ½ factor,
 * as in Keras.
 */
export const penalty = (params, { l1 = 0, l2 = 0 }) => {
    if (l1 === 0 && l2 === 0)
        return undefined;
    let total;
    for (const w of flattenValues('penalty', params).leaves) {
        if (ad.shapeOf(w).length < 2)
            continue;
        const terms = [l1 === 0 ? undefined : ad.mul(ad.sum(ad.abs(w)), l1), l2 === 0 ? undefined : ad.mul(ad.sum(ad.square(w)), l2)];
        for (const t of terms)
            if (t !== undefined)
                total = total === undefined ? t : ad.add(total, t);
    }
    return total;
};
/**
 * The training step of a model: a pure `(trainState, batch) → trainState`.
 *
 * @example
 * const model = nn.dense(1, { kernelInitializer: nn.zeros })
 * const optimizer = optim.sgd({ learningRate: 0.1 })
 * const start = train.initialTrainState(model.init(random.key(0), [1]).params, {}, optimizer, random.key(0))
 * train.trainStep(model, { loss: losses.mse, optimizer })(start, data.dataset(tensor([[1]]), tensor([[2]]))).params  // { kernel: [[0.4]], bias: [0.4] }
 */
export const trainStep = (model, { loss, optimizer, regularization = {} }) => (ts, batch) => {
    const ctx = { training: true, key: random.foldIn(ts.key, ts.step % 0x100000000) };
    const objective = (params) => {
        const { y, state } = model.apply(params, ts.modelState, batch.x, ctx);
        const data = loss(y, batch.y);
        const reg = penalty(params, regularization);
        return [reg === undefined ? data : ad.add(data, reg), { state, predictions: y }];
    };
    const [[value, aux], grads] = ad.valueAndGradWithAux(objective)(ts.params);
    const [updates, optimizerState] = optimizer.update(plain(grads), ts.optimizerState, ts.params);
    return {
        params: applyUpdates(ts.params, updates),
        modelState: plain(aux.state),
        optimizerState,
        step: ts.step + 1,
        key: ts.key,
        loss: ad.primalTensor(value).data[0] ?? Number.NaN,
        predictions: ad.primalTensor(aux.predictions),
    };
};
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
/** A tree of Values outside any trace is a tree of tensors; strips any Dual wrapper left. */
const plain = (tree) => {
    // mapDuals keeps the structure and leaves no Dual: a Tree (and the same object when it held none).
    return mapDuals(tree, ad.primalTensor);
};
