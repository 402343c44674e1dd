export { mae, mse, sse } from './regression.js';
export { binaryCrossEntropy, binaryCrossEntropyWithLogits, categoricalCrossEntropy, hinge, softmaxCrossEntropy } from './classification.js';
export { l1, l2 } from './regularization.js';
