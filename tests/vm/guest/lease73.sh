# VM-tier check of queue leasing (Linux 7.1+, issue 11), sourced by the 7.3
# guest's init (tests/vm/guest/init73): it uses init's helpers (in_srv,
# srv_state, pass, fail, dump, $L, $SIF).
#
# A netkit pair in the server netns; netdev queue-create gives the peer
# (nk1) a new RX queue leasing netdevsim eth0's RX queue 1 (vm_testbed: raw
# netlink, no project code).  The kernel reports the lease on eth0's queue;
# --check must name nk1 there, and on nk1 name eth0's queue; a devmem run on
# the leased queue is refused with the kernel's reason and our hint; deleting
# the netkit pair ends the lease and leaves eth0 as it was.
lease_vm_check() {
	BEFORE=$(srv_state)
	in_srv vm_testbed netkit nk0 nk1 2 >$L/nk 2>&1
	NKX=$(in_srv cat /sys/class/net/nk1/ifindex 2>/dev/null)
	in_srv vm_testbed lease nk1 eth0 1 >$L/lease 2>&1
	NKQ=$(sed -n 's/^lease ok nk1 queue \([0-9]*\)$/\1/p' $L/lease)
	if [ -z "$NKX" ] || [ -z "$NKQ" ]; then
		fail lease-create "netkit: $(cat $L/nk); queue-create: $(cat $L/lease)"
		return
	fi
	if in_srv vm_testbed queues eth0 | grep -qx "rxq 1 dmabuf 0 lease $NKX $NKQ"; then
		pass lease-create
		echo "    | eth0 RX queue 1 leased to nk1 (ifindex $NKX) as its queue $NKQ"
	else
		fail lease-create "queue-get on eth0 shows no lease: $(in_srv vm_testbed queues eth0 | tr '\n' ' ')"
	fi

	# the NIC's side: queue 1 is the one ncdevmem would bind (the last)
	in_srv timeout 60 ncdevmem --check -f eth0 -n >$L/check-lease.out 2>&1
	RC=$?
	if [ $RC -eq 4 ] && grep -q "^\[FAIL\] RX queue 1: leased to nk1 (ifindex $NKX) queue $NKQ -> " $L/check-lease.out; then
		pass check-lease
		grep -m1 "leased to" $L/check-lease.out | cut -c1-200 | sed 's/^/    | /'
	else
		fail check-lease "ncdevmem --check -f eth0 -n: rc=$RC (want 4 and the lease to nk1 as a FAIL)"
		dump $L/check-lease.out 20
	fi
	# the lessee's side: the kernel puts no lease on nk1's own queue
	in_srv timeout 60 ncdevmem --check -f nk1 >$L/check-lease-nk.out 2>&1
	if grep -q "RX queue $NKQ: leased from eth0 (ifindex $SIF) queue 1" $L/check-lease-nk.out; then
		pass check-lease-netkit
		grep -m1 "leased from" $L/check-lease-nk.out | cut -c1-200 | sed 's/^/    | /'
	else
		fail check-lease-netkit "ncdevmem --check -f nk1 does not show eth0's queue 1"
		dump $L/check-lease-nk.out 20
	fi

	# devmem on the leased queue (no -n: ncdevmem would configure the NIC):
	# 7.3's bind-rx refuses it, misleadingly, as "Device doesn't support
	# DMA"; ncdevmem names the lease before changing anything, exit 1
	MID=$(srv_state)
	in_srv timeout 30 ncdevmem -l -f eth0 -s 192.0.2.1 --buf-size 8M --validate -p 5301 \
		>$L/refuse-leased.out 2>$L/refuse-leased.err
	RC=$?
	if [ $RC -eq 1 ] && grep -q "RX queue 1 is leased to nk1 (ifindex $NKX) as its queue $NKQ" $L/refuse-leased.err &&
	   grep -q "end the lease" $L/refuse-leased.err && [ "$MID" = "$(srv_state)" ] &&
	   ! grep -q "header split: on" $L/refuse-leased.err; then
		pass refuse-leased
		grep -m1 "is leased to" $L/refuse-leased.err | cut -c1-220 | sed 's/^/    | /'
	else
		fail refuse-leased "rc=$RC (want 1 naming the lease, NIC untouched: before '$MID' after '$(srv_state)')"
		dump $L/refuse-leased.err 6
	fi

	# deleting the pair ends the lease; eth0 as before
	in_srv vm_testbed dellink nk0 >$L/dellink 2>&1
	AFTER=$(srv_state)
	if ! in_srv vm_testbed queues eth0 | grep -q lease && [ "$BEFORE" = "$AFTER" ]; then
		pass lease-gone
	else
		fail lease-gone "after deleting nk0: $(in_srv vm_testbed queues eth0 | tr '\n' ' '); before '$BEFORE' after '$AFTER' $(cat $L/dellink)"
	fi
}
lease_vm_check
