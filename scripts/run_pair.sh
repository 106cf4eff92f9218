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
both sides' JSON, summary.md/json and plots into one results directory.
Without --netif/--remote-type (or NETIF/REMOTE_TYPE in the environment) it
creates a private pair of network namespaces joined by veth and runs there.

Placement (flags override the kernel drv-net environment variables):
  --netif IF           receiving interface                      NETIF
  --local ADDR         local (server) address, IPv4 or IPv6     LOCAL_V4/LOCAL_V6
  --remote ADDR        remote (client) address(es)              REMOTE_V4/REMOTE_V6
  --remote-type T      ssh | netns                              REMOTE_TYPE
  --remote-args A      ssh: host, may carry options and a port  REMOTE_ARGS
                       ("-p 2222 root@peer"); netns: the name.  Several
                       senders (fan-in): comma-separated, like the addresses
  --local-netns NS     run the local side inside namespace NS   LOCAL_NETNS
  --ipv6               prefer LOCAL_V6/REMOTE_V6 when both families are set
  --remote-ncdevmem P  ncdevmem path on the remote (ssh default: copy a
                       static build, make static, to a temporary directory)
  --fan-in N           own namespaces only: N sender namespaces on a bridge
                       send to the one receiver (default 1; copy mode).
                       With your own remotes, list them comma-separated in
                       REMOTE_ARGS and REMOTE_V4/--remote (same order); in
                       devmem mode each sender gets its own queue and rule
Run:
  --mode M             copy | devmem | zcrx (default copy)
  --mem K              host | udmabuf | cuda (default host)
  --flows N            parallel flows, ncdevmem -P and iperf3 -P (default 2)
  --time S             seconds per run (default 5)
  --no-validate        no payload check (the client still sends the pattern,
                       the server drops it: --discard)
  --port P             ncdevmem port (default 5291); iperf3 uses P+1 (and up,
                       one per sender)
  --capture            tcpdump -s 0 on NETIF during the ncdevmem run; report
                       whether TCP payload was visible to the host
  --capture-count N    stop capturing after N packets (default 200)
  --no-iperf           skip the iperf3 comparison
  --label L            results label (default MODE-MEM-FLOWS)
  --out DIR            results directory (default results/<date>-<label>)
  --ncdevmem PATH      local binary (default: build/ncdevmem, built with make)
  --server-args "A"    extra ncdevmem server arguments (word-split)
  --client-args "A"    extra ncdevmem client arguments, e.g. "--corrupt-at 4096"
  --iperf-args "A"     extra iperf3 client arguments (both iperf3 runs)
  --iperf-len L        the second iperf3 run uses -l L, ncdevmem's read
                       size (default 256K; 0: no second run)
  --repeat N           N rounds, tools interleaved, order rotated each round;
                       median, min and max reported (default 1)
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
REPEAT=1 FANIN=1 IPERF_LEN=256K

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
	--iperf-len) need_arg "$@"; IPERF_LEN=$2; shift ;;
	--repeat) need_arg "$@"; REPEAT=$2; shift ;;
	--fan-in) need_arg "$@"; FANIN=$2; shift ;;
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
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || usage_err "--repeat: a positive integer"
[[ "$FANIN" =~ ^[1-9][0-9]*$ ]] && [ "$FANIN" -le 32 ] || usage_err "--fan-in: 1..32"
[[ "$IPERF_LEN" =~ ^[0-9]+[KMG]?$ ]] || usage_err "--iperf-len: bytes, K/M/G suffix, or 0"

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
[ "$SELF_NETNS" = 1 ] || [ "$FANIN" = 1 ] ||
	usage_err "--fan-in makes its own namespaces; with your own remotes list them in REMOTE_ARGS"
# its own namespaces have veth and a bridge, no NIC that can bind device memory
[ "$SELF_NETNS" = 0 ] || [ "$FANIN" = 1 ] || [ "$MODE" = copy ] ||
	usage_err "--fan-in $FANIN --mode $MODE: the namespaces it makes have no devmem NIC (veth) -> run copy mode, or give NETIF and list your senders in REMOTE_ARGS and REMOTE_V4"
NSEND=$FANIN
[ "$SELF_NETNS" = 1 ] || NSEND=$(($(tr -cd , <<<"$REMOTE_ARGS" | wc -c) + 1))
if [ -z "$LABEL" ]; then
	LABEL=$MODE-$MEM-$FLOWS
	[ "$NSEND" = 1 ] || LABEL=$LABEL-fanin$NSEND
fi
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

# --- the pair (or the fan-in) -------------------------------------------------
if [ "$SELF_NETNS" = 1 ]; then
	[ "$(id -u)" -eq 0 ] || cant "needs root to create network namespaces (or give NETIF/REMOTE_TYPE)"
	tag=$$-$RANDOM
	LOCAL_NETNS=ncd-rp-l-$tag
	REMOTE_TYPE=netns
	NETIF=rpl$$
	LOCAL_ADDR=198.18.0.1
	ip netns add "$LOCAL_NETNS" || cant "cannot create network namespace"
	CLEANUPS+=("ip netns del $LOCAL_NETNS")
	ip -n "$LOCAL_NETNS" link set lo up || die "cannot configure $LOCAL_NETNS"
	if [ "$FANIN" -gt 1 ]; then
		# one receiving interface: a bridge, each sender on a veth port
		ip -n "$LOCAL_NETNS" link add "$NETIF" type bridge &&
		ip -n "$LOCAL_NETNS" addr add "$LOCAL_ADDR/24" dev "$NETIF" &&
		ip -n "$LOCAL_NETNS" link set "$NETIF" up || die "cannot create the bridge $NETIF"
	fi
	RA='' RV=''
	for ((k = 1; k <= FANIN; k++)); do
		ns=ncd-rp-r$k-$tag
		rif=rpr$k-$$
		ip netns add "$ns" || die "cannot create namespace $ns"
		CLEANUPS+=("ip netns del $ns")
		ip -n "$ns" link set lo up || die "cannot configure $ns"
		if [ "$FANIN" = 1 ]; then
			ip link add "$NETIF" netns "$LOCAL_NETNS" type veth peer name "$rif" netns "$ns" &&
			ip -n "$LOCAL_NETNS" addr add "$LOCAL_ADDR/30" dev "$NETIF" &&
			ip -n "$LOCAL_NETNS" link set "$NETIF" up || die "cannot create the veth pair"
		else
			ip link add "rpb$k-$$" netns "$LOCAL_NETNS" type veth peer name "$rif" netns "$ns" &&
			ip -n "$LOCAL_NETNS" link set "rpb$k-$$" master "$NETIF" up ||
				die "cannot attach sender $k to the bridge"
		fi
		ip -n "$ns" addr add "198.18.0.$((k + 1))/$([ "$FANIN" = 1 ] && echo 30 || echo 24)" dev "$rif" &&
		ip -n "$ns" link set "$rif" up || die "cannot configure $rif in $ns"
		RA+=${RA:+,}$ns
		RV+=${RV:+,}198.18.0.$((k + 1))
	done
	REMOTE_ARGS=$RA REMOTE_ADDR=$RV
	NOTE="netns copy mode over veth on a $(nproc)-core machine; not NIC throughput"
else
	NOTE=
fi

# Remotes: REMOTE_ARGS and REMOTE_ADDR are comma-separated lists, one entry
# per sending host (fan-in).
IFS=, read -r -a R_ARGS <<<"$REMOTE_ARGS"
IFS=, read -r -a R_ADDR <<<"$REMOTE_ADDR"
NREM=${#R_ARGS[@]}
[ "$NREM" -ge 1 ] && [ "$NREM" = "${#R_ADDR[@]}" ] ||
	usage_err "REMOTE_ARGS lists $NREM remote(s) but REMOTE_V4/--remote ${#R_ADDR[@]} address(es)"
if [ "$NREM" -gt 1 ] && [ "$MODE" = zcrx ]; then
	usage_err "fan-in runs copy or devmem mode: zcrx takes one client address (-c)"
fi
IPORT=$((PORT + 1))	# iperf3 servers: IPORT .. IPORT + NREM - 1 (one per remote)
[ $((IPORT + NREM - 1)) -lt 65536 ] || usage_err "--port: too high for $NREM remote(s)"

# lrun CMD...: on the local side.  rcmd K CMD...: RCMD = the argv running
# CMD on remote K (index from 0); rrun K CMD...: run it.
LPFX=()
[ -n "$LOCAL_NETNS" ] && LPFX=(ip netns exec "$LOCAL_NETNS")
lrun() { "${LPFX[@]}" "$@"; }
rcmd() {
	local k=$1
	shift
	if [ "$REMOTE_TYPE" = netns ]; then
		RCMD=(ip netns exec "${R_ARGS[k]}" "$@")
	else
		local q
		q=$(printf '%q ' "$@")
		# shellcheck disable=SC2206  # REMOTE_ARGS may carry ssh options
		RCMD=(ssh -o BatchMode=yes ${R_ARGS[k]} -- "${q% }")
	fi
}
rrun() { local k=$1; shift; rcmd "$k" "$@"; "${RCMD[@]}"; }

R_NCD=()
for ((k = 0; k < NREM; k++)); do
	if [ "$REMOTE_TYPE" = netns ]; then
		ip netns pids "${R_ARGS[k]}" >/dev/null 2>&1 || cant "no network namespace ${R_ARGS[k]}"
		R_NCD[k]=${REMOTE_NCDEVMEM:-$NCDEVMEM}
		continue
	fi
	command -v ssh >/dev/null || cant "needs ssh for REMOTE_TYPE=ssh"
	rrun "$k" true </dev/null || die "ssh ${R_ARGS[k]} failed: check key authentication (BatchMode)"
	if [ -n "$REMOTE_NCDEVMEM" ]; then
		R_NCD[k]=$REMOTE_NCDEVMEM
		continue
	fi
	if [ -z "${STATIC_BIN:-}" ]; then
		# A static binary runs on any remote of the same architecture,
		# whatever libnl/liburing it has.
		STATIC_BIN=$(dirname "$NCDEVMEM")/ncdevmem-static
		make -s -C "$ROOT" B="$(dirname "$NCDEVMEM")" "$STATIC_BIN" >/dev/null 2>&1 ||
			[ -x "$STATIC_BIN" ] || {
			log "cannot build $STATIC_BIN (make static); copying the dynamic $NCDEVMEM"
			STATIC_BIN=$NCDEVMEM
		}
	fi
	rdir=$(rrun "$k" mktemp -d /tmp/ncdevmem.XXXXXX </dev/null) || die "mktemp on ${R_ARGS[k]} failed"
	rcmd "$k" rm -rf "$rdir"
	CLEANUPS+=("$(printf '%q ' "${RCMD[@]}") </dev/null")
	# ssh, not scp: the same options (-p PORT, -i KEY, -o ...) work as given
	# shellcheck disable=SC2016  # $1 expands on the remote
	rrun "$k" sh -c 'cat >"$1" && chmod 0755 "$1"' sh "$rdir/ncdevmem" <"$STATIC_BIN" ||
		die "copying ncdevmem to ${R_ARGS[k]} failed (or give --remote-ncdevmem)"
	R_NCD[k]=$rdir/ncdevmem
done
for ((k = 0; k < NREM; k++)); do
	rrun "$k" "${R_NCD[k]}" -V </dev/null >/dev/null 2>&1 ||
		die "ncdevmem does not run on remote ${R_ARGS[k]} (${R_NCD[k]} -V failed): build it there and pass --remote-ncdevmem"
	[ "$IPERF" = 0 ] || rrun "$k" iperf3 --version </dev/null >/dev/null 2>&1 ||
		cant "needs iperf3 on remote ${R_ARGS[k]} (or --no-iperf)"
done

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

# --- both hosts and both tools ------------------------------------------------
HOSTINFO=$ROOT/scripts/lib/hostinfo.py
first_line() { "$@" 2>&1 </dev/null | head -n 1; }
lrun python3 "$HOSTINFO" --if "$NETIF" >"$OUT/host-local.json" 2>/dev/null ||
	echo '{}' >"$OUT/host-local.json"
first_line "$NCDEVMEM" -V >"$OUT/versions-local.txt"
if [ "$IPERF" = 1 ]; then first_line iperf3 --version >>"$OUT/versions-local.txt"; fi
for ((k = 0; k < NREM; k++)); do
	h=$OUT/host-remote$((k + 1))
	rrun "$k" python3 - --addr "${R_ADDR[k]}" <"$HOSTINFO" >"$h.json" 2>/dev/null ||
		echo '{}' >"$h.json"
	first_line rrun "$k" "${R_NCD[k]}" -V >"$OUT/versions-remote$((k + 1)).txt"
	[ "$IPERF" = 0 ] || first_line rrun "$k" iperf3 --version >>"$OUT/versions-remote$((k + 1)).txt"
done

# --- devmem/zcrx: readiness first ---------------------------------------------
if [ "$MODE" != copy ]; then
	lrun "$NCDEVMEM" --check -f "$NETIF" --mem "$MEM" >"$OUT/check.txt" 2>&1
	case $? in
	0) ;;
	4) cat "$OUT/check.txt" >&2; cant "$NETIF is not ready for $MODE (ncdevmem --check, kept in $OUT/check.txt)" ;;
	*) cat "$OUT/check.txt" >&2; die "ncdevmem --check -f $NETIF failed" ;;
	esac
fi

log "ncdevmem $MODE/$MEM, $FLOWS flow(s) x $NREM sender(s), ${TIME}s, $REPEAT round(s): ${R_ADDR[*]} ($REMOTE_TYPE) -> $LOCAL_ADDR ($NETIF${LOCAL_NETNS:+, netns $LOCAL_NETNS})"
log "results: $OUT"

VAL_SRV=(--validate) VAL_CLI=(--validate)
[ "$VALIDATE" = 1 ] || { VAL_SRV=(--discard); VAL_CLI=(--validate); }
SRV_ARGS=(-l -s "$LOCAL_ADDR" -p "$PORT" -P $((FLOWS * NREM)) --mode "$MODE" --mem "$MEM"
	"${VAL_SRV[@]}" -J -i "$INTERVAL")
CLI_ARGS=(-s "$LOCAL_ADDR" -p "$PORT" -P "$FLOWS" "${VAL_CLI[@]}" --time "$TIME"
	-J -i "$INTERVAL")
# several senders, or a server told not to validate: each end on its own
# options (the control connection would hand one sender's settings over)
[ "$NREM" -gt 1 ] || [ "$VALIDATE" != 1 ] && SRV_ARGS+=(--no-ctrl)
if [ "$MODE" != copy ]; then
	# devmem/zcrx: bind NETIF, steer each sender's flows by its address
	# (fan-in: one -c, one queue and one rule per sender); each client
	# sends from its own address (ncd_client_cmd)
	SRV_ARGS+=(-f "$NETIF")
	for a in "${R_ADDR[@]}"; do SRV_ARGS+=(-c "$a"); done
fi
# shellcheck disable=SC2206
SRV_ARGS+=($XSRV)
# shellcheck disable=SC2206
CLI_ARGS+=($XCLI)

# record SIDE CMD...: one line of commands.txt per distinct command, round 1
record() {
	[ "$ROUND" = 1 ] || return 0
	local side=$1
	shift
	{ printf '%-8s ' "$side:"; printf '%q ' "$@" | sed 's/ $//'; echo; } >>"$OUT/commands.txt"
}
: >"$OUT/commands.txt"

# --- capture (optional, round 1's ncdevmem run) -------------------------------
TD_PID=
start_capture() {
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
}
stop_capture() {
	kill -INT "$TD_PID" 2>/dev/null	# no-op when -c already ended it
	wait_bounded "$TD_PID" 10
	python3 "$ROOT/scripts/lib/pcap_payload.py" "$OUT/capture.pcap" --port "$PORT" \
		--mode "$MODE" --pattern offset --json "$OUT/capture.json" >/dev/null ||
		log "capture analysis failed"
	TD_PID=
}

# rc NAME CODE: the round's exit codes, read by summarize.py
rc() { echo "$1 $2" >>"$RD/rc.txt"; }

# run_clients TOOL ARGV-FUNC: start one client per remote in the background,
# wait for all; files $RD/TOOL-client.hK.{json,err}.
run_clients() {
	local tool=$1 mk=$2 k p pids=()
	for ((k = 0; k < NREM; k++)); do
		"$mk" "$k"
		rcmd "$k" "${CMD[@]}"
		record "remote$((k + 1))" "${RCMD[@]}"
		timeout -k 5 "$LIMIT" "${RCMD[@]}" </dev/null \
			>"$RD/$tool-client.h$((k + 1)).json" 2>"$RD/$tool-client.h$((k + 1)).err" &
		p=$!
		pids+=("$p")
		PIDS+=("$p")
	done
	for ((k = 0; k < NREM; k++)); do
		wait "${pids[k]}"
		p=$?
		rc "$tool-client.h$((k + 1))" "$p"
		[ "$p" = 0 ] || { log "round $ROUND: $tool client $((k + 1)) exit $p:"; tail -n 5 "$RD/$tool-client.h$((k + 1)).err" >&2; }
	done
}

ncd_client_cmd() {
	CMD=("${R_NCD[$1]}" "${CLI_ARGS[@]}")
	[ "$MODE" = copy ] || CMD+=(-c "${R_ADDR[$1]}")
}

run_ncdevmem() {
	[ "$CAPTURE" = 1 ] && [ "$ROUND" = 1 ] && start_capture
	record local "${LPFX[@]}" "$NCDEVMEM" "${SRV_ARGS[@]}"
	lrun timeout -k 5 "$LIMIT" "$NCDEVMEM" "${SRV_ARGS[@]}" \
		>"$RD/ncdevmem-server.json" 2>"$RD/ncdevmem-server.err" &
	local srv=$! r
	PIDS+=("$srv")
	if wait_listen "$PORT" "$srv"; then
		run_clients ncdevmem ncd_client_cmd
	else
		log "round $ROUND: ncdevmem server did not start listening on port $PORT; clients not run"
	fi
	# Clients gone: the server ends once its flows close (bounded).
	wait_bounded "$srv" 30
	r=$?
	rc ncdevmem-server "$r"
	[ "$r" = 0 ] || { log "round $ROUND: ncdevmem server exit $r:"; tail -n 5 "$RD/ncdevmem-server.err" >&2; }
	[ -z "$TD_PID" ] || stop_capture
}

# run_iperf TOOL [EXTRA...]: iperf3 servers (one per remote, IPORT + k),
# then the clients; TOOL is iperf3 or iperf3-l.
IPERF_EXTRA=()
iperf_client_cmd() {
	CMD=(iperf3 -c "$LOCAL_ADDR" -B "${R_ADDR[$1]}" -p $((IPORT + $1)) -P "$FLOWS"
		-t "$TIME" -i "$INTERVAL" -J "${IPERF_EXTRA[@]}")
	# shellcheck disable=SC2206 # word-split on purpose, like --client-args
	CMD+=($XIPERF)
}
run_iperf() {
	local tool=$1 k r srvs=()
	shift
	IPERF_EXTRA=("$@")
	for ((k = 0; k < NREM; k++)); do
		record local "${LPFX[@]}" iperf3 -s -B "$LOCAL_ADDR" -p $((IPORT + k)) -i "$INTERVAL" -1 -J
		lrun timeout -k 5 "$LIMIT" iperf3 -s -B "$LOCAL_ADDR" -p $((IPORT + k)) -i "$INTERVAL" -1 -J \
			>"$RD/$tool-server.h$((k + 1)).json" 2>"$RD/$tool-server.h$((k + 1)).err" &
		srvs+=($!)
		PIDS+=($!)
		wait_listen $((IPORT + k)) "${srvs[k]}" ||
			{ cat "$RD/$tool-server.h$((k + 1)).err" >&2; die "iperf3 server on port $((IPORT + k)) did not start"; }
	done
	run_clients "$tool" iperf_client_cmd
	for ((k = 0; k < NREM; k++)); do
		wait_bounded "${srvs[k]}" 30
		r=$?
		rc "$tool-server.h$((k + 1))" "$r"
	done
}

# --- the rounds: tools interleaved, order rotated so drift hits each alike --------
TOOLS=(ncdevmem)
[ "$IPERF" = 1 ] && TOOLS+=(iperf3)
[ "$IPERF" = 1 ] && [ "$IPERF_LEN" != 0 ] && TOOLS+=(iperf3-l)
NT=${#TOOLS[@]}
for ((ROUND = 1; ROUND <= REPEAT; ROUND++)); do
	RD=$OUT/r$ROUND
	mkdir -p "$RD" || die "cannot create $RD"
	: >"$RD/rc.txt"
	order=()
	for ((j = 0; j < NT; j++)); do order+=("${TOOLS[(j + ROUND - 1) % NT]}"); done
	echo "${order[*]}" >"$RD/order.txt"
	[ "$REPEAT" = 1 ] || log "round $ROUND/$REPEAT: ${order[*]}"
	for t in "${order[@]}"; do
		case $t in
		ncdevmem) run_ncdevmem ;;
		iperf3) run_iperf iperf3 ;;
		iperf3-l) run_iperf iperf3-l -l "$IPERF_LEN" ;;
		esac
	done
done

# --- meta and summary -------------------------------------------------------------
MACHINE="$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), Linux $(uname -r), $(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
python3 - "$OUT/meta.json" "$LABEL" "$DATE" "$MODE" "$MEM" "$FLOWS" "$TIME" "$VALIDATE" \
	"$CAPTURE" "$IPERF" "$NETIF" "$LOCAL_ADDR" "$REMOTE_ADDR" "$REMOTE_TYPE" \
	"$REMOTE_ARGS" "$LOCAL_NETNS" "$SELF_NETNS" "$MACHINE" "$NOTE" "$REPEAT" \
	"$IPERF_LEN" "$NREM" "$XIPERF" <<'EOF'
import json, sys
(out, label, date, mode, mem, flows, time, val, cap, ipf, netif, la, ra, rt,
 rargs, lns, selfns, machine, note, repeat, ilen, nrem, xiperf) = sys.argv[1:]
json.dump({
    "label": label, "date": date, "mode": mode, "mem": mem,
    "flows": int(flows), "time": float(time), "validate": val == "1",
    "capture": cap == "1", "iperf": ipf == "1", "netif": netif,
    "local_addr": la, "remote_addr": ra, "remote_type": rt,
    "remote_args": rargs, "local_netns": lns, "self_netns": selfns == "1",
    "machine": machine, "note": note, "repeat": int(repeat),
    "iperf_len": None if ilen == "0" else ilen, "iperf_args": xiperf,
    "remotes": int(nrem),
}, open(out, "w"), indent=1)
EOF
python3 "$ROOT/scripts/summarize.py" "$OUT"
