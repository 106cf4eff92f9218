#!/bin/bash
# bind-rx / bind-tx on veth: what the kernel itself says (raw requests that
# skip ncdevmem's device check), and what ncdevmem prints instead.
. "$(dirname "$0")/nl_lib.sh"
nl_setup

# veth has no queue management ops: refused before the dma-buf is looked at
out=$(probe bind-rx dv0 1)
[[ $out == "bind-rx errno=95 "*"bad_attr=1" ]] ||
	fail "raw bind-rx on veth: $out"
ok "kernel, bind-rx on veth: $out"

out=$(probe bind-rx dv0)
[[ $out == "bind-rx errno=22 "*'extack="missing attribute 2"'* ]] ||
	fail "raw bind-rx with no queues: $out"
ok "kernel, bind-rx without queues: $out"

out=$(probe bind-tx dv0)
[[ $out == "bind-tx errno=95 "*'extack="Driver does not support netmem TX"'* ]] ||
	fail "raw bind-tx on veth: $out"
ok "kernel, bind-tx on veth: $out"

# ncdevmem's own path: one line, the kernel's text, then a hint
probe nic-bind-tx dv0 2>"$TMP/tx.err"
rc=$?
[ $rc = 4 ] || fail "ncdevmem bind-tx on veth: exit $rc, want 4 (skip)"
assert_contains "$TMP/tx.err" \
	'^ncdevmem: dv0: bind-tx: Operation not supported: Driver does not support netmem TX -> .*devmem TX' \
	"bind-tx error line"
[ "$(wc -l <"$TMP/tx.err")" = 1 ] || fail "more than one error line"
ok "ncdevmem: $(cat "$TMP/tx.err")"

probe nic-bind-rx dv0 2>"$TMP/rx.err"
rc=$?
[ $rc = 4 ] || fail "ncdevmem bind-rx on veth: exit $rc, want 4"
assert_contains "$TMP/rx.err" '^ncdevmem: dv0 is a virtual device .* -> ' \
	"bind-rx refusal line"
ok "ncdevmem: $(cat "$TMP/rx.err")"

# negative mode on a virtual device: skip, with the reason
[ -x "$NCDEVMEM" ] || skip "no $NCDEVMEM"
in_ns "$NCDEVMEM" -f dv0 2>"$TMP/neg.err"
rc=$?
[ $rc = 4 ] || fail "ncdevmem -f dv0: exit $rc, want 4"
assert_contains "$TMP/neg.err" 'virtual device' "negative-mode refusal"
ok "negative mode on veth skips: $(cat "$TMP/neg.err")"
