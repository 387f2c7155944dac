#!/usr/bin/env bash
# Fuzzing in CI: builds the cargo-fuzz targets of fuzz/ and runs each one on
# every core for a bounded time, starting from a copy of the committed corpus
# (which CI never grows). Prints the executions per target and in total, and
# fails when a target crashed, hung or ran out of memory, or when fewer than
# FUZZ_MIN_EXECS executions ran in total. A crash leaves its input in
# fuzz/artifacts/<target>/: it becomes a fixture of tests/fixtures/fuzz/
# (fuzz/README.md).
#
# Time budget (2 cores): the build, then FUZZ_SECONDS per target (4 x 30 s,
# the same two minutes as 2 x 60 s before the third and fourth targets); if the total
# is still short of the minimum, the fast `parse` target runs on until
# it is reached, within FUZZ_BUDGET_SECONDS for the whole step (at least 30 s).
set -euo pipefail
cd "$(dirname "$0")/.."
printf '\n== %s\n' "fuzzing (cargo-fuzz: every target, >= 1,000,000 executions, no crash)"

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_BUDGET_SECONDS=${FUZZ_BUDGET_SECONDS:-360}
FUZZ_MIN_EXECS=${FUZZ_MIN_EXECS:-1000000}
FUZZ_WORKERS=${FUZZ_WORKERS:-$(nproc)}
export PATH="$HOME/.cargo/bin:$PATH"
# cargo-fuzz needs nightly flags; the toolchain is stable.
export RUSTC_BOOTSTRAP=1

# target name and -max_len, in the order they run; a target's dictionary is
# fuzz/NAME.dict if there is one, else fuzz/prod.dict
targets=(check:4096 lsp_messages:4096 parse:2048 plan_current:4096)

step_start=$SECONDS
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
cargo fuzz --version

# The fuzz crate has a lock file of its own: a dependency added to prodc
# must be recorded there too, or the build below would rewrite it.
if ! cargo metadata --locked --format-version 1 --manifest-path fuzz/Cargo.toml >/dev/null; then
  echo "error: fuzz/Cargo.lock is out of date; run \`cargo update --workspace --manifest-path fuzz/Cargo.toml\` and commit it" >&2
  exit 1
fi

# Release build without debug assertions (-O), no sanitizer (safe Rust), and
# no comparison tracing, which would halve the executions per second; the
# dictionary gives the mutator the keywords instead.
host=$(rustc -vV | sed -n 's/^host: //p')
build_start=$SECONDS
cargo fuzz build -O -s none --no-trace-compares --codegen-units 16 --target "$host"
build_time=$((SECONDS - build_start))
bin="fuzz/target/$host/release"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

declare -A execs=() seconds=()
failed=()
total=0

# fuzz NAME MAX_LEN SECONDS RUNS_PER_WORKER ROUND: runs FUZZ_WORKERS
# processes of one target on a shared corpus and adds up their executions.
fuzz() {
  local name=$1 max_len=$2 time=$3 runs=$4 round=$5
  local corpus="$work/corpus/$name" artifacts="fuzz/artifacts/$name"
  if [ ! -d "$corpus" ]; then
    mkdir -p "$corpus"
    cp fuzz/corpus/"$name"/* "$corpus"/
  fi
  mkdir -p "$artifacts"
  local dict=fuzz/$name.dict
  [ -f "$dict" ] || dict=fuzz/prod.dict
  local logs=() w start=$SECONDS
  pids=()
  for ((w = 0; w < FUZZ_WORKERS; w++)); do
    local log="$work/$name-$round-$w.log"
    logs+=("$log")
    timeout -k 10 $((time + 120)) "$bin/$name" \
      -max_len="$max_len" -max_total_time="$time" -runs="$runs" \
      -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      -dict="$dict" -artifact_prefix="$artifacts/" \
      "$corpus" >"$log" 2>&1 &
    pids+=($!)
  done
  for w in "${!pids[@]}"; do
    local status=0 log=${logs[$w]}
    wait "${pids[$w]}" || status=$?
    local n
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    [ -n "$n" ] || n=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
    if [ "$status" -ne 0 ] || [ -z "$n" ]; then
      [[ " ${failed[*]} " == *" $name "* ]] || failed+=("$name")
      printf '\n!! fuzz target %s, worker %s: exit %s; the end of its log:\n' "$name" "$w" "$status"
      tail -40 "$log"
      n=${n:-0}
    else
      printf '   %s worker %s: %s\n' "$name" "$w" "$(grep '^Done' "$log" | tail -1)"
    fi
    execs[$name]=$((${execs[$name]:-0} + n))
    total=$((total + n))
  done
  pids=()
  seconds[$name]=$((${seconds[$name]:-0} + SECONDS - start))
}

for entry in "${targets[@]}"; do
  fuzz "${entry%%:*}" "${entry#*:}" "$FUZZ_SECONDS" -1 1
done

if [ ${#failed[@]} -eq 0 ] && [ "$total" -lt "$FUZZ_MIN_EXECS" ]; then
  deficit=$((FUZZ_MIN_EXECS - total))
  topup=$((FUZZ_BUDGET_SECONDS - (SECONDS - step_start)))
  [ "$topup" -ge 30 ] || topup=30
  printf '   %s executions short of %s: parse runs on (at most %s s)\n' \
    "$deficit" "$FUZZ_MIN_EXECS" "$topup"
  fuzz parse 2048 "$topup" $(((deficit + FUZZ_WORKERS - 1) / FUZZ_WORKERS)) 2
fi

echo
for entry in "${targets[@]}"; do
  name=${entry%%:*}
  n=${execs[$name]}
  s=${seconds[$name]}
  printf 'fuzz %-12s %9s executions in %3s s (%s exec/s, %s workers)\n' \
    "$name" "$n" "$s" $((n / (s > 0 ? s : 1))) "$FUZZ_WORKERS"
done
printf 'fuzz total        %9s executions (minimum %s); build %s s, whole step %s s\n' \
  "$total" "$FUZZ_MIN_EXECS" "$build_time" $((SECONDS - step_start))

if [ ${#failed[@]} -gt 0 ]; then
  printf 'fuzz: FAILED: %s crashed, hung or ran out of memory; the inputs:\n' "${failed[*]}"
  for name in "${failed[@]}"; do ls -1 "fuzz/artifacts/$name"/* || true; done
  echo "Each becomes a fixture of tests/fixtures/fuzz/ with its fix (fuzz/README.md)."
  exit 1
fi
if [ "$total" -lt "$FUZZ_MIN_EXECS" ]; then
  echo "fuzz: FAILED: fewer than $FUZZ_MIN_EXECS executions"
  exit 1
fi
echo "fuzz: ok, no crash"
