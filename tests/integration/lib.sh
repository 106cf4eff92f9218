# Shared helpers for integration tests: a pair of network namespaces joined
# by veth (198.18.0.0/15 is the RFC 2544 benchmarking range), cleanup on every
# exit path, and small assertion helpers.  Source it; it sets NS_A (server
# side, $ADDR_A) and NS_B (client side, $ADDR_B) after netns_pair_up.

NCDEVMEM=${NCDEVMEM:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/ncdevmem}
TMP=$(mktemp -d /tmp/ncd-test.XXXXXX)
# NIC journals (docs/reliability.md) of this test only, never /run/ncdevmem
export NCDEVMEM_STATE_DIR=$TMP/state
_cleanups=()

at_exit() { _cleanups+=("$*"); }
_run_cleanups() {
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_cleanups[i]}" >/dev/null 2>&1
	done
	rm -rf "$TMP"
}
trap _run_cleanups EXIT
trap 'exit 130' INT TERM

skip() { echo "SKIP: $*" >&2; exit 4; }
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || skip "needs $1"; }

# need_run_pair [CMD...]: what a test of scripts/run_pair.sh needs (root,
# python3, the built binary, CMDs); sets ROOT.  run_pair ARGS runs it
# without installing packages.
need_run_pair() {
	local c
	need_root
	for c in python3 "$@"; do need_cmd "$c"; done
	[ -x "$NCDEVMEM" ] || skip "no ncdevmem binary at $NCDEVMEM"
	ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
}
run_pair() { NCD_NO_DEPS=1 NCDEVMEM=$NCDEVMEM "$ROOT/scripts/run_pair.sh" "$@"; }

# netns_pair_up [subnet-index]: two namespaces, one veth pair, IPv4 addresses.
netns_pair_up() {
	need_root
	local n=${1:-$(( ($$ % 250) + 1 ))}
	NS_A=ncd-a-$$-$RANDOM
	NS_B=ncd-b-$$-$RANDOM
	ADDR_A=198.18.$n.1
	ADDR_B=198.18.$n.2
	IF_A=veth-a$n
	IF_B=veth-b$n
	ip netns add "$NS_A" || skip "cannot create network namespace"
	at_exit ip netns del "$NS_A"
	ip netns add "$NS_B" || fail "second namespace"
	at_exit ip netns del "$NS_B"
	ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B" ||
		fail "veth pair"
	ip -n "$NS_A" addr add "$ADDR_A/24" dev "$IF_A"
	ip -n "$NS_B" addr add "$ADDR_B/24" dev "$IF_B"
	ip -n "$NS_A" link set lo up
	ip -n "$NS_B" link set lo up
	ip -n "$NS_A" link set "$IF_A" up
	ip -n "$NS_B" link set "$IF_B" up
}

in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }
# bg_a/bg_b CMD...: start CMD in the background in that namespace; BG_PID is
# the program itself (ip netns exec execs it), so signals reach it.
bg_a() { ip netns exec "$NS_A" "$@" & BG_PID=$!; }
bg_b() { ip netns exec "$NS_B" "$@" & BG_PID=$!; }

# wait_listen NS PORT: wait (bounded) until a TCP listener exists on PORT.
wait_listen() {
	local ns=$1 port=$2 i
	for ((i = 0; i < 200; i++)); do
		ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q . && return 0
		sleep 0.05
	done
	fail "nothing listens on port $port in $ns"
}

# wait_streaming FILE [TENTHS]: until FILE (an ncdevmem stderr) has an interval
# line with bytes in it, i.e. data is moving; bounded, fails loudly if it
# never comes.
wait_streaming() {
	local i
	for ((i = 0; i < ${2:-100}; i++)); do
		awk '/Gbits\/sec/ { for (i = 2; i <= NF; i++)
			if ($i ~ /Bytes$/ && $(i - 1) + 0 > 0) found = 1 }
			END { exit !found }' "$1" && return 0
		sleep 0.1
	done
	fail "no interval line with data in $1: data never started moving"
}

# assert_one_flip JSON OFFSET: a receiver's -J verdict for a sender that
# flipped one byte (--corrupt-at OFFSET): failed, that byte only, exactly there.
assert_one_flip() {
	python3 - "$1" "$2" <<'PY' || fail "verdict for the byte flipped at $2"
import json, sys
v = json.load(open(sys.argv[1]))["end"]["sum"]["validation"]
assert v["result"] == "failed" and v["bad_bytes"] == 1, v
assert v["first_bad_offset"] == int(sys.argv[2]), v
assert v["expected"] ^ v["actual"] == 0xff, v
PY
}

# run_pair_leftovers ERRFILE: the namespaces of the run_pair.sh run whose
# stderr is ERRFILE that are still there (by its tag: other runs on the
# machine, a second make check say, are none of its business).
run_pair_leftovers() {
	local tag
	tag=$(grep -oE 'netns ncd-rp-l-[0-9]+-[0-9]+' "$1" | head -n 1 | sed 's/.*ncd-rp-l-//')
	[ -n "$tag" ] || fail "no namespace tag in run_pair's log $1"
	ip netns list | grep -- "-$tag\b"
}

# wait_docs FILE PID N: until the --forever server PID has written N whole
# JSON documents to FILE; fails if it ends first or never gets there.
wait_docs() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(jq -s length "$1" 2>/dev/null || echo 0)" -ge "$3" ] && return 0
		kill -0 "$2" 2>/dev/null || fail "server ended: $(cat "$TMP/srv.err" 2>/dev/null)"
		sleep 0.05
	done
	fail "no report $3 from the server in $1"
}

assert_contains() {	# file, pattern, what
	grep -qE -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "$3"; }
}
