/**
 * A model's summary, like Keras's `model.summary()`: one row per layer with its output shape and
 * parameter count, and the totals. Shapes and counts come from running `init` with a fixed key
 * (key(0)); nothing else is run.
 *
 * The rows of a `sequential` model are its layers; a nested sequential, parallel or residual
 * combinator gets a row with its totals, followed by its own layers indented by two spaces. Any
 * other layer is one row. Parameters count as trainable; state (batch-norm running statistics)
 * as non-trainable; a row's count includes both, as Keras's "Param #" does.
 */
import { isValue, primalTensor, type ValueTree } from '../ad/index.js'
import * as random from '../random/index.js'
import * as T from '../tensor/index.js'
import type { Shape } from '../tensor/index.js'
import type { Layer } from './Layer.js'
import { isList } from './params.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** One layer in a summary: its name (indented when nested), output shape (without batch) and parameter count. */
export interface SummaryRow {
  readonly layer: string
  readonly outputShape: Shape
  readonly params: number
}

/** A model's summary: rows, totals, and the printed table. */
export interface Summary {
  readonly rows: readonly SummaryRow[]
  readonly totalParams: number
  readonly trainableParams: number
  readonly nonTrainableParams: number
  /** The table as Keras prints it, batch dimension shown as `None`. */
  readonly text: string
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/**
 * The summary of a model for an input shape (without the batch dimension).
 *
 * @example
 * const model = nn.sequential(nn.dense(12), nn.relu, nn.dense(8), nn.relu, nn.dense(1), nn.sigmoid)
 * nn.summary(model, [8]).totalParams  // 221
 * nn.summary(model, [8]).rows[0]      // { layer: 'dense(12)', outputShape: [12], params: 108 }
 * nn.summary(model, [8]).text         // the table, as Keras prints it
 */
export const summary = (model: Layer, inputShape: Shape): Summary => {
  const initialized = model.init(random.key(0), inputShape)
  const trainableParams = countOf(initialized.params)
  const nonTrainableParams = countOf(initialized.state)
  const rows = isContainer(model)
    ? childRows(model, inputShape, 0)
    : [{ layer: model.name, outputShape: initialized.outputShape, params: trainableParams + nonTrainableParams }]
  const totals = { totalParams: trainableParams + nonTrainableParams, trainableParams, nonTrainableParams }
  return { rows, ...totals, text: format(rows, totals) }
}

/** Number of scalars in a tree of tensors. */
export const countOf = (tree: ValueTree): number => {
  if (isValue(tree)) return T.sizeOf(primalTensor(tree).shape)
  const children = isList(tree) ? tree : Object.values(tree)
  return children.reduce((n: number, child) => n + countOf(child), 0)
}

/** `(None, 12)`: a shape with its batch dimension, as Keras prints it. */
export const formatBatchShape = (shape: Shape): string => (shape.length === 0 ? '(None,)' : `(None, ${shape.join(', ')})`)

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** Combinators whose children's input shapes summary knows how to follow. */
const isContainer = (layer: Layer): boolean =>
  layer.children !== undefined && (layer.spec.kind === 'sequential' || layer.spec.kind === 'parallel' || layer.spec.kind === 'residual')

/** Rows of a container's children (and theirs, indented), given the container's input shape. */
const childRows = (container: Layer, inputShape: Shape, depth: number): SummaryRow[] => {
  const rows: SummaryRow[] = []
  const threads = container.spec.kind === 'sequential'
  let shape = inputShape
  for (const child of container.children ?? []) {
    const init = child.init(random.key(0), shape)
    rows.push({ layer: `${'  '.repeat(depth)}${child.name}`, outputShape: init.outputShape, params: countOf(init.params) + countOf(init.state) })
    if (isContainer(child)) rows.push(...childRows(child, shape, depth + 1))
    if (threads) shape = init.outputShape
  }
  return rows
}

const format = (rows: readonly SummaryRow[], totals: { readonly totalParams: number; readonly trainableParams: number; readonly nonTrainableParams: number }): string => {
  const header: readonly string[] = ['Layer', 'Output shape', 'Params']
  const cells = rows.map((r): readonly string[] => [r.layer, formatBatchShape(r.outputShape), String(r.params)])
  const widths = [0, 1, 2].map((c) => Math.max(header[c]?.length ?? 0, ...cells.map((row) => row[c]?.length ?? 0)))
  const line = (row: readonly string[]): string =>
    `${(row[0] ?? '').padEnd(widths[0] ?? 0)}   ${(row[1] ?? '').padEnd(widths[1] ?? 0)}   ${(row[2] ?? '').padStart(widths[2] ?? 0)}`
  const rule = '─'.repeat((widths[0] ?? 0) + (widths[1] ?? 0) + (widths[2] ?? 0) + 6)
  return [
    line(header),
    rule,
    ...cells.map(line),
    rule,
    `Total params: ${totals.totalParams}`,
    `Trainable params: ${totals.trainableParams}`,
    `Non-trainable params: ${totals.nonTrainableParams}`,
  ].join('\n')
}
