#!/usr/bin/env bash
# Submits the Slurm scripts that prodc generates for tests/slurm/project to
# the local Slurm (started by .ci/slurm-up.sh) and checks that every array
# task of every job ran once, with the events and output of its job file.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prodc="${PRODC:-$root/target/release/prodc}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp -r "$root/tests/slurm/project" "$work/project"
cd "$work/project"
"$prodc" build --out out --target jobs --target batch

# A fake basf2 that records what the task was told to do.
mkdir -p "$work/bin" "$work/markers"
cat > "$work/bin/basf2" <<'SCRIPT'
#!/usr/bin/env bash
printf '%s\n%s\n%s\n' "$PRODC_EVENTS" "$PRODC_OUTPUT" "$PRODC_STEERING" > "$MARKER_DIR/$PRODC_JOB-$PRODC_TASK_INDEX"
SCRIPT
chmod +x "$work/bin/basf2"
export PATH="$work/bin:$PATH"
export MARKER_DIR="$work/markers"

for script in out/batch/slurm/*.sh; do
  echo "sbatch $script"
  sbatch --wait --quiet "$script"
done

python3 - "$work" <<'CHECK'
import json, os, pathlib, sys
work = pathlib.Path(sys.argv[1])
markers = work / "markers"
expected = set()
for job_file in sorted((work / "project/out/jobs").rglob("*.json")):
    job = json.loads(job_file.read_text())
    for task in range(job["tasks"]):
        name = f"{job['name']}-{task}"
        expected.add(name)
        lines = (markers / name).read_text().splitlines()
        if job["kind"] == "campaign":
            events = min(job["events_per_job"], job["events"] - task * job["events_per_job"])
            output = job["outputs"][0]["lpns"][task // job["files_per_block"]]
        else:
            events = 0
            run = job["runs"][0]["first"] + task
            output = job["outputs"][0]["lpn_pattern"].replace("<RUN>", f"{run:0{job['run_pad']}d}")
        assert lines == [str(events), output, job["steering"]], (name, lines)
found = {p.name for p in markers.iterdir()}
assert found == expected, (sorted(found ^ expected))
print(f"slurm: {len(found)} array tasks of {len(list((work / 'project/out/jobs').rglob('*.json')))} jobs ran as generated")
CHECK
