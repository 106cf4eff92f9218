#!/bin/bash
# Two ncdevmem ends agree over the control connection: a server given only
# -l runs the client's -P, --validate and --time; a setting given only on
# the server reaches the client; both ends print both ends' results (text,
# and JSON remote_* CPU, the peer's halves, end.peer_report); settings given
# differently on both ends are refused with one line on each end.
. "$(dirname "$0")/lib.sh"
need_cmd jq
netns_pair_up

# 1. server: only -l (and -J); the client brings everything
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5241 -J -i 0 >"$TMP/srv.json" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5241
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5241 -P 2 --validate --time 1 -i 0 2>"$TMP/cli.err" ||
	{ cat "$TMP/cli.err" "$TMP/srv.err"; fail "client"; }
wait $srv || { cat "$TMP/srv.err"; fail "server with only -l"; }
jq -e '.start.flows == 2 and .start.pattern == "offset" and (.end.streams | length) == 2
	and .end.sum.validation.result == "ok" and .end.sum.validation.checked_bytes > 0' \
	"$TMP/srv.json" >/dev/null || fail "server did not run the client's settings: $(jq -c .start "$TMP/srv.json")"
jq -e '.end.peer_report == true and .end.cpu_utilization_percent.remote_total >= 0
	and .end.peer.role == "sender" and .end.peer.bytes == .end.sum_sent.bytes
	and (.end.streams[0].sender | has("mirrored") | not)' "$TMP/srv.json" >/dev/null ||
	fail "server JSON lacks the client's figures: $(jq -c .end.peer "$TMP/srv.json")"
assert_contains "$TMP/cli.err" "^peer receiver: [0-9]+ bytes in .*cpu user .*; validation: ok, [0-9]+ bytes checked" \
	"client prints the server's result and verdict"
assert_contains "$TMP/cli.err" "^sender copy/host: [0-9]+ bytes" "client's own line"
ok "settings carried: -P, --validate, --time"

# 2. a setting given only on the server (-P 2, --bytes) reaches a bare client
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5241 -P 2 --validate --bytes 8M -i 0 2>"$TMP/srv2.err" &
srv=$!
wait_listen "$NS_A" 5241
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5241 -i 0 -J >"$TMP/cli2.json" 2>"$TMP/cli2.err" </dev/null ||
	{ cat "$TMP/cli2.err"; fail "bare client"; }
wait $srv || { cat "$TMP/srv2.err"; fail "server -P 2 with a bare client"; }
jq -e '.start.flows == 2 and .end.sum.bytes == 16777216 and .end.peer_report == true
	and .end.peer.validation.result == "ok" and .end.peer.validation.checked_bytes == 16777216
	and .end.sum_received.bytes == 16777216 and .end.cpu_utilization_percent.remote_user >= 0' \
	"$TMP/cli2.json" >/dev/null || fail "client did not take the server's -P/--validate/--bytes: $(jq -c '.start.flows, .end.peer' "$TMP/cli2.json")"
assert_contains "$TMP/srv2.err" "^peer sender: 16777216 bytes" "server prints the client's result"
ok "server's settings reach the client"

# 3. both ends explicit and different: refused, one line each, exit 2
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5241 -P 2 --validate -i 0 2>"$TMP/srv3.err" &
srv=$!
wait_listen "$NS_A" 5241
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5241 -P 3 --validate --time 1 -i 0 2>"$TMP/cli3.err"
rc=$?
[ $rc -eq 2 ] || { cat "$TMP/cli3.err"; fail "client exit $rc on a conflict, expected 2"; }
wait $srv; rc=$?
[ $rc -eq 2 ] || { cat "$TMP/srv3.err"; fail "server exit $rc on a conflict, expected 2"; }
assert_contains "$TMP/cli3.err" "^ncdevmem: the server refused the run: -P 3 on the client, -P 2 on the server: give it on one end only$" "client's line"
assert_contains "$TMP/srv3.err" "^ncdevmem: refused the client's run: -P 3 on the client, -P 2 on the server: give it on one end only$" "server's line"
[ "$(grep -c . "$TMP/cli3.err")" -eq 1 ] || { cat "$TMP/cli3.err"; fail "client printed more than one line"; }
# pattern kinds clash too
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5241 -v 7 -i 0 2>"$TMP/srv4.err" &
srv=$!
wait_listen "$NS_A" 5241
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5241 --validate --time 1 -i 0 2>"$TMP/cli4.err"
rc=$?
wait $srv; rc2=$?
[ $rc -eq 2 ] && [ $rc2 -eq 2 ] || fail "pattern clash: client $rc, server $rc2"
assert_contains "$TMP/cli4.err" "refused the run: --validate on the client, -v 7 on the server" "pattern clash line"
ok "conflicts refused on both ends"
