#!/bin/bash
# ethtool channels set/get round-trips on veth, and the journal restores the
# old counts on every exit path: explicit restore, exit(), SIGTERM, SIGINT.
. "$(dirname "$0")/nl_lib.sh"
nl_setup

rx_sysfs() { in_ns ls /sys/class/net/dv0/queues | grep -c '^rx-'; }

out=$(probe set-channels dv0 2 2)
[[ $out == *"errno=0 "* ]] || fail "channels-set 2: $out"
[[ $(probe channels dv0) == "rx=2 tx=2 "* ]] || fail "channels-get after set"
[ "$(rx_sysfs)" = 2 ] || fail "sysfs shows $(rx_sysfs) rx queues, want 2"
probe set-channels dv0 4 4 >/dev/null
[[ $(probe channels dv0) == "rx=4 tx=4 "* ]] || fail "channels back to 4"
ok "channels set/get round-trip"

out=$(probe set-channels dv0 9 9)
[[ $out == *"errno=22"*"requested channel count exceeds maximum"* ]] ||
	fail "kernel extack for too many channels: $out"
ok "kernel extack captured: $out"

for how in restore exit; do
	out=$(probe hold-channels dv0 1 1 $how) || fail "hold-channels $how: $out"
	[[ $(probe channels dv0) == "rx=4 tx=4 "* ]] ||
		fail "channels not restored after $how: $(probe channels dv0)"
	ok "restored after $how"
done

for sig in TERM INT; do
	fifo=$TMP/ready.$sig
	mkfifo "$fifo"
	# exec, not a shell function: $! must be the holder itself
	ip netns exec "$NS" "$PROBE" hold-channels dv0 1 1 >"$fifo" &
	pid=$!
	read -r -t 10 line <"$fifo" || fail "holder never got ready"
	[ "$line" = ready ] || fail "holder said '$line'"
	[[ $(probe channels dv0) == "rx=1 tx=1 "* ]] || fail "holder did not shrink"
	kill -$sig $pid
	wait $pid
	rc=$?
	want=$((128 + $(kill -l $sig)))
	[ $rc = $want ] || fail "SIG$sig: exit $rc, want $want"
	[[ $(probe channels dv0) == "rx=4 tx=4 "* ]] ||
		fail "channels not restored after SIG$sig: $(probe channels dv0)"
	ok "SIG$sig: exit $rc and channels restored"
done
