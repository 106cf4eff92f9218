#!/bin/bash
# devmem data path on a real kernel without a devmem NIC (veth in two
# network namespaces): what the kernel does and what we tell the user.
#  - RX: recvmsg(MSG_SOCK_DEVMEM) on an ordinary TCP flow.  With -L (NULL
#    iov) the host-landed payload must fail with EFAULT and the steering /
#    header-split hint; without -L it must be reported as a flow steering
#    error (no devmem cmsg).
#  - TX: sendmsg(SCM_DEVMEM_DMABUF) on a SO_BINDTODEVICE'd veth socket with
#    no TX binding fails and the message says why.
#  - zcrx: registering an ifq on veth fails with the kernel's errno + hint.
. "$(dirname "$0")/lib.sh"

P=$B/tests/ncd_dm_probe
[ -x "$P" ] || fail "$P not built"
netns_pair_up

rx_case() {	# port, probe args, expected output (ERE), what
	local port=$1 args=$2 want=$3 what=$4
	in_a "$P" rx "$port" $args >"$TMP/rx.$port" 2>&1 &
	local pid=$!
	wait_listen "$NS_A" "$port"
	in_b bash -c "exec 3<>/dev/tcp/$ADDR_A/$port; printf 'hello devmem' >&3; sleep 0.5" ||
		fail "client connect"
	wait $pid || { cat "$TMP/rx.$port"; fail "$what: probe exit $?"; }
	cat "$TMP/rx.$port"
	assert_contains "$TMP/rx.$port" "$want" "$what"
}

rx_case 7001 -L 'recvmsg\(MSG_SOCK_DEVMEM\) failed: Bad address: payload landed in host memory .*ntuple rule' \
	"devmem RX with -L on veth: EFAULT + hint"
assert_contains "$TMP/rx.7001" 'result: devmem-rx-L errno=14 ' "EFAULT reported"
ok "RX -L: host-landed data -> EFAULT with hint"

rx_case 7002 "" 'flow steering error: data landed in host memory \(queue not bound\)' \
	"devmem RX without -L on veth: steering error"
assert_contains "$TMP/rx.7002" 'result: devmem-rx errno=71 ' "EPROTO reported"
ok "RX: data without devmem cmsg -> flow steering error"

in_a "$P" sink 7003 >"$TMP/sink" 2>&1 &
wait_listen "$NS_A" 7003
in_b "$P" tx "$ADDR_A" 7003 "$IF_B" >"$TMP/tx" 2>&1 || { cat "$TMP/tx"; fail "tx probe"; }
wait
cat "$TMP/tx"
assert_contains "$TMP/tx" 'sendmsg\(SCM_DEVMEM_DMABUF id 1, 4096 bytes at offset 0\) failed: Invalid argument: no TX binding' \
	"devmem TX on veth: clear message"
ok "TX on veth: EINVAL with hint"

in_a "$P" zcrx "$IF_A" 0 >"$TMP/zcrx" 2>&1 || { cat "$TMP/zcrx"; fail "zcrx probe"; }
cat "$TMP/zcrx"
assert_contains "$TMP/zcrx" "zcrx: IORING_REGISTER_ZCRX_IFQ on $IF_A queue 0 \(host area\) failed: " "zcrx message"
assert_contains "$TMP/zcrx" 'result: zcrx-register errno=' "zcrx errno"
ok "zcrx on veth: $(grep -o 'failed: .*' "$TMP/zcrx" | head -n 1)"
