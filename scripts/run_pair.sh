#!/bin/bash
# SPDX-License-Identifier: MIT
# run_pair.sh: ncdevmem between two hosts (or two network namespaces), then
# iperf3 over the same pair and path, results and a summary in
# results/<date>-<label>/.  See docs/run_pair.md and --help.
#
# The ncdevmem server (receiver, the devmem side) runs locally on NETIF; the
# client (sender) runs on the remote, over ssh or in a network namespace.
# With no arguments and no drv-net variables it builds ncdevmem if needed,
# makes its own pair of namespaces joined by veth and runs copy mode with
# validation, 2 flows, 5 s.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROG=run_pair

usage() {
	cat <<'EOF'
usage: scripts/run_pair.sh [options]

Runs an ncdevmem server locally (receiver, on NETIF) and the client on the
remote side, then iperf3 the same way over the same addresses, and writes
both sides' JSON, summary.md and throughput.png into one results directory.
Without --netif/--remote-type (or NETIF/REMOTE_TYPE in the environment) it
creates a private pair of network namespaces joined by veth and runs there.

Placement (flags override the kernel drv-net environment variables):
  --netif IF           receiving interface                      NETIF
  --local ADDR         local (server) address, IPv4 or IPv6     LOCAL_V4/LOCAL_V6
  --remote ADDR        remote (client) address                  REMOTE_V4/REMOTE_V6
  --remote-type T      ssh | netns                              REMOTE_TYPE
  --remote-args A      ssh: host (and ssh options); netns: name REMOTE_ARGS
  --local-netns NS     run the local side inside namespace NS   LOCAL_NETNS
  --ipv6               prefer LOCAL_V6/REMOTE_V6 when both families are set
  --remote-ncdevmem P  ncdevmem path on the remote (ssh default: copy the
                       local binary to a temporary directory there)
Run:
  --mode M             copy | devmem | zcrx (default copy)
  --mem K              host | udmabuf | cuda (default host)
  --flows N            parallel flows, ncdevmem -P and iperf3 -P (default 2)
  --time S             seconds per run (default 5)
  --no-validate        no payload check (the client still sends the pattern,
                       the server drops it: --discard)
  --port P             ncdevmem port (default 5291); iperf3 uses P+1
  --capture            tcpdump -s 0 on NETIF during the ncdevmem run; report
                       whether TCP payload was visible to the host
  --capture-count N    stop capturing after N packets (default 200)
  --no-iperf           skip the iperf3 comparison
  --label L            results label (default MODE-MEM-FLOWS)
  --out DIR            results directory (default results/<date>-<label>)
  --ncdevmem PATH      local binary (default: build/ncdevmem, built with make)
  --server-args "A"    extra ncdevmem server arguments (word-split)
  --client-args "A"    extra ncdevmem client arguments, e.g. "--corrupt-at 4096"
  --iperf-args "A"     extra iperf3 client arguments, e.g. "-l 256K"
  -h, --help           this text

Exit: 0 all sides ok (and validation passed), 1 a side failed or validation
failed, 2 usage, 4 cannot run here (not root for namespaces, tool missing).
EOF
}

die() { echo "$PROG: $*" >&2; exit 1; }
usage_err() { echo "$PROG: $*" >&2; echo "try --help" >&2; exit 2; }
cant() { echo "$PROG: $*" >&2; exit 4; }
log() { echo "$PROG: $*" >&2; }

# --- options --------------------------------------------------------------
NETIF=${NETIF:-}
LOCAL_ADDR='' REMOTE_ADDR=''
REMOTE_TYPE=${REMOTE_TYPE:-}
REMOTE_ARGS=${REMOTE_ARGS:-}
LOCAL_NETNS=${LOCAL_NETNS:-}
IPV6=0
MODE=copy MEM=host FLOWS=2 TIME=5 VALIDATE=1 PORT=5291
CAPTURE=0 CAPTURE_COUNT=200 IPERF=1 LABEL='' OUT=''
NCDEVMEM=${NCDEVMEM:-}
REMOTE_NCDEVMEM=
XSRV='' XCLI='' XIPERF=''

need_arg() { [ $# -ge 2 ] || usage_err "$1 needs an argument"; }
while [ $# -gt 0 ]; do
	case "$1" in
	--netif) need_arg "$@"; NETIF=$2; shift ;;
	--local) need_arg "$@"; LOCAL_ADDR=$2; shift ;;
	--remote) need_arg "$@"; REMOTE_ADDR=$2; shift ;;
	--remote-type) need_arg "$@"; REMOTE_TYPE=$2; shift ;;
	--remote-args) need_arg "$@"; REMOTE_ARGS=$2; shift ;;
	--local-netns) need_arg "$@"; LOCAL_NETNS=$2; shift ;;
	--ipv6) IPV6=1 ;;
	--remote-ncdevmem) need_arg "$@"; REMOTE_NCDEVMEM=$2; shift ;;
	--mode) need_arg "$@"; MODE=$2; shift ;;
	--mem) need_arg "$@"; MEM=$2; shift ;;
	--flows|-P) need_arg "$@"; FLOWS=$2; shift ;;
	--time) need_arg "$@"; TIME=$2; shift ;;
	--no-validate) VALIDATE=0 ;;
	--validate) VALIDATE=1 ;;
	--port) need_arg "$@"; PORT=$2; shift ;;
	--capture) CAPTURE=1 ;;
	--capture-count) need_arg "$@"; CAPTURE_COUNT=$2; shift ;;
	--no-iperf) IPERF=0 ;;
	--label) need_arg "$@"; LABEL=$2; shift ;;
	--out) need_arg "$@"; OUT=$2; shift ;;
	--ncdevmem) need_arg "$@"; NCDEVMEM=$2; shift ;;
	--server-args) need_arg "$@"; XSRV=$2; shift ;;
	--client-args) need_arg "$@"; XCLI=$2; shift ;;
	--iperf-args) need_arg "$@"; XIPERF=$2; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage_err "unknown argument: $1" ;;
	esac
	shift
done

case "$MODE" in copy|devmem|zcrx) ;; *) usage_err "--mode: copy, devmem or zcrx" ;; esac
case "$MEM" in host|udmabuf|cuda) ;; *) usage_err "--mem: host, udmabuf or cuda" ;; esac
case "$REMOTE_TYPE" in ""|ssh|netns) ;; *) usage_err "REMOTE_TYPE/--remote-type: ssh or netns" ;; esac
[[ "$FLOWS" =~ ^[1-9][0-9]*$ ]] || usage_err "--flows: a positive integer"
[[ "$TIME" =~ ^[0-9]+([.][0-9]+)?$ ]] && [ "$TIME" != 0 ] || usage_err "--time: seconds"
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -gt 0 ] && [ "$PORT" -lt 65535 ] || usage_err "--port: 1..65534"
[[ "$CAPTURE_COUNT" =~ ^[1-9][0-9]*$ ]] || usage_err "--capture-count: a positive integer"
IPORT=$((PORT + 1))

# Addresses from the drv-net variables unless given as flags.
pick() {	# v4 v6 -> preferred family
	if [ "$IPV6" = 1 ] && [ -n "$2" ]; then echo "$2"
	elif [ -n "$1" ]; then echo "$1"
	else echo "$2"; fi
}
[ -n "$LOCAL_ADDR" ] || LOCAL_ADDR=$(pick "${LOCAL_V4:-}" "${LOCAL_V6:-}")
[ -n "$REMOTE_ADDR" ] || REMOTE_ADDR=$(pick "${REMOTE_V4:-}" "${REMOTE_V6:-}")

SELF_NETNS=0
if [ -z "$NETIF" ] && [ -z "$REMOTE_TYPE" ] && [ -z "$LOCAL_ADDR" ] && [ -z "$REMOTE_ADDR" ]; then
	SELF_NETNS=1
else
	[ -n "$NETIF" ] || usage_err "NETIF/--netif missing"
	[ -n "$REMOTE_TYPE" ] || usage_err "REMOTE_TYPE/--remote-type missing (ssh or netns)"
	[ -n "$REMOTE_ARGS" ] || usage_err "REMOTE_ARGS/--remote-args missing (ssh host or netns name)"
	[ -n "$LOCAL_ADDR" ] || usage_err "LOCAL_V4/LOCAL_V6/--local missing"
	[ -n "$REMOTE_ADDR" ] || usage_err "REMOTE_V4/REMOTE_V6/--remote missing"
fi
[ -n "$LABEL" ] || LABEL=$MODE-$MEM-$FLOWS
[[ "$LABEL" =~ ^[A-Za-z0-9._+-]+$ ]] || usage_err "--label: letters, digits and ._+- only"

# --- cleanup: every exit path ---------------------------------------------
PIDS=()			# background processes this script started
CLEANUPS=()		# commands run in reverse order on exit
cleanup() {
	local i p
	for p in "${PIDS[@]}"; do
		kill -0 "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUPS[i]}" >/dev/null 2>&1
	done
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# --- dependencies and the binary ------------------------------------------
if [ -z "${NCD_NO_DEPS:-}" ] && [ -x "$ROOT/scripts/deps.sh" ]; then
	"$ROOT/scripts/deps.sh" || log "scripts/deps.sh failed; going on with what is installed"
fi
command -v python3 >/dev/null || cant "needs python3"
[ "$IPERF" = 0 ] || command -v iperf3 >/dev/null || cant "needs iperf3 (or --no-iperf)"
[ "$CAPTURE" = 0 ] || command -v tcpdump >/dev/null || cant "needs tcpdump for --capture"
command -v ss >/dev/null || cant "needs ss (iproute2)"

if [ -z "$NCDEVMEM" ]; then
	NCDEVMEM=$ROOT/build/ncdevmem
	if ! make -s -C "$ROOT" build/ncdevmem >"${TMPDIR:-/tmp}/run_pair-make.$$" 2>&1; then
		if [ -x "$NCDEVMEM" ]; then
			log "make failed, using the existing $NCDEVMEM"
		else
			cat "${TMPDIR:-/tmp}/run_pair-make.$$" >&2
			rm -f "${TMPDIR:-/tmp}/run_pair-make.$$"
			die "make failed and there is no $NCDEVMEM"
		fi
	fi
	rm -f "${TMPDIR:-/tmp}/run_pair-make.$$"
fi
[ -x "$NCDEVMEM" ] || die "no ncdevmem binary at $NCDEVMEM"
NCDEVMEM=$(cd "$(dirname "$NCDEVMEM")" && pwd)/$(basename "$NCDEVMEM")

# --- the pair ---------------------------------------------------------------
if [ "$SELF_NETNS" = 1 ]; then
	[ "$(id -u)" -eq 0 ] || cant "needs root to create network namespaces (or give NETIF/REMOTE_TYPE)"
	tag=$$-$RANDOM
	LOCAL_NETNS=ncd-rp-l-$tag
	REMOTE_TYPE=netns
	REMOTE_ARGS=ncd-rp-r-$tag
	NETIF=rpl$$
	RIF=rpr$$
	LOCAL_ADDR=198.18.0.1
	REMOTE_ADDR=198.18.0.2
	ip netns add "$LOCAL_NETNS" || cant "cannot create network namespace"
	CLEANUPS+=("ip netns del $LOCAL_NETNS")
	ip netns add "$REMOTE_ARGS" || die "cannot create the second namespace"
	CLEANUPS+=("ip netns del $REMOTE_ARGS")
	ip link add "$NETIF" netns "$LOCAL_NETNS" type veth peer name "$RIF" netns "$REMOTE_ARGS" ||
		die "cannot create the veth pair"
	ip -n "$LOCAL_NETNS" addr add "$LOCAL_ADDR/30" dev "$NETIF" &&
	ip -n "$REMOTE_ARGS" addr add "$REMOTE_ADDR/30" dev "$RIF" &&
	ip -n "$LOCAL_NETNS" link set lo up &&
	ip -n "$REMOTE_ARGS" link set lo up &&
	ip -n "$LOCAL_NETNS" link set "$NETIF" up &&
	ip -n "$REMOTE_ARGS" link set "$RIF" up || die "cannot configure the veth pair"
	NOTE="netns copy mode over veth on a $(nproc)-core machine; not NIC throughput"
else
	NOTE=
fi

# lrun CMD...: on the local side.  RCMD: prefix that runs a command remotely.
LPFX=()
[ -n "$LOCAL_NETNS" ] && LPFX=(ip netns exec "$LOCAL_NETNS")
lrun() { "${LPFX[@]}" "$@"; }
if [ "$REMOTE_TYPE" = netns ]; then
	ip netns pids "$REMOTE_ARGS" >/dev/null 2>&1 || cant "no network namespace $REMOTE_ARGS"
	RPFX=(ip netns exec "$REMOTE_ARGS")
	rrun() { "${RPFX[@]}" "$@"; }
	[ -n "$REMOTE_NCDEVMEM" ] || REMOTE_NCDEVMEM=$NCDEVMEM
else
	command -v ssh >/dev/null || cant "needs ssh for REMOTE_TYPE=ssh"
	# shellcheck disable=SC2206  # REMOTE_ARGS may carry ssh options
	SSH=(ssh -o BatchMode=yes $REMOTE_ARGS)
	rrun() { local q; q=$(printf '%q ' "$@"); "${SSH[@]}" -- "$q"; }
	rrun true || die "ssh $REMOTE_ARGS failed"
	if [ -z "$REMOTE_NCDEVMEM" ]; then
		rdir=$(rrun mktemp -d /tmp/ncdevmem.XXXXXX) || die "mktemp on the remote failed"
		CLEANUPS+=("$(printf '%q ' "${SSH[@]}") -- rm -rf $rdir")
		# shellcheck disable=SC2086
		scp -q -o BatchMode=yes "$NCDEVMEM" "${REMOTE_ARGS##* }:$rdir/ncdevmem" ||
			die "copying ncdevmem to the remote failed (or give --remote-ncdevmem)"
		REMOTE_NCDEVMEM=$rdir/ncdevmem
	fi
	[ "$IPERF" = 0 ] || rrun sh -c 'command -v iperf3' >/dev/null || cant "needs iperf3 on the remote (or --no-iperf)"
fi

# --- results directory --------------------------------------------------------
DATE=$(date +%Y-%m-%dT%H%M)
if [ -z "$OUT" ]; then
	OUT=$ROOT/results/$DATE-$LABEL
	n=2
	while [ -e "$OUT" ]; do OUT=$ROOT/results/$DATE-$LABEL-$n; n=$((n + 1)); done
fi
mkdir -p "$OUT" || die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)

INTERVAL=1
awk -v t="$TIME" 'BEGIN { exit !(t < 4) }' && INTERVAL=0.5
LIMIT=$(awk -v t="$TIME" 'BEGIN { printf "%d", t + 60 }')

# wait_listen PORT PID: until a local TCP listener is on PORT (bounded), while
# PID (the server) is alive.
wait_listen() {
	local port=$1 pid=$2 i
	for ((i = 0; i < 400; i++)); do
		lrun ss -Hltn "sport = :$port" 2>/dev/null | grep -q . && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# run_fg CMD...: run CMD in the background and wait for it, so an INT/TERM
# trap runs at once (bash defers traps until a foreground child ends) and
# the cleanup stops CMD.
run_fg() { "$@" & local p=$!; PIDS+=("$p"); wait "$p"; }

# wait_bounded PID SECONDS: wait for PID; SIGINT then SIGKILL past the bound.
# Returns its exit status.
wait_bounded() {
	local pid=$1 lim=$2 i
	for ((i = 0; i < lim * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "pid $pid still running after ${lim}s, interrupting it"
		kill -INT "$pid" 2>/dev/null
		for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid"
}

MACHINE="$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), Linux $(uname -r), $(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)"

log "ncdevmem $MODE/$MEM, $FLOWS flow(s), ${TIME}s: $REMOTE_ADDR ($REMOTE_TYPE $REMOTE_ARGS) -> $LOCAL_ADDR ($NETIF${LOCAL_NETNS:+, netns $LOCAL_NETNS})"
log "results: $OUT"

VAL_SRV=(--validate) VAL_CLI=(--validate)
[ "$VALIDATE" = 1 ] || { VAL_SRV=(--discard); VAL_CLI=(--validate); }
SRV_ARGS=(-l -s "$LOCAL_ADDR" -p "$PORT" -P "$FLOWS" --mode "$MODE" --mem "$MEM"
	"${VAL_SRV[@]}" -J -i "$INTERVAL")
CLI_ARGS=(-s "$LOCAL_ADDR" -p "$PORT" -P "$FLOWS" "${VAL_CLI[@]}" --time "$TIME"
	-J -i "$INTERVAL")
if [ "$MODE" != copy ]; then
	# devmem/zcrx: bind NETIF, steer the flows by the client address.
	SRV_ARGS+=(-f "$NETIF" -c "$REMOTE_ADDR")
	CLI_ARGS+=(-c "$REMOTE_ADDR")
fi
# shellcheck disable=SC2206
SRV_ARGS+=($XSRV)
# shellcheck disable=SC2206
CLI_ARGS+=($XCLI)

# --- capture (optional) -------------------------------------------------------
TD_PID=
if [ "$CAPTURE" = 1 ]; then
	: >"$OUT/tcpdump.err"
	# -Z root: write the file without dropping privileges; -U: flush per packet.
	lrun tcpdump -i "$NETIF" -s 0 -U -Z root -n -c "$CAPTURE_COUNT" \
		-w "$OUT/capture.pcap" "tcp dst port $PORT" 2>"$OUT/tcpdump.err" &
	TD_PID=$!
	PIDS+=("$TD_PID")
	for ((i = 0; i < 400; i++)); do
		grep -q "listening on" "$OUT/tcpdump.err" && break
		kill -0 "$TD_PID" 2>/dev/null || break
		sleep 0.05
	done
	grep -q "listening on" "$OUT/tcpdump.err" ||
		{ cat "$OUT/tcpdump.err" >&2; die "tcpdump did not start listening on $NETIF"; }
fi

# --- ncdevmem -------------------------------------------------------------------
lrun timeout -k 5 "$LIMIT" "$NCDEVMEM" "${SRV_ARGS[@]}" \
	>"$OUT/ncdevmem-server.json" 2>"$OUT/ncdevmem-server.err" &
SRV_PID=$!
PIDS+=("$SRV_PID")
printf '%q ' "${LPFX[@]}" "$NCDEVMEM" "${SRV_ARGS[@]}" >"$OUT/commands.txt"; echo >>"$OUT/commands.txt"
NCD_CLI_RC=
if wait_listen "$PORT" "$SRV_PID"; then
	printf 'remote: %q ' "$REMOTE_NCDEVMEM" "${CLI_ARGS[@]}" >>"$OUT/commands.txt"; echo >>"$OUT/commands.txt"
	if [ "$REMOTE_TYPE" = netns ]; then
		run_fg timeout -k 5 "$LIMIT" "${RPFX[@]}" "$REMOTE_NCDEVMEM" "${CLI_ARGS[@]}" \
			>"$OUT/ncdevmem-client.json" 2>"$OUT/ncdevmem-client.err"
	else
		run_fg timeout -k 5 "$LIMIT" "${SSH[@]}" -- "$(printf '%q ' "$REMOTE_NCDEVMEM" "${CLI_ARGS[@]}")" \
			>"$OUT/ncdevmem-client.json" 2>"$OUT/ncdevmem-client.err"
	fi
	NCD_CLI_RC=$?
	[ "$NCD_CLI_RC" = 0 ] || { log "ncdevmem client exit $NCD_CLI_RC:"; tail -n 5 "$OUT/ncdevmem-client.err" >&2; }
else
	log "ncdevmem server did not start listening on port $PORT; client not run"
fi
# Client gone: the server ends once its flows close (bounded).
wait_bounded "$SRV_PID" 30
NCD_SRV_RC=$?
[ "$NCD_SRV_RC" = 0 ] || { log "ncdevmem server exit $NCD_SRV_RC:"; tail -n 5 "$OUT/ncdevmem-server.err" >&2; }

if [ -n "$TD_PID" ]; then
	kill -INT "$TD_PID" 2>/dev/null	# no-op when -c already ended it
	wait_bounded "$TD_PID" 10
	pat=(--pattern offset)
	python3 "$ROOT/scripts/lib/pcap_payload.py" "$OUT/capture.pcap" --port "$PORT" \
		--mode "$MODE" "${pat[@]}" --json "$OUT/capture.json" >/dev/null ||
		log "capture analysis failed"
fi

# --- iperf3 over the same path ---------------------------------------------------
IP_SRV_RC='' IP_CLI_RC=''
if [ "$IPERF" = 1 ]; then
	lrun timeout -k 5 "$LIMIT" iperf3 -s -B "$LOCAL_ADDR" -p "$IPORT" -i "$INTERVAL" -1 -J \
		>"$OUT/iperf3-server.json" 2>"$OUT/iperf3-server.err" &
	ISRV_PID=$!
	PIDS+=("$ISRV_PID")
	wait_listen "$IPORT" "$ISRV_PID" || { cat "$OUT/iperf3-server.err" >&2; die "iperf3 server did not start"; }
	ICLI=(iperf3 -c "$LOCAL_ADDR" -B "$REMOTE_ADDR" -p "$IPORT" -P "$FLOWS" -t "$TIME" -i "$INTERVAL" -J)
	# shellcheck disable=SC2206 # word-split on purpose, like --client-args
	ICLI+=($XIPERF)
	printf 'remote: %q ' "${ICLI[@]}" >>"$OUT/commands.txt"; echo >>"$OUT/commands.txt"
	if [ "$REMOTE_TYPE" = netns ]; then
		run_fg timeout -k 5 "$LIMIT" "${RPFX[@]}" "${ICLI[@]}" \
			>"$OUT/iperf3-client.json" 2>"$OUT/iperf3-client.err"
	else
		run_fg timeout -k 5 "$LIMIT" "${SSH[@]}" -- "$(printf '%q ' "${ICLI[@]}")" \
			>"$OUT/iperf3-client.json" 2>"$OUT/iperf3-client.err"
	fi
	IP_CLI_RC=$?
	wait_bounded "$ISRV_PID" 30
	IP_SRV_RC=$?
fi

# --- meta and summary -------------------------------------------------------------
python3 - "$OUT/meta.json" <<EOF
import json, sys
n = lambda s: None if s == "" else int(s)
json.dump({
    "label": "$LABEL", "date": "$DATE", "mode": "$MODE", "mem": "$MEM",
    "flows": $FLOWS, "time": $TIME, "validate": bool($VALIDATE),
    "capture": bool($CAPTURE), "iperf": bool($IPERF),
    "netif": "$NETIF", "local_addr": "$LOCAL_ADDR", "remote_addr": "$REMOTE_ADDR",
    "remote_type": "$REMOTE_TYPE", "remote_args": "$REMOTE_ARGS",
    "local_netns": "$LOCAL_NETNS", "self_netns": bool($SELF_NETNS),
    "ncdevmem_server_rc": n("$NCD_SRV_RC"), "ncdevmem_client_rc": n("$NCD_CLI_RC"),
    "iperf3_server_rc": n("$IP_SRV_RC"), "iperf3_client_rc": n("$IP_CLI_RC"),
    "machine": """$MACHINE""", "note": "$NOTE",
}, open(sys.argv[1], "w"), indent=1)
EOF
python3 "$ROOT/scripts/summarize.py" "$OUT"
