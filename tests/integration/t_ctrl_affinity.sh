#!/bin/bash
# -A N,M (iperf3): the client pins itself to CPU N and carries M over the
# control connection; the server pins every thread to M for that run (its
# /proc status says so while the run lasts), both ends' JSON report the
# pair, and a --forever server goes back to its own CPUs for the next
# run.  A CPU the server lacks refuses the run with one line.
. "$(dirname "$0")/lib.sh"
need_cmd jq
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
netns_pair_up

allowed() { awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# wait_allowed PID LIST [WHILE]: wait (20 s at most) for PID's CPU list to
# become LIST; with WHILE, only while that process (the run) lasts
wait_allowed() {
	local i
	for ((i = 0; i < 400; i++)); do
		[ "$(allowed "$1")" = "$2" ] && return 0
		[ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null && break
		sleep 0.05
	done
	[ "$(allowed "$1")" = "$2" ]
}
base=$(allowed $$)

bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5245 -i 0 --forever -J >"$TMP/srv.json" 2>"$TMP/srv.err"
srv=$BG_PID
at_exit kill $srv
wait_listen "$NS_A" 5245
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5245 -A 0,1 --validate --time 2 -J >"$TMP/cli.json" 2>"$TMP/cli.err" &
cli=$!
wait_allowed $srv 1 $cli || fail "the server did not pin itself to CPU 1 during the run: '$(allowed $srv)'"
wait $cli || { cat "$TMP/cli.err"; fail "client with -A 0,1"; }
jq -e '.start.affinity == {"cpu": 0, "peer_cpu": 1} and .end.peer.validation.result == "ok"' \
	"$TMP/cli.json" >/dev/null || fail "client JSON: $(jq -c .start.affinity "$TMP/cli.json")"
ok "-A 0,1: the server ran on CPU 1"

# the next run (no -A) is back on the server's own CPUs
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5245 --validate --bytes 1M -J >"$TMP/cli2.json" 2>"$TMP/cli2.err" ||
	{ cat "$TMP/cli2.err"; fail "second client"; }
wait_allowed $srv "$base" || fail "the server stayed on '$(allowed $srv)', not back on '$base'"
ok "--forever: the next run is back on CPUs $base"

# a CPU the server lacks: the run is refused, one line
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5245 -A 0,1000 --validate --bytes 1M 2>"$TMP/cli3.err"
rc=$?
[ $rc -eq 2 ] || { cat "$TMP/cli3.err"; fail "-A 0,1000: exit $rc, expected 2"; }
[ "$(wc -l <"$TMP/cli3.err")" -eq 1 ] || fail "-A 0,1000: not one line: $(cat "$TMP/cli3.err")"
assert_contains "$TMP/cli3.err" "refused the run: -A N,M" "the refusal names -A"
kill -INT $srv; wait $srv
# the server's JSON of the first run: its CPU is the client's M
python3 - "$TMP/srv.json" <<'PY' || fail "server JSON lacks affinity {cpu 1, peer_cpu 0}"
import json, sys
dec, text, runs, i = json.JSONDecoder(), open(sys.argv[1]).read(), [], 0
while i < len(text):
    if text[i].isspace():
        i += 1
        continue
    obj, i = dec.raw_decode(text, i)
    runs.append(obj)
assert runs[0]["start"]["affinity"] == {"cpu": 1, "peer_cpu": 0}, runs[0]["start"].get("affinity")
assert "affinity" not in runs[1]["start"], runs[1]["start"]["affinity"]
PY
ok "server JSON reports CPU 1 (the client's M) and the client's CPU 0"
