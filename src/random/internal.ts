/**
 * random, for the library's own modules only (not published): the key tracer that `jit` installs
 * while it traces, so that keys derived inside a compiled function stay dynamic; and the derivations
 * and shuffle that write into their caller's buffers (train's folded epochs allocate nothing per
 * step or epoch with them). Re-exports only.
 */
export { installKeyTracer, type KeyTracer } from './keyTracer.js'
export { checkFoldInData, foldInWords, reusedKey, type ReusedKey } from './words.js'
export { shuffleInto } from './shuffle.js'
