/**
 * jit — compile a pure function once, replay it into reused buffers: tracing (tracer.ts), the
 * graph (graph.ts), planning (plan.ts) and replay (replay.ts). Re-exports only.
 *
 * @module dualflow/jit
 */
export * from './errors.js'
export { jit, type Jitted, type JitOptions, type JitStats } from './jit.js'
export { TracedTensor } from './tracer.js'
export type { AnyGraphNode, Graph, GraphNode, MultiGraphNode, OutputLeaf, OutputTemplate } from './graph.js'
export { jitFold, type FoldBody, type FoldOptions, type FoldResult, type FoldRun, type Folded } from './fold.js'
