/**
 * Recurrent layers — `simpleRnn`, `lstm`, `gru` — and `bidirectional`, with Keras's names,
 * defaults and weight layouts, each run as ONE fused primitive of `ad` (`simpleRnnSequence`,
 * `lstmSequence`, `gruSequence`: one node for the whole loop, whose output keeps the residuals of
 * every step for its reverse rule; their higher-order rules are `scan`s of the same cell).
 *
 * Inputs are sequences `[batch, time, features]` (init takes `[time, features]`). Every layer has
 * params `{ kernel: [features, g·units], recurrentKernel: [units, g·units], bias }` with g the
 * number of gates, laid out as Keras lays them out, so weights carry over unchanged:
 *
 * - simpleRnn (g = 1): h' = tanh(x·W + h·U + b); bias `[units]`.
 * - lstm (g = 4, gate order i, f, c, o): i, f, o = σ(·), c̃ = tanh(·) of x·W + h·U + b;
 *   c' = f·c + i·c̃, h' = o·tanh(c'); bias `[4·units]`, its forget slice initialised to 1
 *   (`unitForgetBias`). State [h, c].
 * - gru (g = 3, gate order z, r, h): z, r = σ(·); with `resetAfter` (Keras's default) bias
 *   `[2, 3·units]` (input bias, recurrent bias) and h̃ = tanh(x_h + r·(h·U_h + b_rh)); without it,
 *   bias `[3·units]` and h̃ = tanh(x_h + (r·h)·U_h). h' = z·h + (1 − z)·h̃.
 *
 * The input projection x·W + b of all steps is one product before the loop (as Keras and cuDNN
 * do); the loop carries the state and multiplies by the recurrent kernel. `returnSequences` gives
 * all outputs `[batch, time, units]` instead of the last `[batch, units]`; `goBackwards` reads the
 * sequence from its end (and, as Keras, returns the sequence of outputs in that order). Keras's
 * `returnState` and `initialState` are the layer's `call`, which takes initial states and returns
 * the final ones beside the output.
 */
import * as ad from '../ad/index.js'
import { isValue, type Value, type ValueTree } from '../ad/index.js'
import * as random from '../random/index.js'
import * as T from '../tensor/index.js'
import type { Shape, Tensor } from '../tensor/index.js'
import { expectsInput, LayerError } from './errors.js'
import { glorotUniform, orthogonal, zeros, type Initializer } from './init.js'
import { layerOverloads, type Layer, type NoState, type Params } from './Layer.js'
import { describe, isList, leafOf, leafWithShape } from './params.js'
import type { Tree } from '../tree/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Options shared by the recurrent layers (Keras's defaults). */
export interface RecurrentOptions {
  /** Output every step `[batch, time, units]` rather than the last `[batch, units]` (default false). */
  readonly returnSequences?: boolean
  /** Read the sequence from the last step to the first (default false). */
  readonly goBackwards?: boolean
  /** Whether the layer has a bias (default true). */
  readonly useBias?: boolean
  /** How the input kernel starts (default glorotUniform). */
  readonly kernelInitializer?: Initializer
  /** How the recurrent kernel starts (default orthogonal()). */
  readonly recurrentInitializer?: Initializer
  /** How the bias starts (default zeros; the LSTM then sets its forget slice to 1, see unitForgetBias). */
  readonly biasInitializer?: Initializer
}

/** Options of {@link lstm}. */
export interface LstmOptions extends RecurrentOptions {
  /** Start the forget gate's bias at 1 (default true, as Keras). */
  readonly unitForgetBias?: boolean
}

/** Options of {@link gru}. */
export interface GruOptions extends RecurrentOptions {
  /** Apply the reset gate after the recurrent product, with a separate recurrent bias (default true, as Keras). */
  readonly resetAfter?: boolean
}

/** What a recurrent layer's `call` returns: the output and the final states (h; or h and c for an LSTM). */
export interface RecurrentResult {
  readonly output: Value
  readonly states: readonly Value[]
}

/**
 * The parameters of a recurrent layer (Keras's layout, g gates): the input kernel W
 * `[features, g·units]`, the recurrent kernel U `[units, g·units]` and the bias (`[g·units]`; a
 * GRU with `resetAfter` `[2, 3·units]`: input and recurrent bias).
 */
export type RecurrentParams = { readonly kernel: Tensor; readonly recurrentKernel: Tensor; readonly bias: Tensor }

/** The parameters of a recurrent layer made with `useBias: false`: the two kernels alone. */
export type RecurrentKernelsOnly = { readonly kernel: Tensor; readonly recurrentKernel: Tensor }

/** The parameters of a recurrent layer whose `useBias` is not known statically. */
export type RecurrentMaybeBias = { readonly kernel: Tensor; readonly recurrentKernel: Tensor; readonly bias?: Tensor }

/**
 * A recurrent layer: a `Layer<P, NoState>` that can also start from given states and return its
 * final ones. `P` is {@link RecurrentParams} (or {@link RecurrentKernelsOnly} without a bias);
 * `PV`, what `apply` and `call` receive, is `Params<P>` (a parameter of its own, as in `Layer`).
 */
export interface RecurrentLayer<P = RecurrentMaybeBias, PV = Params<P>> extends Layer<P, NoState, PV> {
  readonly units: number
  /** Number of state tensors: 1 (h) or 2 (h, c for an LSTM). */
  readonly stateCount: number
  /**
   * Runs the layer on x `[batch, time, features]` from `initialState` (default zeros, each
   * `[batch, units]`): Keras's `initial_state` and `return_state`.
   */
  call(params: PV, x: Value, initialState?: readonly Value[]): RecurrentResult
  /** The same layer reading its input backwards (the second half of `bidirectional`). */
  reversed(): RecurrentLayer<P, PV>
}

/** The parameters of `bidirectional(layer)`: the forward layer's and the backward copy's. */
export type BidirectionalParams<P> = { readonly forward: P; readonly backward: P }

/** How `bidirectional` merges the two directions (Keras's merge modes). */
export type BidirectionalMerge = 'concat' | 'sum' | 'mul' | 'ave'

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/**
 * A fully connected recurrent layer of `units`: h' = tanh(x·W + h·U + b).
 *
 * @example
 * nn.simpleRnn(8).init(random.key(0), [5, 3]).outputShape                              // [8]
 * nn.simpleRnn(8, { returnSequences: true }).init(random.key(0), [5, 3]).outputShape   // [5, 8]
 * nn.simpleRnn(8).init(random.key(0), [3])  // throws LayerError "simpleRnn(8): expects input [time, features] (a batch of sequences [batch, time, features]), got [3]"
 * @throws {ArgumentError} (from the tensor module) for units that are not a positive integer
 * @throws {LayerError} at init for an input that is not [time, features]; at apply for an input that is not [batch, time, features], or bad initial states
 */
export function simpleRnn(units: number, options: RecurrentOptions & { readonly useBias: false }): RecurrentLayer<RecurrentKernelsOnly>
export function simpleRnn(units: number, options?: RecurrentOptions & { readonly useBias?: true }): RecurrentLayer<RecurrentParams>
export function simpleRnn(units: number, options?: RecurrentOptions): RecurrentLayer
export function simpleRnn(units: number, options: RecurrentOptions = {}): RecurrentLayer {
  return recurrent({ kind: 'simpleRnn' }, simpleCell, units, options)
}

/**
 * A long short-term memory layer of `units` (Keras gate order i, f, c, o; sigmoid gates, tanh
 * activation, unit forget bias).
 *
 * @example
 * nn.summary(nn.lstm(32), [50, 1]).totalParams  // 4352
 */
export function lstm(units: number, options: LstmOptions & { readonly useBias: false }): RecurrentLayer<RecurrentKernelsOnly>
export function lstm(units: number, options?: LstmOptions & { readonly useBias?: true }): RecurrentLayer<RecurrentParams>
export function lstm(units: number, options?: LstmOptions): RecurrentLayer
export function lstm(units: number, options: LstmOptions = {}): RecurrentLayer {
  return recurrent({ kind: 'lstm' }, lstmCell(options.unitForgetBias ?? true), units, options)
}

/**
 * A gated recurrent unit layer of `units` (Keras gate order z, r, h; `resetAfter` true by default,
 * with two bias rows).
 *
 * @example
 * nn.summary(nn.gru(32), [50, 1]).totalParams                          // 3360
 * nn.summary(nn.gru(32, { resetAfter: false }), [50, 1]).totalParams  // 3264
 */
export function gru(units: number, options: GruOptions & { readonly useBias: false }): RecurrentLayer<RecurrentKernelsOnly>
export function gru(units: number, options?: GruOptions & { readonly useBias?: true }): RecurrentLayer<RecurrentParams>
export function gru(units: number, options?: GruOptions): RecurrentLayer
export function gru(units: number, options: GruOptions = {}): RecurrentLayer {
  return recurrent({ kind: 'gru' }, gruCell(options.resetAfter ?? true), units, options)
}

/**
 * Runs a recurrent layer forwards and a copy of it backwards over the same input and merges the
 * two outputs (default `'concat'` on the last axis, as Keras). With `returnSequences`, the
 * backward outputs are put back in time order before merging. Params `{ forward, backward }`.
 *
 * @example
 * nn.bidirectional(nn.lstm(8)).init(random.key(0), [5, 3]).outputShape  // [16]
 * nn.summary(nn.bidirectional(nn.lstm(8)), [5, 3]).totalParams          // 768
 */
export const bidirectional = <P extends Tree>(recurrentLayer: RecurrentLayer<P>, merge: BidirectionalMerge = 'concat'): Layer<BidirectionalParams<P>, NoState> => {
  // The two directions as general layers: their params come through the general tree below.
  const layer: Layer = recurrentLayer
  const backward: Layer = recurrentLayer.reversed()
  const name = `bidirectional(${layer.name}, ${merge})`
  const sequences = layer.spec['returnSequences'] === true
  return layerOverloads<BidirectionalParams<P>, NoState>({
    name,
    spec: { kind: 'bidirectional', merge, layer: layer.spec },
    children: [layer, backward],
    init: (key, inputShape) => {
      const [kf, kb] = random.split(key, 2)
      const f = layer.init(kf ?? key, inputShape)
      const b = backward.init(kb ?? key, inputShape)
      const last = f.outputShape[f.outputShape.length - 1] ?? 0
      const outputShape = merge === 'concat' ? [...f.outputShape.slice(0, -1), 2 * last] : f.outputShape
      return { params: { forward: f.params, backward: b.params }, state: {}, outputShape }
    },
    apply: (params, state, x, ctx) => {
      const pf = childParams(name, params, 'forward')
      const pb = childParams(name, params, 'backward')
      const yf = layer.apply(pf, {}, x, ctx).y
      const yb0 = backward.apply(pb, {}, x, ctx).y
      const yb = sequences ? reverseTime(yb0) : yb0
      const y = merge === 'concat' ? ad.concat([yf, yb], -1) : merge === 'sum' ? ad.add(yf, yb) : merge === 'mul' ? ad.mul(yf, yb) : ad.mul(ad.add(yf, yb), 0.5)
      return { y, state }
    },
  })
}

/**
 * True for the recurrent layers of this module (what `bidirectional` takes).
 *
 * @example
 * nn.isRecurrent(nn.lstm(4))   // true
 * nn.isRecurrent(nn.dense(4))  // false
 */
export const isRecurrent = (layer: Layer): layer is RecurrentLayer =>
  'call' in layer && 'reversed' in layer && typeof Reflect.get(layer, 'call') === 'function' && typeof Reflect.get(layer, 'reversed') === 'function'

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** What the step of a cell reads besides the state and the projected input. */
type Consts = { readonly [key: string]: Value }

interface Cell {
  readonly kind: 'simpleRnn' | 'lstm' | 'gru'
  readonly gates: number
  readonly stateCount: number
  readonly biasShape: (units: number) => Shape
  /** Bias as the initializer made it, adjusted by the cell (the LSTM's unit forget bias). */
  readonly initialBias: (bias: Tensor, units: number) => Tensor
  /** The input bias (added to x·W before the loop) and the consts of the loop, from the params. */
  readonly split: (units: number, recurrentKernel: Value, bias: Value | undefined) => { readonly inputBias: Value | undefined; readonly consts: Consts }
  /**
   * The whole loop, one fused primitive of `ad` (`simpleRnnSequence`, `lstmSequence`,
   * `gruSequence`): from the projected inputs `[time, batch, g·units]`, the consts and the initial
   * states, the outputs `[time, batch, units]` and the final states.
   */
  readonly sequence: (units: number, projected: Value, consts: Consts, states: readonly Value[], reverse: boolean) => { readonly outputs: Value; readonly states: readonly Value[] }
  readonly spec: { readonly [option: string]: boolean }
}

const constOf = (consts: Consts, key: string): Value => {
  const v = consts[key]
  if (v === undefined) throw new LayerError('recurrent', `missing ${key}`)
  return v
}

/**
 * A fused primitive's rows `[time, batch, c·units]` read as the layer's outputs (the first `units`
 * columns: h of every step) and its final states (the given column blocks of the last step run).
 */
const rowsRead = (rows: Value, units: number, stateColumns: readonly number[], reverse: boolean): { readonly outputs: Value; readonly states: readonly Value[] } => {
  const [time = 0, batch = 0, width = 0] = ad.shapeOf(rows)
  const last = reverse ? 0 : time - 1
  const state = (column: number): Value => ad.reshape(ad.slice(rows, [last, 0, column * units], [1, batch, units]), [batch, units])
  return { outputs: width === units ? rows : ad.slice(rows, [0, 0, 0], [time, batch, units]), states: stateColumns.map(state) }
}

const simpleCell: Cell = {
  kind: 'simpleRnn',
  gates: 1,
  stateCount: 1,
  biasShape: (units) => [units],
  initialBias: (bias) => bias,
  split: (_units, recurrentKernel, bias) => ({ inputBias: bias, consts: { recurrentKernel } }),
  sequence: (units, projected, consts, [h0 = T.scalar(0)], reverse) =>
    rowsRead(ad.simpleRnnSequence(projected, constOf(consts, 'recurrentKernel'), h0, { reverse }), units, [0], reverse),
  spec: {},
}

const lstmCell = (unitForgetBias: boolean): Cell => ({
  kind: 'lstm',
  gates: 4,
  stateCount: 2,
  biasShape: (units) => [4 * units],
  initialBias: (bias, units) =>
    unitForgetBias ? T.fromArray(Array.from(bias.data, (v, i) => (i >= units && i < 2 * units ? 1 : v)), bias.shape) : bias,
  split: (_units, recurrentKernel, bias) => ({ inputBias: bias, consts: { recurrentKernel } }),
  // Rows of [h, c, i, f, c̃, o, tanh(c)] per step: the states are columns 0 (h) and 1 (c).
  sequence: (units, projected, consts, [h0 = T.scalar(0), c0 = T.scalar(0)], reverse) =>
    rowsRead(ad.lstmSequence(projected, constOf(consts, 'recurrentKernel'), h0, c0, { reverse }), units, [0, 1], reverse),
  spec: { unitForgetBias },
})

const gruCell = (resetAfter: boolean): Cell => ({
  kind: 'gru',
  gates: 3,
  stateCount: 1,
  biasShape: (units) => (resetAfter ? [2, 3 * units] : [3 * units]),
  initialBias: (bias) => bias,
  split: (units, recurrentKernel, bias) => {
    if (!resetAfter || bias === undefined) return { inputBias: bias, consts: { recurrentKernel } }
    const inputBias = ad.reshape(ad.slice(bias, [0, 0], [1, 3 * units]), [3 * units])
    const recurrentBias = ad.reshape(ad.slice(bias, [1, 0], [1, 3 * units]), [3 * units])
    return { inputBias, consts: { recurrentKernel, recurrentBias } }
  },
  // Without a bias, resetAfter's recurrent bias is zero.
  sequence: (units, projected, consts, [h0 = T.scalar(0)], reverse) => {
    const recurrentBias = resetAfter ? (consts['recurrentBias'] ?? T.zeros([3 * units])) : undefined
    return rowsRead(ad.gruSequence(projected, constOf(consts, 'recurrentKernel'), recurrentBias, h0, { reverse, resetAfter }), units, [0], reverse)
  },
  spec: { resetAfter },
})

const recurrent = ({ kind }: { readonly kind: Cell['kind'] }, cell: Cell, units: number, options: RecurrentOptions): RecurrentLayer => {
  const {
    returnSequences = false,
    goBackwards = false,
    useBias = true,
    kernelInitializer = glorotUniform,
    recurrentInitializer = orthogonal(),
    biasInitializer = zeros,
  } = options
  if (!Number.isInteger(units) || units < 1) throw new T.ArgumentError(kind, `units must be a positive integer, got ${units}`)
  const name = `${kind}(${units})`
  const width = cell.gates * units
  const expected = (shape: Shape): string => expectsInput('[time, features] (a batch of sequences [batch, time, features])', shape)

  const call = (params: Params<RecurrentMaybeBias>, x: Value, initialState?: readonly Value[]): RecurrentResult => {
    const kernel = leafOf(name, 'params', params, 'kernel')
    const features = ad.shapeOf(kernel)[0] ?? 0
    if (!T.shapesEqual(ad.shapeOf(kernel), [features, width])) {
      throw new LayerError(name, `params: 'kernel' has shape ${T.formatShape(ad.shapeOf(kernel))}, expected [features,${width}]`)
    }
    const recurrentKernel = leafWithShape(name, 'params', params, 'recurrentKernel', [units, width])
    const bias = useBias ? leafWithShape(name, 'params', params, 'bias', cell.biasShape(units)) : undefined
    const xShape = ad.shapeOf(x)
    if (xShape.length !== 3 || xShape[2] !== features) {
      throw new LayerError(name, expectsInput(`[batch, time, ${features}]`, xShape))
    }
    const [batch = 0, time = 0] = xShape
    if (time < 1) throw new LayerError(name, `expects sequences of at least one step, got ${T.formatShape(xShape)}`)
    const states = initialState ?? Array.from({ length: cell.stateCount }, () => T.zeros([batch, units]))
    if (states.length !== cell.stateCount || states.some((s) => !T.shapesEqual(ad.shapeOf(s), [batch, units]))) {
      throw new LayerError(name, `initialState must be ${cell.stateCount} tensor${cell.stateCount > 1 ? 's' : ''} [${batch},${units}], got ${states.map((s) => T.formatShape(ad.shapeOf(s))).join(', ') || 'none'}`)
    }
    const { inputBias, consts } = cell.split(units, recurrentKernel, bias)
    // Time first, then every step's x·W + b in one product.
    const flat = ad.reshape(ad.transpose(x, [1, 0, 2]), [time * batch, features])
    const projected = ad.reshape(inputBias === undefined ? ad.matmul(flat, kernel) : ad.affine(flat, kernel, inputBias), [time, batch, width])
    const { outputs, states: finalStates } = cell.sequence(units, projected, consts, states, goBackwards)
    if (!returnSequences) return { output: finalStates[0] ?? outputs, states: finalStates }
    // ys[t] belongs to time t; Keras's goBackwards returns them in the order they were computed.
    const sequence = ad.transpose(outputs, [1, 0, 2])
    return { output: goBackwards ? reverseTime(sequence) : sequence, states: finalStates }
  }

  return {
    name,
    units,
    stateCount: cell.stateCount,
    spec: { kind: kind, units, returnSequences, goBackwards, useBias, ...cell.spec },
    init: (key, inputShape) => {
      if (inputShape.length !== 2) throw new LayerError(name, expected(inputShape))
      const [time = 0, features = 0] = inputShape
      if (time < 1) throw new LayerError(name, expected(inputShape))
      const [kk, rk, bk] = random.split(key, 3)
      const kernel = kernelInitializer(kk ?? key, [features, width])
      const recurrentKernel = recurrentInitializer(rk ?? key, [units, width])
      const outputShape = returnSequences ? [time, units] : [units]
      if (!useBias) return { params: { kernel, recurrentKernel }, state: {}, outputShape }
      const bias = cell.initialBias(biasInitializer(bk ?? key, cell.biasShape(units)), units)
      return { params: { kernel, recurrentKernel, bias }, state: {}, outputShape }
    },
    apply: (params, state, x) => ({ y: call(params, x).output, state }),
    call,
    reversed: () => recurrent({ kind }, cell, units, { ...options, goBackwards: !goBackwards }),
  }
}

/** The time axis (axis 1) of `[batch, time, units]` reversed. */
const reverseTime = (y: Value): Value => {
  const time = ad.shapeOf(y)[1] ?? 0
  return ad.gather(y, Array.from({ length: time }, (_, t) => time - 1 - t), 1)
}

const childParams = (layer: string, params: ValueTree, key: string): ValueTree => {
  if (isValue(params) || isList(params)) throw new LayerError(layer, `params: expected a record { forward, backward }, got ${describe(params)}`)
  const child = params[key]
  if (child === undefined) throw new LayerError(layer, `params: expected a record { forward, backward }, '${key}' is missing`)
  return child
}
