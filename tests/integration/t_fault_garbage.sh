#!/bin/bash
# A peer that sends garbage: a --validate server and a -v 7 server both
# exit 1 and name the first wrong byte, which random data hits in the first
# 8 bytes; they never hang or crash.
. "$(dirname "$0")/fault_lib.sh"
netns_pair_up
send_garbage() {	# port bytes
	in_b timeout 20 bash -c "head -c $2 /dev/urandom >/dev/tcp/$ADDR_A/$1" ||
		fail "sending garbage to port $1"
}
port=5240
for pat in "--validate" "-v 7"; do
	for len in 100000 3; do
		port=$((port + 1))
		# shellcheck disable=SC2086
		bg_a "$NCDEVMEM" -l -s "$ADDR_A" -p $port $pat -i 0 2>"$TMP/srv.err"
		srv=$BG_PID
		wait_listen "$NS_A" $port
		send_garbage $port $len
		wait_gone $srv 20 || fail "$pat: server hangs on garbage"
		wait $srv; rc=$?
		[ $rc -eq 1 ] || { cat "$TMP/srv.err"; fail "$pat, $len bytes: exit $rc, expected 1"; }
		assert_contains "$TMP/srv.err" "validation: FAILED, [0-9]+ of $len bytes wrong; first at stream offset [0-7]: expected 0x[0-9a-f]+, got 0x[0-9a-f]+" \
			"$pat, $len bytes: first mismatch in the first word"
		ok "$pat, $len random bytes: $(grep -o 'first at stream offset [0-9]*' "$TMP/srv.err")"
	done
done
