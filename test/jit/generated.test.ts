/**
 * The jit suite again with generated code from each plan's first call (by default a plan replays
 * GENERATE_AFTER times in the interpreted loop first): every test of jit.test.ts runs with the
 * default, with generated code and with the loop (loop.test.ts).
 */
import { useReplay } from '../../src/jit/index.js'

useReplay('generated')
await import('./jit.test.js')
