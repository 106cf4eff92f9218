#!/bin/bash
# SIGINT / SIGTERM to the client while it streams: the partial result is
# printed (text and -J), the exit code is 128 + signal, and the server sees
# a clean end of a valid stream.
. "$(dirname "$0")/fault_lib.sh"
netns_pair_up
for sig in INT TERM; do
	want=$((128 + $(kill -l $sig)))
	bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5260 --validate -i 0.1 2>"$TMP/srv.err"
	srv=$BG_PID
	wait_listen "$NS_A" 5260
	bg_b "$NCDEVMEM" -s "$ADDR_A" -p 5260 --validate --time 600 -i 0.2 -J >"$TMP/cli.json" 2>"$TMP/cli.err"
	cli=$BG_PID
	# -J holds the client's intervals until the end: the server's interval
	# line is the event that says data is moving
	wait_streaming "$TMP/srv.err" 600
	kill -$sig $cli
	wait_gone $cli 10 || fail "SIG$sig: client does not stop"
	wait $cli; rc=$?
	[ $rc -eq $want ] || { cat "$TMP/cli.err"; fail "client SIG$sig: exit $rc, expected $want"; }
	python3 - "$TMP/cli.json" <<'PY' || fail "partial JSON after SIG$sig"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["end"]["sum"]["bytes"] > 0, d["end"]
assert d["end"]["interrupted_by_signal"] > 0, d["end"]
PY
	wait_gone $srv 10 || fail "SIG$sig: server hangs after the client stopped"
	wait $srv; srv_rc=$?
	[ $srv_rc -eq 0 ] || { cat "$TMP/srv.err"; fail "server after client SIG$sig: exit $srv_rc, expected 0"; }
	assert_contains "$TMP/srv.err" "validation: ok" "what arrived was valid"
	ok "client SIG$sig: exit $rc, partial JSON, server ok"
done
