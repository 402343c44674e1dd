/**
 * Allocation of output buffers: the one place where tensor memory is created.
 *
 * Every tensor owns its memory: its data is a Float64Array over an ArrayBuffer of its own, of
 * exactly its length, at offset 0 (`data.byteOffset === 0` and `data.buffer.byteLength ===
 * data.byteLength`). Nothing reachable from a tensor — `data.buffer` included — shows another
 * tensor's values, and transferring or detaching a buffer a user holds changes no other tensor and
 * no later allocation. `laws/purity.ts` (`checkSealed`) states this for any op's outputs.
 *
 * The price: a Float64Array of more than 8 elements keeps its backing store outside the V8 heap,
 * and creating one costs a few hundred nanoseconds, more than the arithmetic of a small op. An
 * earlier version carved small outputs out of shared 64 KiB slabs to avoid that cost; `data.buffer`
 * then exposed every other tensor on the slab, and transferring it emptied them all. Sealing wins
 * over speed; the cost on small workloads is measured in bench/ (W3–W5).
 *
 * The allocation hook below is the only mutable module state here, and it is invisible to results:
 * which memory holds a value never changes the value.
 *
 * The hook (issue 14, `jit`): while a compiled plan replays, it hands each kernel the buffer the
 * plan reserved for that allocation (zero-filled, of the same length, unless the kernel overwrites
 * it in full: `allocateOverwritten`), so a replay that reuses its
 * buffers allocates no arrays; while a plan is traced, it records each kernel's allocations. A
 * buffer the plan hands out is only ever an intermediate the plan owns: every output handed to the
 * caller is a fresh allocation of exactly its size (the hook answers undefined for it), so sealing
 * holds for compiled functions as for the interpreter.
 */

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Where allocations go while installed: `take(n, zeroed)` returns a buffer of n elements —
 * zero-filled when `zeroed` (the caller may read before it writes), as it is otherwise (the caller
 * writes every element first: `allocateOverwritten`) — or undefined for a fresh one.
 */
export interface AllocationHook {
  readonly take: (n: number, zeroed: boolean) => Float64Array | undefined
}

let hook: AllocationHook | undefined

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * Installs an allocation hook (undefined: none) and returns the one it replaces, which the caller
 * must reinstall when done (in a `finally`). Internal to `jit`.
 */
export const installAllocationHook = (next: AllocationHook | undefined): AllocationHook | undefined => {
  const previous = hook
  hook = next
  return previous
}

/** A zero-filled Float64Array of n elements over a buffer of its own, owned by the caller. */
export const allocate = (n: number): Float64Array => {
  if (hook !== undefined) {
    const taken = hook.take(n, true)
    if (taken !== undefined) return taken
  }
  return new Float64Array(n)
}

/**
 * A Float64Array of n elements over a buffer of its own, owned by the caller, who writes every
 * element before reading any: a plan's replay hands over its buffer without zero-filling it (what
 * it holds is overwritten, so the values are the same). Zero-filled outside a replay, as `allocate`.
 */
export const allocateOverwritten = (n: number): Float64Array => {
  if (hook !== undefined) {
    const taken = hook.take(n, false)
    if (taken !== undefined) return taken
  }
  return new Float64Array(n)
}

/** A copy of `data` over a buffer of its own. */
export const copyOf = (data: ArrayLike<number>): Float64Array => {
  const out = allocate(data.length)
  for (let i = 0; i < data.length; i++) out[i] = data[i] ?? 0
  return out
}
