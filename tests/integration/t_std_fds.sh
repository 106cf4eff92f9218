#!/bin/bash
# Closed standard fds and unwritable output (issue 12):
# - a client started with stderr closed must not write its interval lines
#   into the TCP stream (its socket would otherwise become fd 2);
# - a server started with stderr closed still runs and reports;
# - a netcat client with stdin closed sends nothing and ends, instead of
#   reading its own socket;
# - -J into a full disk (/dev/full) is a failure, never exit 0.
. "$(dirname "$0")/lib.sh"
need_root
netns_pair_up

in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5241 --validate -J >"$TMP/srv.json" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5241
in_b timeout 60 "$NCDEVMEM" -s "$ADDR_A" -p 5241 --validate --bytes 32M -i 0.01 2>&- ||
	fail "client with stderr closed: exit $?"
wait $srv || { rc=$?; cat "$TMP/srv.err"; fail "server saw a corrupted stream (client stderr closed): exit $rc"; }
python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))["end"]["sum"]["validation"]; assert v["result"]=="ok" and v["checked_bytes"]==32<<20, v' \
	"$TMP/srv.json" || fail "server verdict"

in_a timeout 60 "$NCDEVMEM" -l -s "$ADDR_A" -p 5242 --validate -J >"$TMP/srv2.json" 2>&- &
srv=$!
wait_listen "$NS_A" 5242
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5242 --validate --bytes 8M -i 0 2>"$TMP/cli2.err" || { rc=$?; cat "$TMP/cli2.err"; fail "client exit $rc"; }
wait $srv || fail "server with stderr closed: exit $?"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/srv2.json" ||
	fail "server with stderr closed: no JSON"

in_a timeout 60 "$NCDEVMEM" -l -s "$ADDR_A" -p 5243 >"$TMP/got" 2>"$TMP/srv3.err" &
srv=$!
wait_listen "$NS_A" 5243
in_b timeout 20 "$NCDEVMEM" -s "$ADDR_A" -p 5243 <&- 2>"$TMP/cli3.err" || { rc=$?; cat "$TMP/cli3.err"; fail "netcat client with stdin closed: exit $rc (124: it hung)"; }
wait $srv || { rc=$?; cat "$TMP/srv3.err"; fail "netcat server exit $rc"; }
[ ! -s "$TMP/got" ] || fail "stdin was closed, yet $(stat -c %s "$TMP/got") bytes arrived"

in_a timeout 60 "$NCDEVMEM" -l -s "$ADDR_A" -p 5244 --validate -J >/dev/full 2>"$TMP/srv4.err" &
srv=$!
wait_listen "$NS_A" 5244
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5244 --validate --bytes 1M -i 0 2>/dev/null || fail "client exit $?"
wait $srv; rc=$?
[ $rc -eq 1 ] || fail "-J to /dev/full: exit $rc, expected 1"
assert_contains "$TMP/srv4.err" "writing the JSON report failed: No space left on device" "the reason"
ok "closed fds parked on /dev/null; unwritable JSON fails the run"
