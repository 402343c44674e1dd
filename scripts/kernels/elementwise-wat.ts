/**
 * The WAT source of the element-wise and optimizer loops of dualflow's WebAssembly module: the
 * four IEEE-exact binary operations (+ − × ÷) between two arrays or an array and a scalar, and
 * the fused Adam and momentum updates. `kernelsWat` (matmul-wat.ts) puts them in one module with
 * the products, and `npm run build:kernels` assembles it.
 *
 * Only operations IEEE 754 rounds exactly (the correctly rounded +, −, ×, ÷ and √) run here: the
 * same operation on the same two doubles gives the same double in JavaScript and in WebAssembly,
 * so the loops agree with the JavaScript ones bit for bit as long as they evaluate the same
 * expression tree. Transcendental functions (exp, log, tanh, …) stay on JavaScript's `Math`,
 * whose results are the engine's own and which WebAssembly has no instruction for.
 *
 * Every loop walks its arrays in pairs (f64x2, both lanes the scalar expression) and handles an
 * odd last element with the scalar form of the same expression. Pointers are byte addresses, n a
 * count of elements. Outputs may coincide with inputs of the same element (each element is read
 * before it is written).
 */

/** The binary operations in WebAssembly, by the names the module exports (`add_vv`, `mul_vs`, …). */
export const binaryOps = ['add', 'sub', 'mul', 'div'] as const

/** How the operands of a binary loop are given: two arrays, array and scalar, scalar and array. */
export const binaryModes = ['vv', 'vs', 'sv'] as const

const lines = (xs: readonly string[]): string => xs.join('\n')

/**
 * A loop over n elements in pairs: `pointers` advance 16 bytes a pair (8 for the last, odd one);
 * `body(width)` is the code of one step, with width 'v' (f64x2, loads `v128.load`) or 's' (f64).
 */
const pairs = (pointers: readonly string[], body: (w: 'v' | 's') => string): string => `
    (local.set $end2 (i32.add (local.get ${pointers[0] ?? '$out'}) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get ${pointers[0] ?? '$out'}) (local.get $end2)))
        ${body('v')}
        ${lines(pointers.map((p) => `(local.set ${p} (i32.add (local.get ${p}) (i32.const 16)))`))}
        (br $pairs)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        ${body('s')}))`

const load = (w: 'v' | 's', p: string): string => (w === 'v' ? `(v128.load (local.get ${p}))` : `(f64.load (local.get ${p}))`)
const store = (w: 'v' | 's', p: string, value: string): string => (w === 'v' ? `(v128.store (local.get ${p}) ${value})` : `(f64.store (local.get ${p}) ${value})`)
/** An arithmetic instruction at a width: `op(w, 'mul')` is f64x2.mul or f64.mul. */
const op = (w: 'v' | 's', name: string): string => `${w === 'v' ? 'f64x2' : 'f64'}.${name}`
/** A scalar parameter at a width: its splat (kept in a v128 local `<name>2`) or itself. */
const scalar = (w: 'v' | 's', name: string): string => (w === 'v' ? `(local.get ${name}2)` : `(local.get ${name})`)
const splat = (name: string): string => `(local.set ${name}2 (f64x2.splat (local.get ${name})))`

/** out[i] = a[i] ∘ b[i], a[i] ∘ s or s ∘ b[i]: twelve exported functions. */
const binary = (): string =>
  lines(
    binaryOps.flatMap((name) => [
      `
  (func (export "${name}_vv") (param $out i32) (param $a i32) (param $b i32) (param $n i32)
    (local $end2 i32)
    ${pairs(['$out', '$a', '$b'], (w) => store(w, '$out', `(${op(w, name)} ${load(w, '$a')} ${load(w, '$b')})`))})`,
      `
  (func (export "${name}_vs") (param $out i32) (param $a i32) (param $s f64) (param $n i32)
    (local $end2 i32) (local $s2 v128)
    ${splat('$s')}
    ${pairs(['$out', '$a'], (w) => store(w, '$out', `(${op(w, name)} ${load(w, '$a')} ${scalar(w, '$s')})`))})`,
      `
  (func (export "${name}_sv") (param $out i32) (param $s f64) (param $b i32) (param $n i32)
    (local $end2 i32) (local $s2 v128)
    ${splat('$s')}
    ${pairs(['$out', '$b'], (w) => store(w, '$out', `(${op(w, name)} ${scalar(w, '$s')} ${load(w, '$b')})`))})`,
    ]),
  )

/**
 * Adam over one leaf, in place on the moments: with g, m, v at their pointers,
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + ((1 − β2)·g)·g,   u = (m / c1) / (√(v / c2) + ε),
 * the expression tree of scaleByAdam's JavaScript loop (`oneMinusBeta1` = 1 − β1 and the
 * corrections c1, c2 are computed once in JavaScript and passed in).
 */
const adam = (): string => `
  (func (export "adam") (param $g i32) (param $m i32) (param $v i32) (param $u i32) (param $n i32)
        (param $b1 f64) (param $d1 f64) (param $b2 f64) (param $d2 f64) (param $c1 f64) (param $c2 f64) (param $eps f64)
    (local $end2 i32) (local $b12 v128) (local $d12 v128) (local $b22 v128) (local $d22 v128) (local $c12 v128) (local $c22 v128) (local $eps2 v128)
    (local $gv v128) (local $mv v128) (local $vv v128) (local $gs f64) (local $ms f64) (local $vs f64)
    ${lines(['$b1', '$d1', '$b2', '$d2', '$c1', '$c2', '$eps'].map(splat))}
    ${pairs(['$g', '$m', '$v', '$u'], (w) => {
      const t = w === 'v' ? 'v' : 's'
      const [g, m, v] = [`$g${t}`, `$m${t}`, `$v${t}`]
      return `(local.set ${g} ${load(w, '$g')})
        (local.set ${m} (${op(w, 'add')} (${op(w, 'mul')} ${scalar(w, '$b1')} ${load(w, '$m')}) (${op(w, 'mul')} ${scalar(w, '$d1')} (local.get ${g}))))
        (local.set ${v} (${op(w, 'add')} (${op(w, 'mul')} ${scalar(w, '$b2')} ${load(w, '$v')}) (${op(w, 'mul')} (${op(w, 'mul')} ${scalar(w, '$d2')} (local.get ${g})) (local.get ${g}))))
        ${store(w, '$m', `(local.get ${m})`)}
        ${store(w, '$v', `(local.get ${v})`)}
        ${store(w, '$u', `(${op(w, 'div')} (${op(w, 'div')} (local.get ${m}) ${scalar(w, '$c1')}) (${op(w, 'add')} (${op(w, 'sqrt')} (${op(w, 'div')} (local.get ${v}) ${scalar(w, '$c2')})) ${scalar(w, '$eps')}))`)}`
    })})`

/**
 * Heavy-ball momentum over one leaf, in place on the velocity: v ← β·v + g, and with Nesterov
 * (`nesterov` ≠ 0) the update u = β·v + g written at `u` — traceMomentum's JavaScript loops.
 */
const momentum = (): string => `
  (func (export "momentum") (param $g i32) (param $v i32) (param $u i32) (param $n i32) (param $decay f64) (param $nesterov i32)
    (local $end2 i32) (local $decay2 v128) (local $vv v128) (local $vs f64) (local $gv v128) (local $gs f64)
    ${splat('$decay')}
    (if (i32.eqz (local.get $nesterov))
      (then
        ${pairs(['$g', '$v'], (w) => store(w, '$v', `(${op(w, 'add')} (${op(w, 'mul')} ${scalar(w, '$decay')} ${load(w, '$v')}) ${load(w, '$g')})`))}
        (return)))
    ${pairs(['$g', '$v', '$u'], (w) => {
      const t = w === 'v' ? 'v' : 's'
      return `(local.set $g${t} ${load(w, '$g')})
        (local.set $v${t} (${op(w, 'add')} (${op(w, 'mul')} ${scalar(w, '$decay')} ${load(w, '$v')}) (local.get $g${t})))
        ${store(w, '$v', `(local.get $v${t})`)}
        ${store(w, '$u', `(${op(w, 'add')} (${op(w, 'mul')} ${scalar(w, '$decay')} (local.get $v${t})) (local.get $g${t}))`)}`
    })})`

/**
 * out[i] = max(x[i], 0) with NaN kept (bits and all) and −0 → +0: x where x > 0 or x ≠ x, else
 * +0 — the JavaScript `reluLoop`. No arithmetic: a mask of the lanes to keep, and-ed with x.
 */
const relu = (): string => `
  (func (export "relu") (param $out i32) (param $x i32) (param $n i32)
    (local $end2 i32) (local $v v128) (local $s f64)
    ${pairs(['$out', '$x'], (w) =>
      w === 'v'
        ? `(local.set $v (v128.load (local.get $x)))
        (v128.store (local.get $out)
          (v128.and (local.get $v) (v128.or (f64x2.gt (local.get $v) (v128.const f64x2 0 0)) (f64x2.ne (local.get $v) (local.get $v)))))`
        : `(local.set $s (f64.load (local.get $x)))
        (f64.store (local.get $out)
          (select (local.get $s) (f64.const 0) (i32.or (f64.gt (local.get $s) (f64.const 0)) (f64.ne (local.get $s) (local.get $s)))))`,
    )})`

/**
 * relu's pullback: out[i] = g[i] · (x[i] > 0 ? 1 : 0) — the factor is 1 or +0 (a compare mask
 * and-ed with 1.0), then one IEEE multiply, as in the JavaScript loop (so g = ±∞ or NaN against a
 * factor of 0 gives NaN there too).
 */
const reluVjp = (): string => `
  (func (export "reluVjp") (param $out i32) (param $g i32) (param $x i32) (param $n i32)
    (local $end2 i32)
    ${pairs(['$out', '$g', '$x'], (w) =>
      w === 'v'
        ? `(v128.store (local.get $out)
          (f64x2.mul (v128.load (local.get $g)) (v128.and (f64x2.gt (v128.load (local.get $x)) (v128.const f64x2 0 0)) (v128.const f64x2 1 1))))`
        : `(f64.store (local.get $out)
          (f64.mul (f64.load (local.get $g)) (select (f64.const 1) (f64.const 0) (f64.gt (f64.load (local.get $x)) (f64.const 0)))))`,
    )})`

/** The element-wise and optimizer functions, to splice into the module. */
export const elementwiseWat = (): string => `${binary()}
${relu()}
${reluVjp()}
${adam()}
${momentum()}`
