#!/bin/bash
# Who may connect to a server (issue 12):
# - -c ADDR: a stranger (the other address of the same host) is closed at
#   once and counted; the stream that is validated is the -c peer's;
# - 300 idle connections do not keep the real client out of a -P 1 server;
# - a connection beyond -P is refused at once, not queued behind the flow.
. "$(dirname "$0")/fault_lib.sh"
need_root
need_cmd python3
netns_pair_up
ADDR_B2=${ADDR_A%.1}.3
ip -n "$NS_B" addr add "$ADDR_B2/24" dev "$IF_B" || fail "second address"

# connections: N flow(s), N empty (...), N silent, N refused (...), N rejected (...)
conn_count() {	# file, kind
	sed -n "s/.*connections: .* \([0-9]*\) $2.*/\1/p" "$1" | tail -1
}

bg_a "$NCDEVMEM" -l -s "$ADDR_A" -c "$ADDR_B2" -p 5301 --validate -i 0 2>"$TMP/s1.err"
srv=$BG_PID
wait_listen "$NS_A" 5301
in_b timeout 60 "$NCDEVMEM" -s "$ADDR_A" -p 5301 --validate --bytes 1M -i 0 2>"$TMP/stranger.err"
in_b timeout 60 "$NCDEVMEM" -s "$ADDR_A" -c "$ADDR_B2" -p 5301 --validate --bytes 2M -i 0 \
	2>"$TMP/c1.err" || { cat "$TMP/s1.err" "$TMP/c1.err"; fail "the -c peer after a stranger"; }
wait_gone $srv 30 || { kill -9 $srv; fail "server did not end after the -c peer's flow"; }
wait $srv; rc=$?
[ $rc -eq 0 ] || { cat "$TMP/s1.err"; fail "-c server: exit $rc"; }
assert_contains "$TMP/s1.err" "validation: ok, 2097152 bytes checked" "the -c peer's 2M validated"
[ "$(conn_count "$TMP/s1.err" rejected)" = 1 ] || { cat "$TMP/s1.err"; fail "the stranger not counted as rejected"; }

# 300 connections that never send, then the real client
bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5302 --validate -i 0 2>"$TMP/s2.err"
srv=$BG_PID
wait_listen "$NS_A" 5302
bg_b python3 -c '
import select, socket, sys, time
socks = []
for i in range(300):
    s = socket.socket(); s.setblocking(False)
    s.connect_ex((sys.argv[1], 5302)); socks.append(s)
_, w, _ = select.select([], socks, [], 30)
print(len(w), flush=True)
time.sleep(600)' "$ADDR_A" >"$TMP/idle.out"
at_exit kill $BG_PID
for ((i = 0; i < 600; i++)); do [ -s "$TMP/idle.out" ] && break; sleep 0.05; done
[ -s "$TMP/idle.out" ] || fail "the 300 idle connections never finished connecting"
in_b timeout 60 "$NCDEVMEM" -s "$ADDR_A" -p 5302 --validate --bytes 1M -i 0 --connect-timeout 20 \
	2>"$TMP/c2.err" || { cat "$TMP/c2.err"; fail "real client behind 300 idle connections"; }
wait_gone $srv 30 || { kill -9 $srv; fail "server pinned by idle connections"; }
wait $srv; rc=$?
[ $rc -eq 0 ] || { cat "$TMP/s2.err"; fail "server with 300 idle connections: exit $rc"; }
n=$(( $(conn_count "$TMP/s2.err" silent) + $(conn_count "$TMP/s2.err" refused) ))
[ "$n" -ge 1 ] || { cat "$TMP/s2.err"; fail "idle connections not counted"; }

# a second client while the flow of a -P 1 server streams
bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5303 --validate -i 0.2 2>"$TMP/s3.err"
srv=$BG_PID
wait_listen "$NS_A" 5303
bg_b "$NCDEVMEM" -s "$ADDR_A" -p 5303 --validate --time 60 -i 0 2>"$TMP/c3.err"
cli=$BG_PID
wait_streaming "$TMP/s3.err" 300
in_b timeout 30 "$NCDEVMEM" -s "$ADDR_A" -p 5303 --validate --bytes 1M -i 0 --idle-timeout 20 \
	2>"$TMP/extra.err"
rc=$?
[ $rc -eq 1 ] || { cat "$TMP/extra.err"; fail "a connection beyond -P: exit $rc, expected 1 (refused at once)"; }
kill -0 $cli 2>/dev/null || fail "the real flow ended before the extra client was refused"
kill -INT $cli
wait $cli
wait_gone $srv 30 || { kill -9 $srv; fail "server did not end"; }
wait $srv
[ "$(conn_count "$TMP/s3.err" refused)" = 1 ] || { cat "$TMP/s3.err"; fail "the extra connection not counted as refused"; }
ok "-c filters peers, idle connections do not keep the client out, beyond -P refused at once"
