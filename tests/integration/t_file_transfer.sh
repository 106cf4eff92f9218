#!/bin/bash
# netcat behaviour: stdin on the client, stdout on the server, same checksum.
. "$(dirname "$0")/lib.sh"
netns_pair_up
head -c 24M /dev/urandom >"$TMP/in.bin"
printf 'tail without newline' >>"$TMP/in.bin"
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5204 >"$TMP/out.bin" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5204
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5204 <"$TMP/in.bin" 2>"$TMP/cli.err" ||
	{ cat "$TMP/cli.err"; fail "client"; }
wait $srv || { cat "$TMP/srv.err"; fail "server"; }
a=$(sha256sum <"$TMP/in.bin"); b=$(sha256sum <"$TMP/out.bin")
[ "$a" = "$b" ] || fail "checksums differ: $a vs $b"
ok "sha256 matches ($a)"
