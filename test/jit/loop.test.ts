/**
 * The jit suite again with the interpreted replay loop — what a Content-Security-Policy without
 * 'unsafe-eval' gets — instead of generated code: every test of jit.test.ts runs each way.
 */
import { useReplay } from '../../src/jit/index.js'

useReplay('loop')
await import('./jit.test.js')
