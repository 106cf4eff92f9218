#!/bin/bash
# Bounded waits on the client (issue 12):
# - a peer that never answers the SYN (a static neighbour entry to a MAC
#   nobody has): --connect-timeout ends the attempt with a one-line reason;
# - SIGINT during that connect ends the client at once with 130, not after
#   the kernel's two minutes of SYN retries;
# - a server that stops reading (socat -u from /dev/zero) fails the client's
#   send after --idle-timeout without progress;
# - a server that keeps sending after the client's end (socat both ways
#   with /dev/zero) cannot hold the client's drain past --idle-timeout.
. "$(dirname "$0")/lib.sh"
need_root
netns_pair_up
hole=${ADDR_A%.1}.9
ip -n "$NS_B" neigh add "$hole" lladdr 02:00:00:00:00:09 dev "$IF_B" nud permanent ||
	fail "static neighbour"

in_b timeout 30 "$NCDEVMEM" -s "$hole" -p 5271 --validate --bytes 1M --connect-timeout 0.5 \
	2>"$TMP/c1.err"
rc=$?
[ $rc -eq 1 ] || { cat "$TMP/c1.err"; fail "connect timeout: exit $rc, expected 1 (124: it hung)"; }
assert_contains "$TMP/c1.err" "connecting to $hole port 5271 failed: Connection timed out: no answer" \
	"the timeout's one line"

bg_b "$NCDEVMEM" -s "$hole" -p 5272 --validate --bytes 1M --connect-timeout 0 -i 0.1 2>"$TMP/c2.err"
cli=$BG_PID
# the SYN on the wire says the client is inside connect()
for ((i = 0; i < 200; i++)); do
	ip netns exec "$NS_B" ss -Htn state syn-sent | grep -qF "$hole]:5272" && break
	sleep 0.05
done
[ $i -lt 200 ] || fail "the client never got to connect()"
kill -INT $cli
for ((i = 0; i < 100; i++)); do kill -0 $cli 2>/dev/null || break; sleep 0.05; done
kill -0 $cli 2>/dev/null && { kill -9 $cli; fail "SIGINT did not end a client stuck in connect() within 5 s"; }
wait $cli; rc=$?
[ $rc -eq 130 ] || { cat "$TMP/c2.err"; fail "SIGINT in connect: exit $rc, expected 130"; }

need_cmd socat
bg_a socat -u OPEN:/dev/zero TCP-LISTEN:5273,bind="$ADDR_A",reuseaddr
at_exit kill $BG_PID
wait_listen "$NS_A" 5273
in_b timeout 60 "$NCDEVMEM" -s "$ADDR_A" -p 5273 --validate --bytes 1G --idle-timeout 1 -i 0 \
	2>"$TMP/c3.err"
rc=$?
[ $rc -eq 1 ] || { cat "$TMP/c3.err"; fail "send to a peer that stopped reading: exit $rc, expected 1 (124: it hung)"; }
assert_contains "$TMP/c3.err" "no progress within --idle-timeout: the peer stopped reading" "the send's reason"

bg_a socat OPEN:/dev/zero TCP-LISTEN:5274,bind="$ADDR_A",reuseaddr
at_exit kill $BG_PID
wait_listen "$NS_A" 5274
in_b timeout 60 "$NCDEVMEM" -s "$ADDR_A" -p 5274 --validate --bytes 1M --idle-timeout 1 -i 0 \
	2>"$TMP/c4.err"
rc=$?
[ $rc -eq 0 ] || { cat "$TMP/c4.err"; fail "drain against a sending peer: exit $rc (124: it hung)"; }
assert_contains "$TMP/c4.err" "the peer did not close within 1 s of our end" "the drain's warning"
ok "connect timeout, SIGINT in connect, send and drain bounded by --idle-timeout"
