#!/bin/bash
# scripts/run_pair.sh in its no-argument style (own namespace pair, copy mode,
# validation, ncdevmem then iperf3): summary.md has the table with positive
# numbers, throughput.png is a PNG, validation passed, no namespace is left.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd iperf3
need_cmd gnuplot
need_cmd python3
[ -x "$NCDEVMEM" ] || skip "no ncdevmem binary at $NCDEVMEM"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
before=$(ip netns list | grep -c '^ncd-rp-')
NCD_NO_DEPS=1 NCDEVMEM=$NCDEVMEM "$ROOT/scripts/run_pair.sh" --time 2 --port 5391 \
	--out "$TMP/out" >"$TMP/stdout" 2>"$TMP/stderr" ||
	{ cat "$TMP/stdout" "$TMP/stderr"; fail "run_pair.sh exit $?"; }
after=$(ip netns list | grep -c '^ncd-rp-')
[ "$after" -le "$before" ] || fail "run_pair.sh left network namespaces behind"
assert_contains "$TMP/stdout" '^PASS$' "human summary ends with PASS"
assert_contains "$TMP/stdout" 'ratio ncdevmem/iperf3 [0-9]' "human summary has the ratio"
for f in summary.md throughput.png ncdevmem-server.json ncdevmem-client.json \
	iperf3-server.json iperf3-client.json meta.json; do
	[ -s "$TMP/out/$f" ] || fail "$f missing or empty"
done
head -c 8 "$TMP/out/throughput.png" | od -An -tx1 | grep -q '89 50 4e 47' ||
	fail "throughput.png is not a PNG"
python3 - "$TMP/out/summary.md" <<'PY' || fail "summary.md table"
import sys
rows = [l for l in open(sys.argv[1]) if l.startswith("|")]
assert len(rows) == 3, rows
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
ok "run_pair.sh no-arg style"

# A corrupted byte: validation fails, the run exits non-zero, says why, and
# still cleans up its namespaces.
NCD_NO_DEPS=1 NCDEVMEM=$NCDEVMEM "$ROOT/scripts/run_pair.sh" --time 1 --flows 1 --port 5391 \
	--no-iperf --client-args "--corrupt-at 100000" --out "$TMP/bad" \
	>"$TMP/bad.out" 2>"$TMP/bad.err" && { cat "$TMP/bad.out" "$TMP/bad.err"; fail "corrupted run exit 0"; }
assert_contains "$TMP/bad.out" '^FAIL: .*validation failed' "validation failure reported"
assert_contains "$TMP/bad/summary.md" '\| copy \| host \| 1 \| [0-9.]+ \| [0-9.]+ \| failed \|' "failed in the table"
after=$(ip netns list | grep -c '^ncd-rp-')
[ "$after" -le "$before" ] || fail "failed run left network namespaces behind"
ok "validation failure is a failed run"
