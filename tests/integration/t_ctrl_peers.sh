#!/bin/bash
# Plain peers need no control connection and lose nothing: nc into an
# ncdevmem server, an ncdevmem client into nc (no wait: nothing listens on
# the control port, so the client goes on at once).  Hostile control peers
# are bounded: a silent one and a garbage one are dropped by the server,
# which then serves a real client; a fake server that answers garbage (or
# nothing) on the control port leaves the client on its own options.
. "$(dirname "$0")/lib.sh"
need_cmd nc
need_cmd python3
netns_pair_up
head -c 3M /dev/urandom >"$TMP/in.bin"

# nc -> ncdevmem -l: payload first, no control connection
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5245 >"$TMP/out1.bin" 2>"$TMP/s1.err" &
srv=$!
wait_listen "$NS_A" 5245
in_b nc -N "$ADDR_A" 5245 <"$TMP/in.bin" || fail "nc client"
wait $srv || { cat "$TMP/s1.err"; fail "server fed by nc"; }
cmp -s "$TMP/in.bin" "$TMP/out1.bin" || fail "nc -> ncdevmem: payload differs"
ok "nc client, ncdevmem server"

# ncdevmem -s -> nc -l: the client must not wait for a control reply
in_a nc -l -s "$ADDR_A" -p 5245 >"$TMP/out2.bin" &
nc_pid=$!
wait_listen "$NS_A" 5245
t0=$(date +%s)
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5245 --connect-timeout 60 -i 0 <"$TMP/in.bin" 2>"$TMP/c2.err" ||
	{ cat "$TMP/c2.err"; fail "ncdevmem client into nc"; }
t1=$(date +%s)
wait $nc_pid
cmp -s "$TMP/in.bin" "$TMP/out2.bin" || fail "ncdevmem -> nc: payload differs"
[ $((t1 - t0)) -lt 30 ] || fail "client waited $((t1 - t0)) s for a control reply from nc"
ok "ncdevmem client, nc server"

# hostile control peers against the server: silent, then garbage
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5245 --connect-timeout 1 -i 0 2>"$TMP/s3.err" &
srv=$!
wait_listen "$NS_A" 5246
in_b python3 - "$ADDR_A" <<'PY' &
import socket, sys, time
s = socket.create_connection((sys.argv[1], 5246))   # silent
s.settimeout(20)
try:
    s.recv(1)          # the server drops it: EOF or reset
except OSError:
    pass
g = socket.create_connection((sys.argv[1], 5246))
g.sendall(b'GET / HTTP/1.0\r\n\r\n')
try:
    g.recv(1)
except OSError:
    pass
PY
hostile=$!
wait $hostile
assert_contains "$TMP/s3.err" "dropped a control connection: nothing within the time allowed" "silent control peer"
assert_contains "$TMP/s3.err" "dropped a control connection: not an ncdevmem control message" "garbage control peer"
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5245 --validate --bytes 4M -i 0 2>"$TMP/c3.err" ||
	{ cat "$TMP/c3.err"; fail "real client after hostile ones"; }
wait $srv || { cat "$TMP/s3.err"; fail "server after hostile control peers"; }
assert_contains "$TMP/s3.err" "validation: ok, 4194304 bytes checked" "server took the client's pattern"
ok "silent and garbage control peers dropped, the real client served"

# a fake server: garbage (an oversized frame) on the control port, nc on
# the data port; then one that says nothing.  The client runs plain.
for fake in "NCDC\x01\x02\xff\xff" silent; do
	in_a python3 - "$ADDR_A" "$fake" <<'PY' &
import socket, sys
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind((sys.argv[1], 5246)); l.listen(1)
c, _ = l.accept()
if sys.argv[2] != 'silent':
    c.sendall(sys.argv[2].encode().decode('unicode_escape').encode('latin-1'))
c.settimeout(30)
try:
    c.recv(1 << 16); c.recv(1)
except OSError:
    pass
PY
	fake_pid=$!
	wait_listen "$NS_A" 5246
	in_a nc -l -s "$ADDR_A" -p 5245 >"$TMP/out4.bin" &
	nc_pid=$!
	wait_listen "$NS_A" 5245
	in_b "$NCDEVMEM" -s "$ADDR_A" -p 5245 --connect-timeout 2 -i 0 <"$TMP/in.bin" 2>"$TMP/c4.err" ||
		{ cat "$TMP/c4.err"; fail "client with a fake control server ($fake)"; }
	wait $nc_pid
	kill $fake_pid 2>/dev/null; wait $fake_pid 2>/dev/null
	cmp -s "$TMP/in.bin" "$TMP/out4.bin" || fail "payload through a fake control server ($fake)"
	assert_contains "$TMP/c4.err" "no control reply on port 5246 .*running on this end's options" "client's note ($fake)"
done
ok "garbage and silent control servers: the client runs on its own options"
