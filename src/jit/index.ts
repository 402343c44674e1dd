/**
 * jit — compile a pure function once, replay it into reused buffers: tracing (tracer.ts), the
 * graph (graph.ts), planning (plan.ts) and replay (replay.ts). Re-exports only.
 *
 * @module dualflow/jit
 */
export * from './errors.js'
export { jit, useFusion, type FusionChoice, type Jitted, type JitOptions, type JitStats } from './jit.js'
export { TracedTensor } from './tracer.js'
export { codeGenerationAllowed, FOLD_GENERATE_AFTER, GENERATE_AFTER, replayInUse, useReplay, type ReplayChoice } from './replay.js'
export type { Access, AnyGraphNode, FusedExpression, FusedOperation, Graph, GraphNode, MultiGraphNode, Operand, OutputLeaf, OutputTemplate } from './graph.js'
export { jitFold, type FoldBody, type FoldOptions, type FoldResult, type FoldRun, type Folded } from './fold.js'
