#!/bin/bash
# run_pair.sh --capture in copy mode: tcpdump -s 0 on the receiving veth sees
# the TCP payload (expected for copy mode), the payload matches the offset
# pattern, and the pcap is kept in the results directory.
. "$(dirname "$0")/lib.sh"
need_run_pair tcpdump
run_pair --time 1 --flows 1 \
	--port 5393 --no-iperf --capture --capture-count 50 --out "$TMP/out" \
	>"$TMP/stdout" 2>"$TMP/stderr" ||
	{ cat "$TMP/stdout" "$TMP/stderr"; fail "run_pair.sh --capture exit $?"; }
assert_contains "$TMP/stdout" \
	'^capture: copy mode, [1-9][0-9]* data segments, payload visible to the host \(expected for copy mode\)' \
	"capture verdict: payload visible"
assert_contains "$TMP/stdout" '([1-9][0-9]*)/\1 captured payloads match the offset pattern' \
	"captured payload matches the pattern"
assert_contains "$TMP/out/summary.md" 'payload visible to the host' "verdict in summary.md"
[ -s "$TMP/out/capture.pcap" ] || fail "capture.pcap not kept"
ok "capture: copy mode payload visible"
