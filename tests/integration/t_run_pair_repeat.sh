#!/bin/bash
# run_pair.sh --repeat 3: three rounds, the tools interleaved with the order
# rotated each round; summary.json's median/min/max and the ratio's spread
# are those of the rounds' own figures; bars.dat carries them to the plot's
# error bars; results_index.py lists the run with its ratio range.
. "$(dirname "$0")/lib.sh"
need_run_pair iperf3 gnuplot
run_pair --time 1 --flows 1 \
	--repeat 3 --port 5401 --out "$TMP/res/rep" >"$TMP/stdout" 2>"$TMP/stderr" ||
	{ cat "$TMP/stdout" "$TMP/stderr"; fail "run_pair.sh --repeat 3 exit $?"; }
assert_contains "$TMP/stdout" '^PASS$' "PASS"
assert_contains "$TMP/stdout" 'ratio ncdevmem/iperf3 [0-9.]+ \(min [0-9.]+, max [0-9.]+\)' "ratio range printed"
python3 - "$TMP/res/rep" <<'PY' || fail "rounds and statistics"
import json, statistics, sys
d = sys.argv[1]
orders = [open("%s/r%d/order.txt" % (d, r)).read().split() for r in (1, 2, 3)]
assert orders == [["ncdevmem", "iperf3", "iperf3-l"], ["iperf3", "iperf3-l", "ncdevmem"],
                  ["iperf3-l", "ncdevmem", "iperf3"]], orders
s = json.load(open(d + "/summary.json"))
assert s["repeat"] == 3 and len(s["rounds"]) == 3, s["repeat"]
for tool in ("ncdevmem", "iperf3", "iperf3-l"):
    per = []
    for r in (1, 2, 3):
        if tool == "ncdevmem":
            j = json.load(open("%s/r%d/ncdevmem-server.json" % (d, r)))
            per.append(j["end"]["sum"]["bits_per_second"] / 1e9)
        else:
            j = json.load(open("%s/r%d/%s-client.h1.json" % (d, r, tool)))
            per.append(j["end"]["sum_received"]["bits_per_second"] / 1e9)
    st = s["stats"][tool]["gbps"]
    assert abs(st["median"] - statistics.median(per)) < 1e-9, (tool, st, per)
    assert st["min"] == min(per) and st["max"] == max(per), (tool, st, per)
ratios = [r["ratio"] for r in s["rounds"]]
rs = s["ratios"]["ratio"]
assert rs["min"] == min(ratios) and rs["max"] == max(ratios), (rs, ratios)
assert abs(rs["spread"] - (max(ratios) - min(ratios)) / statistics.median(ratios)) < 1e-9, rs
# the plot's error bars: bars.dat rows are median min max per tool
rows = [l.rsplit('"', 1)[1].split() for l in open(d + "/bars.dat") if l.startswith('"')]
assert len(rows) == 3, rows
g = s["stats"]["ncdevmem"]["gbps"]
assert [float(x) for x in rows[0][:3]] == [round(g[k], 4) for k in ("median", "min", "max")], rows[0]
PY
grep -q 'yerrorbars' "$TMP/res/rep/throughput.gp" || fail "no error bars in the plot script"
python3 "$ROOT/scripts/results_index.py" "$TMP/res" >/dev/null || fail "results_index.py exit $?"
assert_contains "$TMP/res/index.md" '^\| \[rep\]\(rep/summary\.md\) \| run_pair \| copy/host, 1 flow\(s\) \| 3 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \([0-9.]+\.\.[0-9.]+\) \| [0-9.]+ \| PASS \|$' "index row"
ok "run_pair.sh --repeat 3"
