#!/bin/bash
# --forever with the control connection: the data and control listeners
# are made once, each run takes a control peer of its own and starts from
# the server's own options again.  A server given only -l --forever -J runs
# a client's -P 2 --validate, then a -R run (it sends), then a bare client's
# defaults (-P 1 again, not the first client's 2); each run is one -J
# document with the peer's figures.  SIGINT between runs: exit 130.
. "$(dirname "$0")/lib.sh"
need_cmd jq
netns_pair_up
port=5226
bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p $port --forever -J -i 0 >"$TMP/srv.json" 2>"$TMP/srv.err"
srv=$BG_PID
at_exit "kill $srv"
wait_listen "$NS_A" $port
wait_listen "$NS_A" $((port + 1))
n=1
for args in "-P 2 --validate --bytes 1M" "-R --validate --bytes 2M" "--validate --bytes 3M"; do
	# shellcheck disable=SC2086
	in_b "$NCDEVMEM" -s "$ADDR_A" -p $port $args -i 0 2>"$TMP/cli$n.err" ||
		fail "client $n ($args): exit $?: $(cat "$TMP/cli$n.err" "$TMP/srv.err")"
	assert_contains "$TMP/cli$n.err" "^peer (sender|receiver): [0-9]+ bytes" \
		"client $n has the server's figures"
	wait_docs "$TMP/srv.json" $srv $n
	n=$((n + 1))
done
kill -0 $srv 2>/dev/null || fail "server did not stay up after three runs"
kill -INT $srv
wait $srv
rc=$?
[ $rc -eq 130 ] || fail "server after SIGINT between runs: exit $rc, want 130: $(cat "$TMP/srv.err")"
jq -s -e 'length == 3 and all(.[]; .end.peer_report == true and .end.result == "ok")
	and .[0].start.flows == 2 and .[0].end.sum_received.bytes == 2097152
	and .[0].start.role == "receiver" and .[0].end.sum.validation.result == "ok"
	and .[1].start.role == "sender" and .[1].start.test_start.reverse == 1
	and .[1].end.peer.role == "receiver" and .[1].end.peer.validation.result == "ok"
	and .[1].end.sum_sent.bytes == 2097152
	and .[2].start.flows == 1 and .[2].start.role == "receiver"
	and .[2].end.sum_received.bytes == 3145728' "$TMP/srv.json" >/dev/null ||
	fail "reports: $(jq -c '{flows: .start.flows, role: .start.role, end: (.end | {sum_sent, sum_received, peer, result})}' "$TMP/srv.json")"
ok "--forever with control peers: -P 2, -R, bare client, each reported with the peer's figures; SIGINT 130"
