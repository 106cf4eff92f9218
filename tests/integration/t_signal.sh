#!/bin/bash
# SIGINT / SIGTERM while streaming: partial results are printed and the exit
# code says the run was cut short (128 + signal).
. "$(dirname "$0")/lib.sh"
netns_pair_up
for sig in INT TERM; do
	bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5208 --validate -i 0.2 -J >"$TMP/srv.json" 2>/dev/null
	srv=$BG_PID
	wait_listen "$NS_A" 5208
	# a file of this round's own: the client's shell opens (and empties)
	# it only once it runs, so the last round's lines would pass for data
	# moving before this client even connected
	in_b "$NCDEVMEM" -s "$ADDR_A" -p 5208 --validate --time 60 -i 0.2 2>"$TMP/cli.$sig.err" &
	cli=$!
	wait_streaming "$TMP/cli.$sig.err"
	kill -$sig $srv
	wait $srv; rc=$?
	want=$((128 + $(kill -l $sig)))
	[ $rc -eq $want ] || fail "SIG$sig: exit $rc, expected $want"
	python3 - "$TMP/srv.json" <<'PY' || fail "partial JSON after SIG$sig"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["end"]["sum"]["bytes"] > 0 and d["end"]["interrupted_by_signal"] > 0
assert d["end"]["sum"]["validation"]["result"] == "ok"
PY
	wait $cli	# the client sees the reset and ends by itself
done
ok "signals"
