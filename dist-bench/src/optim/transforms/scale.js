/**
 * `scale`: multiplies the updates by a constant factor. Stateless.
 */
import * as tree from '../../tree/index.js';
import { EMPTY_STATE } from '../GradientTransformation.js';
import { finite } from '../validation.js';
// ─── constructors ───────────────────────────────────────────────────────────────────────────────
/**
 * u ← s · g, leaf by leaf. `factor` must be finite (any sign: −learningRate gives plain gradient
 * descent with a fixed rate).
 *
 * @example
 * optim.scale(-0.1).update({ w: vector([1, 2]) }, {})[0]  // { w: [-0.1, -0.2] }
 */
export const scale = (factor) => {
    finite('scale', 'factor', factor);
    return {
        init: () => EMPTY_STATE,
        update: (grads, state) => [tree.scale(grads, factor), state],
    };
};
