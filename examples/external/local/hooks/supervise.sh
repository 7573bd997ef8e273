#!/usr/bin/env bash
# The local example's hooks: one script for the three of them, handing each step to the shell
# supervisor that started the servers (test/support/external-cluster.sh: plain nats-server
# processes with their own configs and pid files, nothing of brownout's).
#
#   supervise.sh ldm   SERVER           # nats-server --signal ldm=<pid>: lame duck, it then exits by itself
#   supervise.sh stop  SERVER           # SIGTERM and wait (nothing to do when lame duck already ended it)
#   supervise.sh start SERVER VARIANT   # copy VARIANT's binary into place and start it
#
# LOCAL_CLUSTER_DIR is the folder `external-cluster.sh up` made (configs, pids, binaries, logs);
# EXTERNAL_CLUSTER_SH the supervisor script (default: the repository's copy).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${LOCAL_CLUSTER_DIR:?set LOCAL_CLUSTER_DIR to the folder external-cluster.sh up made}
supervisor=${EXTERNAL_CLUSTER_SH:-$here/../../../../test/support/external-cluster.sh}
step=${1:?ldm|stop|start}
shift
exec "$supervisor" "$step" "$dir" "$@"
