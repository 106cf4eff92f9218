#!/bin/bash
# scripts/run_pair.sh in its no-argument style (own namespace pair, copy mode,
# validation, ncdevmem then iperf3 plain and with -l 256K): summary.md has the
# table with positive numbers, throughput.png/.svg are drawn, validation
# passed, no namespace is left; commands.txt has one command per line (it
# used to print "remote: " before every word), both hosts' kernel and NIC
# driver, both tools' versions and CPU per GB on both sides are recorded.
. "$(dirname "$0")/lib.sh"
need_run_pair iperf3 gnuplot
run_pair --time 2 --port 5391 \
	--out "$TMP/out" >"$TMP/stdout" 2>"$TMP/stderr" ||
	{ cat "$TMP/stdout" "$TMP/stderr"; fail "run_pair.sh exit $?"; }
left=$(run_pair_leftovers "$TMP/stderr") && fail "run_pair.sh left network namespaces behind: $left"
assert_contains "$TMP/stdout" '^PASS$' "human summary ends with PASS"
assert_contains "$TMP/stdout" 'ratio ncdevmem/iperf3 [0-9]' "human summary has the ratio"
for f in summary.md summary.json throughput.png throughput.svg meta.json commands.txt \
	r1/ncdevmem-server.json r1/ncdevmem-client.h1.json r1/iperf3-server.h1.json \
	r1/iperf3-client.h1.json r1/iperf3-l-server.h1.json r1/iperf3-l-client.h1.json; do
	[ -s "$TMP/out/$f" ] || fail "$f missing or empty"
done
grep -q '</svg>' "$TMP/out/throughput.svg" || fail "throughput.svg is not a whole SVG"
head -c 8 "$TMP/out/throughput.png" | od -An -tx1 | grep -q '89 50 4e 47' ||
	fail "throughput.png is not a PNG"
python3 - "$TMP/out/summary.md" <<'PY' || fail "summary.md table"
import sys
lines = open(sys.argv[1]).read().split("\n")
i = next(n for n, l in enumerate(lines) if l.startswith("|"))
rows = lines[i:i + 3]
head = [c.strip() for c in rows[0].strip().strip("|").split("|")]
vals = [c.strip() for c in rows[2].strip().strip("|").split("|")]
assert head == ["mode", "memory", "flows", "Gb/s", "CPU s per GB", "validation",
                "iperf3 Gb/s", "ncdevmem/iperf3"], head
r = dict(zip(head, vals))
assert r["mode"] == "copy" and r["memory"] == "host" and r["flows"] == "2", r
assert r["validation"] == "ok", r
for k in ("Gb/s", "CPU s per GB", "iperf3 Gb/s", "ncdevmem/iperf3"):
    assert float(r[k]) > 0, (k, r[k])
PY

# commands.txt: exactly the six commands, one per line, each named once
[ "$(wc -l <"$TMP/out/commands.txt")" = 6 ] || { cat "$TMP/out/commands.txt"; fail "commands.txt: not 6 lines"; }
grep -vqE '^(local|remote1): +[^ ]' "$TMP/out/commands.txt" && fail "commands.txt: a line without its side"
grep -qE 'remote1?:.*remote1?:' "$TMP/out/commands.txt" && fail "commands.txt: several sides on one line"
assert_contains "$TMP/out/commands.txt" '^remote1: +ip netns exec ncd-rp-r1-[0-9-]+ [^ ]*/ncdevmem -s 198\.18\.0\.1 -p 5391 -P 2 --validate --time 2 -J' "ncdevmem client command"
assert_contains "$TMP/out/commands.txt" '^remote1: .*iperf3 -c 198\.18\.0\.1 .* -J -l 256K$' "iperf3 -l command"
python3 - "$TMP/out" "$(uname -r)" <<'PY' || fail "summary.json: hosts, versions, CPU per GB"
import json, sys
d, kernel = sys.argv[1:]
s = json.load(open(d + "/summary.json"))
h = s["hosts"]
for side in ("local", "remote1"):
    assert h[side]["kernel"] == kernel, h[side]
    assert h[side]["cpus"] >= 1 and h[side]["cpu_model"], h[side]
    assert h[side]["nic"]["driver"] == "veth", h[side]["nic"]
    v = h[side + "_versions"] if side == "local" else h["remote1_versions"]
    assert v[0].startswith("ncdevmem ") and v[1].startswith("iperf 3"), v
for tool in ("ncdevmem", "iperf3", "iperf3-l"):
    for k in ("gbps", "rx_cpu_s_per_gb", "tx_cpu_s_per_gb"):
        assert s["stats"][tool][k]["median"] > 0, (tool, k, s["stats"][tool])
# the -l run really used 256 KiB writes
c = json.load(open(d + "/r1/iperf3-l-client.h1.json"))
assert c["start"]["test_start"]["blksize"] == 262144, c["start"]["test_start"]
assert len(s["commands"]) == 6, s["commands"]
# one reader for both tools: the iperf3 keys resolve the same way
for name in ("ncdevmem-client.h1", "iperf3-client.h1"):
    j = json.load(open("%s/r1/%s.json" % (d, name)))
    assert j["end"]["sum_received"]["bits_per_second"] > 0, name
    assert j["end"]["cpu_utilization_percent"]["host_total"] > 0, name
    assert j["start"]["timestamp"]["timesecs"] > 0, name
    assert j["end"]["streams"][0]["sender"]["bytes"] > 0, name
    assert isinstance(j["end"]["sum_sent"]["retransmits"], int), name
assert isinstance(s["retransmits"], int), s.get("retransmits")
PY
ok "run_pair.sh no-arg style"

# A corrupted byte: validation fails, the run exits non-zero, says why, and
# still cleans up its namespaces.
run_pair --time 1 --flows 1 --port 5391 \
	--no-iperf --client-args "--corrupt-at 100000" --out "$TMP/bad" \
	>"$TMP/bad.out" 2>"$TMP/bad.err" && { cat "$TMP/bad.out" "$TMP/bad.err"; fail "corrupted run exit 0"; }
assert_contains "$TMP/bad.out" '^FAIL: .*validation failed' "validation failure reported"
assert_contains "$TMP/bad/summary.md" '\| copy \| host \| 1 \| [0-9.]+ \| [0-9.]+ \| failed \|' "failed in the table"
left=$(run_pair_leftovers "$TMP/bad.err") && fail "failed run left network namespaces behind: $left"
ok "validation failure is a failed run"
