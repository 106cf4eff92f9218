#!/bin/bash
# run_pair.sh --fan-in 3: three sender namespaces on a bridge send to one
# ncdevmem receiver (-P 3) and to one iperf3 server each; the receiver got
# exactly what the three senders sent, validated, and the summary has a
# per-sender row for each and the total.  Devmem fan-in: refused with its
# own namespaces (veth, no devmem NIC); with the senders listed in
# REMOTE_ARGS the server gets every sender's address (-c each) and each
# client its own (run through a stand-in ncdevmem that records the
# arguments and runs copy mode, as veth cannot bind device memory).
. "$(dirname "$0")/lib.sh"
need_run_pair iperf3
run_pair --time 1 --flows 1 \
	--fan-in 3 --port 5411 --out "$TMP/out" >"$TMP/stdout" 2>"$TMP/stderr" ||
	{ cat "$TMP/stdout" "$TMP/stderr"; fail "run_pair.sh --fan-in 3 exit $?"; }
left=$(run_pair_leftovers "$TMP/stderr") && fail "fan-in left network namespaces behind: $left"
assert_contains "$TMP/stdout" '^PASS$' "PASS"
assert_contains "$TMP/stdout" '1 flow\(s\) x 3 senders' "fan-in in the human summary"
for k in 1 2 3; do
	assert_contains "$TMP/out/commands.txt" "^remote$k: +ip netns exec ncd-rp-r$k-[0-9-]+ .*ncdevmem -s 198\\.18\\.0\\.1 -p 5411 -P 1 " "sender $k command"
	assert_contains "$TMP/out/commands.txt" "^remote$k: .*iperf3 -c 198\\.18\\.0\\.1 -B 198\\.18\\.0\\.$((k + 1)) -p $((5411 + k)) " "iperf3 sender $k"
done
python3 - "$TMP/out" <<'PY' || fail "per-sender and total figures"
import json, sys
d = sys.argv[1]
srv = json.load(open(d + "/r1/ncdevmem-server.json"))
assert srv["start"]["flows"] == 3 and len(srv["end"]["streams"]) == 3, srv["start"]
assert srv["end"]["sum"]["validation"]["result"] == "ok", srv["end"]["sum"]
sent = [json.load(open("%s/r1/ncdevmem-client.h%d.json" % (d, k)))["end"]["sum"]["bytes"]
        for k in (1, 2, 3)]
assert all(b > 0 for b in sent) and sum(sent) == srv["end"]["sum"]["bytes"], (sent, srv["end"]["sum"])
s = json.load(open(d + "/summary.json"))
assert s["senders"] == 3 and len(s["per_sender"]) == 3, s["senders"]
for tool in ("ncdevmem", "iperf3", "iperf3-l"):
    per = [p[tool]["median"] for p in s["per_sender"]]
    assert all(x > 0 for x in per), (tool, per)
ip = s["stats"]["iperf3"]["gbps"]["median"]
per = [p["iperf3"]["median"] for p in s["per_sender"]]
assert abs(ip - sum(per)) < 1e-6, (ip, per)
for k in (1, 2, 3):
    assert s["hosts"]["remote%d" % k]["nic"]["driver"] == "veth", s["hosts"]
PY
assert_contains "$TMP/out/summary.md" '^\| 3 \| 198\.18\.0\.4 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|$' "per-sender row"
assert_contains "$TMP/out/summary.md" '^\| total \| \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|$' "total row"
ok "run_pair.sh --fan-in 3"

run_pair --fan-in 3 --mode devmem \
	--out "$TMP/refused" >"$TMP/r.out" 2>"$TMP/r.err"
rc=$?
[ $rc -eq 2 ] || { cat "$TMP/r.err"; fail "--fan-in 3 --mode devmem: exit $rc, want 2"; }
assert_contains "$TMP/r.err" "no devmem NIC" "the refusal says why"
[ ! -e "$TMP/refused" ] || fail "the refused run wrote results"

# devmem with the senders in REMOTE_ARGS: a bridge in the local namespace,
# three sender namespaces on it
tag=$$
LNS=ncd-fd-l-$tag BR=fdbr$tag
ip netns add "$LNS" || fail "namespace $LNS"
at_exit ip netns del "$LNS"
ip -n "$LNS" link set lo up
ip -n "$LNS" link add "$BR" type bridge && ip -n "$LNS" addr add 198.18.9.1/24 dev "$BR" &&
	ip -n "$LNS" link set "$BR" up || fail "bridge"
RA='' RV=''
for k in 1 2 3; do
	ns=ncd-fd-r$k-$tag
	ip netns add "$ns" || fail "namespace $ns"
	at_exit ip netns del "$ns"
	ip link add "fdb$k-$tag" netns "$LNS" type veth peer name "fdr$k" netns "$ns" &&
		ip -n "$LNS" link set "fdb$k-$tag" master "$BR" up &&
		ip -n "$ns" addr add "198.18.9.$((k + 1))/24" dev "fdr$k" &&
		ip -n "$ns" link set "fdr$k" up && ip -n "$ns" link set lo up || fail "sender $k"
	RA+=${RA:+,}$ns RV+=${RV:+,}198.18.9.$((k + 1))
done
# the stand-in: --check says ready, devmem runs as copy without -f
cat >"$TMP/ncd-standin" <<SH
#!/bin/bash
echo "\$*" >>"$TMP/standin.log"
args=() skip=0
for a in "\$@"; do
	[ \$skip = 1 ] && { skip=0; continue; }
	case \$a in
	--check) echo "ready (stand-in)"; exit 0 ;;
	-f) skip=1; continue ;;
	devmem) a=copy ;;
	esac
	args+=("\$a")
done
exec "$NCDEVMEM" "\${args[@]}"
SH
chmod 755 "$TMP/ncd-standin"
NCD_NO_DEPS=1 NETIF=$BR LOCAL_NETNS=$LNS REMOTE_TYPE=netns REMOTE_ARGS=$RA \
	LOCAL_V4=198.18.9.1 REMOTE_V4=$RV "$ROOT/scripts/run_pair.sh" --ncdevmem "$TMP/ncd-standin" \
	--mode devmem --time 1 --flows 1 --no-iperf --port 5421 --out "$TMP/dm" \
	>"$TMP/dm.out" 2>"$TMP/dm.err" ||
	{ cat "$TMP/dm.out" "$TMP/dm.err"; fail "run_pair.sh devmem fan-in through REMOTE_ARGS: exit $?"; }
assert_contains "$TMP/dm/commands.txt" "^local: .*ncd-standin -l -s 198\\.18\\.9\\.1 -p 5421 -P 3 --mode devmem .* -f $BR -c 198\\.18\\.9\\.2 -c 198\\.18\\.9\\.3 -c 198\\.18\\.9\\.4" "server: every sender's address"
for k in 1 2 3; do
	assert_contains "$TMP/dm/commands.txt" "^remote$k: +ip netns exec ncd-fd-r$k-$tag .*ncd-standin -s 198\\.18\\.9\\.1 -p 5421 -P 1 .* -c 198\\.18\\.9\\.$((k + 1))\$" "sender $k: its own address"
done
python3 - "$TMP/dm/r1/ncdevmem-server.json" <<'PY' || fail "per-host figures of the devmem fan-in"
import json, sys
d = json.load(open(sys.argv[1]))["end"]
assert [h["host"] for h in d["hosts"]] == ["198.18.9.2", "198.18.9.3", "198.18.9.4"], d["hosts"]
assert all(h["bytes"] > 0 and h["validation"]["bad_bytes"] == 0 for h in d["hosts"]), d["hosts"]
assert sum(h["bytes"] for h in d["hosts"]) == d["sum"]["bytes"], d["sum"]
PY
ok "run_pair.sh devmem fan-in: refused on its own namespaces; REMOTE_ARGS senders reach the server as -c each"
