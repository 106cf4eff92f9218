#!/bin/bash
# A busy port gives one line naming the problem, exit 1.
. "$(dirname "$0")/lib.sh"
netns_pair_up
bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5207 --discard 2>/dev/null
first=$BG_PID	# the program itself: "in_a ... &" gave a subshell's pid
at_exit kill $first
wait_listen "$NS_A" 5207
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5207 --discard 2>"$TMP/err"; rc=$?
[ $rc -eq 1 ] || fail "exit $rc, expected 1"
assert_contains "$TMP/err" "port 5207 failed: Address already in use: another program has this port; pick another -p" "message"
[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "more than one line: $(cat "$TMP/err")"
# and nobody listening: the client says so
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5299 --validate --bytes 1M 2>"$TMP/err2"; rc=$?
[ $rc -eq 1 ] || fail "client exit $rc"
assert_contains "$TMP/err2" "Connection refused: is the server running" "client message"
ok "port in use / refused"
