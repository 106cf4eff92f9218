#!/bin/bash
# An interface that does not exist: one line naming it, exit 1, for every role.
. "$(dirname "$0")/lib.sh"
for args in "-l -f nosuch0 --mem udmabuf" "--check -f nosuch0" "-f nosuch0" \
	    "-s 198.18.0.1 -f nosuch0 --validate"; do
	"$NCDEVMEM" $args 2>"$TMP/err"; rc=$?
	[ $rc -eq 1 ] || fail "'$args': exit $rc, expected 1"
	assert_contains "$TMP/err" "no network interface 'nosuch0'" "'$args' message"
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "'$args': $(cat "$TMP/err")"
done
ok "unknown interface"
