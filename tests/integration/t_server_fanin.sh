#!/bin/bash
# Fan-in on one server (issue 15): several -c peers, three senders from
# three addresses, one flow each; a fourth address is rejected.  Per-host
# figures (text and JSON) add up to the total; a corrupted byte from one
# sender fails the run at its offset, on that host's line only.
. "$(dirname "$0")/fault_lib.sh"
need_root
need_cmd python3
netns_pair_up
B2=${ADDR_A%.1}.3 B3=${ADDR_A%.1}.4 STRANGER=${ADDR_A%.1}.5
for a in "$B2" "$B3" "$STRANGER"; do
	ip -n "$NS_B" addr add "$a/24" dev "$IF_B" || fail "address $a"
done
PEERS="-c $ADDR_B -c $B2 -c $B3"

# senders PORT [extra args of the second sender]: the three, in parallel
senders() {
	local port=$1 pids=() k=0 a
	shift
	for a in "$ADDR_B" "$B2" "$B3"; do
		k=$((k + 1))
		# shellcheck disable=SC2046  # the second sender's extra args
		in_b timeout 60 "$NCDEVMEM" -s "$ADDR_A" -c "$a" -p "$port" --validate \
			--bytes $((k * 512))K -i 0 $([ $k = 2 ] && echo "$@") 2>"$TMP/c$port.$k.err" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
}

# shellcheck disable=SC2086
bg_a "$NCDEVMEM" -l -s "$ADDR_A" $PEERS -P 3 -p 5311 --validate -J -i 0 \
	>"$TMP/s1.json" 2>"$TMP/s1.err"
srv=$BG_PID
wait_listen "$NS_A" 5311
in_b timeout 20 "$NCDEVMEM" -s "$ADDR_A" -c "$STRANGER" -p 5311 --validate --bytes 64K \
	-i 0 --connect-timeout 5 >/dev/null 2>&1
senders 5311
wait_gone $srv 30 || { kill -9 $srv; fail "fan-in server did not end"; }
wait $srv; rc=$?
[ $rc -eq 0 ] || { cat "$TMP/s1.err" "$TMP"/c5311.*.err; fail "fan-in server: exit $rc"; }
python3 - "$TMP/s1.json" "$ADDR_B" "$B2" "$B3" <<'PY' || fail "per-host JSON"
import json, sys
d = json.load(open(sys.argv[1]))["end"]
hosts = d["hosts"]
assert [h["host"] for h in hosts] == sys.argv[2:5], hosts
for k, h in enumerate(hosts):
    assert h["flows"] == 1 and h["bytes"] == (k + 1) * 512 * 1024, h
    assert h["validation"]["result"] == "ok" and h["validation"]["bad_bytes"] == 0, h
    assert h["queue"] is None, h	# copy mode: no steering rule
assert sum(h["bytes"] for h in hosts) == d["sum"]["bytes"], d["sum"]
assert sorted(s["host"] for s in d["streams"]) == sorted(sys.argv[2:5]), d["streams"]
assert d["connections"]["rejected"] == 1, d["connections"]
PY

# the corruption twin: the second sender flips one byte
BAD=300001
# shellcheck disable=SC2086
bg_a "$NCDEVMEM" -l -s "$ADDR_A" $PEERS -P 3 -p 5312 --validate -i 0 2>"$TMP/s2.err"
srv=$BG_PID
wait_listen "$NS_A" 5312
senders 5312 --corrupt-at $BAD
wait_gone $srv 30 || { kill -9 $srv; fail "fan-in server (corrupt) did not end"; }
wait $srv; rc=$?
[ $rc -eq 1 ] || { cat "$TMP/s2.err"; fail "a corrupted byte from one sender: exit $rc, want 1"; }
assert_contains "$TMP/s2.err" "^host $B2 \(no rule, seen on .*\): 1 flow, 1048576 bytes .*validation: FAILED, 1 of 1048576 bytes wrong; first at stream offset $BAD:" "the corrupting host named at its offset"
assert_contains "$TMP/s2.err" "^host $ADDR_B .*validation: ok, 524288 bytes checked" "the first host ok"
assert_contains "$TMP/s2.err" "^host $B3 .*validation: ok, 1572864 bytes checked" "the third host ok"

# each peer its share (-P / peers): the first sender opens one connection
# too many, which is refused (counted, on its host's line) and takes no
# other sender's slot: the two late ones still get theirs
# shellcheck disable=SC2086
bg_a "$NCDEVMEM" -l -s "$ADDR_A" $PEERS -P 3 -p 5313 --validate -J -i 0 \
	>"$TMP/s3.json" 2>"$TMP/s3.err"
srv=$BG_PID
wait_listen "$NS_A" 5313
in_b timeout 60 "$NCDEVMEM" -s "$ADDR_A" -c "$ADDR_B" -p 5313 -P 2 --validate \
	--bytes 256K -i 0 >/dev/null 2>"$TMP/c3.greedy.err"
# (its own exit depends on whether its refused flow's bytes were buffered
# before the reset came: the server's count is the evidence)
k=0 pids=()
for a in "$B2" "$B3"; do
	k=$((k + 1))
	in_b timeout 60 "$NCDEVMEM" -s "$ADDR_A" -c "$a" -p 5313 --validate \
		--bytes 512K -i 0 >/dev/null 2>"$TMP/c3.$k.err" &
	pids+=($!)
done
late=0
for p in "${pids[@]}"; do wait "$p" || late=1; done
wait_gone $srv 30 || { kill -9 $srv; fail "fan-in server (share) did not end"; }
wait $srv; rc=$?
[ $late -eq 0 ] || { cat "$TMP"/c3.*.err "$TMP/s3.err"; fail "a late sender did not get its flow"; }
[ $rc -eq 0 ] || { cat "$TMP/s3.err" "$TMP"/c3.*.err; fail "fan-in server (share): exit $rc"; }
python3 - "$TMP/s3.json" "$ADDR_B" "$B2" "$B3" <<'PY' || fail "per-host shares in JSON"
import json, sys
d = json.load(open(sys.argv[1]))["end"]
hosts = d["hosts"]
assert [h["host"] for h in hosts] == sys.argv[2:5], hosts
assert [h["flows"] for h in hosts] == [1, 1, 1], hosts
assert [h["refused"] for h in hosts] == [1, 0, 0], hosts
assert [h["bytes"] for h in hosts] == [262144, 524288, 524288], hosts
assert all(h["validation"]["result"] == "ok" for h in hosts), hosts
assert d["connections"]["refused"] == 1 and d["connections"]["flows"] == 3, d["connections"]
PY
# -P not a multiple of the peers: one line, exit 2
# shellcheck disable=SC2086
in_a "$NCDEVMEM" -l -s "$ADDR_A" $PEERS -P 4 -p 5314 --validate 2>"$TMP/s4.err"
rc=$?
if [ $rc -ne 2 ] || [ "$(wc -l <"$TMP/s4.err")" -ne 1 ]; then
	cat "$TMP/s4.err"; fail "-P 4 for 3 peers: exit $rc, want 2 and one line"
fi
assert_contains "$TMP/s4.err" "-P 4 for 3 -c peers: .* a multiple of 3 -> -P 6" "the usage line"
ok "fan-in: 3 peers, per-host figures, a stranger rejected, corruption named by host, one peer over its share refused without taking another's slot"
