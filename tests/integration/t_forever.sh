#!/bin/bash
# A server that stays up (--forever, iperf3 -s's default): two clients in
# sequence, each run reported on its own (one -J document each, bytes and
# verdict of that run only); the server keeps listening until SIGINT
# (exit 130).  -1/--one-off, ncdevmem's default, ends after one run.
. "$(dirname "$0")/lib.sh"
need_cmd jq
netns_pair_up
port=5220
bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p $port --validate --forever -J >"$TMP/srv.json" 2>"$TMP/srv.err"
srv=$BG_PID
at_exit "kill $srv"
wait_listen "$NS_A" $port
n=1
for bytes in 1048576 3145728; do
	in_b "$NCDEVMEM" -s "$ADDR_A" -p $port --validate --bytes $bytes \
		2>"$TMP/cli$n.err" || fail "client $n: exit $?: $(cat "$TMP/cli$n.err")"
	wait_docs "$TMP/srv.json" $srv $n
	n=$((n + 1))
done
kill -0 $srv 2>/dev/null || fail "server did not stay up after two runs"
wait_listen "$NS_A" $port
kill -INT $srv
wait $srv
rc=$?
[ $rc -eq 130 ] || fail "server after SIGINT between runs: exit $rc, want 130: $(cat "$TMP/srv.err")"
jq -s -e 'length == 2 and
	.[0].end.sum_received.bytes == 1048576 and .[1].end.sum_received.bytes == 3145728 and
	all(.[]; .end.sum.validation.result == "ok" and .end.result == "ok" and
		.end.connections.flows == 1)' "$TMP/srv.json" >/dev/null ||
	fail "reports: $(jq -c '.end | {bytes: .sum_received.bytes, v: .sum.validation.result, result, connections}' "$TMP/srv.json")"
ok "--forever: two runs back to back, each reported (1 MiB, 3 MiB), SIGINT ends it (130)"

# text mode says when it is ready again
bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p $((port + 1)) --validate --forever 2>"$TMP/srvt.err"
srv=$BG_PID
at_exit "kill $srv"
wait_listen "$NS_A" $((port + 1))
in_b "$NCDEVMEM" -s "$ADDR_A" -p $((port + 1)) --validate --bytes 1M 2>/dev/null || fail "text client"
for ((i = 0; i < 200; i++)); do
	grep -q 'run 1 done (exit 0); receiving on port' "$TMP/srvt.err" && break
	sleep 0.05
done
assert_contains "$TMP/srvt.err" 'run 1 done \(exit 0\)' "text: no end-of-run line"
assert_contains "$TMP/srvt.err" 'validation: ok, 1048576 bytes checked' "text: first run's summary"
kill -TERM $srv
wait $srv
rc=$?
[ $rc -eq 143 ] || fail "SIGTERM: exit $rc"
ok "--forever in text: each run summarised, then receiving again"

# -1 (the default, accepted for iperf3 habits): one run, then exit 0
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p $((port + 2)) --validate -1 2>"$TMP/one.err" &
srv=$!
wait_listen "$NS_A" $((port + 2))
in_b "$NCDEVMEM" -s "$ADDR_A" -p $((port + 2)) --validate --bytes 1M 2>/dev/null || fail "one-off client"
wait $srv || fail "-1 server: exit $?: $(cat "$TMP/one.err")"
ok "-1: one run, exit 0"
