# Shared by t_nl_*.sh and t_check_*.sh: a private netns holding a veth pair
# with 4 RX/TX queues (dv0 <-> dv1), and the nl_probe helper.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROBE=${B:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build}/tests/nl_probe

nl_setup() {
	need_root
	[ -x "$PROBE" ] || skip "no $PROBE (make tests)"
	NS=ncd-nl-$$-$RANDOM
	ip netns add "$NS" || skip "cannot create network namespace"
	at_exit ip netns del "$NS"
	ip -n "$NS" link add dv0 numrxqueues 4 numtxqueues 4 type veth \
		peer name dv1 numrxqueues 4 numtxqueues 4 || fail "veth with 4 queues"
	ip -n "$NS" link set dv0 up
	ip -n "$NS" link set dv1 up
}

in_ns() { ip netns exec "$NS" "$@"; }
probe() { ip netns exec "$NS" "$PROBE" "$@"; }

# Channel counts of dv0 ("rx=N tx=N") and its journal file, if any.
chan() { probe channels dv0 | cut -d' ' -f1,2; }
jfile() { ls "$NCDEVMEM_STATE_DIR"/dv0*.journal 2>/dev/null; }

# hold NAME: start a holder (nl_probe, nic.c as a devmem set-up) that shrinks
# dv0 to 1/1 and waits; HOLDER = its pid (exec'd, not a shell function).
hold() {
	local fifo=$TMP/ready.$1 line
	mkfifo "$fifo"
	ip netns exec "$NS" "$PROBE" hold-channels dv0 1 1 >"$fifo" 2>"$TMP/hold.err" &
	HOLDER=$!
	read -r -t 10 line <"$fifo" || { cat "$TMP/hold.err"; fail "holder never got ready"; }
	[ "$line" = ready ] || fail "holder said '$line'"
}
