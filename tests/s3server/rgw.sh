#!/usr/bin/env bash
# A throw-away Ceph RADOS Gateway (RGW) on loopback: the project's second S3 test server.
#
#   rgw.sh start DIR   build a one-monitor, one-OSD cluster in DIR (memstore: data in RAM),
#                      create an S3 user with random keys, start radosgw (beast frontend on
#                      127.0.0.1), wait until S3 answers, print ONE JSON line on stdout:
#                      {"ready": true, "endpoint_url": ..., "port": P, "access_key_id": ...,
#                       "secret_access_key": ..., "region": "us-east-1", ...}
#   rgw.sh stop DIR    stop exactly the daemons started in DIR (by their pid files), remove DIR
#   rgw.sh watch DIR   block until stdin reaches EOF (or SIGTERM/SIGINT/SIGHUP), then stop DIR:
#                      a test process holds the write end, so a killed test run cleans up
#   rgw.sh status DIR  exit 0 when every daemon in DIR is alive
#
# Everything (config, mon store, OSD data, logs, pid files, admin sockets) lives in DIR; no
# /etc/ceph, no /var/lib/ceph, no systemd. No cephx between the daemons (auth none).
# Debian packages: radosgw ceph-mon ceph-osd ceph-common (and python3, for ports/probes).
#
# The request log: radosgw runs with `debug rgw = 1`, at which it writes to
# DIR/log/client.rgw.s3test.log, per request, "====== starting new request req=0x7f.. ====="
# before processing it and, once the response is sent, its beast frontend's access-log line
#   ... beast: 0x7f..: 127.0.0.1 - USER [date] "GET /bucket?list-type=2 HTTP/1.1" 200 ...
# (the request target exactly as sent). tests/integration/rgw_harness.py parses those.
#
# HTTPS (optional): with RGW_TLS_CERT=FILE and RGW_TLS_KEY=FILE (PEM) set, beast also serves
# TLS on a second free loopback port (ssl_endpoint=, next to the plain endpoint=): the files are
# copied into DIR/tls, and the JSON line has "https_port" and "https_endpoint_url" as well.
# Without them nothing changes (plain HTTP only).
#
# Lifecycle (optional): with RGW_LIFECYCLE=1, radosgw runs its lifecycle threads
# (`rgw enable lc threads = true`) in debug time: `rgw lc debug interval = 10`, i.e. a
# lifecycle "day" lasts 10 s (an `Expiration Days 1` rule expires an object 10 s after its
# write) and a pass over every bucket with a configuration starts every 10 s, at any hour
# (`rgw lifecycle work time = 00:00-23:59`). RGW_LIFECYCLE=manual: the same debug time, but
# no lifecycle threads: a pass runs only when asked, `radosgw-admin -c DIR/ceph.conf -n
# client.rgw.s3test lc process` (deterministic tests). The JSON line then has "lifecycle":
# "threads" or "manual" and "lc_debug_interval": 10. Unset, empty or 0: lifecycle is off.
#
# Environment: RGW_START_TIMEOUT (s, default 90), RGW_MEMSTORE_BYTES (default 2 GiB),
# RGW_LOG_LINES (log lines shown on failure, default 40), RGW_TRACE=1 (step times on stderr),
# RGW_TLS_CERT / RGW_TLS_KEY, RGW_LIFECYCLE (above).
set -eEuo pipefail
trap 'die "unexpected failure (line $LINENO): $BASH_COMMAND"' ERR

NAME=client.rgw.s3test
START_TIMEOUT=${RGW_START_TIMEOUT:-90}
MEMSTORE_BYTES=${RGW_MEMSTORE_BYTES:-2147483648}
LOG_LINES=${RGW_LOG_LINES:-40}
DAEMONS=(mon.a osd.0 "$NAME")   # start order; stopped in reverse

usage() { echo "usage: $0 start|stop|watch|status DIR" >&2; exit 2; }
say() { echo "rgw.sh: $*" >&2; }
T0=${EPOCHREALTIME/[.,]/}
elapsed() { # seconds since the script started, e.g. 1.234
  local d=$((${EPOCHREALTIME/[.,]/} - T0))
  printf '%d.%03d' $((d / 1000000)) $((d % 1000000 / 1000))
}
step() { # RGW_TRACE=1: time stamps of the steps on stderr
  [ -z "${RGW_TRACE:-}" ] && return 0
  printf 'rgw.sh: %7ss %s\n' "$(elapsed)" "$*" >&2
}

# -- failure: the tail of every log we have, then exit 1
show_logs() {
  local dir=$1 f
  for f in "$dir"/log/*.log "$dir"/log/*.out; do
    [ -s "$f" ] || continue
    echo "----- $(basename "$f") (last $LOG_LINES lines)" >&2
    tail -n "$LOG_LINES" "$f" >&2 || true
  done
}
die() {
  # stop first (a closed stderr must not leave daemons behind), then the logs; DIR stays
  if [ -n "${STARTING:-}" ]; then STARTING=; stop_daemons "$DIR" || true; fi
  trap '' PIPE
  say "error: $*" || true
  if [ -n "${DIR:-}" ] && [ -d "${DIR:-}/log" ]; then show_logs "$DIR" || true; fi
  exit 1
}

alive() { # a process that exists and has not exited (a zombie has: daemons are reaped by init,
  # which may take its time)
  local st
  st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

pid_of() { # pid of daemon $2 in DIR $1, if its pid file names a live process that is ours
  local f="$1/run/$2.pid" pid
  [ -s "$f" ] || return 1
  pid=$(tr -dc 0-9 <"$f")
  [ -n "$pid" ] && alive "$pid" || return 1
  # the pid must still be that daemon started with our config (pids get reused)
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$1/ceph.conf" || return 1
  echo "$pid"
}

term_and_wait() { # SIGTERM the given daemons of DIR $1, wait up to $2 x 50 ms, then SIGKILL
  local dir=$1 ticks=$2 d pid pids=() t left
  shift 2
  for d in "$@"; do
    if pid=$(pid_of "$dir" "$d"); then kill -TERM "$pid" 2>/dev/null || true; pids+=("$pid"); fi
  done
  for ((t = 0; t < ticks; t++)); do
    left=()
    for pid in "${pids[@]}"; do alive "$pid" && left+=("$pid"); done
    [ ${#left[@]} -eq 0 ] && return 0
    pids=("${left[@]}")
    sleep 0.05
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for ((t = 0; t < 50; t++)); do alive "$pid" || break; sleep 0.1; done
  done
}

stop_daemons() {
  # one at a time, in reverse start order: radosgw's shutdown still talks to the OSD (watches
  # on its control objects; it hangs until its 120 s alarm if the OSD is gone), and the OSD
  # says goodbye to the monitor (else it waits osd_mon_shutdown_timeout). SIGKILL after 5 s:
  # nothing is worth keeping (memstore).
  term_and_wait "$1" 100 "$NAME"
  step "radosgw stopped"
  term_and_wait "$1" 100 osd.0
  step "osd.0 stopped"
  term_and_wait "$1" 100 mon.a
}

free_ports() { # N free loopback TCP ports, one a line (bound at once, so distinct)
  python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print("\n".join(str(s.getsockname()[1]) for s in socks))
PY
}

rand() { LC_ALL=C tr -dc "$1" </dev/urandom | head -c "$2" || true; }

ceph_() { ceph -c "$DIR/ceph.conf" --connect-timeout 10 "$@"; }

launched() { # after a daemon's launch: wait (<= 15 s) for its pid file to name a live process
  local d=$1 t
  for ((t = 0; t < 300; t++)); do
    pid_of "$DIR" "$d" >/dev/null && return 0
    sleep 0.05
  done
  die "$d did not start (no live process in $DIR/run/$d.pid)"
}

wait_for() { # wait_for SECONDS DESCRIPTION DAEMON CMD...: poll CMD every 0.1 s while DAEMON lives
  local secs=$1 what=$2 daemon=$3 deadline
  shift 3
  deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    pid_of "$DIR" "$daemon" >/dev/null || die "$daemon exited while waiting for $what"
    [ $SECONDS -lt $deadline ] || die "timed out after ${secs}s waiting for $what"
    sleep 0.1
  done
}

osd_up() {
  ceph_ osd dump -f json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if any(o["osd"] == 0 and o["up"] == 1 and o["in"] == 1 for o in d["osds"]) else 1)'
}

tls_answers() { # a TLS handshake and any HTTP answer on the ssl_endpoint (not verified: the
  # harness's client does that against its CA)
  python3 - "$1" <<'PY'
import http.client, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
c = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[1]), timeout=2, context=ctx)
c.request("GET", "/")
sys.exit(0 if c.getresponse().status < 500 else 1)
PY
}

s3_answers() { # any HTTP answer from beast (an anonymous GET / is a 200 bucket list)
  python3 - "$1" <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=2)
c.request("GET", "/")
sys.exit(0 if c.getresponse().status < 500 else 1)
PY
}

LC_DEBUG_INTERVAL=10

lifecycle_mode() { # RGW_LIFECYCLE as "", threads or manual
  case ${RGW_LIFECYCLE:-} in
    "" | 0) echo "" ;;
    1 | threads) echo threads ;;
    manual) echo manual ;;
    *) return 1 ;;
  esac
}

lifecycle_conf() { # the lifecycle lines of the radosgw section, for mode $1
  if [ -z "$1" ]; then
    echo "rgw enable lc threads = false"
    return 0
  fi
  if [ "$1" = manual ]; then
    echo "# RGW_LIFECYCLE=manual: passes only when radosgw-admin lc process runs"
    echo "rgw enable lc threads = false"
  else
    echo "# RGW_LIFECYCLE=1: lifecycle threads"
    echo "rgw enable lc threads = true"
  fi
  echo "# debug time: a lifecycle day lasts $LC_DEBUG_INTERVAL s, a pass every $LC_DEBUG_INTERVAL s, at any hour"
  echo "rgw lc debug interval = $LC_DEBUG_INTERVAL"
  echo "rgw lifecycle work time = 00:00-23:59"
}

write_conf() {
  local fsid=$1 mon2=$2 mon1=$3 s3port=$4 tlsport=${5:-} frontend lc
  lc=$(lifecycle_conf "$LC_MODE")
  frontend="beast endpoint=127.0.0.1:$s3port"
  if [ -n "$tlsport" ]; then
    frontend+=" ssl_endpoint=127.0.0.1:$tlsport ssl_certificate=$DIR/tls/cert.pem"
    frontend+=" ssl_private_key=$DIR/tls/key.pem"
  fi
  cat >"$DIR/ceph.conf" <<EOF
# generated by tests/s3server/rgw.sh: a throw-away single-node test cluster
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon2,v1:127.0.0.1:$mon1]
public addr = 127.0.0.1
public network = 127.0.0.0/8
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
mon warn on insecure global id reclaim allowed = false
ms mon client mode = crc
ms client mode = crc
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
log to file = true
log to stderr = false
err to stderr = false
log flush on exit = false
keyring = $DIR/keyring
mon data = $DIR/mon/\$name
osd data = $DIR/osd/\$name
rgw data = $DIR/rgw
# one OSD, pools of size 1, few PGs, no manager, no warnings about any of that
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon warn on pool no app = false
mon warn on too few osds = false
mon osd min up ratio = 0
mon osd min in ratio = 0
mon data avail warn = 1
mon data avail crit = 0
# quiet: ~20% less CPU per request in the OSD and radosgw (errors are still logged)
debug ms = 0/0
debug osd = 0/0
debug objecter = 0/0
debug rados = 0/0
debug monc = 0/0
debug auth = 0/0
debug finisher = 0/0
debug objclass = 0/0
debug memdb = 0/0
debug context = 0/0
debug throttle = 0/0
debug optracker = 0/0
debug asok = 0/0
debug perfcounter = 0/0
debug heartbeatmap = 0/0
debug timer = 0/0

[mon]
# commit map changes (new pools, OSD boot) at once instead of batching them for 1 s
paxos propose interval = 0.01
paxos min wait = 0.001
mon cluster log to file = true
mon cluster log file = $DIR/log/cluster.log

[osd]
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
osd op num shards = 2
osd op num threads per shard = 1
osd memory target = 536870912
# short PG logs: they live in RAM and, at the defaults, grow to ~700 MB over 10,000 writes
osd min pg log entries = 10
osd max pg log entries = 100
osd pg log dups tracked = 10
osd pg log trim min = 10
osd target pg log entries per osd = 3000
osd crush update on start = true

[$NAME]
rgw frontends = $frontend tcp_nodelay=1
# without crc the monitor handshake of radosgw stalls (get_initial_auth_request returned -13)
ms mon client mode = crc
# level 1: the beast access log line per request (the harness's request log)
debug rgw = 1
rgw thread pool size = 32
rgw dynamic resharding = false
rgw enable usage log = false
rgw enable ops log = false
$lc
EOF
}

cmd_start() {
  [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ] && die "$DIR exists and is not empty"
  local b
  for b in monmaptool ceph-mon ceph-osd radosgw radosgw-admin ceph python3; do
    command -v "$b" >/dev/null || die "$b not found (Debian packages: radosgw ceph-mon ceph-osd ceph-common)"
  done
  mkdir -p "$DIR"/{run,log,mon,osd,rgw}
  DIR=$(cd "$DIR" && pwd -P)
  STARTING=1
  LC_MODE=$(lifecycle_mode) || die "RGW_LIFECYCLE must be 1, threads or manual (or empty, 0), not '$RGW_LIFECYCLE'"
  local ports mon2 mon1 s3port tlsport="" fsid osd_uuid ak sk
  if [ -n "${RGW_TLS_CERT:-}" ] || [ -n "${RGW_TLS_KEY:-}" ]; then
    [ -n "${RGW_TLS_CERT:-}" ] && [ -n "${RGW_TLS_KEY:-}" ] || die "RGW_TLS_CERT and RGW_TLS_KEY go together"
    [ -r "$RGW_TLS_CERT" ] || die "RGW_TLS_CERT: cannot read $RGW_TLS_CERT"
    [ -r "$RGW_TLS_KEY" ] || die "RGW_TLS_KEY: cannot read $RGW_TLS_KEY"
    mkdir -p "$DIR/tls"
    cp "$RGW_TLS_CERT" "$DIR/tls/cert.pem"
    cp "$RGW_TLS_KEY" "$DIR/tls/key.pem"
    chmod 600 "$DIR/tls/key.pem"
    ports=$(free_ports 4)
    { read -r mon2; read -r mon1; read -r s3port; read -r tlsport; } <<<"$ports"
  else
    ports=$(free_ports 3)
    { read -r mon2; read -r mon1; read -r s3port; } <<<"$ports"
  fi
  fsid=$(uuidgen 2>/dev/null || python3 -c 'import uuid; print(uuid.uuid4())')
  osd_uuid=$(uuidgen 2>/dev/null || python3 -c 'import uuid; print(uuid.uuid4())')
  write_conf "$fsid" "$mon2" "$mon1" "$s3port" "$tlsport"
  local conf="$DIR/ceph.conf"

  step "monitor"
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon2,v1:127.0.0.1:$mon1]" \
    "$DIR/monmap" >"$DIR/log/setup.out" 2>&1 || die "monmaptool failed"
  ceph-mon -c "$conf" -i a --mkfs --monmap "$DIR/monmap" >>"$DIR/log/setup.out" 2>&1 ||
    die "ceph-mon --mkfs failed"
  ceph-mon -c "$conf" -i a >>"$DIR/log/setup.out" 2>&1 || die "ceph-mon did not start"
  launched mon.a
  wait_for 30 "the monitor" mon.a ceph_ mon stat
  step "monitor answers"

  step "OSD (memstore)"
  local id
  id=$(ceph_ osd new "$osd_uuid" 2>>"$DIR/log/setup.out") || die "ceph osd new failed"
  [ "$id" = 0 ] || die "unexpected OSD id '$id'"
  mkdir -p "$DIR/osd/osd.0"
  ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$DIR/log/setup.out" 2>&1 ||
    die "ceph-osd --mkfs failed"
  ceph-osd -c "$conf" -i 0 >>"$DIR/log/setup.out" 2>&1 || die "ceph-osd did not start"
  launched osd.0
  wait_for 60 "osd.0 up and in" osd.0 osd_up

  step "S3 user (radosgw-admin also creates the zone's pools)"
  ak=$(rand 'A-Z0-9' 20)
  sk=$(rand 'A-Za-z0-9' 40)
  radosgw-admin -c "$conf" -n "$NAME" user create --uid s3test --display-name "s3-cleanup tests" \
    --access-key "$ak" --secret "$sk" >"$DIR/log/user.out" 2>&1 || die "radosgw-admin user create failed"

  step "radosgw"
  radosgw -c "$conf" -n "$NAME" >>"$DIR/log/setup.out" 2>&1 || die "radosgw did not start"
  launched "$NAME"
  wait_for "$START_TIMEOUT" "radosgw to answer on 127.0.0.1:$s3port" "$NAME" s3_answers "$s3port"
  if [ -n "$tlsport" ]; then
    wait_for "$START_TIMEOUT" "radosgw to answer TLS on 127.0.0.1:$tlsport" "$NAME" tls_answers "$tlsport"
  fi
  STARTING=
  step "S3 answers"
  local d pids=()
  for d in "${DAEMONS[@]}"; do pids+=("$d=$(pid_of "$DIR" "$d")"); done
  python3 - "$s3port" "$ak" "$sk" "$DIR" "$NAME" "$(elapsed)" "$tlsport" "$LC_MODE" \
    "$LC_DEBUG_INTERVAL" "${pids[@]}" <<'PY'
import json, sys
port, ak, sk, d, name, secs, tlsport, lcmode, lcint, *pids = sys.argv[1:]
info = {
    "ready": True, "endpoint_url": f"http://127.0.0.1:{port}", "port": int(port),
    "access_key_id": ak, "secret_access_key": sk, "region": "us-east-1",
    "dir": d, "request_log": f"{d}/log/{name}.log",
    "pids": {k: int(v) for k, v in (p.split("=", 1) for p in pids)},
    "startup_seconds": float(secs)}
if tlsport:
    info.update({"https_port": int(tlsport), "https_endpoint_url": f"https://127.0.0.1:{tlsport}"})
if lcmode:
    info.update({"lifecycle": lcmode, "lc_debug_interval": int(lcint)})
print(json.dumps(info))
PY
}

cmd_stop() {
  [ -d "$DIR" ] || return 0
  [ -f "$DIR/ceph.conf" ] || die "$DIR does not look like an rgw.sh directory (no ceph.conf); not touching it"
  DIR=$(cd "$DIR" && pwd -P)
  step "stopping"
  stop_daemons "$DIR"
  step "stopped"
  local d
  for d in "${DAEMONS[@]}"; do
    if pid_of "$DIR" "$d" >/dev/null; then die "$d is still running"; fi
  done
  rm -rf "$DIR"
}

cmd_watch() {
  trap 'cmd_stop; exit 0' TERM INT HUP
  # read returns at EOF; the loop ignores anything written to us
  while read -r _; do :; done
  cmd_stop
}

cmd_status() {
  local d
  for d in "${DAEMONS[@]}"; do pid_of "$DIR" "$d" >/dev/null || { echo "$d: not running"; return 1; }; done
  echo "running"
}

[ $# -eq 2 ] || usage
DIR=$2
case $1 in
  start) cmd_start ;;
  stop) cmd_stop ;;
  watch) cmd_watch ;;
  status) cmd_status ;;
  *) usage ;;
esac
