/**
 * The Keras-style progress display, as pure formatting functions and a reporter that writes them.
 *
 *     Epoch 3/150
 *     768/768 [==============================] 0.2s loss: 0.4713 accuracy: 0.7786
 *
 * While an epoch runs, the line is rewritten in place with an ETA; when the output is not a
 * terminal, only one line per epoch is written (no carriage returns in logs). The formatting is
 * ours rather than a progress library's: it is a dozen lines, and tested as plain functions.
 */
import type { EpochLog, TrainEvent } from '../train/index.js'

// ─── model ──────────────────────────────────────────────────────────────────────────────────────

/** Where the reporter writes. `process.stdout` fits; {@link consoleSink} is the browser's. */
export interface TextSink {
  /** Writes text as is (no newline added). */
  readonly write: (text: string) => unknown
  readonly isTTY?: boolean
}

/** Options of the terminal reporter. */
export interface ReporterOptions {
  /** Where to write (default process.stdout under Node, else {@link consoleSink}()). */
  readonly sink?: TextSink
  /** Width of the bar in characters (default 30, as Keras). */
  readonly width?: number
  /** Print every n-th epoch only (default 1); the last epoch is always printed. */
  readonly every?: number
}

// ─── operations ─────────────────────────────────────────────────────────────────────────────────

/** `[=========>....................]` for `seen` of `total`. */
export const formatBar = (seen: number, total: number, width = 30): string => {
  const done = total === 0 ? width : Math.min(width, Math.floor((seen / total) * width))
  const arrow = done < width ? '>' : ''
  return `[${'='.repeat(done)}${arrow}${'.'.repeat(Math.max(0, width - done - arrow.length))}]`
}

/** `1.2s`, `45ms`, `3m 05s`. */
export const formatSeconds = (s: number): string => {
  if (s < 1) return `${Math.round(s * 1000)}ms`
  if (s < 60) return `${s.toFixed(1)}s`
  const m = Math.floor(s / 60)
  return `${m}m ${String(Math.round(s - m * 60)).padStart(2, '0')}s`
}

/** `loss: 0.4713 accuracy: 0.7786 val_loss: …` */
export const formatValues = (log: Pick<EpochLog, 'loss' | 'metrics' | 'validation'>): string => {
  const parts = [`loss: ${log.loss.toFixed(4)}`, ...Object.entries(log.metrics).map(([k, v]) => `${k}: ${v.toFixed(4)}`)]
  if (log.validation !== undefined) {
    parts.push(`val_loss: ${log.validation.loss.toFixed(4)}`, ...Object.entries(log.validation.metrics).map(([k, v]) => `val_${k}: ${v.toFixed(4)}`))
  }
  return parts.join(' ')
}

/** The line of a finished epoch: `768/768 [====…] 0.2s loss: 0.4713 accuracy: 0.7786`. */
export const formatEpochLine = (log: EpochLog, samples: number, width = 30): string =>
  [`${samples}/${samples}`, formatBar(samples, samples, width), log.seconds === undefined ? undefined : formatSeconds(log.seconds), formatValues(log)]
    .filter((p) => p !== undefined)
    .join(' ')

/** The line of a running epoch, with an ETA when timing is known. */
export const formatRunningLine = (event: Extract<TrainEvent, { type: 'batchEnd' }>, width = 30): string => {
  const eta =
    event.elapsedSeconds === undefined || event.seen === 0 ? undefined : (event.elapsedSeconds / event.seen) * (event.samples - event.seen)
  const digits = String(event.samples).length
  return [
    `${String(event.seen).padStart(digits)}/${event.samples}`,
    formatBar(event.seen, event.samples, width),
    eta === undefined ? undefined : `ETA: ${formatSeconds(eta)}`,
    `loss: ${event.loss.toFixed(4)}`,
  ]
    .filter((p) => p !== undefined)
    .join(' ')
}

/**
 * An `onEvent` observer for `fit` that prints the Keras-style display.
 *
 * @example
 * const lines = []
 * const onEvent = report.terminalReporter({ sink: { write: (text) => lines.push(text) } })  // the default sink is process.stdout
 * train.fit(nn.dense(1), data.gates.and, { loss: losses.mse, optimizer: optim.sgd({ learningRate: 0.1 }), epochs: 1, key: random.key(0), onEvent })
 * lines  // ['Epoch 1/1\n', '4/4 [==============================] loss: 0.7174\n']
 */
export const terminalReporter = ({ sink = defaultSink(), width = 30, every = 1 }: ReporterOptions = {}): ((event: TrainEvent) => void) => {
  const tty = sink.isTTY === true
  let samples = 0
  let lastDraw = -Infinity
  const shown = (epoch: number, epochs: number): boolean => epoch === 1 || epoch === epochs || epoch % every === 0
  return (event) => {
    switch (event.type) {
      case 'trainStart':
        samples = event.samples
        return
      case 'epochStart':
        if (shown(event.epoch, event.epochs)) sink.write(`Epoch ${event.epoch}/${event.epochs}\n`)
        return
      case 'batchEnd': {
        if (!tty || !shown(event.epoch, event.epochs)) return
        const now = event.elapsedSeconds ?? 0
        // Redraw at most ~20 times a second.
        if (event.batch !== event.batches && now - lastDraw < 0.05) return
        lastDraw = now
        sink.write(`\r${formatRunningLine(event, width)}`)
        return
      }
      case 'epochEnd':
        if (!shown(event.log.epoch, event.epochs)) return
        lastDraw = -Infinity
        sink.write(`${tty ? '\r\x1b[K' : ''}${formatEpochLine(event.log, samples, width)}\n`)
        return
      case 'trainEnd':
        if (event.stoppedEarly) sink.write(`Stopped early after epoch ${event.history.length}${event.bestEpoch === undefined ? '' : `; restored epoch ${event.bestEpoch}`}\n`)
        return
    }
  }
}

/**
 * A sink for where there is no terminal (a browser, a worker): text is gathered into lines and
 * each whole line goes to `console.log` (no carriage-return redraws, since isTTY is false).
 *
 * @example
 * report.consoleSink().isTTY  // false
 */
export const consoleSink = (): TextSink => {
  let pending = ''
  return {
    isTTY: false,
    write: (text: string) => {
      const lines = (pending + text).split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) console.log(line)
    },
  }
}

/** Seconds from an arbitrary origin, for `fit`'s `clock` option. */
export const clock = (): number => performance.now() / 1000

// ─── internal ───────────────────────────────────────────────────────────────────────────────────

/** process.stdout where there is a Node process; the console elsewhere (`typeof` never throws). */
const defaultSink = (): TextSink => (typeof process === 'undefined' || typeof process.stdout === 'undefined' ? consoleSink() : process.stdout)
