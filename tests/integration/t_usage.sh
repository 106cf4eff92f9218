#!/bin/bash
# Usage errors: one line on stderr, exit 2; --help documents every long option.
. "$(dirname "$0")/lib.sh"
for args in "-P -3" "-s x -p 70000" "-s x --bytes 5Q" "-s x -i 1x" "-l --mem gpu" "--bogus"; do
	"$NCDEVMEM" $args 2>"$TMP/err" && fail "accepted: $args"
	rc=$?
	[ $rc -eq 2 ] || fail "'$args': exit $rc, expected 2"
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "'$args': not one line"
done
"$NCDEVMEM" --help >"$TMP/help" || fail "--help exit"
for opt in listen server client port ifname time bytes flows interval json mem seed zcrx-nodev \
	   validate period check copy devmem zcrx gpu buf-size max-chunk rx-page-size; do
	grep -q -- "--$opt" "$TMP/help" || fail "--help does not mention --$opt"
done
ok "usage"
