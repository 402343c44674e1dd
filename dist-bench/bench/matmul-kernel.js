/**
 * Throughput of the float64 matmul kernels against a naive triple loop, in one process.
 *
 *   npx tsx bench/matmul-kernel.ts [N …]
 *
 * For each N (default 64 128 256 512) and each kernel, square N×N products are timed after a
 * warm-up; the figure is the median of 7 timed runs, each repeating the product enough times to
 * last a few milliseconds. Inputs come from a fixed LCG, so every run sees the same numbers.
 */
import { matmulInto, matmulTransAInto, matmulTransBInto } from '../src/tensor/kernels/matmul.js';
import { lcg } from './workloads/w1-matmul.js';
const naive = (a, aOffset, b, bOffset, c, cOffset, m, k, n) => {
    for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++)
                s += (a[aOffset + i * k + p] ?? 0) * (b[bOffset + p * n + j] ?? 0);
            c[cOffset + i * n + j] = s;
        }
    }
};
const median = (xs) => {
    const sorted = [...xs].sort((x, y) => x - y);
    return sorted[sorted.length >> 1] ?? Number.NaN;
};
const gflops = (kernel, n, runs = 7, warmup = 3) => {
    const a = lcg(n * n, 1);
    const b = lcg(n * n, 2);
    const c = new Float64Array(n * n);
    const repeat = Math.max(1, Math.floor(2e7 / (n * n * n)));
    for (let w = 0; w < warmup; w++)
        kernel(a, 0, b, 0, c, 0, n, n, n);
    const seconds = [];
    for (let r = 0; r < runs; r++) {
        const t0 = process.hrtime.bigint();
        for (let q = 0; q < repeat; q++)
            kernel(a, 0, b, 0, c, 0, n, n, n);
        seconds.push(Number(process.hrtime.bigint() - t0) / 1e9 / repeat);
    }
    return (2 * n * n * n) / median(seconds) / 1e9;
};
const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [64, 128, 256, 512];
const kernels = [
    ['naive i-j-p', naive],
    ['matmul A·B', matmulInto],
    ['matmulTransA Aᵀ·B', matmulTransAInto],
    ['matmulTransB A·Bᵀ', matmulTransBInto],
];
console.log(`float64 matmul, GFLOP/s (median of 7 runs after warm-up), node ${process.version}`);
console.log(['kernel'.padEnd(20), ...sizes.map((n) => `N=${n}`.padStart(8))].join(''));
for (const [name, kernel] of kernels) {
    const row = sizes.map((n) => gflops(kernel, n).toFixed(2).padStart(8));
    console.log([name.padEnd(20), ...row].join(''));
}
