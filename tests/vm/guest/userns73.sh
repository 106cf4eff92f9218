# VM-tier check of devmem from a container with its own user namespace
# (issue 11 point 5: the selftest's userns_devmem.py flavour), sourced by
# the 7.3 guest's init after netkit73.sh, whose topology and helpers it
# reuses (nk_setup, as_ctr, in_ctr, in_host, nk_selftest_tx, $NKA).
#
# The container's netns is owned by a user namespace that maps its root to
# ours (unshare -U -r): a process entered into it has every capability in
# that user namespace and none in the init one.  A fresh netkit pair, nk1
# leasing eth0's RX queue 1 (the lease is made from the init netns, as the
# selftest does), goes into it; ncdevmem runs there with the selftest's
# lines.  7.3's netdev family lets bind-rx and bind-tx through with
# CAP_NET_ADMIN in the netns's owning user namespace (uns-admin-perm); from
# a user namespace that does not own the netns bind-rx gets EPERM.
CTR_NS="-U -r"
CTR_ENTER="-U"

# the container is in a user namespace of its own, with root mapped to ours
# and no capability outside it
us_is_userns() {
	[ "$(readlink /proc/$CTR/ns/user)" != "$(readlink /proc/1/ns/user)" ] &&
		in_ctr cat /proc/self/uid_map | grep -qE '^ *0 +0 +1$'
}

# the container's netns from a user namespace that does not own it (its
# root is ours, but the netns belongs to the container's): bind-rx gets
# EPERM; ncdevmem says which namespace lacks CAP_NET_ADMIN, not "run as root"
us_foreign() {
	nsenter -t $CTR -n -m -- unshare -U -r timeout 30 ncdevmem -l -f nk1 -s $NKA -p 5702 -v 7 \
		-t $NKQ -q 1 -n >$L/us-foreign.out 2>$L/us-foreign.err
	RC=$?
	if [ $RC -ne 0 ] && [ $RC -ne 124 ] && grep -q "bind-rx: Operation not permitted" $L/us-foreign.err &&
	   grep -q "CAP_NET_ADMIN in the user namespace that owns this network namespace" $L/us-foreign.err; then
		pass userns-foreign-refused
		grep -m1 "not permitted" $L/us-foreign.err | cut -c1-240 | sed 's/^/    | /'
	else
		fail userns-foreign-refused "rc=$RC (want EPERM from bind-rx naming the owning user namespace)"
		dump $L/us-foreign.err 4
	fi
}

echo "VM-TIME $(cut -d' ' -f1 /proc/uptime) s: userns"
if nk_setup userns-setup; then
	if us_is_userns; then
		echo "    | container user ns $(readlink /proc/$CTR/ns/user), uid_map '$(in_ctr cat /proc/self/uid_map | tr -s ' ')'"
		nk_selftest_rx selftest-userns-rx 5700
		nk_selftest_tx selftest-userns-tx 5701 ""
		us_foreign
	else
		for c in selftest-userns-rx selftest-userns-tx userns-foreign-refused; do
			fail $c "the container has no user namespace of its own"
		done
	fi
	nk_teardown userns-gone
else
	for c in selftest-userns-rx selftest-userns-tx userns-foreign-refused userns-gone; do
		fail $c "no userns netkit set-up"
	done
fi
CTR_NS=""
CTR_ENTER=""
