#!/bin/sh
# lameDuck hook: SIGUSR2 to the program supervisord runs as "nats" on HOST (nats-server's lame duck).
# The server then closes its clients over its lame-duck duration and exits by itself (code 0, which
# supervisord must not restart: autorestart=unexpected, exitcodes=0). Usage: lame-duck.sh HOST
set -eu
host=$1
exec supervisorctl -s "http://$host:9001" signal SIGUSR2 nats
