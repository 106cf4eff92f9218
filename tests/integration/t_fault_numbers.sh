#!/bin/bash
# Every numeric flag refuses a negative number, an overflow, trailing junk
# and an empty value: one line on stderr that quotes the value, exit 2.
. "$(dirname "$0")/fault_lib.sh"
FLAGS="-p -P -i -t -q -z -b -v --time --bytes --seed --period --buf-size --corrupt-at
	--bitrate -w -O -A --cport"
VALUES=(-1 99999999999999999999999 5x "" " 5" nan)
n=0
for f in $FLAGS; do
	for v in "${VALUES[@]}"; do
		"$NCDEVMEM" -l --discard "$f" "$v" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		what="$f '$v'"
		[ $rc -eq 2 ] || { cat "$TMP/err"; fail "$what: exit $rc, want 2"; }
		[ "$(wc -l <"$TMP/err")" -eq 1 ] || { cat "$TMP/err"; fail "$what: not one line"; }
		grep -qF -- "'$v'" "$TMP/err" || { cat "$TMP/err"; fail "$what: the value is not quoted"; }
		grep -q '^ncdevmem: ' "$TMP/err" || fail "$what: no ncdevmem: prefix"
		[ -s "$TMP/out" ] && fail "$what: wrote to stdout"
		n=$((n + 1))
	done
	# the same flag with its value glued on (--flag=VALUE / -fVALUE)
	case $f in
	--*) "$NCDEVMEM" -l --discard "$f=5x" 2>"$TMP/err" ;;
	*) "$NCDEVMEM" -l --discard "${f}5x" 2>"$TMP/err" ;;
	esac
	[ $? -eq 2 ] || fail "$f glued 5x accepted"
done
# a flag at the end with no value at all
for f in $FLAGS; do
	"$NCDEVMEM" -l --discard "$f" 2>"$TMP/err"
	[ $? -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "$f without a value"
done
ok "$n bad values refused with one line and exit 2"
