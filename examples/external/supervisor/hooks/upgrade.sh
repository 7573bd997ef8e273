#!/bin/sh
# upgrade hook: stop the server (nothing to do if lame duck ended it), place VARIANT's binary, start
# it, and wait until its /varz reports VERSION (brownout checks that too, and fails the step if not).
# Usage: upgrade.sh HOST VARIANT VERSION
set -eu
host=$1 variant=$2 version=$3
ctl() { supervisorctl -s "http://$host:9001" "$@"; }
ctl stop nats || true
# VARIANT is a checked variant name (letters, digits, . _ + -): safe inside the remote command line.
ssh -o BatchMode=yes "$host" "sudo install -m 0755 /opt/nats/$variant/nats-server /usr/local/bin/nats-server"
ctl start nats
echo "started nats on $host as $variant (expecting /varz version $version)"
