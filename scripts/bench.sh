#!/usr/bin/env bash
# Production-scale benchmark of prodc (issue 11).
#
# Builds prodc and xtask in release mode, generates the synthetic projects of
# `xtask gen-big` at scales 1.0 (10 tags x 1,000 payloads x 100 IoVs = 1M IoV
# lines, 20 campaigns x 500 samples x 2 productions = 20,000 productions) and
# 0.1 into a temporary directory, and times on this machine, with
# /usr/bin/time -v:
#
#   prodc check DIR
#   prodc build DIR --out OUT
#   python3 -c 'import json,sys; json.load(open(sys.argv[1]))' DIR/big.json
#
# The last one reads the same facts from one JSON file: the cost of merely
# loading the information in the tool most users would otherwise script. It
# runs the interpreter that `python3` starts, so that the start-up of a
# wrapper such as a pyenv shim is not timed.
# Each command runs BENCH_RUNS times (default 15) at each scale, the three
# commands taking turns, round after round. Fifteen rather than five: the
# best of five builds at scale 0.1 varied by a third from one benchmark to
# the next on a shared machine. Every scale runs as often, so that the growth
# from one scale to the other compares like with like (the best of more
# runs is lower). The table shows the best wall time and the largest peak
# resident set size of the runs, followed by
# the ratios check/json.load, build/json.load, build/check and check peak
# memory over the size of the manifests, and the growth of each
# command's time from scale 0.1 to scale 1.0 (ten times the input).
#
# Needs about 2 GB of free space in TMPDIR (the projects, and the output of
# one build: about 0.8 GB at scale 1.0).
#
# Usage: scripts/bench.sh
# Environment: BENCH_RUNS (runs per command and scale, default 15),
# BENCH_KEEP=1 (keep the generated projects and every build's output, about
# 0.8 GB a build at scale 1.0, and print where they are).

set -euo pipefail

runs="${BENCH_RUNS:-15}"
scales=(1.0 0.1)

if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
    echo "error: BENCH_RUNS must be a positive integer, not \`$runs\`" >&2
    exit 2
fi
if [[ ! -x /usr/bin/time ]]; then
    echo "error: /usr/bin/time (GNU time) is missing; install the Debian package \`time\` (sudo apt-get install time)" >&2
    exit 2
fi
if ! command -v python3 >/dev/null; then
    echo "error: python3 is missing; it is needed for the json.load comparison" >&2
    exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "building prodc and xtask (release)..." >&2
cargo build --release --quiet --workspace
target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
prodc="$target_dir/release/prodc"
xtask="$target_dir/release/xtask"

# The interpreter itself, not a wrapper such as a pyenv shim, whose start-up
# time would be counted against json.load.
python="$(python3 -c 'import sys; print(sys.executable)')"
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"

work="$(mktemp -d "${TMPDIR:-/tmp}/prodc-bench.XXXXXX")"
if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
    trap 'echo "kept the generated projects in $work" >&2' EXIT
else
    trap 'rm -rf "$work"' EXIT
fi

# The best wall time (seconds) and the peak RSS (KiB) of each measurement,
# keyed by "scale command".
declare -A best_time peak_rss

# Prints the peak resident set size in KiB of a /usr/bin/time -v report.
peak_kib() {
    awk -F': ' '/Maximum resident set size/ { print $NF }' "$1"
}

# measure RUN SCALE NAME COMMAND...: runs COMMAND once under /usr/bin/time -v,
# with @RUN@ in its arguments replaced by RUN, and keeps the best wall time
# and the largest peak RSS under "SCALE NAME". The wall time is taken with
# bash's microsecond clock: /usr/bin/time reports only hundredths of a
# second, too coarse for the small scale.
measure() {
    local run="$1" scale="$2" name="$3"
    shift 3
    local start end wall rss arg
    local -a command=()
    for arg in "$@"; do
        command+=("${arg//@RUN@/$run}")
    done
    start="$EPOCHREALTIME"
    if ! /usr/bin/time -v -o "$work/time.txt" "${command[@]}" >"$work/stdout.txt" 2>"$work/stderr.txt"; then
        echo "error: \`${command[*]}\` failed:" >&2
        cat "$work/stderr.txt" "$work/time.txt" >&2
        exit 1
    fi
    end="$EPOCHREALTIME"
    wall="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f\n", b - a }')"
    rss="$(peak_kib "$work/time.txt")"
    local key="$scale $name"
    if [[ -z "${best_time[$key]:-}" ]] || awk -v a="$wall" -v b="${best_time[$key]}" 'BEGIN { exit !(a < b) }'; then
        best_time["$key"]="$wall"
    fi
    if ((rss > ${peak_rss[$key]:-0})); then
        peak_rss["$key"]="$rss"
    fi
    echo "  $name (scale $scale), run $run: ${wall} s, $((rss / 1024)) MiB" >&2
}

# Prints A / B with two decimals, or "n/a" when B is zero.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "n/a" }'
}

declare -A manifest_bytes json_bytes
for scale in "${scales[@]}"; do
    dir="$work/scale-$scale"
    echo "generating scale $scale..." >&2
    "$xtask" gen-big --scale "$scale" --out "$dir" >&2
    sync
    manifest_bytes["$scale"]="$(du -sb "$dir/manifests" | cut -f1)"
    json_bytes["$scale"]="$(wc -c <"$dir/big.json")"

    # The generated project must check without any diagnostic; this untimed
    # run also brings the files into the page cache for every command.
    if ! diagnostics="$("$prodc" check --message-format json "$dir")" || [[ -n "$diagnostics" ]]; then
        echo "error: the generated project of scale $scale has diagnostics:" >&2
        echo "$diagnostics" | head -n 20 >&2
        exit 1
    fi

    # The three commands take turns, run after run, so that a slower spell
    # of a shared machine weighs on all of them alike.
    for ((run = 1; run <= runs; run++)); do
        measure "$run" "$scale" "prodc check" "$prodc" check "$dir"
        # Every build writes into a new directory, removed at the end of the
        # round and followed by `sync`, so that the file system is quiet
        # again (deferred writeback, and trimming on file systems mounted
        # with `discard`) when the next round starts.
        measure "$run" "$scale" "prodc build" "$prodc" build "$dir" --out "$work/out-$scale-run@RUN@"
        measure "$run" "$scale" "json.load" "$python" -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/big.json"
        if [[ "${BENCH_KEEP:-0}" != 1 ]]; then
            rm -rf "$work/out-$scale-run$run"
            sync
        fi
    done
done

commands=("prodc check" "prodc build" "json.load")

echo
echo "## prodc at production scale"
echo
echo "Machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown CPU), $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo unknown memory); $("$python" --version); load average $load_at_start at the start; prodc $(git rev-parse --short HEAD 2>/dev/null || echo '(no git)')$(git diff --quiet HEAD 2>/dev/null || echo ' with local changes')."
echo "Best of $runs runs; peak RSS is the largest of the runs."
echo
for scale in "${scales[@]}"; do
    echo "- scale $scale: manifests $(awk -v b="${manifest_bytes[$scale]}" 'BEGIN { printf "%.1f", b / 1e6 }') MB, big.json $(awk -v b="${json_bytes[$scale]}" 'BEGIN { printf "%.1f", b / 1e6 }') MB"
done
echo
echo "| scale | command | best wall time (s) | peak RSS (MiB) |"
echo "|---|---|---:|---:|"
for scale in "${scales[@]}"; do
    for name in "${commands[@]}"; do
        echo "| $scale | \`$name\` | ${best_time["$scale $name"]} | $((peak_rss["$scale $name"] / 1024)) |"
    done
done
echo
echo "| scale | check / json.load | build / json.load | build / check | check peak RSS / manifests |"
echo "|---|---:|---:|---:|---:|"
for scale in "${scales[@]}"; do
    json="${best_time["$scale json.load"]}"
    check="${best_time["$scale prodc check"]}"
    memory="$(ratio "$((peak_rss["$scale prodc check"] * 1024))" "${manifest_bytes[$scale]}")"
    echo "| $scale | $(ratio "$check" "$json") | $(ratio "${best_time["$scale prodc build"]}" "$json") | $(ratio "${best_time["$scale prodc build"]}" "$check") | $memory |"
done
echo
echo "Input x10 (scale 1.0 over scale 0.1), time ratio:"
echo
for name in "${commands[@]}"; do
    echo "- \`$name\`: $(ratio "${best_time["1.0 $name"]}" "${best_time["0.1 $name"]}")"
done
