#!/bin/bash
# netdev netlink against the real kernel: dev-get and queue-get agree with
# ip(8) and sysfs; nlctrl lists bind-rx/bind-tx; SO_DEVMEM_DONTNEED is 80.
. "$(dirname "$0")/nl_lib.sh"
nl_setup

idx=$(in_ns cat /sys/class/net/dv0/ifindex)
out=$(probe dev dv0) || fail "dev-get: $out"
[[ $out == "ifindex=$idx "* ]] || fail "dev-get says '$out', sysfs ifindex $idx"
ok "dev-get: $out"

q=$(probe queues dv0) || fail "queue-get: $q"
nrx=$(grep -c '^queue rx' <<<"$q")
ntx=$(grep -c '^queue tx' <<<"$q")
srx=$(in_ns ls /sys/class/net/dv0/queues | grep -c '^rx-')
stx=$(in_ns ls /sys/class/net/dv0/queues | grep -c '^tx-')
[ "$nrx" = "$srx" ] && [ "$ntx" = "$stx" ] ||
	fail "queue-get rx=$nrx tx=$ntx, sysfs rx=$srx tx=$stx"
grep -q 'dmabuf=[1-9]\|io_uring=1' <<<"$q" && fail "veth queue claims a binding"
ok "queue-get: $nrx rx, $ntx tx queues, none bound"

ops=$(probe ops netdev) || fail "getfamily: $ops"
[[ " $ops " == *" 13 "* ]] || fail "netdev has no bind-rx (13): $ops"
[[ " $ops " == *" 15 "* ]] || fail "netdev has no bind-tx (15): $ops"
ok "netdev family $ops"

out=$(probe channels dv0) || fail "channels-get: $out"
[[ $out == "rx=4 tx=4 "* ]] || fail "channels-get: $out"
ok "channels-get: $out"

out=$(probe rings dv0)
[[ $out == *"errno=95"* ]] || fail "veth rings-get should be EOPNOTSUPP: $out"
ok "rings-get on veth: $out"

out=$(probe xdp dv0)
[ "$out" = "xdp_attached=0" ] || fail "rtnetlink xdp: $out"

out=$(probe dontneed)
grep -q 'setsockopt(80)=0 errno=0' <<<"$out" ||
	fail "SO_DEVMEM_DONTNEED (80) on plain TCP: $out"
grep -q 'setsockopt(99)=-1 errno=92' <<<"$out" ||
	fail "unknown option 99 should be ENOPROTOOPT: $out"
ok "SO_DEVMEM_DONTNEED=80 known to the kernel, 99 is not"

# napi-get: read-only, on whatever device in the root namespace has NAPI
out=$("$PROBE" napi 4294967295)
[[ $out == "napi-get errno=2 "*"bad_attr=2" ]] || fail "napi-get of a bogus id: $out"
for d in /sys/class/net/*; do
	d=${d##*/}
	id=$("$PROBE" queues "$d" 2>/dev/null | sed -n 's/^queue rx .* napi=\([1-9][0-9]*\) .*/\1/p' | head -n 1)
	[ -n "$id" ] || continue
	out=$("$PROBE" napi "$id") || fail "napi-get $id: $out"
	[[ $out == "napi $id ifindex=$(cat /sys/class/net/$d/ifindex) "* ]] ||
		fail "napi-get $id of $d: $out"
	ok "napi-get: $out ($d)"
	break
done
out=$("$PROBE" pools) || fail "page-pool-get: $out"
ok "page-pool-get dump: ${out##*$'\n'}"
