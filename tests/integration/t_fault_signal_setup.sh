#!/bin/bash
# SIGINT / SIGTERM before anything connects: the server stops at once with
# 128 + signal; a client stuck connecting does the same.  Nothing is left
# listening afterwards.
. "$(dirname "$0")/fault_lib.sh"
netns_pair_up
for sig in INT TERM; do
	want=$((128 + $(kill -l $sig)))
	bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5250 --validate -P 2 2>"$TMP/srv.err"
	srv=$BG_PID
	wait_listen "$NS_A" 5250
	t0=$(date +%s%N)
	kill -$sig $srv
	wait_gone $srv 5 || fail "SIG$sig: server still waiting for clients after 5 s"
	wait $srv; rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ $rc -eq $want ] || { cat "$TMP/srv.err"; fail "server SIG$sig: exit $rc, expected $want"; }
	assert_contains "$TMP/srv.err" "stopping" "server SIG$sig: says it stops"
	in_a ss -Hltn "sport = :5250" | grep -q . && fail "SIG$sig: port 5250 still listening"
	ok "server SIG$sig before any client: exit $rc in $ms ms"

	# a client whose connect() waits on an address nobody answers (ARP)
	bg_b "$NCDEVMEM" -s "${ADDR_A%.*}.99" -p 5250 --validate --time 5 2>"$TMP/cli.err"
	cli=$BG_PID
	sleep 0.5
	kill -$sig $cli
	wait_gone $cli 5 || fail "SIG$sig: client still connecting after 5 s"
	wait $cli; rc=$?
	[ $rc -eq $want ] || { cat "$TMP/cli.err"; fail "client SIG$sig while connecting: exit $rc, expected $want"; }
	ok "client SIG$sig while connecting: exit $rc"
done
