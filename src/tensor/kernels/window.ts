/**
 * Loops of the windowed ops (convolution and pooling) over channels-last data, every problem seen
 * as 2-D (see `window.ts`). The caller allocates each output; these loops write only into it.
 *
 * `im2col` lays each output position's receptive field out as one row, in the order
 * (ky, kx, channel) — the row-major order of a kernel `[kh, kw, c, f]` flattened to
 * `[kh·kw·c, f]` — so that a convolution is one matrix product. `col2imAdd` is its adjoint: it adds
 * every row back onto the positions it was read from (padding positions are dropped).
 */
import type { ReadonlyFloat64Array } from '../Tensor.js'
import type { WindowGeometry } from '../window.js'

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** Rows of receptive fields: `cols[(n·ho + oy)·wo + ox, (ky·kw + kx)·c + ch]`, zero where padded. */
export const im2col = (x: ReadonlyFloat64Array, g: WindowGeometry, cols: Float64Array): void => {
  const { n, h, w, c, kh, kw, sh, sw, dh, dw, pt, pl, ho, wo } = g
  const rowLength = kh * kw * c
  let row = 0
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const base = row * rowLength
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - pt + ky * dh
          if (iy < 0 || iy >= h) continue
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pl + kx * dw
            if (ix < 0 || ix >= w) continue
            const from = ((b * h + iy) * w + ix) * c
            const to = base + (ky * kw + kx) * c
            for (let ch = 0; ch < c; ch++) cols[to + ch] = x[from + ch] ?? 0
          }
        }
        row++
      }
    }
  }
}

/** Adds each row of `cols` back onto the input positions `im2col` read it from (into `out`). */
export const col2imAdd = (cols: ReadonlyFloat64Array, g: WindowGeometry, out: Float64Array): void => {
  const { n, h, w, c, kh, kw, sh, sw, dh, dw, pt, pl, ho, wo } = g
  const rowLength = kh * kw * c
  let row = 0
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const base = row * rowLength
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - pt + ky * dh
          if (iy < 0 || iy >= h) continue
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pl + kx * dw
            if (ix < 0 || ix >= w) continue
            const to = ((b * h + iy) * w + ix) * c
            const from = base + (ky * kw + kx) * c
            for (let ch = 0; ch < c; ch++) out[to + ch] = (out[to + ch] ?? 0) + (cols[from + ch] ?? 0)
          }
        }
        row++
      }
    }
  }
}

/**
 * Max pooling: writes each window's maximum into `out` and the flat input index it came from into
 * `argmax`. The first maximum in row-major window order wins ties; a NaN wins over every number
 * (the first NaN of the window). Padded positions are skipped.
 */
export const maxPoolInto = (x: ReadonlyFloat64Array, g: WindowGeometry, out: Float64Array, argmax: Int32Array): void => {
  const { n, h, w, c, kh, kw, sh, sw, pt, pl, ho, wo } = g
  let o = 0
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity
          let at = -1
          for (let ky = 0; ky < kh && !Number.isNaN(best); ky++) {
            const iy = oy * sh - pt + ky
            if (iy < 0 || iy >= h) continue
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - pl + kx
              if (ix < 0 || ix >= w) continue
              const i = ((b * h + iy) * w + ix) * c + ch
              const v = x[i] ?? 0
              if (at < 0 || v > best || Number.isNaN(v)) {
                best = v
                at = i
                if (Number.isNaN(v)) break
              }
            }
          }
          out[o] = best
          argmax[o] = at
          o++
        }
      }
    }
  }
}

/**
 * Average pooling (`transpose` false): each window's mean over its non-padded positions. Its
 * adjoint (`transpose` true): each output cotangent divided by its window's count and added to
 * every non-padded position of the window. `x` and `out` swap roles between the two.
 */
export const avgPoolInto = (x: ReadonlyFloat64Array, g: WindowGeometry, out: Float64Array, transpose: boolean): void => {
  const { n, h, w, c, kh, kw, sh, sw, pt, pl, ho, wo } = g
  let o = 0
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      const y0 = Math.max(oy * sh - pt, 0)
      const y1 = Math.min(oy * sh - pt + kh, h)
      for (let ox = 0; ox < wo; ox++) {
        const x0 = Math.max(ox * sw - pl, 0)
        const x1 = Math.min(ox * sw - pl + kw, w)
        const count = (y1 - y0) * (x1 - x0)
        for (let ch = 0; ch < c; ch++) {
          if (transpose) {
            const share = (x[o] ?? 0) / count
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0; ix < x1; ix++) {
                const i = ((b * h + iy) * w + ix) * c + ch
                out[i] = (out[i] ?? 0) + share
              }
            }
          } else {
            let s = 0
            for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) s += x[((b * h + iy) * w + ix) * c + ch] ?? 0
            out[o] = s / count
          }
          o++
        }
      }
    }
  }
}
