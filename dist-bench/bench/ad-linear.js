/**
 * The backward pass must cost time linear in the length of the computation, even when every value
 * is used twice (a naive recursive pullback would be exponential in the depth).
 *
 *   node --import tsx bench/ad-linear.ts [--json]
 *
 * The chain y ← y·y − y (each step reads y twice, so every node fans out) runs for 10 000 and
 * 20 000 steps on a length-16 vector; `vjp` records it once, and the pullback (the backward pass
 * alone) is timed: median of 7 runs after 2 warm-ups. Doubling the chain must not triple the time
 * (ratio < 3; linear is ≈ 2). Exits with status 1 when it does.
 */
import { mul, sub, vector, vjp, ones } from '../src/index.js';
import { formatNumber, median, now } from './stats.js';
const chain = (steps) => (x) => {
    let y = x;
    for (let i = 0; i < steps; i++)
        y = sub(mul(y, y), y);
    return y;
};
/** Median seconds of the backward pass of a chain of `steps` steps, and the gradient's first entry. */
const backwardSeconds = (steps) => {
    // Starting values in (0, 1): the map y² − y keeps them in [−0.25, 1) and the gradient finite.
    const x = vector(Array.from({ length: 16 }, (_, i) => 0.1 + 0.05 * i));
    const [y, pullback] = vjp(chain(steps), x);
    const seed = ones(y.shape);
    let first = Number.NaN;
    for (let w = 0; w < 2; w++)
        first = pullback(seed).data[0] ?? Number.NaN;
    const samples = [];
    for (let r = 0; r < 7; r++) {
        const t0 = now();
        pullback(seed);
        samples.push(now() - t0);
    }
    return [median(samples), first];
};
const json = process.argv.includes('--json');
const sizes = [10_000, 20_000];
const [t1, g1] = backwardSeconds(sizes[0] ?? 0);
const [t2, g2] = backwardSeconds(sizes[1] ?? 0);
const ratio = t2 / t1;
const ok = ratio < 3;
if (json) {
    process.stdout.write(`${JSON.stringify({ bench: 'ad-linear', steps: sizes, backwardSeconds: [t1, t2], ratio, pass: ok })}\n`);
}
else {
    process.stdout.write(`backward pass of y ← y·y − y on a length-16 vector (2 primitives per step), node ${process.version}\n`);
    process.stdout.write(`  ${sizes[0]} steps: ${formatNumber(t1 * 1e3)} ms   (dx[0] = ${g1})\n`);
    process.stdout.write(`  ${sizes[1]} steps: ${formatNumber(t2 * 1e3)} ms   (dx[0] = ${g2})\n`);
    process.stdout.write(`  ratio ${formatNumber(ratio)} (must be < 3; linear ≈ 2): ${ok ? 'PASS' : 'FAIL'}\n`);
}
process.exitCode = ok ? 0 : 1;
