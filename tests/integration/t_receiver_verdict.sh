#!/bin/bash
# A receiver passes only when it got what it was asked for (issue 12):
# - a port scan (nc -z: connect, close) before the real client is counted as
#   an empty connection, never taken for the flow; the real client's stream
#   is then the one validated;
# - -P 2 with a client that runs one flow: the server fails once the
#   connect window (--connect-timeout, from the first flow) closes, naming
#   flow 2, instead of waiting forever;
# - a flow thread that cannot be created (a pids cgroup) is a failure, not
#   "validation: ok, 0 bytes checked".
. "$(dirname "$0")/fault_lib.sh"
need_root
need_cmd nc
netns_pair_up

# no connection on PORT in NS but the listener: the acceptor is done with it
wait_no_conn() {
	local ns=$1 port=$2 i
	for ((i = 0; i < 200; i++)); do
		ip netns exec "$ns" ss -Htn state all "sport = :$port" |
			grep -qv LISTEN || return 0
		sleep 0.05
	done
	fail "a connection on port $port was never closed by the server"
}

bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5291 --validate -i 0 2>"$TMP/s1.err"
srv=$BG_PID
wait_listen "$NS_A" 5291
in_b nc -z "$ADDR_A" 5291 || fail "nc -z could not connect"
wait_no_conn "$NS_A" 5291
in_b timeout 60 "$NCDEVMEM" -s "$ADDR_A" -p 5291 --validate --bytes 1M -i 0 2>"$TMP/c1.err"
rc=$?
[ $rc -eq 0 ] || { cat "$TMP/s1.err" "$TMP/c1.err"; fail "client after a port scan: exit $rc (the scan was taken for the flow?)"; }
wait_gone $srv 30 || { kill -9 $srv; fail "server did not end after its flow"; }
wait $srv; rc=$?
[ $rc -eq 0 ] || { cat "$TMP/s1.err"; fail "server after a port scan and a real client: exit $rc"; }
assert_contains "$TMP/s1.err" "validation: ok, 1048576 bytes checked" "the real stream validated"
assert_contains "$TMP/s1.err" "connections: 1 flow, 1 empty" "the scan counted as empty"

# --no-ctrl: a client that is not ncdevmem (an ncdevmem client would
# bring the server's -P 2 along, t_ctrl_settings)
bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5292 --validate -P 2 --no-ctrl --connect-timeout 1 -i 0 2>"$TMP/s2.err"
srv=$BG_PID
wait_listen "$NS_A" 5292
in_b timeout 60 "$NCDEVMEM" -s "$ADDR_A" -p 5292 --validate --bytes 1M -i 0 2>"$TMP/c2.err" ||
	{ cat "$TMP/c2.err"; fail "one-flow client to a -P 2 server"; }
wait_gone $srv 30 || { kill -9 $srv; cat "$TMP/s2.err"; fail "-P 2 server with one flow still waits 30 s later"; }
wait $srv; rc=$?
[ $rc -eq 1 ] || { cat "$TMP/s2.err"; fail "-P 2 server with one flow: exit $rc, expected 1"; }
assert_contains "$TMP/s2.err" "flow 2: no connection within --connect-timeout 1 s" "the missing flow named"

pids=/sys/fs/cgroup/pids
if [ -w "$pids/cgroup.procs" ] && [ "${NCD_SUITE:-}" != asan ]; then
	# ASan's leak check needs a thread of its own at exit: plain build only
	cg=$pids/ncd-verdict-$$
	mkdir "$cg" || fail "pids cgroup"
	at_exit rmdir "$cg"
	echo 4 >"$cg/pids.max"	# timeout, main, signal waiter, acceptor: no flow thread
	# (--no-ctrl: flow threads start at once, not after a control peer)
	# joined before "ip netns exec", which mounts a sysfs without cgroups
	bash -c "echo \$\$ >$cg/cgroup.procs && exec ip netns exec $NS_A timeout 30 $NCDEVMEM -l -s $ADDR_A -p 5293 --validate -P 2 --no-ctrl -i 0" \
		2>"$TMP/s3.err"
	rc=$?
	[ $rc -eq 1 ] || { cat "$TMP/s3.err"; fail "no thread for the flows: exit $rc, expected 1"; }
	assert_contains "$TMP/s3.err" "cannot start flow 1" "the thread failure"
	assert_contains "$TMP/s3.err" "error: not started" "the flow's error in the summary"
fi
ok "port scan counted as empty, missing flow 2 named, flow without a thread fails"
