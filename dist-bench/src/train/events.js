/**
 * Training events: what `fit` tells an observer (a progress bar, a logger, a plot) as the fold runs.
 * Observers receive data; they cannot change the fold.
 */
export {};
