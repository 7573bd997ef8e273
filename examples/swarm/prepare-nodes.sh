#!/usr/bin/env bash
# Prepare a swarm for brownout: label one node per region and put the images on every node without
# a registry. Run where brownout builds its images (a Docker engine holding brownout/*), with SSH to
# every node. brownout copies missing images itself when this machine has an engine; this script is
# for a harness without one, or to load them ahead of time.
#   examples/swarm/prepare-nodes.sh iad=ops@node-a lhr=ops@node-b syd=ops@node-c
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 <region>=<user@node> ..." >&2; exit 2; }
manager="${1#*=}"
images=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^brownout/')
for pair in "$@"; do
  region="${pair%%=*}"; node="${pair#*=}"
  name=$(ssh "$node" docker info --format '{{.Name}}')
  ssh "$manager" docker node update --label-add "brownout.region=$region" "$name" >/dev/null
  echo "$name: brownout.region=$region"
  # shellcheck disable=SC2086
  docker save $images | ssh "$node" docker load -q
done
echo "export BROWNOUT_SWARM_HOST=ssh://$manager"
echo "export BROWNOUT_SWARM_ENGINES=$(printf 'ssh://%s,' "${@#*=}" | sed 's/,$//')"
