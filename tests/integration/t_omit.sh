#!/bin/bash
# -O/--omit SEC (iperf3's): the first SEC seconds are left out of the
# summary and their intervals say "omitted"; --time counts after them.
# Checked against the receiver, which omits nothing: what it got equals the
# sender's summary plus the sender's omitted intervals, to the byte.
. "$(dirname "$0")/lib.sh"
need_cmd jq
netns_pair_up
port=5218
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p $port --validate -J >"$TMP/srv.json" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" $port
in_b "$NCDEVMEM" -s "$ADDR_A" -p $port --validate --time 1 -O 1 -i 0.25 --bitrate 50M -J \
	>"$TMP/cli.json" 2>"$TMP/cli.err" || fail "client: exit $?: $(cat "$TMP/cli.err")"
wait $srv || fail "server: exit $?: $(cat "$TMP/srv.err")"
c=$TMP/cli.json
jq -e '.start.test_start.omit == 1' "$c" >/dev/null || fail "test_start.omit"
# omitted first, then counted, back to back; the summary starts where they meet
jq -e '[.intervals[].sum.omitted] as $o | ($o | index(false)) as $k |
	$k >= 1 and ($o[:$k] | all) and ($o[$k:] | all(not)) and
	.intervals[$k - 1].sum.end == .intervals[$k].sum.start and
	.end.sum_sent.start == .intervals[$k].sum.start' "$c" >/dev/null ||
	fail "omitted intervals: $(jq -c '[.intervals[].sum | [.start, .end, .omitted]]' "$c")"
jq -e '[.intervals[] | select(.sum.omitted | not)] | length >= 1 and all(.sum.start >= 0.99)' "$c" >/dev/null ||
	fail "counted intervals: $(jq -c '[.intervals[].sum | [.start, .end, .omitted]]' "$c")"
jq -e '[.intervals[] | .streams[0].omitted == .sum.omitted] | all' "$c" >/dev/null ||
	fail "streams[].omitted differs from sum.omitted"
jq -e '.end.sum_sent.start >= 0.99 and .end.sum_sent.end >= 1.95' "$c" >/dev/null ||
	fail "summary span (after -O 1, --time 1 on top): $(jq -c .end.sum_sent "$c")"
omitted=$(jq '[.intervals[] | select(.sum.omitted) | .sum.bytes] | add' "$c")
sent=$(jq .end.sum_sent.bytes "$c")
got=$(jq .end.sum_received.bytes "$TMP/srv.json")
[ "$omitted" -gt 0 ] && [ "$sent" -gt 0 ] || fail "omitted $omitted, counted $sent"
[ $((omitted + sent)) -eq "$got" ] ||
	fail "receiver got $got bytes; sender counted $sent after $omitted omitted"
jq -e ".end.streams[0].bytes == $sent" "$c" >/dev/null || fail "end.streams[0].bytes"
ok "-O 1: $omitted bytes omitted, $sent counted, $got received"

# the text report marks them as iperf3 does
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p $((port + 1)) --validate >/dev/null 2>"$TMP/srv2.err" &
srv=$!
wait_listen "$NS_A" $((port + 1))
in_b "$NCDEVMEM" -s "$ADDR_A" -p $((port + 1)) --validate --time 0.5 -O 0.5 -i 0.25 \
	--bitrate 50M 2>"$TMP/cli2.err" || fail "text client: exit $?"
wait $srv || fail "text server: exit $?"
assert_contains "$TMP/cli2.err" 'sec .*\(omitted\)$' "text: no interval marked (omitted)"
grep -v omitted "$TMP/cli2.err" | grep -qE '^\[ +1\] +0\.[5-9][0-9]*-' ||
	fail "text: no counted interval after -O 0.5: $(cat "$TMP/cli2.err")"
ok "-O in text: (omitted) marks"
