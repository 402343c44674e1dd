/**
 * report — the effects at the edge: the Keras-style terminal progress display, charts of training
 * curves (SVG and ASCII), and printing of backward-pass traces. Re-exports only.
 *
 * @module dualflow/report
 */
export * from './progress.js'
export * from './charts.js'
