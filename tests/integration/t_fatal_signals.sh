#!/bin/bash
# Every catchable fatal signal is a stop, not a death: the NIC undo runs in
# normal control flow and the exit status is 128+N.  A holder (nic.c, as a
# devmem set-up) shrinks a veth's channels and is sent SIGHUP, SIGQUIT,
# SIGALRM, SIGUSR2, ...: each must restore the channels, remove its journal
# and exit 128+N.  SIGUSR1 is ncdevmem's own wake-up: one from outside must
# neither kill nor stop.  The server itself says it stops on each signal.
. "$(dirname "$0")/nl_lib.sh"
nl_setup

for sig in HUP QUIT ALRM USR2 XCPU VTALRM PROF IO PWR RTMIN RTMAX; do
	hold $sig
	[ "$(chan)" = "rx=1 tx=1" ] || fail "holder did not shrink: $(chan)"
	kill -$sig $HOLDER
	wait $HOLDER 2>/dev/null
	rc=$?
	want=$((128 + $(kill -l $sig)))
	[ $rc = $want ] || fail "SIG$sig: exit $rc, want $want"
	[ "$(chan)" = "rx=4 tx=4" ] || fail "SIG$sig: channels not restored: $(chan)"
	[ -z "$(jfile)" ] || fail "SIG$sig: journal left after the restore: $(jfile)"
	ok "SIG$sig: exit $rc, channels restored, journal removed"
done

# SIGUSR1 from outside is dropped: the holder still holds, and the SIGTERM
# after it is what ends it (143, not 138)
hold USR1
[ "$(chan)" = "rx=1 tx=1" ] || fail "holder did not shrink: $(chan)"
kill -USR1 $HOLDER
kill -TERM $HOLDER
wait $HOLDER 2>/dev/null
rc=$?
[ $rc = 143 ] || fail "SIGUSR1 then SIGTERM: exit $rc, want 143"
[ "$(chan)" = "rx=4 tx=4" ] || fail "SIGUSR1 then SIGTERM: channels $(chan)"
ok "SIGUSR1 from outside ignored; SIGTERM after it: exit 143, restored"

# ncdevmem itself: a server waiting for clients stops on each in normal flow
in_ns ip addr add 198.18.250.1/24 dev dv0
for sig in HUP QUIT ALRM USR2; do
	ip netns exec "$NS" "$NCDEVMEM" -l -s 198.18.250.1 -p 5260 --validate 2>"$TMP/srv.err" &
	srv=$!
	wait_listen "$NS" 5260
	kill -$sig $srv
	wait $srv 2>/dev/null
	rc=$?
	want=$((128 + $(kill -l $sig)))
	[ $rc = $want ] || { cat "$TMP/srv.err"; fail "server SIG$sig: exit $rc, want $want"; }
	grep -q "^ncdevmem: .*, stopping$" "$TMP/srv.err" ||
		{ cat "$TMP/srv.err"; fail "server SIG$sig: died instead of stopping"; }
	ok "server SIG$sig: $(grep stopping "$TMP/srv.err"), exit $rc"
done
