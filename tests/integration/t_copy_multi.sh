#!/bin/bash
# Four flows, one thread each, time-limited by the client: every flow carries
# data, validation passes per flow, and the receiver counts what was sent.
. "$(dirname "$0")/lib.sh"
netns_pair_up
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5202 -P 4 --validate -J \
	>"$TMP/srv.json" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5202
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5202 -P 4 --validate --time 2 -J \
	>"$TMP/cli.json" 2>"$TMP/cli.err" || { cat "$TMP/cli.err"; fail "client"; }
wait $srv || { cat "$TMP/srv.err"; fail "server exit"; }
python3 - "$TMP/srv.json" "$TMP/cli.json" <<'PY' || fail "multi-flow accounting"
import json, sys
srv = json.load(open(sys.argv[1])); cli = json.load(open(sys.argv[2]))
ss, cs = srv["end"]["streams"], cli["end"]["streams"]
assert len(ss) == 4 and len(cs) == 4
for s in ss:
    assert s["bytes"] > 0 and s["validation"]["result"] == "ok", s
assert srv["end"]["sum"]["bytes"] == cli["end"]["sum"]["bytes"], (srv["end"]["sum"], cli["end"]["sum"])
assert 1.5 < cli["end"]["sum"]["seconds"] < 4, cli["end"]["sum"]
assert len(cli["intervals"]) >= 2
PY
ok "4 flows"
