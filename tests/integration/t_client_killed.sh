#!/bin/bash
# The client dies mid-stream (SIGKILL): the receiver notices the short
# stream, reports what it got, and exits 1 instead of hanging.
. "$(dirname "$0")/lib.sh"
netns_pair_up
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5206 --validate --bytes 100G -i 0.2 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5206
bg_b "$NCDEVMEM" -s "$ADDR_A" -p 5206 --validate --time 60 2>/dev/null
cli=$BG_PID
wait_streaming "$TMP/srv.err"
kill -9 $cli
timeout 20 tail --pid=$srv -f /dev/null || fail "receiver hangs after the client died"
wait $srv; rc=$?
[ $rc -eq 1 ] || { cat "$TMP/srv.err"; fail "receiver exit $rc, expected 1"; }
assert_contains "$TMP/srv.err" "peer closed after [0-9]+ of 107374182400 bytes|receive failed: Connection reset" "short stream reported"
assert_contains "$TMP/srv.err" "validation: ok" "what arrived was still valid"
ok "short stream reported"
