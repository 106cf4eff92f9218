#!/bin/bash
# --bidir over veth in copy mode: -P N flows each way at once, both ends
# validate what they receive; a flipped byte is caught by the receiving
# end of the direction it was sent in, at exactly its offset; --bidir
# without an ncdevmem server fails with one line.
. "$(dirname "$0")/lib.sh"
need_cmd jq
netns_pair_up

# both directions' bytes, seen from one end's JSON
both_ways() {	# FILE WHAT
	jq -e '.start.role == "bidir" and .start.test_start.bidir == 1
		and .end.sum_sent.bytes > 0 and .end.sum_received.bytes > 0
		and .end.sum_sent_bidir_reverse.bytes > 0
		and .end.sum_received_bidir_reverse.bytes > 0
		and .end.sum_sent.bytes == .end.sum_received.bytes
		and .end.sum_sent_bidir_reverse.bytes == .end.sum_received_bidir_reverse.bytes
		and .end.sum.validation.result == "ok"
		and .end.peer.validation.result == "ok"
		and .start.paths == {"rx": "copy", "tx": "copy"}' "$1" >/dev/null ||
		fail "$2: $(jq -c '.end | {sum_sent, sum_received, sum_sent_bidir_reverse, sum_received_bidir_reverse, v: .sum.validation}' "$1")"
}

for p in 1 2; do
	in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5244 -i 0 -J >"$TMP/srv$p.json" 2>"$TMP/srv$p.err" &
	srv=$!
	wait_listen "$NS_A" 5244
	in_b "$NCDEVMEM" -s "$ADDR_A" -p 5244 --bidir -P $p --validate --time 1 -i 0 -J \
		>"$TMP/cli$p.json" 2>"$TMP/cli$p.err" ||
		{ cat "$TMP/cli$p.err" "$TMP/srv$p.err"; fail "--bidir -P $p client"; }
	wait $srv || { cat "$TMP/srv$p.err"; fail "--bidir -P $p server"; }
	both_ways "$TMP/cli$p.json" "client JSON, -P $p"
	both_ways "$TMP/srv$p.json" "server JSON, -P $p"
	n=$(jq '.end.streams | length' "$TMP/cli$p.json")
	[ "$n" -eq $((2 * p)) ] || fail "-P $p: $n streams, expected $((2 * p))"
	ok "--bidir -P $p: both directions validated on both ends"
done

# text report: flows labelled with their direction
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5244 -i 0 2>"$TMP/srv3.err" &
srv=$!
wait_listen "$NS_A" 5244
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5244 --bidir --validate --bytes 8M -i 0 2>"$TMP/cli3.err" ||
	{ cat "$TMP/cli3.err" "$TMP/srv3.err"; fail "--bidir text client"; }
wait $srv || { cat "$TMP/srv3.err"; fail "--bidir text server"; }
assert_contains "$TMP/cli3.err" "^\[  1TX\] .* 8\.00 MBytes" "client's sending flow"
assert_contains "$TMP/cli3.err" "^\[  2RX\] .* 8\.00 MBytes" "client's receiving flow"
assert_contains "$TMP/cli3.err" "^\[SUMRX\] validation: ok, 8388608 bytes checked" "client verdict"
assert_contains "$TMP/srv3.err" "^\[SUMRX\] validation: ok, 8388608 bytes checked" "server verdict"
ok "--bidir text report says each flow's direction"

# a flipped byte: the client's --corrupt-at spoils what each end sends;
# each receiving end catches it at exactly its offset
off=3333333
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5244 -i 0 -J >"$TMP/srv4.json" 2>"$TMP/srv4.err" &
srv=$!
wait_listen "$NS_A" 5244
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5244 --bidir --validate --bytes 16M --corrupt-at $off -J \
	>"$TMP/cli4.json" 2>"$TMP/cli4.err"
rc=$?
wait $srv
src=$?
[ $rc -eq 1 ] || { cat "$TMP/cli4.err"; fail "corrupted --bidir client exit $rc, expected 1"; }
[ $src -eq 1 ] || { cat "$TMP/srv4.err"; fail "corrupted --bidir server exit $src, expected 1"; }
assert_one_flip "$TMP/cli4.json" $off
assert_one_flip "$TMP/srv4.json" $off
ok "--bidir: corruption caught at $off by each receiving end"

# --bidir needs an ncdevmem server
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5244 --no-ctrl --discard -i 0 2>"$TMP/srv5.err" &
srv=$!
wait_listen "$NS_A" 5244
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5244 --bidir --validate --time 1 2>"$TMP/cli5.err"
rc=$?
kill $srv 2>/dev/null; wait $srv 2>/dev/null
[ $rc -eq 1 ] || fail "--bidir without an ncdevmem server: exit $rc, expected 1"
[ "$(wc -l <"$TMP/cli5.err")" -eq 1 ] || fail "--bidir without a peer: not one line: $(cat "$TMP/cli5.err")"
assert_contains "$TMP/cli5.err" "need an ncdevmem server" "--bidir without a control peer"
ok "--bidir needs an ncdevmem server"
