/**
 * The part of the WebAssembly JavaScript API the kernels use. TypeScript declares it only in its
 * DOM libraries, which this browser-and-Node project does not load; engines without WebAssembly
 * are handled at run time (`typeof WebAssembly`).
 */
declare namespace WebAssembly {
  interface MemoryDescriptor {
    readonly initial: number
    readonly maximum?: number
    readonly shared?: boolean
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor)
    readonly buffer: ArrayBuffer
    grow(delta: number): number
  }
  class Module {
    constructor(bytes: Uint8Array)
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>)
    readonly exports: Record<string, unknown>
  }
  function validate(bytes: Uint8Array): boolean
}
