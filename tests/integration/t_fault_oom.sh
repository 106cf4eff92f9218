#!/bin/bash
# Memory that cannot be had: a 1T buffer, or an address-space limit below
# --buf-size; and a 1T pattern period, which a copy-mode sender no longer
# needs memory for.  One line naming the size and what to lower,
# exit 1, no crash.
. "$(dirname "$0")/fault_lib.sh"
need_cmd prlimit
check() {	# what regex command...
	local what=$1 re=$2 rc; shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -eq 1 ] || { cat "$TMP/err"; fail "$what: exit $rc, expected 1"; }
	# (ASan's own "==pid==WARNING: failed to allocate" line aside)
	sed -i '/^==[0-9]*==/d' "$TMP/err"
	[ "$(grep -c . "$TMP/err")" -eq 1 ] || { cat "$TMP/err"; fail "$what: not one line"; }
	assert_contains "$TMP/err" "$re" "$what: names the size and what to do"
	ok "$what: $(cat "$TMP/err")"
}
check "server --buf-size 1T" "1099511627776 bytes.*lower --buf-size" \
	"$NCDEVMEM" -l -s 127.0.0.1 -p 5270 --validate --buf-size 1T --period 1T
# A copy-mode client fills a 256 KiB ring at the stream offset: a 1T period
# costs it no memory, even with 256M of address space (it then fails only
# for want of a server).
prlimit --as=$((256 << 20)) true 2>/dev/null && [ "${NCD_SUITE:-}" != asan ] &&
	lim=(prlimit --as=$((256 << 20))) || lim=()
"${lim[@]}" "$NCDEVMEM" -s 127.0.0.1 -p 5270 --validate --period 1T --bytes 1M >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] || { cat "$TMP/err"; fail "client --period 1T: exit $rc, expected 1 (no server)"; }
grep -q "memory\|allocate" "$TMP/err" && { cat "$TMP/err"; fail "client --period 1T tried to hold the period"; }
assert_contains "$TMP/err" "connecting to 127.0.0.1 port 5270 failed" "client --period 1T gets as far as connecting"
ok "client --period 1T: no period-sized buffer"
# ASan reserves terabytes of shadow address space: no --as limit there
[ "${NCD_SUITE:-}" = asan ] && { ok "prlimit case left to the plain build"; exit 0; }
check "server under prlimit --as=256M" "536870912 bytes.*lower --buf-size" \
	prlimit --as=$((256 << 20)) "$NCDEVMEM" -l -s 127.0.0.1 -p 5270 --validate --buf-size 512M --period 512M
