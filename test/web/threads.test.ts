/**
 * `useWorkers` outside a Worker of a cross-origin isolated page (here: Node, which has no global
 * `Worker` and no `WorkerGlobalScope`) starts nothing and resolves to 1; a bad thread count is a
 * typed error. The threads themselves are tested in Chromium (playground/test/workers.ts, in `npm run test:browser`).
 */
import { describe, expect, it } from 'vitest'
import { useWorkers } from '../../src/web/index.js'
import * as T from '../../src/tensor/index.js'

describe('useWorkers', () => {
  it('resolves to 1 and installs nothing where threads cannot block (not in an isolated Worker)', async () => {
    expect(await useWorkers()).toBe(1)
    expect(await useWorkers({ threads: 4 })).toBe(1)
    expect(T.kernelsInUse().threads).toBe(1)
  })
  it('rejects a bad thread count with a typed error', async () => {
    await expect(useWorkers({ threads: 0 })).rejects.toThrow(/useWorkers: threads must be an integer from 1 to 64, got 0/)
    await expect(useWorkers({ threads: 2.5 })).rejects.toBeInstanceOf(T.ArgumentError)
  })
})
