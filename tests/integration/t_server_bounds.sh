#!/bin/bash
# Bounded waits on the server (issue 12):
# - --time ends a server run that no peer came to: exit 1, one line why,
#   and "validation: FAILED, no payload received";
# - a peer that sends one -v 7 line and then nothing cannot pin the server:
#   --idle-timeout fails the flow with a line naming the timeout;
# - SIGTERM reaches a server blocked in accept and one blocked in recv on
#   such a silent peer: 143 promptly (generous bound: the machine is loaded).
. "$(dirname "$0")/fault_lib.sh"
need_root
netns_pair_up

in_a timeout 30 "$NCDEVMEM" -l -s "$ADDR_A" -p 5281 --validate --time 1 -i 0 2>"$TMP/s1.err"
rc=$?
[ $rc -eq 1 ] || { cat "$TMP/s1.err"; fail "--time with no peer: exit $rc, expected 1 (124: it never ended)"; }
assert_contains "$TMP/s1.err" "flow 1: no peer connected within --time 1 s" "why it ended"
assert_contains "$TMP/s1.err" "validation: FAILED, no payload received" "nothing checked is no pass"

# one good line, then silence (the holder keeps the socket open)
silent_peer() {
	bg_b bash -c "exec 3<>/dev/tcp/$ADDR_A/$1 && printf '\\1\\2\\3\\4\\5\\6\\n' >&3 && exec sleep 300"
	at_exit kill $BG_PID
}
# wait until the server has counted the line (an interval line with bytes)
bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5282 -v 7 --idle-timeout 1 -i 0.1 2>"$TMP/s2.err"
srv=$BG_PID
wait_listen "$NS_A" 5282
silent_peer 5282
wait_gone $srv 30 || { kill -9 $srv; cat "$TMP/s2.err"; fail "a silent peer pinned the server past --idle-timeout 1"; }
wait $srv; rc=$?
[ $rc -eq 1 ] || { cat "$TMP/s2.err"; fail "silent peer: exit $rc, expected 1"; }
assert_contains "$TMP/s2.err" "flow 1: no data for 1 s after 7 bytes: the peer went silent \(--idle-timeout\)" \
	"the timeout named"

# SIGTERM in accept and in recv
term_within() {	# what, pid, err file
	local t0 t1
	t0=$(date +%s%N)
	kill -TERM "$2"
	wait_gone "$2" 10 || { kill -9 "$2"; fail "SIGTERM did not end a server $1 within 10 s"; }
	t1=$(date +%s%N)
	wait "$2"; rc=$?
	[ $rc -eq 143 ] || { cat "$3"; fail "SIGTERM $1: exit $rc, expected 143"; }
	echo "SIGTERM $1: gone after $(( (t1 - t0) / 1000000 )) ms"
}
bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5283 --validate --idle-timeout 0 -i 0 2>"$TMP/s3.err"
srv=$BG_PID
wait_listen "$NS_A" 5283
term_within "waiting in accept" $srv "$TMP/s3.err"

bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5284 -v 7 --idle-timeout 0 -i 0.1 2>"$TMP/s4.err"
srv=$BG_PID
wait_listen "$NS_A" 5284
silent_peer 5284
wait_streaming "$TMP/s4.err" 300
term_within "blocked in recv" $srv "$TMP/s4.err"
ok "--time without a peer, --idle-timeout on receives, SIGTERM in accept and recv"
