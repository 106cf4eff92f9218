# VM-tier check of the on-disk NIC journal (issue 12 item 5), sourced by
# the 7.3 guest's init (tests/vm/guest/init73) after the data checks: it
# uses init's helpers (in_srv, wait_listen, srv_state, pass, fail, dump).
#
# A devmem server that configures the NIC (header split on, binding) is
# SIGKILLed once it listens (set-up done, queues bound): the kernel drops
# the binding, the journal stays; the next run refuses, --check reports it,
# --restore brings header split back and removes the journal.  On a 6.12
# netdevsim without header split the server refuses before any change and
# leaves no journal: then only the "no journal" half is checked.
journal_vm_check() {
	command -v ncdevmem >/dev/null 2>&1 ||
		{ fail journal-sigkill "ncdevmem is not in the guest"; return; }
	export NCDEVMEM_STATE_DIR=/run/ncdevmem
	BEFORE=$(srv_state)
	# nsenter itself, not the in_srv function: $! must be ncdevmem (nsenter
	# execs it), or the SIGKILL would only hit a subshell
	nsenter -t $SRV -n -m -- ncdevmem -l -f eth0 -s 192.0.2.1 -p 5020 --mem udmabuf \
		--validate >$L/j.out 2>$L/j.err &
	SP=$!
	if ! wait_listen 5020 $SP; then
		wait $SP
		if ls $NCDEVMEM_STATE_DIR/eth0*.journal >/dev/null 2>&1; then
			fail journal-sigkill "server refused but left a journal"; dump $L/j.err 4
		else
			pass journal-sigkill
			echo "    | server refused before any change: $(head -1 $L/j.err | cut -c1-140)"
		fi
		return
	fi
	kill -KILL $SP; wait $SP
	J=$(ls $NCDEVMEM_STATE_DIR/eth0*.journal 2>/dev/null)
	in_srv ncdevmem -l -f eth0 -s 192.0.2.1 -p 5021 --mem udmabuf >$L/j2.out 2>$L/j2.err
	RC=$?
	if [ -n "$J" ] && grep -q "^bound rx" "$J" && [ $RC -eq 1 ] &&
	   grep -q "which died .* -> run ncdevmem --restore -f eth0" $L/j2.err &&
	   in_srv ncdevmem --check -f eth0 --mem udmabuf 2>&1 | grep -q "^\[FAIL\] NIC journal"; then
		pass journal-sigkill
	else
		fail journal-sigkill "journal '$J', next run rc=$RC: $(head -1 $L/j2.err)"
	fi
	in_srv ncdevmem --restore -f eth0 >$L/j3.out 2>&1
	RC=$?
	AFTER=$(srv_state)
	if [ $RC -eq 0 ] && [ "$BEFORE" = "$AFTER" ] &&
	   ! ls $NCDEVMEM_STATE_DIR/eth0*.journal >/dev/null 2>&1 &&
	   in_srv ncdevmem --restore -f eth0 2>&1 | grep -q "^nothing to restore"; then
		pass journal-restore
	else
		fail journal-restore "rc=$RC before '$BEFORE' after '$AFTER'"; dump $L/j3.out 6
	fi
}
journal_vm_check
