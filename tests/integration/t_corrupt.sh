#!/bin/bash
# A sender that flips one byte at a chosen stream offset is caught at exactly
# that offset, with expected and actual bytes, and the receiver exits 1.
. "$(dirname "$0")/lib.sh"
netns_pair_up
off=12345679
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5205 --validate -J >"$TMP/srv.json" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5205
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5205 --validate --bytes 64M --corrupt-at $off 2>"$TMP/cli.err" ||
	fail "client"
wait $srv; rc=$?
[ $rc -eq 1 ] || fail "receiver exit $rc, expected 1"
assert_one_flip "$TMP/srv.json" $off
ok "caught at $off"
