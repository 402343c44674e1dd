/**
 * Fused recurrences: a recurrent layer's loop over time as one primitive whose output keeps the
 * residuals of every step (./fused.ts says how). Re-exports only.
 */
export type { RecurrenceOptions } from './fused.js'
export { lstmSequence, lstmSequenceReference } from './lstm.js'
export { gruSequence, gruSequenceReference, type GruSequenceOptions } from './gru.js'
export { simpleRnnSequence, simpleRnnSequenceReference } from './simpleRnn.js'
