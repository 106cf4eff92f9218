#!/bin/bash
# The NIC journal on disk survives a SIGKILL: a real process changes the
# channels of a veth through ethtool netlink (nic.c, as a devmem set-up
# does) and is killed; the channels stay changed, the next run refuses with
# one line, --check reports the leftover, --restore puts the channels back
# and removes the journal, a second --restore has nothing to do.  A journal
# whose writer still runs is never replayed; one that cannot be written
# means no change is made.
. "$(dirname "$0")/nl_lib.sh"
nl_setup

[ "$(chan)" = "rx=4 tx=4" ] || fail "veth starts with $(chan)"

# 1. SIGKILL after the change: the journal (written first) is all that is left
hold kill
[ "$(chan)" = "rx=1 tx=1" ] || fail "holder did not shrink: $(chan)"
j=$(jfile)
[ -n "$j" ] || fail "no journal in $NCDEVMEM_STATE_DIR while channels are changed"
grep -qx "channels 3 4 4 0 0" "$j" || fail "journal lacks the old channels: $(cat "$j")"
kill -KILL $HOLDER
wait $HOLDER 2>/dev/null
dead=$HOLDER
[ "$(chan)" = "rx=1 tx=1" ] || fail "channels changed back without a restore: $(chan)"
ok "after SIGKILL: channels still rx=1 tx=1, journal $j kept"

# 2. the next run refuses, with one line naming the fix
in_ns "$NCDEVMEM" -f dv0 >"$TMP/neg.out" 2>"$TMP/neg.err"
rc=$?
[ $rc = 1 ] || { cat "$TMP/neg.err"; fail "next run: exit $rc, want 1"; }
[ "$(wc -l <"$TMP/neg.err")" = 1 ] || { cat "$TMP/neg.err"; fail "next run: not one line"; }
grep -q "dv0 was left changed by ncdevmem pid $dead, which died .* -> run ncdevmem --restore -f dv0$" "$TMP/neg.err" ||
	fail "next run: $(cat "$TMP/neg.err")"
[ "$(chan)" = "rx=1 tx=1" ] || fail "refused run touched the channels: $(chan)"
ok "next run refuses: $(cat "$TMP/neg.err")"

# 3. --check reports the leftover as a FAIL with the fix
in_ns "$NCDEVMEM" --check -f dv0 >"$TMP/check.out" 2>&1
grep -q "^\[FAIL\] NIC journal .*pid $dead, which died.* -> ncdevmem --restore -f dv0$" "$TMP/check.out" ||
	{ cat "$TMP/check.out"; fail "--check does not report the leftover journal"; }
ok "--check: $(grep 'NIC journal' "$TMP/check.out")"

# 4. --restore replays it and removes the journal
in_ns "$NCDEVMEM" --restore -f dv0 >"$TMP/restore.out" 2>"$TMP/restore.err"
rc=$?
[ $rc = 0 ] || { cat "$TMP/restore.out" "$TMP/restore.err"; fail "--restore: exit $rc"; }
[ "$(chan)" = "rx=4 tx=4" ] || fail "--restore left $(chan)"
[ -z "$(jfile)" ] || fail "--restore kept the journal $(jfile)"
grep -q "^restored dv0" "$TMP/restore.out" || fail "--restore said: $(cat "$TMP/restore.out")"
ok "--restore: channels rx=4 tx=4, journal removed"

in_ns "$NCDEVMEM" --restore -f dv0 >"$TMP/again.out" 2>&1
rc=$?
[ $rc = 0 ] || fail "second --restore: exit $rc"
grep -q "^nothing to restore on dv0" "$TMP/again.out" || fail "second --restore said: $(cat "$TMP/again.out")"
ok "second --restore: $(cat "$TMP/again.out")"
in_ns "$NCDEVMEM" --check -f dv0 | grep -q "^\[ ok \] NIC journal: none" ||
	fail "--check after --restore still reports a journal"

# 5. a journal whose writer still runs is not replayed; the writer restores
hold live
in_ns "$NCDEVMEM" --restore -f dv0 >"$TMP/live.out" 2>"$TMP/live.err"
rc=$?
[ $rc = 1 ] || fail "--restore while the writer runs: exit $rc, want 1"
grep -q "dv0 is being changed by ncdevmem pid $HOLDER" "$TMP/live.err" ||
	fail "--restore while the writer runs: $(cat "$TMP/live.err")"
[ "$(chan)" = "rx=1 tx=1" ] || fail "--restore replayed a live journal: $(chan)"
out=$(probe hold-channels dv0 2 2 2>&1) && fail "a second holder changed dv0 beside a live one: $out"
[[ $out == *"is being changed by ncdevmem pid $HOLDER"* ]] || fail "second holder: $out"
[ "$(chan)" = "rx=1 tx=1" ] || fail "second holder changed the channels: $(chan)"
kill -TERM $HOLDER
wait $HOLDER 2>/dev/null
rc=$?
[ $rc = 143 ] || fail "live holder SIGTERM: exit $rc"
[ "$(chan)" = "rx=4 tx=4" ] && [ -z "$(jfile)" ] ||
	fail "after the holder's own restore: $(chan), journal '$(jfile)'"
ok "a live writer's journal is refused by --restore and by a second run; its own restore removes it"

# 6. a journal that cannot be written: no change is made
out=$(NCDEVMEM_STATE_DIR=/proc/ncd-nowhere probe hold-channels dv0 1 1 2>&1) &&
	fail "changed dv0 without a journal: $out"
[[ $out == *"NIC journal /proc/ncd-nowhere/dv0"*" -> "* ]] || fail "unwritable journal: $out"
[ "$(chan)" = "rx=4 tx=4" ] || fail "changed the channels without a journal: $(chan)"
ok "unwritable journal: nothing changed"

# 7. an unreadable journal stops a run too
mkdir -p "$NCDEVMEM_STATE_DIR"
hold bad
kill -KILL $HOLDER
wait $HOLDER 2>/dev/null
j=$(jfile)
echo garbage >"$j"
in_ns "$NCDEVMEM" -f dv0 2>"$TMP/bad.err"
rc=$?
[ $rc = 1 ] && grep -q "NIC journal .* cannot be read -> restore dv0 by hand" "$TMP/bad.err" ||
	fail "unreadable journal: exit $rc, $(cat "$TMP/bad.err")"
ok "unreadable journal refused: $(cat "$TMP/bad.err")"
