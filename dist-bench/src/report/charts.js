/**
 * Charts of training curves: an SVG rendered by Vega-Lite (headless, no browser; `vega` and
 * `vega-lite` are optional peer dependencies, loaded on demand) and a small ASCII chart for the
 * terminal (asciichart).
 */
import asciichart from 'asciichart';
/** The loaded chart packages, or why they could not be loaded. */
export class ChartPackageError extends Error {
    detail;
    _tag = 'ChartPackageError';
    constructor(detail) {
        super(`charts: the optional packages "vega" and "vega-lite" are needed for SVG charts (npm install vega vega-lite): ${detail}`);
        this.detail = detail;
        this.name = 'ChartPackageError';
    }
}
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/** The curves of a fit history: loss and every metric, with validation ones when present. */
export const historySeries = (history) => {
    const loss = [{ name: 'loss', values: history.map((h) => h.loss) }];
    if (history.some((h) => h.validation !== undefined))
        loss.push({ name: 'val_loss', values: history.map((h) => h.validation?.loss ?? Number.NaN) });
    const names = [...new Set(history.flatMap((h) => Object.keys(h.metrics)))];
    const metrics = names.flatMap((n) => {
        const train = { name: n, values: history.map((h) => h.metrics[n] ?? Number.NaN) };
        return history.some((h) => h.validation?.metrics[n] !== undefined)
            ? [train, { name: `val_${n}`, values: history.map((h) => h.validation?.metrics[n] ?? Number.NaN) }]
            : [train];
    });
    return { loss, metrics };
};
/** The Vega-Lite specification of a line chart of several curves against the epoch. */
export const curvesSpec = (series, { title, yLabel = 'value', width = 480, height = 260 } = {}) => ({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...(title === undefined ? {} : { title }),
    width,
    height,
    data: {
        values: series.flatMap((s) => s.values.flatMap((v, i) => (Number.isFinite(v) ? [{ epoch: i + 1, value: v, series: s.name }] : []))),
    },
    mark: { type: 'line', point: series.every((s) => s.values.length <= 30) },
    encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
        y: { field: 'value', type: 'quantitative', title: yLabel, scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: null },
    },
});
/** Renders curves to an SVG document (async: the chart packages load on demand). */
export const curvesSvg = async (series, options = {}) => {
    const [vega, vegaLite] = await loadChartPackages();
    const compiled = vegaLite.compile(curvesSpec(series, options));
    const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
    try {
        return await view.toSVG();
    }
    finally {
        view.finalize();
    }
};
/** A small terminal chart of one curve (asciichart), `height` rows tall (default 8). */
export const asciiCurve = (values, { height = 8, maxPoints = 60 } = {}) => {
    const finite = values.filter(Number.isFinite);
    if (finite.length === 0)
        return '(no finite values)';
    if (finite.length === 1)
        return `(one value: ${finite[0]?.toFixed(4)})`;
    // Downsample evenly to at most maxPoints columns, keeping the last point.
    const stride = Math.max(1, Math.ceil(finite.length / maxPoints));
    const points = finite.filter((_, i) => i % stride === 0 || i === finite.length - 1);
    return asciichart.plot(points, { height, format: (x) => x.toFixed(4).padStart(9) });
};
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
// The names are held in variables so that bundlers leave the optional packages alone.
const vegaName = 'vega';
const vegaLiteName = 'vega-lite';
const loadChartPackages = async () => {
    try {
        const vega = await import(vegaName);
        const vegaLite = await import(vegaLiteName);
        return [vega, vegaLite];
    }
    catch (e) {
        throw new ChartPackageError(e instanceof Error ? e.message : String(e));
    }
};
