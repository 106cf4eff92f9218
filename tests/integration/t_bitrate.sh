#!/bin/bash
# --bitrate (iperf3's -b, long only: -b is the selftest's rx-page-size)
# paces each sending flow: a bound on behaviour, not a speed target.  Over
# a few seconds no flow gets ahead of its rate (a generous factor 1.25 for
# the measurement; the pacer allows one 10 ms chunk), and the receiver got
# exactly what the sender counted; and stdin sent at a rate takes at least the
# time that rate needs (the pacer never lets it go faster).
. "$(dirname "$0")/lib.sh"
need_cmd jq
netns_pair_up
rate=20000000 port=5216
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p $port -P 2 --validate -J >"$TMP/srv.json" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" $port
in_b "$NCDEVMEM" -s "$ADDR_A" -p $port -P 2 --validate --time 3 --bitrate 20M -J \
	>"$TMP/cli.json" 2>"$TMP/cli.err" || fail "client: exit $?: $(cat "$TMP/cli.err")"
wait $srv || fail "server: exit $?: $(cat "$TMP/srv.err")"
jq -e ".start.test_start.target_bitrate == $rate" "$TMP/cli.json" >/dev/null ||
	fail "test_start.target_bitrate: $(jq -c .start.test_start "$TMP/cli.json")"
# each flow: bytes <= 1.25 * rate * seconds (+ one chunk), and it sent something
jq -e --argjson r $rate '[.end.streams[] | .bytes > 0 and
	.bytes * 8 <= 1.25 * $r * .seconds + 8 * 262144] | length == 2 and all' \
	"$TMP/cli.json" >/dev/null ||
	fail "a flow got ahead of --bitrate 20M: $(jq -c '[.end.streams[] | {bytes, seconds, bits_per_second}]' "$TMP/cli.json")"
# and the receiver's own count agrees: no byte it got was left uncounted
[ "$(jq .end.sum_received.bytes "$TMP/srv.json")" = "$(jq .end.sum_sent.bytes "$TMP/cli.json")" ] ||
	fail "receiver got $(jq .end.sum_received.bytes "$TMP/srv.json"), sender counted $(jq .end.sum_sent.bytes "$TMP/cli.json")"
ok "--bitrate 20M: each of 2 flows within its rate; the receiver agrees"

# stdin, like nc: 1 MiB at 2 Mbit/s cannot take less than ~4 s
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p $((port + 1)) >"$TMP/out.bin" 2>"$TMP/srv2.err" &
srv=$!
wait_listen "$NS_A" $((port + 1))
head -c 1048576 /dev/urandom >"$TMP/in.bin"
t0=$(date +%s.%N)
in_b "$NCDEVMEM" -s "$ADDR_A" -p $((port + 1)) --bitrate 2M -i 0 <"$TMP/in.bin" \
	2>"$TMP/cli2.err" || fail "stdin client: exit $?: $(cat "$TMP/cli2.err")"
t1=$(date +%s.%N)
wait $srv || fail "stdin server: exit $?: $(cat "$TMP/srv2.err")"
cmp -s "$TMP/in.bin" "$TMP/out.bin" || fail "stdin at --bitrate: payload differs"
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 3.5) }' ||
	fail "1 MiB at --bitrate 2M took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s (< 3.5 s: not paced)"
ok "--bitrate 2M: 1 MiB of stdin, intact, took at least 3.5 s"

# -R: the server sends, at the client's --bitrate (the control connection
# carries it)
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p $port -J -i 0 >"$TMP/srv3.json" 2>"$TMP/srv3.err" &
srv=$!
wait_listen "$NS_A" $port
in_b "$NCDEVMEM" -s "$ADDR_A" -p $port -R --validate --time 2 --bitrate 20M -J -i 0 \
	>"$TMP/cli3.json" 2>"$TMP/cli3.err" || fail "-R client: exit $?: $(cat "$TMP/cli3.err")"
wait $srv || fail "-R server: exit $?: $(cat "$TMP/srv3.err")"
jq -e --argjson r $rate '.start.role == "sender" and .start.test_start.target_bitrate == $r and
	(.end.streams[0] | .bytes > 0 and .bytes * 8 <= 1.25 * $r * .seconds + 8 * 262144)' \
	"$TMP/srv3.json" >/dev/null ||
	fail "-R server not paced at 20M: $(jq -c '[.start.test_start.target_bitrate, .end.streams[0].bytes, .end.streams[0].seconds]' "$TMP/srv3.json")"
[ "$(jq .end.sum_received.bytes "$TMP/cli3.json")" = "$(jq .end.sum_sent.bytes "$TMP/srv3.json")" ] ||
	fail "-R: client got $(jq .end.sum_received.bytes "$TMP/cli3.json"), server sent $(jq .end.sum_sent.bytes "$TMP/srv3.json")"
ok "-R --bitrate 20M: the sending server is paced; the client agrees"
