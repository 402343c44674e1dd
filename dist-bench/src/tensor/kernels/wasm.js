/**
 * The WebAssembly SIMD kernels: the same products as `matmul.ts`, on f64x2 vectors.
 *
 * The module (built from scripts/kernels/matmul-wat.ts, embedded in `wasm-module.ts`) is compiled
 * synchronously on first use — it is 1–2 KiB, well under the size browsers allow to compile on
 * their main thread — and only if the engine validates it, which is the feature test for SIMD.
 *
 * Where tensors live: never in WebAssembly memory. Each call copies its operands into the module's
 * memory, runs, and copies the result out into the caller's fresh output array. A tensor whose
 * data were a view on that memory would share one buffer with every other tensor there (breaking
 * the rule that no tensor reaches another's bytes) and would be detached whenever the memory
 * grows. The copies cost a few percent of a large product (see bench/README.md).
 *
 * Same bits as the JavaScript kernels: every entry is summed with p rising from 0, each product
 * and each sum rounded separately (see the WAT source for the argument).
 *
 * The module's memory and instance are cached here after the first use. Which memory holds an
 * operand for the length of one call never changes a result, so the cache is invisible to values.
 */
import { ArgumentError } from '../errors.js';
import { kernelScratchBytes, kernelsBase64 } from './wasm-module.js';
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/** The strides of a layout for an m×k by k×n product. */
export const layoutStrides = (layout, m, k, n) => layout === 'ab'
    ? { aRow: k, aDepth: 1, bDepth: n, bCol: 1 }
    : layout === 'atb'
        ? { aRow: 1, aDepth: m, bDepth: n, bCol: 1 }
        : { aRow: k, aDepth: 1, bDepth: 1, bCol: k };
/** Whether this engine runs the WebAssembly SIMD kernels (checked once). */
export const wasmAvailable = () => loaded() !== undefined;
/** The kernel module's bytes, decoded from the embedded base64. */
export const kernelBytes = (base64) => {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++)
        bytes[i] = text.charCodeAt(i);
    return bytes;
};
/** The binding of `exports` to the two kernel functions, or undefined if they are missing. */
export const kernelExports = (exports) => {
    const matmul = exports['matmul'];
    const addRow = exports['addRow'];
    if (typeof matmul !== 'function' || typeof addRow !== 'function')
        return undefined;
    return {
        matmul: (a, aRow, aDepth, b, bDepth, bCol, c, ldc, m, k, n, scratch) => void matmul(a, aRow, aDepth, b, bDepth, bCol, c, ldc, m, k, n, scratch),
        addRow: (c, ldc, bias, m, n) => void addRow(c, ldc, bias, m, n),
    };
};
/**
 * The WebAssembly kernel of a layout, with the signature of the JavaScript ones. Throws if the
 * engine has no WebAssembly SIMD (callers check `wasmAvailable` first).
 *
 * @example
 * const c = new Float64Array(1)
 * if (wasmAvailable()) wasmMatmul('ab')(Float64Array.of(1, 2), 0, Float64Array.of(3, 4), 0, c, 0, 1, 2, 1)
 * wasmAvailable() ? c[0] : 11  // 11
 */
export const wasmMatmul = (layout) => (a, aOffset, b, bOffset, c, cOffset, m, k, n) => {
    const w = required();
    const aPtr = kernelScratchBytes;
    const bPtr = aligned(aPtr + 8 * m * k);
    const cPtr = aligned(bPtr + 8 * k * n);
    const heap = ensure(w, cPtr + 8 * m * n);
    copyIn(heap, aPtr, a, aOffset, m * k);
    copyIn(heap, bPtr, b, bOffset, k * n);
    const s = layoutStrides(layout, m, k, n);
    w.kernels.matmul(aPtr, s.aRow, s.aDepth, bPtr, s.bDepth, s.bCol, cPtr, n, m, k, n, 0);
    c.set(heap.subarray(cPtr / 8, cPtr / 8 + m * n), cOffset);
};
/**
 * The fused affine map out = x·W + bias (x [m×k], W [k×n], bias [n]) in WebAssembly: the product,
 * then the bias row added to each row — the same two roundings per entry as the JavaScript path.
 *
 * @example
 * const out = new Float64Array(1)
 * if (wasmAvailable()) wasmAffine(Float64Array.of(1, 2), Float64Array.of(1, 1), Float64Array.of(10), out, 1, 2, 1)
 * wasmAvailable() ? out[0] : 13  // 13
 */
export const wasmAffine = (x, weights, bias, out, m, k, n) => {
    const w = required();
    const xPtr = kernelScratchBytes;
    const wPtr = aligned(xPtr + 8 * m * k);
    const biasPtr = aligned(wPtr + 8 * k * n);
    const outPtr = aligned(biasPtr + 8 * n);
    const heap = ensure(w, outPtr + 8 * m * n);
    copyIn(heap, xPtr, x, 0, m * k);
    copyIn(heap, wPtr, weights, 0, k * n);
    copyIn(heap, biasPtr, bias, 0, n);
    w.kernels.matmul(xPtr, k, 1, wPtr, n, 1, outPtr, n, m, k, n, 0);
    w.kernels.addRow(outPtr, n, biasPtr, m, n);
    out.set(heap.subarray(outPtr / 8, outPtr / 8 + m * n));
};
/** undefined: not tried yet; null: this engine has no WebAssembly SIMD. */
let instance;
const PAGE = 65536;
const load = () => {
    if (typeof WebAssembly !== 'object')
        return null;
    const bytes = kernelBytes(kernelsBase64);
    if (!WebAssembly.validate(bytes))
        return null;
    const memory = new WebAssembly.Memory({ initial: Math.ceil(kernelScratchBytes / PAGE) + 16 });
    const kernels = kernelExports(new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports);
    return kernels === undefined ? null : { memory, kernels };
};
const loaded = () => {
    if (instance === undefined)
        instance = load();
    return instance ?? undefined;
};
const required = () => {
    const w = loaded();
    if (w === undefined)
        throw new ArgumentError('kernels', 'the WebAssembly SIMD kernels are not available on this engine');
    return w;
};
/** Rounds a byte offset up to 16 (the width of a vector). */
const aligned = (bytes) => Math.ceil(bytes / 16) * 16;
/** A view on the memory, grown first to hold `bytes`. Views are made after growing: growth detaches old ones. */
const ensure = (w, bytes) => {
    const have = w.memory.buffer.byteLength;
    if (bytes > have)
        w.memory.grow(Math.ceil((bytes - have) / PAGE));
    return new Float64Array(w.memory.buffer);
};
const copyIn = (heap, ptr, src, offset, count) => {
    if (count === 0)
        return;
    heap.set(offset === 0 && src.length === count ? src : src.subarray(offset, offset + count), ptr / 8);
};
