#!/usr/bin/env bash
# The stress test of CI: a project of 100,000 calibrations, each `after` the
# one before, and 10,000 global tags, each based on the one before (written
# by `xtask gen-chains`), checked and built by the release binary, each run
# under a generous timeout and a bound on its peak memory (the maximum
# resident set size of GNU time). The figures of a run are in the README
# (Benchmarks); the limits are about ten times those.
#
# Needs GNU time as /usr/bin/time (Debian and Ubuntu: `apt-get install time`).
set -euo pipefail
cd "$(dirname "$0")/.."

CALIBRATIONS=100000
TAGS=10000
CHECK_SECONDS=60
BUILD_SECONDS=600
SCHEDULE_SECONDS=60
MAX_RSS_KB=$((1024 * 1024)) # 1 GiB

printf '\n== %s\n' "stress: $CALIBRATIONS chained calibrations, $TAGS chained tags"
if ! /usr/bin/time -V >/dev/null 2>&1; then
  echo "error: GNU time is missing at /usr/bin/time; install it (apt-get install -y time)" >&2
  exit 1
fi

# The release binary is built already when .ci/run calls this; the
# generator takes a second in the dev profile, and builds in as many.
cargo build --release --quiet -p prodc
cargo build --quiet -p xtask
prodc="$PWD/target/release/prodc"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
target/debug/xtask gen-chains --calibrations "$CALIBRATIONS" --tags "$TAGS" --out "$dir/project"

# measure NAME SECONDS COMMAND…: runs COMMAND under `timeout SECONDS`,
# prints its wall time and peak memory and fails if it fails, times out or
# takes more than MAX_RSS_KB.
measure() {
  local name=$1 seconds=$2
  shift 2
  local status=0
  /usr/bin/time -v -o "$dir/$name.time" timeout "$seconds" "$@" >"$dir/$name.out" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    tail -n 20 "$dir/$name.out" >&2
    if [ "$status" -eq 124 ]; then
      echo "error: prodc $name took more than ${seconds}s" >&2
    else
      echo "error: prodc $name failed with exit status $status" >&2
    fi
    exit 1
  fi
  local rss wall
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$dir/$name.time")
  wall=$(awk -F': ' '/Elapsed \(wall clock\) time/ { print $2 }' "$dir/$name.time")
  printf '%-9s %s wall, %d MB peak\n' "$name" "$wall" "$((rss / 1024))"
  if [ "$rss" -gt "$MAX_RSS_KB" ]; then
    echo "error: prodc $name took $((rss / 1024)) MB, more than $((MAX_RSS_KB / 1024)) MB" >&2
    exit 1
  fi
}

measure check "$CHECK_SECONDS" "$prodc" check "$dir/project"
measure build "$BUILD_SECONDS" "$prodc" build "$dir/project" --out "$dir/out"
measure schedule "$SCHEDULE_SECONDS" "$prodc" schedule "$dir/project"

# The build holds both chains whole: the last calibration in the model and
# the last tag's plan, and the schedule has one stage per calibration.
last_calibration=$(printf 'c%06d' $((CALIBRATIONS - 1)))
last_tag=$(printf 'gt%06d' $((TAGS - 1)))
grep -q "\"$last_calibration\"" "$dir/out/model.json"
test -s "$dir/out/gtplan/$last_tag/database.txt"
grep -q "^ *$CALIBRATIONS  $last_calibration " "$dir/schedule.out"
