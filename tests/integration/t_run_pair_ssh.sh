#!/bin/bash
# run_pair.sh with REMOTE_TYPE=ssh and the drv-net variables, through ssh/scp
# stand-ins on PATH that run the remote command inside a network namespace
# (no sshd, no real host): the command quoting, the binary copy to a remote
# temporary directory and its removal, both tools' JSON and the summary.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd iperf3
need_cmd python3
[ -x "$NCDEVMEM" ] || skip "no ncdevmem binary at $NCDEVMEM"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
netns_pair_up
mkdir -p "$TMP/bin"
cat >"$TMP/bin/ssh" <<SH
#!/bin/bash
# ssh [-o OPT]... HOST [--] COMMAND: run COMMAND with bash in $NS_B
while [ \$# -gt 0 ]; do
	case "\$1" in -o|-p|-i|-l) shift 2 ;; --) shift; break ;; -*) shift ;;
	*) [ -z "\${host:-}" ] && { host=\$1; shift; continue; }; break ;; esac
done
[ "\$host" = peer.example ] || { echo "stand-in ssh: unexpected host \$host" >&2; exit 255; }
echo "\$*" >>"$TMP/ssh.log"
exec ip netns exec "$NS_B" bash -c "\$*"
SH
cat >"$TMP/bin/scp" <<SH
#!/bin/bash
# scp [-q] [-o OPT]... SRC HOST:DST
args=()
while [ \$# -gt 0 ]; do case "\$1" in -o) shift 2 ;; -*) shift ;; *) args+=("\$1"); shift ;; esac; done
echo "scp \${args[*]}" >>"$TMP/ssh.log"
cp "\${args[0]}" "\${args[1]#*:}"
SH
chmod +x "$TMP/bin/ssh" "$TMP/bin/scp"
PATH=$TMP/bin:$PATH NCD_NO_DEPS=1 NCDEVMEM=$NCDEVMEM NETIF=$IF_A LOCAL_NETNS=$NS_A \
	LOCAL_V4=$ADDR_A REMOTE_V4=$ADDR_B REMOTE_TYPE=ssh REMOTE_ARGS=peer.example \
	"$ROOT/scripts/run_pair.sh" --time 1 --flows 2 --port 5395 --label ssh-stand-in \
	--out "$TMP/out" >"$TMP/stdout" 2>"$TMP/stderr" ||
	{ cat "$TMP/stdout" "$TMP/stderr" "$TMP/ssh.log"; fail "run_pair.sh over ssh exit $?"; }
assert_contains "$TMP/stdout" '^PASS$' "PASS"
assert_contains "$TMP/ssh.log" '^scp .*/ncdevmem peer.example:/tmp/ncdevmem\.[A-Za-z0-9]+/ncdevmem$' "binary copied"
assert_contains "$TMP/ssh.log" "/tmp/ncdevmem\.[A-Za-z0-9]+/ncdevmem -s $ADDR_A -p 5395 -P 2 --validate --time 1" "client over ssh"
assert_contains "$TMP/ssh.log" "^iperf3 -c $ADDR_A -B $ADDR_B -p 5396 -P 2 -t 1" "iperf3 client over ssh"
assert_contains "$TMP/ssh.log" '^rm -rf /tmp/ncdevmem\.' "remote directory removed"
rdir=$(grep -oE '/tmp/ncdevmem\.[A-Za-z0-9]+' "$TMP/ssh.log" | head -n 1)
[ ! -e "$rdir" ] || fail "remote temporary directory $rdir left behind"
python3 - "$TMP/out" <<'PY' || fail "results"
import json, sys
d = sys.argv[1]
s = json.load(open(d + "/summary.json"))
assert s["result"] == "ok" and s["gbps"] > 0 and s["iperf3_gbps"] > 0, s
m = json.load(open(d + "/meta.json"))
assert m["remote_type"] == "ssh" and m["remote_args"] == "peer.example", m
PY
ok "run_pair.sh over (stand-in) ssh"
