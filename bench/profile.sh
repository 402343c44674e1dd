#!/usr/bin/env bash
# CPU profile of dualflow alone on some workloads, and its hot spots.
#
#   bash bench/profile.sh W3 [more run.ts arguments, e.g. --quick]
#
# The sources are compiled with tsc into a temporary folder first: under tsx, esbuild wraps every
# function in __name(), and V8's profile then calls them all "(anonymous)". tsc keeps the names
# and nearly the line numbers.
set -euo pipefail
workload="${1:?usage: bash bench/profile.sh W2|W3|… [run.ts arguments]}"
shift
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${TMPDIR:-/tmp}/dualflow-profile"
rm -rf "$out"
mkdir -p "$out"
# tsc emits even when some file elsewhere in the project has a type error; its report goes to a log.
# The benchmark's own install (TensorFlow.js) lives in bench/node_modules: install it on first use.
(cd "$root" && npm run -s bench:install >&2)
(cd "$root" && npx tsc -p bench/tsconfig.json --outDir "$out/js" >"$out/tsc.log" 2>&1) ||
  echo "tsc reported errors (see $out/tsc.log); profiling what it emitted" >&2
test -f "$out/js/bench/run.js" || { echo "tsc emitted nothing: $out/tsc.log" >&2; exit 1; }
ln -s "$root/node_modules" "$out/js/node_modules"
ln -s "$root/bench/node_modules" "$out/js/bench/node_modules"
cp "$root/package.json" "$out/js/package.json"
(cd "$out/js" && node --cpu-prof --cpu-prof-dir="$out/prof" --expose-gc bench/run.js --only "$workload" --lib dualflow "$@" >&2)
profile="$(ls -S "$out"/prof/*.cpuprofile | head -1)"
node "$out/js/bench/hotspots.js" "$profile" --top "${TOP:-25}"
