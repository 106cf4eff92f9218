#!/bin/bash
# run_pair.sh --fan-in 3: three sender namespaces on a bridge send to one
# ncdevmem receiver (-P 3) and to one iperf3 server each; the receiver got
# exactly what the three senders sent, validated, and the summary has a
# per-sender row for each and the total.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd iperf3
need_cmd python3
[ -x "$NCDEVMEM" ] || skip "no ncdevmem binary at $NCDEVMEM"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NCD_NO_DEPS=1 NCDEVMEM=$NCDEVMEM "$ROOT/scripts/run_pair.sh" --time 1 --flows 1 \
	--fan-in 3 --port 5411 --out "$TMP/out" >"$TMP/stdout" 2>"$TMP/stderr" ||
	{ cat "$TMP/stdout" "$TMP/stderr"; fail "run_pair.sh --fan-in 3 exit $?"; }
left=$(run_pair_leftovers "$TMP/stderr") && fail "fan-in left network namespaces behind: $left"
assert_contains "$TMP/stdout" '^PASS$' "PASS"
assert_contains "$TMP/stdout" '1 flow\(s\) x 3 senders' "fan-in in the human summary"
for k in 1 2 3; do
	assert_contains "$TMP/out/commands.txt" "^remote$k: +ip netns exec ncd-rp-r$k-[0-9-]+ .*ncdevmem -s 198\\.18\\.0\\.1 -p 5411 -P 1 " "sender $k command"
	assert_contains "$TMP/out/commands.txt" "^remote$k: .*iperf3 -c 198\\.18\\.0\\.1 -B 198\\.18\\.0\\.$((k + 1)) -p $((5411 + k)) " "iperf3 sender $k"
done
python3 - "$TMP/out" <<'PY' || fail "per-sender and total figures"
import json, sys
d = sys.argv[1]
srv = json.load(open(d + "/r1/ncdevmem-server.json"))
assert srv["start"]["flows"] == 3 and len(srv["end"]["streams"]) == 3, srv["start"]
assert srv["end"]["sum"]["validation"]["result"] == "ok", srv["end"]["sum"]
sent = [json.load(open("%s/r1/ncdevmem-client.h%d.json" % (d, k)))["end"]["sum"]["bytes"]
        for k in (1, 2, 3)]
assert all(b > 0 for b in sent) and sum(sent) == srv["end"]["sum"]["bytes"], (sent, srv["end"]["sum"])
s = json.load(open(d + "/summary.json"))
assert s["senders"] == 3 and len(s["per_sender"]) == 3, s["senders"]
for tool in ("ncdevmem", "iperf3", "iperf3-l"):
    per = [p[tool]["median"] for p in s["per_sender"]]
    assert all(x > 0 for x in per), (tool, per)
ip = s["stats"]["iperf3"]["gbps"]["median"]
per = [p["iperf3"]["median"] for p in s["per_sender"]]
assert abs(ip - sum(per)) < 1e-6, (ip, per)
for k in (1, 2, 3):
    assert s["hosts"]["remote%d" % k]["nic"]["driver"] == "veth", s["hosts"]
PY
assert_contains "$TMP/out/summary.md" '^\| 3 \| 198\.18\.0\.4 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|$' "per-sender row"
assert_contains "$TMP/out/summary.md" '^\| total \| \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|$' "total row"
ok "run_pair.sh --fan-in 3"
