/**
 * What `dualflow/laws` loads under Node: the laws of ./index.ts, with a hint when the optional peer
 * `fast-check` is missing. Every law imports fast-check, and an ES module whose imports cannot be
 * resolved fails before any of its code runs, with Node's bare "Cannot find package 'fast-check'".
 * This entry imports nothing of the laws statically: it loads them with `require` (which loads ES
 * modules on Node ≥ 20.19, synchronously, so `require('dualflow/laws')` keeps working and no
 * top-level await is needed), and turns a missing fast-check into an error that says what to run.
 * The laws still import fast-check as an ES module, so they share the instance (and its global
 * settings, `fc.configureGlobal`) with the user's `import fc from 'fast-check'`.
 *
 * Types come from ./index.ts; the names below must be those it exports (test/package checks).
 * Bundlers and browsers get ./index.ts itself (the `default` condition of `exports`).
 */
import { createRequire } from 'node:module'
import type * as Laws from './index.js'

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

const HINT =
  'dualflow/laws needs the fast-check package, an optional peer dependency of dualflow that is not installed: run `npm i -D fast-check`'

const load = (): typeof Laws => {
  try {
    return createRequire(import.meta.url)('./index.js')
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    if (/Cannot find (package|module) 'fast-check'/.test(message)) throw new Error(`${HINT} (${message})`, { cause: e })
    throw e
  }
}

const laws = load()

// ─── exports ────────────────────────────────────────────────────────────────────────────────────

export const {
  arb,
  associativityLaw,
  bitDifference,
  categoryLaws,
  checkAssociativity,
  checkFoldEqual,
  checkForwardReverse,
  checkGradient,
  checkJitEqual,
  checkLeftIdentity,
  checkLinearity,
  checkNoMutation,
  checkPurity,
  checkRightIdentity,
  checkSealed,
  checkStructure,
  checkZeroGradientFixedPoint,
  denseStack,
  describePurity,
  describeSealed,
  foldJitLaw,
  forwardReverseLaw,
  gradientLaw,
  gradientLaws,
  gradientsLike,
  identityLaws,
  inputOf,
  iterateFold,
  jitLaw,
  linearityLaw,
  noMutationLaw,
  optimizerJitLaw,
  program,
  programFunctions,
  programLoss,
  programWithInput,
  purityLaw,
  runProgram,
  sealedLaw,
  structureLaw,
  vocabulary,
  within,
  zeroGradientFixedPointLaw,
} = laws
