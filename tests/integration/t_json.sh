#!/bin/bash
# -J: stdout carries exactly one JSON document (iperf3-like), on both sides.
. "$(dirname "$0")/lib.sh"
netns_pair_up
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5209 -v 5 -J -i 0.1 >"$TMP/srv.json" 2>/dev/null &
srv=$!
wait_listen "$NS_A" 5209
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5209 -v 5 --bytes 32M -J >"$TMP/cli.json" || fail "client"
wait $srv || fail "server"
for f in srv cli; do
	python3 -m json.tool "$TMP/$f.json" >/dev/null || fail "$f output is not JSON"
done
python3 - "$TMP/srv.json" "$TMP/cli.json" <<'PY' || fail "JSON content"
import json, sys
for p in sys.argv[1:]:
    d = json.load(open(p))
    assert set(d) == {"start", "intervals", "end"}, d.keys()
    assert d["end"]["sum"]["bytes"] == 32 << 20
    assert d["start"]["pattern"] == "upstream"
PY
ok "JSON"
