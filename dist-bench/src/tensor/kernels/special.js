/**
 * Special functions on numbers: the error function and its complement.
 *
 * JavaScript has no `Math.erf`. These follow W. J. Cody, "Rational Chebyshev approximations for
 * the error function", Math. Comp. 23 (1969) 631–638, as in his SPECFUN routine CALERF (Argonne,
 * 1990): three rational approximations on |x| ≤ 0.46875, 0.46875 < |x| ≤ 4 and |x| > 4. Against
 * 40-digit references they stay within 2 ulp (erf) and 4 ulp (erfc, down to 1e-300; it flushes to
 * 0 from x = 26.543, inside the subnormal range). erfc is computed directly (not as 1 − erf),
 * so it keeps full relative accuracy in the far tail, and exp(−x²) is split as
 * exp(−⌊16x⌋²/256)·exp(−(x − ⌊16x⌋/16)(x + ⌊16x⌋/16)) to avoid the rounding error of x².
 */
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/**
 * The error function erf(x) = 2/√π ∫₀ˣ exp(−t²) dt, to float64 accuracy.
 *
 * @example
 * erfNumber(0.5)  // 0.5204998778130465
 */
export const erfNumber = (x) => {
    const y = Math.abs(x);
    if (y <= THRESHOLD)
        return x * smallRatio(y);
    if (y !== y)
        return x;
    const complement = tail(y);
    const result = 0.5 - complement + 0.5;
    return x < 0 ? -result : result;
};
/**
 * The complementary error function erfc(x) = 1 − erf(x), accurate in relative terms also where
 * it is tiny (erfc(10) ≈ 2.09e-45); 0 from x = 26.543 on, where it is subnormal.
 *
 * @example
 * erfcNumber(5)  // 1.537459794428035e-12
 */
export const erfcNumber = (x) => {
    const y = Math.abs(x);
    if (y <= THRESHOLD)
        return 1 - x * smallRatio(y);
    if (y !== y)
        return x;
    const complement = tail(y);
    return x < 0 ? 2 - complement : complement;
};
/**
 * The standard normal cumulative distribution Φ(x) = erfc(−x/√2)/2, accurate in both tails: the
 * factor exp(−x²/2) is taken from x itself, since the rounding of x/√2 would cost up to x² ulp.
 *
 * @example
 * normalCdfNumber(0)  // 0.5
 */
export const normalCdfNumber = (x) => {
    const y = -x * Math.SQRT1_2;
    const a = Math.abs(y);
    if (a <= THRESHOLD || a !== a)
        return 0.5 * erfcNumber(y);
    const complement = a >= X_BIG ? 0 : expNegSquare(Math.abs(x), 0.5) * tailRatio(a);
    return 0.5 * (y < 0 ? 2 - complement : complement);
};
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
const THRESHOLD = 0.46875;
/** Below this, erf(x)/x is its value at 0 to machine precision and x² could underflow. */
const X_SMALL = 1.11e-16;
/** erfc(x) underflows to 0 at and beyond this. */
const X_BIG = 26.543;
/** 1/√π */
const INV_SQRT_PI = 0.56418958354775628695;
// erf(x) ≈ x·A(x²)/B(x²) on |x| ≤ 0.46875.
const A0 = 3.1611237438705656, A1 = 113.864154151050156, A2 = 377.485237685302021;
const A3 = 3209.37758913846947, A4 = 0.185777706184603153;
const B0 = 23.6012909523441209, B1 = 244.024637934444173, B2 = 1282.61652607737228;
const B3 = 2844.23683343917062;
// erfc(x) ≈ exp(−x²)·C(x)/D(x) on 0.46875 < x ≤ 4.
const C0 = 0.564188496988670089, C1 = 8.88314979438837594, C2 = 66.1191906371416295;
const C3 = 298.635138197400131, C4 = 881.95222124176909, C5 = 1712.04761263407058;
const C6 = 2051.07837782607147, C7 = 1230.33935479799725, C8 = 2.15311535474403846e-8;
const D0 = 15.7449261107098347, D1 = 117.693950891312499, D2 = 537.181101862009858;
const D3 = 1621.38957456669019, D4 = 3290.79923573345963, D5 = 4362.61909014324716;
const D6 = 3439.36767414372164, D7 = 1230.33935480374942;
// erfc(x) ≈ exp(−x²)/x·(1/√π − z·P(z)/Q(z)), z = 1/x², on x > 4.
const P0 = 0.305326634961232344, P1 = 0.360344899949804439, P2 = 0.125781726111229246;
const P3 = 0.0160837851487422766, P4 = 6.58749161529837803e-4, P5 = 0.0163153871373020978;
const Q0 = 2.56852019228982242, Q1 = 1.87295284992346047, Q2 = 0.527905102951428412;
const Q3 = 0.0605183413124413191, Q4 = 0.00233520497626869185;
/** erf(x)/x for |x| ≤ 0.46875, given y = |x|. */
const smallRatio = (y) => {
    const z = y > X_SMALL ? y * y : 0;
    const num = (((A4 * z + A0) * z + A1) * z + A2) * z + A3;
    const den = (((z + B0) * z + B1) * z + B2) * z + B3;
    return num / den;
};
/** erfc(y) for y > 0.46875 (not NaN). */
const tail = (y) => (y >= X_BIG ? 0 : expNegSquare(y, 1) * tailRatio(y));
/** erfc(y)·exp(y²) for 0.46875 < y < X_BIG. */
const tailRatio = (y) => {
    if (y <= 4) {
        const num = (((((((C8 * y + C0) * y + C1) * y + C2) * y + C3) * y + C4) * y + C5) * y + C6) * y + C7;
        const den = (((((((y + D0) * y + D1) * y + D2) * y + D3) * y + D4) * y + D5) * y + D6) * y + D7;
        return num / den;
    }
    const z = 1 / (y * y);
    const num = ((((P5 * z + P0) * z + P1) * z + P2) * z + P3) * z + P4;
    const den = ((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4;
    return (INV_SQRT_PI - (z * num) / den) / y;
};
/**
 * exp(−c·t²) for t ≥ 0 and c = 1 or ½, with t split as r + (t − r), r = ⌊16t⌋/16: c·r² is exact,
 * so only the small remainder c·(t − r)(t + r) carries rounding error into the exponent.
 */
const expNegSquare = (t, c) => {
    const r = Math.trunc(t * 16) / 16;
    return Math.exp(-c * r * r) * Math.exp(-c * (t - r) * (t + r));
};
