/**
 * Allocation of output buffers.
 *
 * A fresh `Float64Array` of more than 8 elements keeps its backing store outside the V8 heap, and
 * creating one costs about 2 µs — more than the arithmetic of a small tensor op. Small outputs are
 * therefore carved out of shared 64 KiB slabs: a view on a slab costs a tenth of that. Each carved
 * region is handed out once and never reused (a bump allocator over fresh, zero-filled slabs), so
 * every output is exclusively its op's and starts at zero, exactly like `new Float64Array(n)`.
 *
 * What a slab retains is bounded: a live small tensor keeps at most one 64 KiB slab alive; when
 * every tensor carved from a slab is garbage, so is the slab. Large outputs get their own buffer.
 *
 * This cursor, and the allocation hook below, are the only mutable module state in the library.
 * Both are invisible to results: which memory holds a value never changes the value.
 *
 * The hook (issue 14, `jit`): while a compiled plan replays, it hands each kernel the buffer the
 * plan reserved for that allocation (zero-filled, of the same length), so a replay that reuses its
 * buffers allocates no arrays; while a plan is traced, it records each kernel's allocations.
 */

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** Outputs up to this many elements come from a slab. */
const SMALL = 256
/** Elements per slab (64 KiB). */
const SLAB = 8192

let slab = new ArrayBuffer(SLAB * 8)
let used = 0

/** Where allocations go while installed: `take(n)` returns a zero-filled buffer of n elements, or undefined for a fresh one. */
export interface AllocationHook {
  readonly take: (n: number) => Float64Array | undefined
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

/** A zero-filled Float64Array of n elements, owned by the caller. */
export const allocate = (n: number): Float64Array => {
  if (hook !== undefined) {
    const taken = hook.take(n)
    if (taken !== undefined) return taken
  }
  if (n > SMALL) return new Float64Array(n)
  if (used + n > SLAB) {
    slab = new ArrayBuffer(SLAB * 8)
    used = 0
  }
  const out = new Float64Array(slab, used * 8, n)
  used += n
  return out
}
