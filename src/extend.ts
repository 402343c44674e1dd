/**
 * dualflow/extend — what extends the library rather than uses it: defining primitives (`Primitive`,
 * `bind`, `elementwisePrimitive`, the op-typing helpers), the library's own primitives, and making
 * kernel outputs (`fromKernel`, `allocate`). docs/EXTENDING.md walks through adding an op with its
 * laws. Re-exports only.
 *
 * @module dualflow/extend
 */
export * from './ad/extend.js'
export * from './tensor/extend.js'
