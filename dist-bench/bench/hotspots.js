/**
 * The hot spots of a V8 CPU profile (`node --cpu-prof`): functions by self time, and dualflow's own
 * functions (files under src/) by self and by total (inclusive) time.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --expose-gc --import tsx bench/run.ts --only W3 --lib dualflow
 *   node --import tsx bench/hotspots.ts /tmp/prof/CPU.*.cpuprofile [--top 20]
 */
import { readFileSync } from 'node:fs';
const isProfile = (u) => typeof u === 'object' && u !== null && 'nodes' in u && Array.isArray(u.nodes) && 'samples' in u && Array.isArray(u.samples) && 'timeDeltas' in u && Array.isArray(u.timeDeltas);
const argValue = (name) => {
    const i = process.argv.indexOf(name);
    return i < 0 ? undefined : process.argv[i + 1];
};
const top = Number(argValue('--top') ?? 20);
const files = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--top');
if (files.length === 0) {
    process.stderr.write('usage: node --import tsx bench/hotspots.ts PROFILE.cpuprofile… [--top 20]\n');
    process.exit(1);
}
/** The path from the project's src/ or bench/ folder (or node_modules/) on. */
const shortUrl = (url) => {
    const path = url.replace(/^file:\/\//, '');
    const m = /.*\/((?:src|bench|node_modules)\/.*)$/.exec(path);
    return m?.[1] ?? path;
};
const label = (f) => `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}${f.url === '' ? '' : `:${f.lineNumber + 1}`}`;
const isOwn = (f) => /\/src\//.test(f.url) && !f.url.includes('node_modules');
for (const file of files) {
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    if (!isProfile(parsed))
        throw new Error(`${file} is not a V8 CPU profile`);
    const byId = new Map(parsed.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of parsed.nodes)
        for (const c of n.children ?? [])
            parent.set(c, n.id);
    const self = new Map();
    const total = new Map();
    let all = 0;
    parsed.samples.forEach((id, i) => {
        const dt = (parsed.timeDeltas[i] ?? 0) / 1000;
        all += dt;
        const node = byId.get(id);
        if (node === undefined)
            return;
        const key = label(node.callFrame);
        self.set(key, (self.get(key) ?? 0) + dt);
        const seen = new Set();
        for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
            const n = byId.get(cur);
            if (n === undefined || !isOwn(n.callFrame))
                continue;
            const k = label(n.callFrame);
            if (seen.has(k))
                continue;
            seen.add(k);
            total.set(k, (total.get(k) ?? 0) + dt);
        }
    });
    const frames = new Map(parsed.nodes.map((n) => [label(n.callFrame), n.callFrame]));
    const show = (title, entries) => {
        process.stdout.write(`\n${title}\n`);
        for (const [k, ms] of entries.slice(0, top))
            process.stdout.write(`${ms.toFixed(0).padStart(8)} ms ${((ms / all) * 100).toFixed(1).padStart(5)}%  ${k}\n`);
    };
    process.stdout.write(`${file}: ${(all / 1000).toFixed(2)} s sampled\n`);
    const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
    show('self time, all functions', sorted(self));
    show('self time, dualflow (src/)', sorted(self).filter(([k]) => { const f = frames.get(k); return f !== undefined && isOwn(f); }));
    show('total time, dualflow (src/)', sorted(total));
}
