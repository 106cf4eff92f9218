#!/bin/bash
# -J read by iperf3 consumers: the jq paths they use resolve to numbers (or
# the documented null) on a client's and a server's document; TCP_INFO
# (rtt, cwnd) per interval and at the end on the sender; with 3% loss
# (netem, or nftables where the kernel has no netem), retransmits are counted.
. "$(dirname "$0")/lib.sh"
need_cmd jq
netns_pair_up
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5211 --validate -P 2 -J -i 0.2 >"$TMP/srv.json" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5211
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5211 --validate -P 2 --time 1 -i 0.2 -J >"$TMP/cli.json" ||
	fail "client"
wait $srv || fail "server: $(cat "$TMP/srv.err")"

# paths every iperf3 consumer reads; each must be a number on both sides
num() {	# file, jq path
	jq -e "($2 | type) == \"number\"" "$1" >/dev/null ||
		fail "$1: $2 is $(jq -c "$2" "$1" 2>&1) (want a number)"
}
for f in "$TMP/srv.json" "$TMP/cli.json"; do
	for p in .end.sum_received.bits_per_second .end.sum_sent.bits_per_second \
		 .end.sum_received.bytes .end.sum_sent.bytes .end.sum_sent.seconds \
		 .end.cpu_utilization_percent.host_total \
		 .end.cpu_utilization_percent.host_user \
		 .end.cpu_utilization_percent.host_system \
		 .start.timestamp.timesecs '.intervals[0].sum.bits_per_second' \
		 '.intervals[0].sum.seconds' '.intervals[0].streams[0].bytes' \
		 '.intervals[0].streams[0].socket' '.end.streams[0].sender.bytes' \
		 '.end.streams[0].receiver.bits_per_second' \
		 '.start.connected[0].local_port' '.start.connected[0].remote_port' \
		 '.start.test_start.num_streams' '.start.test_start.duration'; do
		num "$f" "$p"
	done
	jq -e '.start.timestamp.time | test("GMT$")' "$f" >/dev/null || fail "$f: timestamp.time"
	# both ends are ncdevmem: the control connection brought the peer's CPU
	jq -e '.end.cpu_utilization_percent.remote_total >= 0 and .end.peer_report == true
		and .end.cpu_utilization_percent.remote_system >= 0' "$f" >/dev/null ||
		fail "$f: remote CPU from the peer's report"
	jq -e '[.intervals[].sum.bits_per_second] | length >= 3 and all(. >= 0)' "$f" \
		>/dev/null || fail "$f: interval sums"
	jq -e '.start.connected | length == 2' "$f" >/dev/null || fail "$f: connected[]"
	jq -e '.start.test_start.protocol == "TCP"' "$f" >/dev/null || fail "$f: test_start"
	# ncdevmem's own figures stay where they were
	jq -e '.end.result == "ok" and .end.cpu_seconds_per_gb >= 0' "$f" \
		>/dev/null || fail "$f: result"
done
jq -e '.end.sum.validation.result == "ok"' "$TMP/srv.json" >/dev/null || fail "validation"
# each side knows both ends of every connection the other one sees
jq -e --arg a "$ADDR_A" '.start.connected[0].remote_host == $a and .end.sum_sent.sender == true' \
	"$TMP/cli.json" >/dev/null || fail "client: connected/sender: $(jq -c .start.connected "$TMP/cli.json")"
jq -e --arg b "$ADDR_B" '.start.connected[0].remote_host == $b and .end.sum_received.sender == false' \
	"$TMP/srv.json" >/dev/null || fail "server: connected/sender"
# own half exact, the other half the peer's own figures (nothing mirrored)
jq -e '(.end.sum_received | has("mirrored") | not) and (.end.sum_sent | has("mirrored") | not)
	and .end.sum_sent.bytes == .end.sum.bytes' "$TMP/cli.json" >/dev/null ||
	fail "client: halves: $(jq -c '.end.sum_sent, .end.sum_received' "$TMP/cli.json")"
jq -e '(.end.sum_sent | has("mirrored") | not) and .end.sum_received.bytes == .end.sum.bytes
	and (.end.sum_sent | has("retransmits") | not)' "$TMP/srv.json" >/dev/null ||
	fail "server: halves"
[ "$(jq .end.sum_received.bytes "$TMP/cli.json")" = "$(jq .end.sum.bytes "$TMP/srv.json")" ] ||
	fail "client: the receiver half is not the server's count"
jq -e '.end.sum_received.bytes' "$TMP/srv.json" >/dev/null
[ "$(jq .end.sum_sent.bytes "$TMP/cli.json")" = "$(jq .end.sum_received.bytes "$TMP/srv.json")" ] ||
	fail "sent and received bytes differ"
# TCP_INFO on the sender: per interval and at the end
for p in '.intervals[0].streams[0].rtt' '.intervals[0].streams[0].snd_cwnd' \
	 '.end.streams[0].sender.max_rtt' '.end.streams[0].sender.min_rtt' \
	 '.end.streams[0].sender.mean_rtt' '.end.streams[0].sender.max_snd_cwnd'; do
	jq -e "$p > 0" "$TMP/cli.json" >/dev/null || fail "client: $p is $(jq "$p" "$TMP/cli.json")"
done
num "$TMP/cli.json" '.intervals[0].streams[0].retransmits'
num "$TMP/cli.json" '.intervals[0].streams[0].rttvar'
num "$TMP/cli.json" '.end.streams[0].sender.retransmits'
num "$TMP/cli.json" '.end.sum_sent.retransmits'
ok "iperf3 JSON paths on client and server"

# text: the sender's interval lines carry retransmits, cwnd and RTT
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5212 --validate -i 0 2>"$TMP/srv2.err" &
srv=$!
wait_listen "$NS_A" 5212
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5212 --validate --time 0.5 -i 0.1 2>"$TMP/cli2.err" ||
	fail "text client"
wait $srv || fail "text server"
grep -Eq 'Gbits/sec +[0-9]+ retr  cwnd [0-9.]+ [KM]?Bytes  rtt [1-9][0-9]* us' "$TMP/cli2.err" ||
	fail "no TCP columns in the sender's interval lines: $(head -3 "$TMP/cli2.err")"
grep -q '^\[    1\] tcp: retransmits [0-9]*, cwnd max' "$TMP/cli2.err" || fail "no tcp summary line"
ok "TCP columns in text"

# 3% loss on the way to the receiver: retransmits must be counted.  netem on
# the sender's link where the kernel has it, else an nftables rule dropping
# 3% of the segments at random on the receiver's input (this host's kernel
# has nf_tables but no sch_netem)
if tc -n "$NS_B" qdisc add dev "$IF_B" root netem loss 3% 2>"$TMP/tc.err"; then
	LOSS="netem loss 3% on the sender's link"
elif command -v nft >/dev/null && in_a nft -f - 2>"$TMP/nft.err" <<'NFT'
table inet ncd_loss {
	chain in {
		type filter hook input priority 0;
		tcp dport 5213 numgen random mod 100 < 3 drop
	}
}
NFT
then
	LOSS="nftables dropping 3% of the receiver's input"
else
	skip "no way to make loss here: netem ($(head -1 "$TMP/tc.err")) and nft ($(head -1 "$TMP/nft.err" 2>/dev/null || echo not installed))"
fi
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5213 --validate -J >"$TMP/srv3.json" 2>/dev/null &
srv=$!
wait_listen "$NS_A" 5213
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5213 --validate --bytes 16M -i 0.2 -J >"$TMP/cli3.json" ||
	fail "lossy client"
wait $srv || fail "lossy server"
jq -e '.end.sum_sent.retransmits > 0 and .end.streams[0].sender.retransmits > 0
	and ([.intervals[].sum.retransmits] | add) == .end.sum_sent.retransmits' \
	"$TMP/cli3.json" >/dev/null ||
	fail "retransmits under 3% loss: $(jq -c '.end.sum_sent, [.intervals[].sum.retransmits]' "$TMP/cli3.json")"
ok "retransmits counted under loss ($LOSS): $(jq .end.sum_sent.retransmits "$TMP/cli3.json")"
