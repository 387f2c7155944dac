#!/usr/bin/env bash
# Stops the local Slurm daemons that .ci/slurm-up.sh started, for local use.
# MUNGE is left running, since it is cheap and other tools may use it.
set -euo pipefail

# A pid still belongs to the daemon if its process has the daemon's name and is
# not a zombie waiting to be reaped; a stale pid file must not hit another process.
alive() {
  ps -o stat=,comm= -p "$1" 2>/dev/null |
    awk -v name="$2" '$1 !~ /^Z/ && $2 == name { found = 1 } END { exit !found }'
}

# Each daemon is stopped through its own pid file, and we wait for it to exit.
for daemon in slurmd slurmctld; do
  pidfile=/run/$daemon.pid
  if [ -s "$pidfile" ] && alive "$(cat "$pidfile")" "$daemon"; then
    pid=$(cat "$pidfile")
    kill -TERM "$pid"
    for _ in $(seq 30); do
      alive "$pid" "$daemon" || break
      sleep 0.5
    done
    echo "slurm-down: stopped $daemon (pid $pid)"
  fi
done
