#!/bin/bash
# -J output is always a valid UTF-8 JSON document, and a long -J run holds no
# more memory than a short one (issue 12):
# - a host name that is not UTF-8 reaches the flow's error text;
# - 4 s of 1 ms intervals over 16 flows is ~5 MB of interval JSON, which must
#   not stay in memory until the end (the receiver's peak RSS stays small).
. "$(dirname "$0")/lib.sh"
need_root
netns_pair_up

in_b "$NCDEVMEM" -s $'\xff\xfe-bad' -p 5261 --validate --bytes 1M -J >"$TMP/cli.json" 2>"$TMP/cli.err"
rc=$?
[ $rc -eq 1 ] || fail "a host that does not resolve: exit $rc, expected 1"
python3 - "$TMP/cli.json" <<'PY' || fail "JSON with a non-UTF-8 host name"
import json, sys
d = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))  # strict
err = d["end"]["streams"][0]["error"]
assert "\ufffd\ufffd-bad" in err, err
PY

in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5262 -P 16 --buf-size 64K --validate -i 0.001 -J \
	>"$TMP/srv.json" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5262
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5262 -P 16 --validate --time 4 -i 0 2>"$TMP/cli2.err" ||
	{ rc=$?; cat "$TMP/cli2.err"; fail "client exit $rc"; }
wait $srv || { rc=$?; cat "$TMP/srv.err"; fail "server exit $rc"; }
python3 - "$TMP/srv.json" "${NCD_SUITE:-plain}" <<'PY' || fail "interval JSON held in memory"
import json, os, sys
d = json.load(open(sys.argv[1]))
n, kb = len(d["intervals"]), d["end"]["max_rss_kb"]
size = os.path.getsize(sys.argv[1])
print("intervals %d, JSON %d bytes, receiver peak RSS %d KiB" % (n, size, kb))
assert n >= 500, n                     # enough intervals to matter
if sys.argv[2] == "plain":             # sanitizers carry shadow memory
    assert kb * 1024 < 4 << 20 or kb * 1024 < size / 2, (kb, size)
PY
ok "UTF-8 JSON; interval JSON kept out of memory"
