#!/bin/bash
# --json-stream: one JSON object a line (iperf3 3.17's events: start,
# interval..., end), written as they happen: an interval event reaches the
# reader while the run still goes on.
. "$(dirname "$0")/lib.sh"
need_cmd jq
netns_pair_up
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5214 --validate -i 0.1 --json-stream >"$TMP/srv.jsonl" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5214
mkfifo "$TMP/ev"
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5214 --validate --time 3 -i 0.1 --json-stream >"$TMP/ev" 2>"$TMP/cli.err" &
cli=$!
exec 3<"$TMP/ev"
IFS= read -r line <&3 || fail "no first event"
printf '%s\n' "$line" >"$TMP/cli.jsonl"
echo "$line" | jq -e '.event == "start" and (.data.timestamp.timesecs | type) == "number"
	and .data.connected[0].remote_port == 5214' >/dev/null || fail "first event: $line"
IFS= read -r line <&3 || fail "no second event"
kill -0 "$cli" 2>/dev/null || fail "the first interval event came only after the run ended"
echo "$line" | jq -e '.event == "interval" and .data.sum.bytes > 0
	and .data.streams[0].rtt > 0' >/dev/null || fail "second event: $line"
printf '%s\n' "$line" >>"$TMP/cli.jsonl"
cat <&3 >>"$TMP/cli.jsonl"
exec 3<&-
wait $cli || fail "client: $(cat "$TMP/cli.err")"
wait $srv || fail "server: $(cat "$TMP/srv.err")"
for f in "$TMP/cli.jsonl" "$TMP/srv.jsonl"; do
	while IFS= read -r l; do	# every line is one object on its own
		echo "$l" | jq -e 'type == "object" and (.event | type) == "string"' \
			>/dev/null || fail "$f: not one event a line: $l"
	done <"$f"
	jq -s -e '(.[-1].event == "end") and ([.[] | select(.event == "end")] | length == 1)
		and ([.[] | select(.event == "start")] | length == 1)
		and ([.[] | select(.event == "interval")] | length >= 2)
		and (.[-1].data.sum_received.bits_per_second > 0)
		and (.[-1].data.result == "ok")' "$f" >/dev/null ||
		fail "$f: events: $(jq -c .event "$f" | tr '\n' ' ')"
done
jq -s -e '.[0].event == "start" and .[-1].data.sum.validation.result == "ok"' \
	"$TMP/srv.jsonl" >/dev/null || fail "server stream"
ok "--json-stream events, live"
