#!/bin/bash
# run_pair.sh with REMOTE_TYPE=ssh against a real sshd (Debian's
# openssh-server) that this test starts in the remote namespace on port 2222
# with a throwaway host key and authorized key.  REMOTE_ARGS carries options
# and the port ("-p 2222 -i KEY -o ... root@ADDR"); the binary reaches the
# remote over the same ssh options (scp would have needed -P), is the static
# build, and its temporary directory is removed.  A devmem run stops at
# `ncdevmem --check` (veth is not ready: exit 4) before anything is started.
. "$(dirname "$0")/lib.sh"
need_run_pair iperf3 ssh ssh-keygen file
[ -x /usr/sbin/sshd ] || skip "needs sshd (openssh-server)"
[ "${NCD_SUITE:-}" != asan ] || skip "ASan binaries cannot be linked -static; the plain suite runs this test"
BD=$(dirname "$NCDEVMEM")
make -s -C "$ROOT" B="$BD" "$BD/ncdevmem-static" >"$TMP/make.log" 2>&1 ||
	{ cat "$TMP/make.log"; fail "make static failed"; }
netns_pair_up
S=$TMP/ssh
mkdir -p "$S" /run/sshd
chmod 700 "$S"
ssh-keygen -q -t ed25519 -N '' -f "$S/host" || fail "host key"
ssh-keygen -q -t ed25519 -N '' -f "$S/id" || fail "client key"
cat >"$S/wrap.sh" <<SH
#!/bin/bash
# forced command: log what the client asked for, note what the ncdevmem
# binary on the "remote" is, then run it
echo "\$SSH_ORIGINAL_COMMAND" >>"$S/commands.log"
case \$SSH_ORIGINAL_COMMAND in
/tmp/ncdevmem.*/ncdevmem\ -V*) file -L "\${SSH_ORIGINAL_COMMAND%% *}" >>"$S/commands.log" ;;
esac
exec bash -c "\$SSH_ORIGINAL_COMMAND"
SH
chmod 755 "$S/wrap.sh"
echo "command=\"$S/wrap.sh\" $(cat "$S/id.pub")" >"$S/authorized_keys"
echo "[$ADDR_B]:2222 $(cut -d' ' -f1,2 "$S/host.pub")" >"$S/known_hosts"
cat >"$S/sshd_config" <<CFG
Port 2222
ListenAddress $ADDR_B
HostKey $S/host
AuthorizedKeysFile $S/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile $S/sshd.pid
LogLevel VERBOSE
CFG
bg_b /usr/sbin/sshd -D -e -f "$S/sshd_config" 2>"$S/sshd.log"
at_exit kill "$BG_PID"
wait_listen "$NS_B" 2222
RA="-p 2222 -i $S/id -o UserKnownHostsFile=$S/known_hosts -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null root@$ADDR_B"

in_a env NCD_NO_DEPS=1 NCDEVMEM="$NCDEVMEM" "$ROOT/scripts/run_pair.sh" --netif "$IF_A" \
	--local "$ADDR_A" --remote "$ADDR_B" --remote-type ssh --remote-args "$RA" \
	--time 1 --flows 2 --port 5395 --label ssh --out "$TMP/out" >"$TMP/stdout" 2>"$TMP/stderr" ||
	{ cat "$TMP/stdout" "$TMP/stderr" "$S/sshd.log"; fail "run_pair.sh over ssh exit $?"; }
assert_contains "$TMP/stdout" '^PASS$' "PASS"
assert_contains "$S/sshd.log" "Accepted publickey for root from $ADDR_A port [0-9]+ ssh2" "sshd authenticated the key"
assert_contains "$S/commands.log" '^sh -c cat.*chmod.* sh /tmp/ncdevmem\.[A-Za-z0-9]+/ncdevmem$' "binary copied over ssh"
assert_contains "$S/commands.log" 'ncdevmem: ELF .*statically linked' "the remote got the static binary"
assert_contains "$S/commands.log" "^/tmp/ncdevmem\.[A-Za-z0-9]+/ncdevmem -s $ADDR_A -p 5395 -P 2 --validate --time 1" "client over ssh"
assert_contains "$S/commands.log" "^iperf3 -c $ADDR_A -B $ADDR_B -p 5396 -P 2 -t 1 .* -l 256K" "iperf3 -l client over ssh"
assert_contains "$S/commands.log" '^rm -rf /tmp/ncdevmem\.' "remote directory removed"
assert_contains "$TMP/out/commands.txt" "^remote1: +ssh -o BatchMode=yes -p 2222 -i .* root@$ADDR_B -- .*/ncdevmem\\\\? -s" "exact ssh command recorded"
rdir=$(grep -oE '/tmp/ncdevmem\.[A-Za-z0-9]+' "$S/commands.log" | head -n 1)
[ -n "$rdir" ] && [ ! -e "$rdir" ] || fail "remote temporary directory $rdir left behind"
python3 - "$TMP/out" "$ADDR_B" <<'PY' || fail "results"
import json, sys
d, addr = sys.argv[1:]
s = json.load(open(d + "/summary.json"))
assert s["result"] == "ok" and s["gbps"] > 0 and s["iperf3_gbps"] > 0, s["problems"]
assert s["hosts"]["remote1"]["nic"]["driver"] == "veth", s["hosts"]["remote1"]
assert s["hosts"]["remote1_versions"][0].startswith("ncdevmem "), s["hosts"]
m = json.load(open(d + "/meta.json"))
assert m["remote_type"] == "ssh" and m["remote_args"].endswith("root@" + addr), m
PY
ok "run_pair.sh over ssh with options and a port"

# devmem: the readiness check comes first; veth is not ready, so exit 4 and
# no server, no client
: >"$S/commands.log"
in_a env NCD_NO_DEPS=1 NCDEVMEM="$NCDEVMEM" "$ROOT/scripts/run_pair.sh" --netif "$IF_A" \
	--local "$ADDR_A" --remote "$ADDR_B" --remote-type ssh --remote-args "$RA" \
	--mode devmem --mem udmabuf --time 1 --port 5395 --out "$TMP/dm" >"$TMP/dm.out" 2>"$TMP/dm.err"
rc=$?
[ "$rc" = 4 ] || { cat "$TMP/dm.out" "$TMP/dm.err"; fail "devmem on veth: exit $rc, expected 4"; }
assert_contains "$TMP/dm/check.txt" '^not ready: ' "check report kept"
assert_contains "$TMP/dm.err" "is not ready for devmem" "one-line reason"
[ ! -e "$TMP/dm/r1" ] || fail "devmem run started although --check said not ready"
grep -q -- ' -s ' "$S/commands.log" && fail "a client ran although --check said not ready"
ok "devmem: --check first, not ready is a skip"
