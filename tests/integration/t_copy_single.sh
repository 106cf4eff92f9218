#!/bin/bash
# One validated flow across a veth pair; both sides agree on the byte count.
. "$(dirname "$0")/lib.sh"
netns_pair_up
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5201 --validate --bytes 256M -J \
	>"$TMP/srv.json" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5201
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5201 --validate --bytes 256M -i 0 2>"$TMP/cli.err" ||
	{ cat "$TMP/cli.err"; fail "client exit $?"; }
wait $srv || { cat "$TMP/srv.err"; fail "server exit $?"; }
python3 - "$TMP/srv.json" <<'PY' || fail "server JSON"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["end"]["sum"]
assert s["bytes"] == 256 << 20, s
assert s["validation"]["result"] == "ok", s
assert s["validation"]["checked_bytes"] == 256 << 20, s
assert s["bits_per_second"] > 0
assert d["start"]["mode"] == "copy" and d["start"]["pattern"] == "offset"
PY
assert_contains "$TMP/cli.err" "sender copy/host: 268435456 bytes" "client summary"
ok "256 MiB validated"
