#!/bin/bash
# --zcrx-nodev (io_uring zcrx with ZCRX_REG_NODEV, no NIC) over lo in a
# fresh namespace.  A kernel without the flag (before 7.x): one line saying
# so, exit 4.  A kernel with it: 16 MiB validated, then a --corrupt-at twin
# failing at its offset.  Usage errors: -f, --mem, -b.
. "$(dirname "$0")/lib.sh"
need_root
for args in "-l --zcrx-nodev -f lo" "-l --zcrx-nodev --mem udmabuf" \
	    "-l --zcrx-nodev -b 16K" "-s 127.0.0.1 --zcrx-nodev"; do
	"$NCDEVMEM" $args 2>"$TMP/err"; rc=$?
	[ $rc -eq 2 ] || fail "'$args': exit $rc, expected 2"
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "'$args': $(cat "$TMP/err")"
done
NS=ncd-nodev-$$-$RANDOM
ip netns add "$NS" || skip "cannot create network namespace"
at_exit ip netns del "$NS"
ip netns exec "$NS" ip link set lo up
PORT=5741
ip netns exec "$NS" timeout 30 "$NCDEVMEM" -l -s 127.0.0.1 -p $PORT --zcrx-nodev \
	--buf-size 8M --validate -J >"$TMP/srv" 2>"$TMP/srv.err" &
SP=$!
for ((i = 0; i < 200; i++)); do
	ip netns exec "$NS" ss -Hltn "sport = :$PORT" | grep -q . && break
	kill -0 $SP 2>/dev/null || break
	sleep 0.05
done
if ! kill -0 $SP 2>/dev/null; then
	wait $SP; rc=$?
	[ $rc -eq 4 ] || { cat "$TMP/srv.err"; fail "refused with exit $rc, expected 4"; }
	[ "$(wc -l <"$TMP/srv.err")" -eq 1 ] || { cat "$TMP/srv.err"; fail "refusal is not one line"; }
	assert_contains "$TMP/srv.err" "ZCRX_REG_NODEV .*failed: .*this kernel has no ZCRX_REG_NODEV" "refusal message"
	ok "kernel $(uname -r) has no ZCRX_REG_NODEV: $(cut -c1-120 "$TMP/srv.err")"
	exit 0
fi
ip netns exec "$NS" timeout 30 "$NCDEVMEM" -s 127.0.0.1 -p $PORT --validate --bytes 16M \
	>"$TMP/cli" 2>&1 || { cat "$TMP/cli"; fail "client"; }
wait $SP || { cat "$TMP/srv.err"; fail "server exit $?"; }
assert_contains "$TMP/srv" '"bytes": *16777216' "16 MiB received"
assert_contains "$TMP/srv" '"bad_bytes": *0' "0 bad bytes"
assert_contains "$TMP/srv" '"rq_flushes": *[1-9]' "refill ring flushed"
ip netns exec "$NS" timeout 30 "$NCDEVMEM" -l -s 127.0.0.1 -p $PORT --zcrx-nodev \
	--buf-size 8M --validate >"$TMP/srv2" 2>&1 &
SP=$!
wait_listen "$NS" $PORT
ip netns exec "$NS" timeout 30 "$NCDEVMEM" -s 127.0.0.1 -p $PORT --validate --bytes 8M \
	--corrupt-at 1234567 >/dev/null 2>&1
wait $SP && fail "corrupt run passed"
assert_contains "$TMP/srv2" "1234567" "corrupt offset named"
ok "zcrx-nodev over lo: 16 MiB, 0 bad bytes; corrupt twin caught"
