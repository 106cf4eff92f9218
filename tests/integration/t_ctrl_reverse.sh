#!/bin/bash
# -R over veth in copy mode: the server (given only -l) sends, the client
# receives and validates; a flipped byte is caught by the client at exactly
# its offset, and the server prints the client's verdict.  -R without an
# ncdevmem server fails with one line (--bidir: t_ctrl_bidir.sh).  devmem
# and zcrx ends of -R / --bidir run in the 7.3 guest (tests/vm/guest/peers73.sh).
. "$(dirname "$0")/lib.sh"
need_cmd jq
netns_pair_up
off=7777777
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5243 -i 0 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5243
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5243 -R --validate --bytes 32M --corrupt-at $off -J \
	>"$TMP/cli.json" 2>"$TMP/cli.err"
rc=$?
[ $rc -eq 1 ] || { cat "$TMP/cli.err"; fail "receiving client exit $rc, expected 1"; }
wait $srv || { cat "$TMP/srv.err"; fail "sending server failed"; }
assert_one_flip "$TMP/cli.json" $off
jq -e '.start.role == "receiver" and .start.test_start.reverse == 1
	and .start.paths == {"rx": "copy", "tx": null}
	and .end.sum.bytes == 33554432 and .end.peer.role == "sender"
	and .end.sum_sent.bytes == 33554432' "$TMP/cli.json" >/dev/null ||
	fail "client JSON of a reverse run: $(jq -c '.start.role, .end.peer' "$TMP/cli.json")"
assert_contains "$TMP/srv.err" "^sender copy/host: 33554432 bytes" "server sent"
assert_contains "$TMP/srv.err" "^peer receiver: 33554432 bytes .*validation: FAILED, 1 of 33554432 bytes wrong; first at stream offset $off" \
	"server prints the client's verdict"
ok "reverse: corruption caught by the client at $off"

# clean reverse run, 2 flows for a time
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5243 -i 0 -J >"$TMP/srv2.json" 2>"$TMP/srv2.err" &
srv=$!
wait_listen "$NS_A" 5243
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5243 -R -P 2 --validate --time 1 -i 0 2>"$TMP/cli2.err" ||
	{ cat "$TMP/cli2.err" "$TMP/srv2.err"; fail "reverse -P 2 client"; }
wait $srv || { cat "$TMP/srv2.err"; fail "reverse -P 2 server"; }
assert_contains "$TMP/cli2.err" "^\[  SUM\] validation: ok, [0-9]+ bytes checked" "client verdict"
assert_contains "$TMP/cli2.err" "^receiver copy/host: [0-9]+ bytes" "client receives"
jq -e '.start.role == "sender" and .start.flows == 2 and .end.peer.validation.result == "ok"
	and .start.paths == {"rx": null, "tx": "copy"}
	and .end.sum_received.bytes == .end.peer.bytes' "$TMP/srv2.json" >/dev/null ||
	fail "server JSON of a reverse run"
ok "reverse: 2 flows validated"

# -R needs an ncdevmem server
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5243 --no-ctrl --discard -i 0 2>"$TMP/srv3.err" &
srv=$!
wait_listen "$NS_A" 5243
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5243 -R --validate --time 1 2>"$TMP/cli3.err"
rc=$?
kill $srv 2>/dev/null; wait $srv 2>/dev/null
[ $rc -eq 1 ] || fail "-R without an ncdevmem server: exit $rc, expected 1"
assert_contains "$TMP/cli3.err" "need an ncdevmem server" "-R without a control peer"
# zcrx receives: a client takes it only with -R or --bidir; devmem needs -f
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5243 --validate --zcrx -f lo 2>"$TMP/cli4.err"
[ $? -eq 2 ] || fail "a forward zcrx client: expected a usage error"
assert_contains "$TMP/cli4.err" "zcrx is a receive path: use it with -l, -R or --bidir" "forward zcrx"
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5243 --bidir --validate --mode devmem 2>"$TMP/cli5.err"
[ $? -eq 2 ] || fail "--bidir --mode devmem without -f: expected a usage error"
assert_contains "$TMP/cli5.err" "needs -f IFNAME" "--bidir devmem without -f"
ok "-R needs an ncdevmem server; zcrx clients receive only"
