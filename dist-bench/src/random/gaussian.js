/**
 * The standard normal distribution's CDF Φ and quantile Φ⁻¹, in float64: what `normal` and
 * `truncatedNormal` turn uniform draws into.
 *
 * Φ⁻¹ is Wichura's algorithm AS 241 (PPND16, Applied Statistics 37(3), 1988), relative error about
 * 1e-16. On 0.075 ≤ p ≤ 0.925 it is a rational function (only +, −, ×, ÷, which IEEE 754 rounds
 * the same everywhere); in the tails it also calls `Math.log` and `Math.sqrt`.
 *
 * Φ goes through erfc: a power series for small arguments and a continued fraction in the tail,
 * with relative error about 1e-15 (checked against reference values in the tests). Only
 * `truncatedNormal` needs it, twice per call, for its bounds.
 */
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/**
 * Φ⁻¹(p), the standard normal quantile, for p in (0, 1); −∞ at 0, +∞ at 1, NaN outside [0, 1].
 *
 * @example
 * normalQuantile(0.975)  // 1.9599639845400536
 */
export const normalQuantile = (p) => {
    if (!(p >= 0 && p <= 1))
        return Number.NaN;
    if (p === 0)
        return Number.NEGATIVE_INFINITY;
    if (p === 1)
        return Number.POSITIVE_INFINITY;
    const q = p - 0.5;
    if (Math.abs(q) <= 0.425) {
        const r = 0.180625 - q * q;
        return ((q *
            (((((((2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r + 6.7265770927008700853e4) * r +
                4.5921953931549871457e4) * r + 1.3731693765509461125e4) * r + 1.9715909503065514427e3) * r +
                1.3314166789178437745e2) * r + 3.387132872796366608)) /
            (((((((5.226495278852854561e3 * r + 2.8729085735721942674e4) * r + 3.930789580009271061e4) * r +
                2.1213794301586595867e4) * r + 5.3941960214247511077e3) * r + 6.871870074920579083e2) * r +
                4.2313330701600911252e1) * r + 1));
    }
    let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
    let value;
    if (r <= 5) {
        r -= 1.6;
        value =
            (((((((7.7454501427834140764e-4 * r + 2.27238449892691845833e-2) * r + 2.4178072517745061177e-1) * r +
                1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
                4.6303378461565452959) * r + 1.42343711074968357734) /
                (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 1.51986665636164571966e-2) * r +
                    1.4810397642748007459e-1) * r + 6.8976733498510000455e-1) * r + 1.6763848301838038494) * r +
                    2.05319162663775882187) * r + 1);
    }
    else {
        r -= 5;
        value =
            (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.2426609473880784386e-3) * r +
                2.6532189526576123093e-2) * r + 2.9656057182850489123e-1) * r + 1.7848265399172913358) * r +
                5.4637849111641143699) * r + 6.6579046435011037772) /
                (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
                    7.868691311456132591e-4) * r + 1.4875361290850614852e-2) * r + 1.3692988092273580531e-1) * r +
                    5.9983220655588793769e-1) * r + 1);
    }
    return q < 0 ? -value : value;
};
/**
 * Φ(x), the standard normal CDF. Accurate in relative terms in the lower tail (Φ(−30) ≈ 4.9e-198);
 * in the upper tail it is 1 − Φ(−x), so use the lower tail when the small side matters.
 *
 * @example
 * normalCdf(0)  // 0.5
 */
export const normalCdf = (x) => {
    if (Number.isNaN(x))
        return Number.NaN;
    return x < 0 ? 0.5 * erfc(-x / Math.SQRT2) : 1 - 0.5 * erfc(x / Math.SQRT2);
};
/**
 * The complementary error function erfc(x) = 1 − erf(x), accurate in relative terms for large x.
 *
 * @example
 * erfc(1)  // 0.15729920705028513
 */
export const erfc = (x) => {
    if (Number.isNaN(x))
        return Number.NaN;
    if (x < 0)
        return 2 - erfc(-x);
    if (x === Number.POSITIVE_INFINITY)
        return 0;
    if (x < CONTINUED_FRACTION_FROM)
        return 1 - erfSeries(x);
    return erfcContinuedFraction(x);
};
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
/** Below this, 1 − erf loses at most about two digits; above it the continued fraction converges fast. */
const CONTINUED_FRACTION_FROM = 2;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
/**
 * erf(x) = (2/√π)·e^(−x²)·Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)): every term positive, so no cancellation
 * (Abramowitz & Stegun 7.1.6).
 */
const erfSeries = (x) => {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
        term *= (2 * x2) / (2 * n + 1);
        sum += term;
        if (term < sum * 1e-17)
            break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
};
/**
 * erfc(x) = (e^(−x²)/√π) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))) (A&S 7.1.14),
 * evaluated by the modified Lentz method.
 */
const erfcContinuedFraction = (x) => {
    const tiny = 1e-300;
    let f = x;
    let c = x;
    let d = 0;
    for (let n = 1; n < 500; n++) {
        const a = n / 2;
        d = x + a * d;
        d = d === 0 ? tiny : d;
        c = x + a / c;
        c = c === 0 ? tiny : c;
        d = 1 / d;
        const delta = c * d;
        f *= delta;
        if (Math.abs(delta - 1) < 1e-16)
            break;
    }
    return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
};
