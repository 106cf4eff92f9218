#!/bin/bash
# Too many flows or queues: -P / -q above NCD_MAX_FLOWS (128) are usage
# errors; -P 128 itself runs.  devmem on veth with more flows than queues
# ends with a one-line reason (skip: veth cannot do devmem), never a hang.
. "$(dirname "$0")/fault_lib.sh"
for a in "-P 129" "-q 129" "-P 0" "-q 0"; do
	# shellcheck disable=SC2086
	"$NCDEVMEM" -l --discard $a 2>"$TMP/err"; rc=$?
	[ $rc -eq 2 ] || fail "$a: exit $rc, expected 2"
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "$a: not one line"
	assert_contains "$TMP/err" "flow count|queue count" "$a: names what is wrong"
done
ok "-P/-q out of 1..128 refused"
netns_pair_up
bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5280 --validate -P 128 -i 0 2>"$TMP/srv.err"
srv=$BG_PID
wait_listen "$NS_A" 5280
in_b timeout 60 "$NCDEVMEM" -s "$ADDR_A" -p 5280 --validate -P 128 --bytes 1M -i 0 2>"$TMP/cli.err" ||
	{ tail -5 "$TMP/cli.err"; fail "client -P 128"; }
wait_gone $srv 30 || fail "server -P 128 hangs"
wait $srv || { tail -5 "$TMP/srv.err"; fail "server -P 128"; }
assert_contains "$TMP/srv.err" "receiver copy/host: 134217728 bytes" "128 flows x 1M arrived"
ok "-P 128 runs"
for a in "-P 4 -q 2" "-P 4 -t 0 -q 1 -n"; do
	# shellcheck disable=SC2086
	in_a timeout 20 "$NCDEVMEM" -l -f "$IF_A" -s "$ADDR_A" -p 5281 --validate $a --mem udmabuf --buf-size 4M 2>"$TMP/err"
	rc=$?
	[ $rc -eq 4 ] || [ $rc -eq 1 ] || { cat "$TMP/err"; fail "devmem $a on veth: exit $rc"; }
	[ "$(grep -c . "$TMP/err")" -le 2 ] || { cat "$TMP/err"; fail "devmem $a: more than a reason"; }
	ok "devmem $a on veth: exit $rc: $(head -1 "$TMP/err")"
done
