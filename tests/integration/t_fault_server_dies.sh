#!/bin/bash
# The server goes away mid-stream (SIGKILL, and a server that stops after
# --bytes and closes with data unread): the client reports the error and
# exits 1; it neither hangs nor dies of SIGPIPE.
. "$(dirname "$0")/fault_lib.sh"
netns_pair_up
for how in kill bytes; do
	extra=()
	# --no-ctrl: a server on its own options (with the control connection
	# the client would take its --bytes and stop in time)
	[ $how = bytes ] && extra=(--bytes 50M --no-ctrl)
	bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5230 --validate -i 0 "${extra[@]}" 2>"$TMP/srv.err"
	srv=$BG_PID
	wait_listen "$NS_A" 5230
	bg_b "$NCDEVMEM" -s "$ADDR_A" -p 5230 --validate --time 60 -i 0.2 2>"$TMP/cli.err"
	cli=$BG_PID
	if [ $how = kill ]; then
		wait_streaming "$TMP/cli.err"
		kill -9 $srv
	fi
	wait_gone $cli 20 || fail "$how: client hangs after the server went away"
	wait $cli; rc=$?
	[ $rc -eq 141 ] && fail "$how: client died of SIGPIPE"
	[ $rc -eq 1 ] || { cat "$TMP/cli.err"; fail "$how: client exit $rc, expected 1"; }
	assert_contains "$TMP/cli.err" "flow 1: send failed after [0-9]+ bytes: (Connection reset by peer|Broken pipe)" \
		"$how: the send error is reported"
	assert_contains "$TMP/cli.err" "^sender .* bytes in" "$how: the summary is still printed"
	wait $srv 2>/dev/null
	ok "$how: $(grep -m1 'send failed' "$TMP/cli.err")"
done
