/**
 * The source of dualflow's WebAssembly kernels: WebAssembly text (WAT) written here, with the
 * repetitive parts (the 4×4 register tile, unrolled) spelled out by small template functions.
 * `npm run build:kernels` assembles it with wabt into `src/tensor/kernels/wasm-module.ts`.
 *
 * One product routine serves the three layouts. Operands are addressed through strides, so
 * A(i, p) lives at `a + 8·(i·aRow + p·aDepth)` and B(p, j) at `b + 8·(p·bDepth + j·bCol)`:
 * A·B is (aRow = k, aDepth = 1, bDepth = n, bCol = 1), Aᵀ·B stores A as [k×m] (aRow = 1,
 * aDepth = m), A·Bᵀ stores B as [n×k] (bDepth = 1, bCol = k). C is row-major with row stride ldc.
 *
 * Scheme (BLIS-like): columns in panels of NC, the shared dimension in blocks of KC. For each
 * (panel, block) the KC×NC slab of B is packed into scratch as 4-column strips laid out [p][4];
 * for each 4-row strip of A the KC×4 strip is packed [p][4] — unless A is stored row by row
 * (aDepth = 1: A·B and A·Bᵀ), when the tile reads the four rows in place; the tile routine keeps a 4×4
 * block of C in eight f64x2 accumulators and, per p, loads four splatted A values and two pairs
 * of B values (6 loads for 32 flops). Rows and columns left over when m or n is not a multiple
 * of 4 are plain scalar dot products.
 *
 * Bit identity with the JavaScript kernels (src/tensor/kernels/matmul.ts): every C(i, j) is
 * `((0 + A(i,0)·B(0,j)) + A(i,1)·B(1,j)) + …` with p rising, each product rounded, then each sum
 * rounded — f64x2.mul then f64x2.add per lane, never a fused multiply-add (WebAssembly SIMD has
 * none outside relaxed-simd, which we do not use). A block after the first resumes from the
 * partial sum it stored in C, which is the same value the uninterrupted loop would hold.
 *
 * The scratch for packing is passed in (`scratch`, SCRATCH_BYTES bytes), so several threads can
 * run the routine on one shared memory, each on its own rows of C with its own scratch.
 */

import { elementwiseWat } from './elementwise-wat.js'

/** Depth of a block of the shared dimension. */
export const KC = 256
/** Width of a column panel of B. */
export const NC = 256
/** Bytes of scratch one call needs: the packed KC×NC slab of B and a packed KC×4 strip of A. */
export const SCRATCH_BYTES = KC * NC * 8 + KC * 4 * 8

const rows = [0, 1, 2, 3] as const
const halves = [0, 1] as const
const acc = (r: number, h: number): string => `$c${r}${h}`
const lines = (xs: readonly string[]): string => xs.join('\n')

/**
 * The 4×4 tile: C[4×4] at `c` (row stride ldc8 bytes) over `kc` steps of B (`bp`, packed, 32
 * bytes a step) and of A. `resume` ≠ 0 continues from the values in C.
 *
 * Two variants read A differently and compute the same sums: `$tile` from a packed strip (`ap`,
 * [p][4], 32 bytes a step), and `$tileRows` straight from four rows of a row-major A (`ap` the
 * address of A(i, p₀), rows `ar8` bytes apart, 8 bytes a step) — no packing pass when A is stored
 * row by row (the A·B and A·Bᵀ layouts), where the strip would be a copy of what is already
 * contiguous.
 */
const tile = (variant: 'packed' | 'rows'): string => `
  (func ${variant === 'packed' ? '$tile' : '$tileRows'} (param $ap i32) ${variant === 'rows' ? '(param $ar8 i32) ' : ''}(param $bp i32) (param $c i32) (param $ldc8 i32) (param $kc i32) (param $resume i32)
    (local $end i32) (local $b0 v128) (local $b1 v128) (local $a v128)
    (local $c1 i32) (local $c2 i32) (local $c3 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    ${lines(rows.flatMap((r) => halves.map((h) => `(local ${acc(r, h)} v128)`)))}
    (local.set $c1 (i32.add (local.get $c) (local.get $ldc8)))
    (local.set $c2 (i32.add (local.get $c1) (local.get $ldc8)))
    (local.set $c3 (i32.add (local.get $c2) (local.get $ldc8)))
    ${variant === 'rows' ? `(local.set $a1 (i32.add (local.get $ap) (local.get $ar8)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $ar8)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $ar8)))` : ''}
    (if (local.get $resume)
      (then
        ${lines(rows.flatMap((r) => halves.map((h) => `(local.set ${acc(r, h)} (v128.load offset=${h * 16} (local.get ${r === 0 ? '$c' : `$c${r}`})))`)))}))
    (local.set $end (i32.add (local.get $bp) (i32.shl (local.get $kc) (i32.const 5))))
    (loop $p
      (local.set $b0 (v128.load offset=0 (local.get $bp)))
      (local.set $b1 (v128.load offset=16 (local.get $bp)))
      ${lines(
        rows.map(
          (r) => `(local.set $a ${variant === 'packed' ? `(v128.load64_splat offset=${r * 8} (local.get $ap))` : `(v128.load64_splat (local.get ${r === 0 ? '$ap' : `$a${r}`}))`})
      ${lines(halves.map((h) => `(local.set ${acc(r, h)} (f64x2.add (local.get ${acc(r, h)}) (f64x2.mul (local.get $a) (local.get $b${h}))))`))}`,
        ),
      )}
      ${variant === 'packed' ? '(local.set $ap (i32.add (local.get $ap) (i32.const 32)))' : lines(['$ap', '$a1', '$a2', '$a3'].map((q) => `(local.set ${q} (i32.add (local.get ${q}) (i32.const 8)))`))}
      (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
      (br_if $p (i32.lt_u (local.get $bp) (local.get $end))))
    ${lines(rows.flatMap((r) => halves.map((h) => `(v128.store offset=${h * 16} (local.get ${r === 0 ? '$c' : `$c${r}`}) (local.get ${acc(r, h)}))`)))})`

/**
 * Packs a strip of 4 "rows" over kc steps into [p][4] at `dst`: element (r, p) is read at
 * `src + r·rs8 + p·ps8` (byte strides). Used for strips of A (rows i..i+3) and of B (columns).
 */
const pack = (): string => `
  (func $pack4 (param $src i32) (param $rs8 i32) (param $ps8 i32) (param $kc i32) (param $dst i32)
    (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $end i32)
    (local.set $s1 (i32.add (local.get $src) (local.get $rs8)))
    (local.set $s2 (i32.add (local.get $s1) (local.get $rs8)))
    (local.set $s3 (i32.add (local.get $s2) (local.get $rs8)))
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 5))))
    (loop $p
      (f64.store offset=0 (local.get $dst) (f64.load (local.get $src)))
      (f64.store offset=8 (local.get $dst) (f64.load (local.get $s1)))
      (f64.store offset=16 (local.get $dst) (f64.load (local.get $s2)))
      (f64.store offset=24 (local.get $dst) (f64.load (local.get $s3)))
      (local.set $src (i32.add (local.get $src) (local.get $ps8)))
      (local.set $s1 (i32.add (local.get $s1) (local.get $ps8)))
      (local.set $s2 (i32.add (local.get $s2) (local.get $ps8)))
      (local.set $s3 (i32.add (local.get $s3) (local.get $ps8)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
      (br_if $p (i32.lt_u (local.get $dst) (local.get $end)))))`

/**
 * One scalar dot product per entry, p rising: rows [i0, m) for every column when `allColumns`,
 * else columns [n4, n) of rows [0, m4) — the same entries, in the same order, as the JavaScript
 * kernels' `edges`.
 */
const edge = (): string => `
  (func $edge (param $a i32) (param $ar8 i32) (param $ad8 i32) (param $b i32) (param $bd8 i32) (param $bc8 i32)
              (param $c i32) (param $ldc8 i32) (param $k i32) (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32)
    (local $i i32) (local $j i32) (local $p i32) (local $pa i32) (local $pb i32) (local $s f64)
    (if (i32.ge_s (local.get $i0) (local.get $i1)) (then (return)))
    (if (i32.ge_s (local.get $j0) (local.get $j1)) (then (return)))
    (local.set $i (local.get $i0))
    (loop $rows
      (local.set $j (local.get $j0))
      (loop $cols
        (local.set $s (f64.const 0))
        (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ar8))))
        (local.set $pb (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $bc8))))
        (local.set $p (i32.const 0))
        (block $done
          (loop $dot
            (br_if $done (i32.ge_s (local.get $p) (local.get $k)))
            (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $pa)) (f64.load (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (local.get $ad8)))
            (local.set $pb (i32.add (local.get $pb) (local.get $bd8)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $dot)))
        (f64.store
          (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc8)) (i32.shl (local.get $j) (i32.const 3))))
          (local.get $s))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_s (local.get $j) (local.get $j1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_s (local.get $i) (local.get $i1)))))`

/**
 * The exported product. Strides in elements; m, k, n ≥ 0. Writes exactly C[m×n] (with k = 0 the
 * entries are zeros) and reads nothing outside A, B and the scratch.
 */
const matmul = (): string => `
  (func (export "matmul")
        (param $a i32) (param $aRow i32) (param $aDepth i32)
        (param $b i32) (param $bDepth i32) (param $bCol i32)
        (param $c i32) (param $ldc i32) (param $m i32) (param $k i32) (param $n i32) (param $scratch i32)
    (local $ar8 i32) (local $ad8 i32) (local $bd8 i32) (local $bc8 i32) (local $ldc8 i32)
    (local $m4 i32) (local $n4 i32) (local $jb i32) (local $jEnd i32) (local $kb i32) (local $kc i32)
    (local $i i32) (local $j i32) (local $apack i32) (local $bstrip i32) (local $row i32) (local $astrip i32) (local $packA i32)
    ;; A stored row by row (aDepth = 1) is read in place by $tileRows; otherwise packed per strip.
    (local.set $packA (i32.ne (local.get $aDepth) (i32.const 1)))
    (local.set $ar8 (i32.shl (local.get $aRow) (i32.const 3)))
    (local.set $ad8 (i32.shl (local.get $aDepth) (i32.const 3)))
    (local.set $bd8 (i32.shl (local.get $bDepth) (i32.const 3)))
    (local.set $bc8 (i32.shl (local.get $bCol) (i32.const 3)))
    (local.set $ldc8 (i32.shl (local.get $ldc) (i32.const 3)))
    (local.set $apack (i32.add (local.get $scratch) (i32.const ${KC * NC * 8})))
    (if (i32.eqz (local.get $k))
      (then
        ;; An empty sum is +0 for every entry.
        (local.set $i (i32.const 0))
        (block $out
          (loop $zr
            (br_if $out (i32.ge_s (local.get $i) (local.get $m)))
            (memory.fill (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc8))) (i32.const 0) (i32.shl (local.get $n) (i32.const 3)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $zr)))
        (return)))
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (if (i32.and (i32.gt_s (local.get $m4) (i32.const 0)) (i32.gt_s (local.get $n4) (i32.const 0)))
      (then
        (local.set $jb (i32.const 0))
        (loop $panels
          (local.set $jEnd (select (i32.add (local.get $jb) (i32.const ${NC})) (local.get $n4)
                                   (i32.lt_s (i32.add (local.get $jb) (i32.const ${NC})) (local.get $n4))))
          (local.set $kb (i32.const 0))
          (loop $blocks
            (local.set $kc (select (i32.const ${KC}) (i32.sub (local.get $k) (local.get $kb))
                                   (i32.lt_s (i32.const ${KC}) (i32.sub (local.get $k) (local.get $kb)))))
            ;; Pack the kc×(jEnd−jb) slab of B as 4-column strips, each [p][4].
            (local.set $j (local.get $jb))
            (local.set $bstrip (local.get $scratch))
            (loop $packB
              (call $pack4
                (i32.add (local.get $b) (i32.add (i32.mul (local.get $kb) (local.get $bd8)) (i32.mul (local.get $j) (local.get $bc8))))
                (local.get $bc8) (local.get $bd8) (local.get $kc) (local.get $bstrip))
              (local.set $bstrip (i32.add (local.get $bstrip) (i32.shl (local.get $kc) (i32.const 5))))
              (local.set $j (i32.add (local.get $j) (i32.const 4)))
              (br_if $packB (i32.lt_s (local.get $j) (local.get $jEnd))))
            (local.set $i (i32.const 0))
            (loop $strips
              (local.set $astrip (i32.add (local.get $a) (i32.add (i32.mul (local.get $i) (local.get $ar8)) (i32.mul (local.get $kb) (local.get $ad8)))))
              (if (local.get $packA)
                (then (call $pack4 (local.get $astrip) (local.get $ar8) (local.get $ad8) (local.get $kc) (local.get $apack))))
              (local.set $row (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc8))))
              (local.set $j (local.get $jb))
              (local.set $bstrip (local.get $scratch))
              (loop $tiles
                (if (local.get $packA)
                  (then
                    (call $tile (local.get $apack) (local.get $bstrip)
                      (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))
                      (local.get $ldc8) (local.get $kc) (local.get $kb)))
                  (else
                    (call $tileRows (local.get $astrip) (local.get $ar8) (local.get $bstrip)
                      (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))
                      (local.get $ldc8) (local.get $kc) (local.get $kb))))
                (local.set $bstrip (i32.add (local.get $bstrip) (i32.shl (local.get $kc) (i32.const 5))))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br_if $tiles (i32.lt_s (local.get $j) (local.get $jEnd))))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br_if $strips (i32.lt_s (local.get $i) (local.get $m4))))
            (local.set $kb (i32.add (local.get $kb) (i32.const ${KC})))
            (br_if $blocks (i32.lt_s (local.get $kb) (local.get $k))))
          (local.set $jb (local.get $jEnd))
          (br_if $panels (i32.lt_s (local.get $jb) (local.get $n4))))))
    ;; Columns [n4, n) of rows [0, m4), then rows [m4, m) for every column.
    (call $edge (local.get $a) (local.get $ar8) (local.get $ad8) (local.get $b) (local.get $bd8) (local.get $bc8)
      (local.get $c) (local.get $ldc8) (local.get $k) (i32.const 0) (local.get $m4) (local.get $n4) (local.get $n))
    (call $edge (local.get $a) (local.get $ar8) (local.get $ad8) (local.get $b) (local.get $bd8) (local.get $bc8)
      (local.get $c) (local.get $ldc8) (local.get $k) (local.get $m4) (local.get $m) (i32.const 0) (local.get $n)))`

/**
 * Adds a bias row to every row of C[m×n] (row stride ldc): C(i, j) ← C(i, j) + bias(j), the
 * second half of the fused affine map, in pairs where n allows and singly at the end.
 */
const addRows = (): string => `
  (func (export "addRow") (param $c i32) (param $ldc i32) (param $bias i32) (param $m i32) (param $n i32)
    (local $i i32) (local $j i32) (local $row i32) (local $n2 i32) (local $ldc8 i32)
    (local.set $ldc8 (i32.shl (local.get $ldc) (i32.const 3)))
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (local.set $row (local.get $c))
    (block $out
      (loop $rows
        (br_if $out (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.ge_s (local.get $j) (local.get $n2)))
            (v128.store (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))
              (f64x2.add
                (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))
                (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $pairs)))
        (if (i32.lt_s (local.get $j) (local.get $n))
          (then
            (f64.store (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))
              (f64.add
                (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))
                (f64.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 3))))))))
        (local.set $row (i32.add (local.get $row) (local.get $ldc8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))`

/**
 * The whole module: the products, and the element-wise and optimizer loops of elementwise-wat.ts.
 * `shared` declares the imported memory shared (for worker threads; needs a
 * maximum), otherwise it is an ordinary growable memory.
 */
export const kernelsWat = ({ shared }: { readonly shared: boolean }): string => `(module
  (import "env" "memory" (memory 1 ${shared ? '32768 shared' : ''}))
${tile('packed')}
${tile('rows')}
${pack()}
${edge()}
${matmul()}
${addRows()}
${elementwiseWat()}
)
`
