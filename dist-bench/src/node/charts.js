/**
 * Training curves written to disk: the SVG charts of `report`, saved under a directory, with the
 * paths returned so that a script can print them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { curvesSvg, historySeries } from '../report/index.js';
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/**
 * Writes `<name>-loss.svg` (loss, and validation loss when recorded) and, when the history has
 * metrics, `<name>-metrics.svg` into `directory` (created if needed). Returns the paths written.
 *
 * @example
 * const paths = await saveHistoryCharts('out', 'pima', history)  // ['out/pima-loss.svg', 'out/pima-metrics.svg']
 */
export const saveHistoryCharts = async (directory, name, history) => {
    await mkdir(directory, { recursive: true });
    const { loss, metrics } = historySeries(history);
    const charts = [
        { path: join(directory, `${name}-loss.svg`), series: loss, yLabel: 'loss' },
        ...(metrics.length === 0 ? [] : [{ path: join(directory, `${name}-metrics.svg`), series: metrics, yLabel: 'metric' }]),
    ];
    for (const chart of charts) {
        await writeFile(chart.path, await curvesSvg(chart.series, { title: `${name}: ${chart.yLabel} per epoch`, yLabel: chart.yLabel }));
    }
    return charts.map((c) => c.path);
};
/** Writes an SVG of arbitrary named curves (one value per epoch each) and returns its path. */
export const saveCurvesChart = async (path, series, title) => {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, await curvesSvg(series, { title, yLabel: 'loss' }));
    return path;
};
