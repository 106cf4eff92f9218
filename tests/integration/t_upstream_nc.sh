#!/bin/bash
# The kernel selftest's -v scheme fed by a real netcat, as its docs show:
# yes $(echo -e \\x01..\\x06) | head -c N | nc  ->  ncdevmem -l -v 7.
. "$(dirname "$0")/lib.sh"
need_cmd nc
netns_pair_up
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5203 -v 7 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5203
in_b bash -c "yes \$(echo -e \\\\x01\\\\x02\\\\x03\\\\x04\\\\x05\\\\x06) | head -c 64M | nc -N $ADDR_A 5203" ||
	fail "nc sender"
wait $srv || { cat "$TMP/srv.err"; fail "server rejected a correct nc stream"; }
assert_contains "$TMP/srv.err" "validation: ok, 67108864 bytes checked" "checked count"

# The same stream against -v 8 must fail at the first '\n' (offset 6).
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5203 -v 8 2>"$TMP/srv2.err" &
srv=$!
wait_listen "$NS_A" 5203
in_b bash -c "yes \$(echo -e \\\\x01\\\\x02\\\\x03\\\\x04\\\\x05\\\\x06) | head -c 1M | nc -N $ADDR_A 5203"
wait $srv && fail "wrong line length accepted"
assert_contains "$TMP/srv2.err" "first at stream offset 6: expected 0x07, got 0x0a" "first mismatch"
ok "upstream -v with nc"
