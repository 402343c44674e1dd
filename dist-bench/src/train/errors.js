/** An option or the data given to fit/evaluate is unusable; `option` names which. */
export class TrainError extends Error {
    option;
    detail;
    _tag = 'TrainError';
    constructor(option, detail) {
        super(`fit: ${option}: ${detail}`);
        this.option = option;
        this.detail = detail;
        this.name = 'TrainError';
    }
}
/**
 * The loss became NaN or infinite. Carries where (epoch and batch, 1-based) and the last finite
 * parameters and model state, from before the step that diverged.
 */
export class DivergedError extends Error {
    epoch;
    batch;
    loss;
    params;
    state;
    _tag = 'DivergedError';
    constructor(epoch, batch, loss, params, state) {
        super(`fit: the loss became ${loss} at epoch ${epoch}, batch ${batch}; training stopped (the error carries the last finite parameters)`);
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
        this.params = params;
        this.state = state;
        this.name = 'DivergedError';
    }
}
