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
