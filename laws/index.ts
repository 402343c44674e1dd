/**
 * laws — reusable fast-check properties and the arbitraries they draw from. Re-exports only.
 */
export * as arb from './arbitraries.js'
export * from './purity.js'
