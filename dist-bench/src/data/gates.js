/**
 * The four two-input logic gates as tiny datasets: the first problems a perceptron (AND, OR,
 * NAND: linearly separable) and a hidden layer (XOR: not separable) are taught on.
 *
 * Each gate has x = [[0,0],[0,1],[1,0],[1,1]] (shape [4, 2]) and its truth table as y (shape
 * [4, 1]), in that row order.
 */
import { tensor } from '../tensor/index.js';
import { dataset } from './Dataset.js';
// ─── constructors ───────────────────────────────────────────────────────────────────────────────
/**
 * AND, OR, XOR and NAND truth tables over the inputs [[0,0],[0,1],[1,0],[1,1]].
 *
 * @example
 * data.gates.xor.y  // [[0], [1], [1], [0]]
 */
export const gates = Object.freeze({
    and: gate((a, b) => a && b),
    or: gate((a, b) => a || b),
    xor: gate((a, b) => a !== b),
    nand: gate((a, b) => !(a && b)),
});
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
function gate(truth) {
    const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
    return dataset(tensor(inputs.map(([a, b]) => [a, b])), tensor(inputs.map(([a, b]) => [truth(a === 1, b === 1) ? 1 : 0])));
}
