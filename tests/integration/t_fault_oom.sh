#!/bin/bash
# Memory that cannot be had: a 1T buffer or pattern, or an address-space
# limit below --buf-size.  One line naming the size and what to lower,
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
check "client --period 1T" "1099511627776 bytes.*lower --period" \
	"$NCDEVMEM" -s 127.0.0.1 -p 5270 --validate --buf-size 1T --period 1T
# ASan reserves terabytes of shadow address space: no --as limit there
[ "${NCD_SUITE:-}" = asan ] && { ok "prlimit case left to the plain build"; exit 0; }
check "server under prlimit --as=256M" "536870912 bytes.*lower --buf-size" \
	prlimit --as=$((256 << 20)) "$NCDEVMEM" -l -s 127.0.0.1 -p 5270 --validate --buf-size 512M --period 512M
