#!/bin/bash
# Copy mode into (fake) GPU memory, validated on the (fake) GPU, 2 flows at
# once over veth: each flow has its own stream, batches are received into
# pinned slots, copied and checked on that stream.  Then a sender that flips
# one byte: caught at exactly that stream offset.  The fake libcuda runs
# every copy and kernel late on a worker thread, so a missing wait shows.
. "$(dirname "$0")/lib.sh"

FAKE=$B/tests/fake_cuda/libcuda.so.1
[ -f "$FAKE" ] || fail "$FAKE not built (make tests)"
netns_pair_up
export NCD_LIBCUDA=$FAKE FAKE_CUDA_LOG=$TMP/cuda.log

in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5241 --copy --mem cuda --validate -P 2 \
	--buf-size 8M --period 8M -J >"$TMP/srv.json" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5241
env -u NCD_LIBCUDA -u FAKE_CUDA_LOG ip netns exec "$NS_B" "$NCDEVMEM" -s "$ADDR_A" \
	-p 5241 --validate -P 2 --period 8M --bytes 48M 2>"$TMP/cli.err" ||
	{ cat "$TMP/cli.err"; fail "client"; }
wait $srv || { cat "$TMP/srv.err"; fail "receiver exit $?"; }
assert_contains "$TMP/srv.err" "cuda: using GPU 0 \(0000:3b:00.0" "GPU choice not printed"
python3 - "$TMP/srv.json" "$TMP/cuda.log" <<'PY' || fail "2-flow GPU copy run"
import json, re, sys
d = json.load(open(sys.argv[1]))
v = d["end"]["sum"]["validation"]
assert v["result"] == "ok" and v["bad_bytes"] == 0, v
assert v["checked_bytes"] == 2 * (48 << 20), v  # --bytes is per flow
log = open(sys.argv[2]).read().splitlines()
streams = [int(m.group(1)) for l in log
           for m in [re.match(r'cuLaunchKernel ncd_validate .*stream=(\d+)', l)] if m]
per = {s: streams.count(s) for s in set(streams)}
assert len(per) == 2 and min(per.values()) > 10, per
# concurrent: each stream launched again after the other one had started
first = {s: streams.index(s) for s in per}
last = {s: len(streams) - 1 - streams[::-1].index(s) for s in per}
a, b = sorted(per)
assert first[b] < last[a] and first[a] < last[b], (first, last)
# every launch came with its copy on the same stream first (pinned slot)
assert sum('cuMemcpyHtoDAsync' in l for l in log) >= len(streams)
assert not any('cuCtxSynchronize' in l for l in log)
print("flows on streams", per)
PY

: >"$TMP/cuda.log"
off=5000003
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5242 --copy --mem cuda --validate \
	--buf-size 8M --period 8M -J >"$TMP/srv2.json" 2>"$TMP/srv2.err" &
srv=$!
wait_listen "$NS_A" 5242
env -u NCD_LIBCUDA ip netns exec "$NS_B" "$NCDEVMEM" -s "$ADDR_A" -p 5242 \
	--validate --period 8M --bytes 16M --corrupt-at $off 2>"$TMP/cli2.err" || fail "client 2"
wait $srv; rc=$?
[ $rc -eq 1 ] || { cat "$TMP/srv2.err"; fail "receiver exit $rc, expected 1"; }
python3 - "$TMP/srv2.json" $off <<'PY' || fail "corruption verdict"
import json, sys
v = json.load(open(sys.argv[1]))["end"]["sum"]["validation"]
assert v["result"] == "failed" and v["bad_bytes"] == 1, v
assert v["first_bad_offset"] == int(sys.argv[2]), v
assert v["expected"] ^ v["actual"] == 0xff, v
PY
ok "2 flows validated on the fake GPU; corruption caught at $off"
