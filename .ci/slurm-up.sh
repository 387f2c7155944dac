#!/usr/bin/env bash
# Brings up a one-node Slurm cluster on this host (controller and compute node
# in one) so that CI can submit real jobs with sbatch. It is idempotent: what
# is already installed, configured or running is left as it is.
set -euo pipefail

host=$(hostname -s)
conf=/etc/slurm/slurm.conf

# On any failure we show the daemons' logs, since Slurm says little on stderr.
show_logs() {
  echo "slurm-up: failed; the last lines of the logs follow" >&2
  for log in /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log /var/log/munge/munged.log; do
    [ -f "$log" ] && { echo "== $log" >&2; tail -n 40 "$log" >&2; }
  done
  return 0
}
trap show_logs ERR

# A daemon counts as running only if a live process has its name: a killed one
# can linger here as a zombie for a while, and must not count.
running() { pgrep -x -r R,S,D "$1" >/dev/null; }

# Install Slurm and MUNGE from Debian only when their programs are missing.
if ! command -v sbatch >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurm-wlm munge >/dev/null
fi

# MUNGE authenticates Slurm's messages; it needs a key owned by its user.
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
if ! running munged; then
  runuser -u munge -- /usr/sbin/munged
fi

# The configuration describes this host as the only node, with no cgroups and
# no accounting; the memory is kept a little under what the machine has. A job
# that names no memory gets an even share per CPU, not the whole node, so that
# array tasks run side by side.
cpus=$(nproc)
mem=$(free -m | awk '/^Mem:/ { print int($2 * 0.9) }')
new_conf=$(cat <<EOF
# Written by .ci/slurm-up.sh: a one-node cluster on this host.
ClusterName=prodc-ci
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$((mem / cpus))
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
)
install -d /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "$new_conf" ]; then
  printf '%s\n' "$new_conf" > "$conf"
  # A changed node description needs both daemons restarted, not reconfigured.
  if running slurmctld || running slurmd; then
    bash "$(dirname "$0")/slurm-down.sh"
  fi
fi

# Start the controller first, then the node daemon; both fork into the background.
running slurmctld || /usr/sbin/slurmctld
running slurmd || /usr/sbin/slurmd

# Wait up to 60 s until the node is idle, resuming it if an old state left it
# down; each query has its own time limit, since sinfo retries for a while when
# the controller cannot be reached.
deadline=$((SECONDS + 60))
while [ "$SECONDS" -lt "$deadline" ]; do
  state=$(timeout 5 sinfo -h -n "$host" -o %t 2>/dev/null || true)
  case "$state" in
    idle|mix|alloc) echo "slurm-up: node $host is $state"; exit 0 ;;
    down*|drain*|drng*) scontrol update nodename="$host" state=resume || true ;;
  esac
  sleep 1
done
echo "slurm-up: node $host did not become idle within 60 s (state: ${state:-none})" >&2
show_logs
exit 1
