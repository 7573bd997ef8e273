#!/usr/bin/env bash
# A super-cluster started the way an operator's own tooling would: plain nats-server processes,
# our own config files and pid files, nothing of brownout's (no state file, no run folder). The
# tests of external clusters (issue 20) attach brownout to it and drive it through hooks that call
# this script.
#
#   external-cluster.sh up    DIR VARIANTS_DIR VARIANT REGIONS SERVERS BASE_PORT   # e.g. iad,lhr,syd 3 24000
#   external-cluster.sh start DIR SERVER VARIANT     # copy VARIANT's binary into DIR/bin/SERVER, start it
#   external-cluster.sh stop  DIR SERVER             # SIGTERM and wait (nothing if it is not running)
#   external-cluster.sh ldm   DIR SERVER             # nats-server --signal ldm=<pid>
#   external-cluster.sh kill  DIR SERVER             # SIGKILL (a test's own chaos, not brownout's)
#   external-cluster.sh pids  DIR                    # "SERVER PID" per running server
#   external-cluster.sh down  DIR                    # stop every server
#
# DIR/system.password holds the system account's password (user sys); clients without credentials
# land in the APP account (no_auth_user). Ports per server k (0-based over all regions):
# client BASE+4k, cluster +1, gateway +2, monitor +3, all on 127.0.0.1.
set -euo pipefail

cmd=${1:?usage: external-cluster.sh up|start|stop|ldm|kill|pids|down DIR ...}
dir=${2:?DIR}

pid_of() { # SERVER -> pid of a live server, or nothing
  local f="$dir/pids/$1.pid" p
  [[ -f $f ]] || return 0
  p=$(cat "$f")
  if [[ -n $p ]] && kill -0 "$p" 2>/dev/null && grep -q "$dir/conf/$1.conf" "/proc/$p/cmdline" 2>/dev/null; then echo "$p"; fi
}

start_server() { # SERVER VARIANT
  local s=$1 v=$2 vdir
  vdir=$(cat "$dir/variants.dir")
  [[ -x "$vdir/$v/nats-server" ]] || { echo "no binary for variant $v under $vdir" >&2; exit 3; }
  if [[ -n $(pid_of "$s") ]]; then echo "$s already runs (pid $(pid_of "$s"))" >&2; exit 4; fi
  mkdir -p "$dir/bin/$s"
  cp -f "$vdir/$v/nats-server" "$dir/bin/$s/nats-server.new"
  mv -f "$dir/bin/$s/nats-server.new" "$dir/bin/$s/nats-server"
  echo "$v" > "$dir/bin/$s/variant"
  # Its own session: not a child of whoever ran the hook, so it outlives the hook and brownout.
  setsid nohup "$dir/bin/$s/nats-server" -c "$dir/conf/$s.conf" >>"$dir/logs/$s.log" 2>&1 < /dev/null &
  echo $! > "$dir/pids/$s.pid"
  local port; port=$(sed -n 's/^http: "127.0.0.1:\([0-9]*\)"$/\1/p' "$dir/conf/$s.conf")
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then echo "$s started on $v (pid $(cat "$dir/pids/$s.pid"))"; return 0; fi
    sleep 0.1
  done
  echo "$s did not answer on :$port within 10 s" >&2; exit 5
}

stop_server() { # SERVER
  local s=$1 p
  p=$(pid_of "$s")
  [[ -z $p ]] && { echo "$s is not running"; return 0; }
  kill -TERM "$p"
  for _ in $(seq 1 150); do kill -0 "$p" 2>/dev/null || { echo "$s stopped"; return 0; }; sleep 0.1; done
  echo "$s did not stop within 15 s" >&2; exit 6
}

case $cmd in
  up)
    vdir=${3:?VARIANTS_DIR} variant=${4:?VARIANT} regions=${5:?REGIONS} per=${6:?SERVERS} base=${7:?BASE_PORT}
    mkdir -p "$dir/conf" "$dir/pids" "$dir/logs" "$dir/bin"
    echo "$vdir" > "$dir/variants.dir"
    [[ -f $dir/system.password ]] || head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/system.password"
    pw=$(cat "$dir/system.password")
    IFS=, read -r -a rs <<< "$regions"
    k=0; declare -A port; servers=()
    for r in "${rs[@]}"; do for i in $(seq 1 "$per"); do
      s="$r-$i"; servers+=("$s"); port[$s]=$((base + 4 * k)); k=$((k + 1))
    done; done
    for r in "${rs[@]}"; do for i in $(seq 1 "$per"); do
      s="$r-$i"; p=${port[$s]}
      routes=""; for j in $(seq 1 "$per"); do [[ $j == "$i" ]] || routes+="    \"nats-route://127.0.0.1:$((${port[$r-$j]} + 1))\""$'\n'; done
      gws=""; for o in "${rs[@]}"; do
        [[ $o == "$r" ]] && continue
        urls=""; for j in $(seq 1 "$per"); do urls+="\"nats://127.0.0.1:$((${port[$o-$j]} + 2))\", "; done
        gws+="    { name: \"$o\", urls: [${urls%, }] }"$'\n'
      done
      cat > "$dir/conf/$s.conf" <<EOF
# $s: started by test/support/external-cluster.sh, not by brownout
server_name: "$s"
listen: "127.0.0.1:$p"
http: "127.0.0.1:$((p + 3))"
ping_interval: "1s"
ping_max: 2
lame_duck_duration: "30s"
lame_duck_grace_period: "1s"
system_account: SYS
no_auth_user: app
accounts: {
  SYS: { users: [ { user: "sys", password: "$pw" } ] }
  APP: { users: [ { user: "app", password: "app-$pw" } ] }
}
cluster: {
  name: "$r"
  listen: "127.0.0.1:$((p + 1))"
  routes: [
$routes  ]
}
gateway: {
  name: "$r"
  listen: "127.0.0.1:$((p + 2))"
  gateways: [
$gws  ]
}
EOF
    done; done
    for s in "${servers[@]}"; do start_server "$s" "$variant"; done
    ;;
  start) start_server "${3:?SERVER}" "${4:?VARIANT}" ;;
  stop) stop_server "${3:?SERVER}" ;;
  ldm)
    s=${3:?SERVER}; p=$(pid_of "$s")
    [[ -z $p ]] && { echo "$s is not running" >&2; exit 7; }
    "$dir/bin/$s/nats-server" --signal "ldm=$p"
    echo "$s entered lame duck (pid $p)"
    ;;
  kill)
    s=${3:?SERVER}; p=$(pid_of "$s")
    [[ -n $p ]] && kill -KILL "$p"
    echo "$s killed"
    ;;
  pids)
    for f in "$dir"/pids/*.pid; do [[ -e $f ]] || continue; s=$(basename "$f" .pid); p=$(pid_of "$s"); [[ -n $p ]] && echo "$s $p"; done; true
    ;;
  down)
    # Every server at once (a server takes a second or two to shut down): each stop waits for its own.
    for f in "$dir"/pids/*.pid; do [[ -e $f ]] || continue; stop_server "$(basename "$f" .pid)" & done
    wait
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
