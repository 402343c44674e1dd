/**
 * random, for the library's own modules only (not published): the key tracer that `jit` installs
 * while it traces, so that keys derived inside a compiled function stay dynamic. Re-exports only.
 */
export { installKeyTracer, type KeyTracer } from './keyTracer.js'
