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
 * There is no module state here.
 */

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** A zero-filled Float64Array of n elements over a buffer of its own, owned by the caller. */
export const allocate = (n: number): Float64Array => new Float64Array(n)

/** A copy of `data` over a buffer of its own. */
export const copyOf = (data: ArrayLike<number>): Float64Array => {
  const out = allocate(data.length)
  for (let i = 0; i < data.length; i++) out[i] = data[i] ?? 0
  return out
}
