/**
 * "Prove the gradients": dualflow's own gradient laws, run on the network of the page. The
 * function under test is the loss of the first 16 training points as a function of all the
 * parameters; fast-check draws parameter trees around the current weights (each weight moved by up
 * to ±0.5), a direction and a cotangent, and checks reverse mode against central finite
 * differences, forward mode against reverse mode, and the structure of the backward pass.
 */
import fc from 'fast-check'
import { T, ad, data, type Tensor } from 'dualflow'
import { forwardReverseLaw, gradientLaw, structureLaw } from 'dualflow/laws'
import { loss, type Run } from './engine.js'

export interface LawReport {
  readonly law: string
  /** Generated cases that passed. */
  readonly passed: number
  readonly runs: number
  readonly holds: boolean
  /** fast-check's report when a case fails (the counterexample, shrunk). */
  readonly counterexample: string | undefined
}

const near = (t: Tensor): fc.Arbitrary<Tensor> =>
  fc
    .array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: t.data.length, maxLength: t.data.length })
    .map((d) => T.add(t, T.fromArray(d, t.shape)))

/** Trees shaped like the run's parameters (an array of `{ kernel, bias }` or `{}`), near the current values. */
const paramsNear = (run: Run): fc.Arbitrary<ad.ValueTree> => {
  const params = run.state.params
  if (!Array.isArray(params)) throw new Error('sequential params are an array of the layers’ params')
  return fc.tuple(
    ...params.map((p: unknown): fc.Arbitrary<ad.ValueTree> => {
      if (typeof p === 'object' && p !== null && 'kernel' in p && 'bias' in p && T.isTensor(p.kernel) && T.isTensor(p.bias)) {
        // A plain object literal: fast-check's records need not have Object's prototype, and
        // dualflow's trees are plain records.
        return fc.tuple(near(p.kernel), near(p.bias)).map(([kernel, bias]) => ({ kernel, bias }))
      }
      return fc.constant({})
    }),
  )
}

const lawsToRun = [
  ['reverse mode = finite differences', gradientLaw],
  ['forward mode = reverse mode', forwardReverseLaw],
  ['backward pass structure', structureLaw],
] as const

/** Runs each law on `runs` generated cases (fast-check seed = the run's key, so the same cases each time). */
export const proveGradients = (run: Run, runs: number): LawReport[] => {
  const n = Math.min(16, run.trainSet.x.shape[0] ?? 0)
  const batch = data.take(run.trainSet, Array.from({ length: n }, (_, i) => i))
  const f = (params: ad.ValueTree): ad.Value => loss(run.model.apply(params, run.state.modelState, batch.x, { training: false }).y, batch.y)
  const input = paramsNear(run)
  return lawsToRun.map(([law, runner]) => {
    try {
      runner(f, input, { numRuns: runs, seed: run.settings.key })
      return { law, passed: runs, runs, holds: true, counterexample: undefined }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      const after = /failed after (\d+) tests?/.exec(message)
      // fast-check keeps the law's own error (what was compared) as the cause.
      const cause = e instanceof Error && e.cause instanceof Error ? `${e.cause.message}\n` : ''
      const example = /Counterexample: .*/.exec(message)?.[0] ?? message
      const counterexample = `${cause}${example.length > 1500 ? `${example.slice(0, 1500)}…` : example}`
      return { law, passed: after === null ? 0 : Number(after[1]) - 1, runs, holds: false, counterexample }
    }
  })
}
