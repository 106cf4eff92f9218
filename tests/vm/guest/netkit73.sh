# VM-tier check of devmem through a netkit device with a leased queue
# (Linux 7.1+, issue 11 point 5), sourced by the 7.3 guest's init
# (tests/vm/guest/init73): it uses init's helpers (in_srv, in_cli, pair,
# ok_pair, bad_pair, st_rx, st_ok, wait_cli_listen, rxfrags, txfrags, pass,
# fail, dump, $L, $P, $SRV, $BAD).
#
# The selftest's netkit flavour (nk_devmem.py), without BPF: netdevsim eth0
# and the netkit primary nk0 stay in the server netns; the peer nk1, with a
# new RX queue leasing eth0's RX queue 1, goes into a container netns
# (198.51.100.2).  The server netns turns header split on and steers to
# queue 1 (netdevsim's rx_queue, as the rest of this guest), and routes the
# container's address to nk0 (IP forwarding; upstream redirects with BPF).
# Inside the container ncdevmem runs on nk1 with -t Q -q 1 -n: no NIC setup
# from there, and the lease is invisible there (the kernel names it only on
# eth0's queue), so bind-rx on nk1 is the kernel's to allow.
NKA=198.51.100.2
# CTR_NS / CTR_ENTER: extra unshare / nsenter flags (userns73.sh: a user ns)
in_ctr() { nsenter -t $CTR $CTR_ENTER -n -m -- "$@"; }
in_host() { nsenter -t $SRV -n -m -- "$@"; }
# as_ctr CMD...: run init's helpers with the container as the "server"
as_ctr() {
	in_srv() { in_ctr "$@"; }
	"$@"
	in_srv() { in_host "$@"; }
}

nk_setup() {	# [check name]
	# shellcheck disable=SC2086
	CTR=$(unshare $CTR_NS -n -m sh -c "mount -t sysfs sys /sys; exec sleep 100000" >/dev/null 2>&1 & echo $!)
	n=0	# sleep runs once the container's sysfs is mounted
	while [ $n -lt 100 ] && [ "$(cat /proc/$CTR/comm 2>/dev/null)" != sleep ]; do sleep 0.1; n=$((n + 1)); done
	{
		in_host vm_testbed netkit nk0 nk1 2 &&
		in_host vm_testbed lease nk1 eth0 1 &&
		in_host ip link set dev nk1 netns $CTR &&
		in_host ip link set nk0 up &&
		in_host ip route add $NKA/32 dev nk0 &&
		in_host sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward' &&
		in_ctr ip link set lo up && in_ctr ip link set nk1 up &&
		in_ctr ip addr add $NKA/32 dev nk1 &&
		in_ctr ip route add default dev nk1 &&
		in_cli ip route add $NKA/32 via 192.0.2.1 &&
		in_host vm_testbed hds eth0 on
	} >$L/nk-setup 2>&1
	NKQ=$(sed -n 's/^lease ok nk1 queue \([0-9]*\)$/\1/p' $L/nk-setup)
	if [ -n "$NKQ" ] && in_host vm_testbed queues eth0 | grep -q "^rxq 1 .* lease " &&
	   in_cli ping -c 1 -W 5 $NKA >$L/nk-ping 2>&1; then
		pass ${1:-netkit-setup}
		echo "    | nk1 (container $NKA) queue $NKQ leases eth0 RX queue 1; the container sees: $(in_ctr vm_testbed queues nk1 | tr '\n' ' ')"
		return 0
	fi
	fail ${1:-netkit-setup} "NKQ='$NKQ': $(tr '\n' ' ' <$L/nk-setup)"
	dump $L/nk-ping 3
	return 1
}

# nk_selftest_rx [NAME PORT]: the selftest's rx line, netkit flavour,
# unchanged, in the container; fed as devmem.py does
nk_selftest_rx() {
	c=${1:-selftest-nk-rx} port=${2:-5600}
	FEEDNK='yes "$(printf "\001\002\003\004\005\006")" | head -c 1024 | socat -u - TCP4:'$NKA':$PORT,bind=192.0.2.2:$PORT'
	F0=$(rxfrags)
	as_ctr st_rx $c $port "-l -f nk1 -s $NKA -p $port -v 7 -t $NKQ -q 1 -n" "$FEEDNK"
	F1=$(($(rxfrags) - F0))
	[ $F1 -gt 0 ] || SRC=9	# nothing landed in net_iovs
	st_ok $c "net_iov frags $F1; $(grep -m1 -ioE 'validation: [^;]*' $L/$c.srv.err)"
}

# ncdevmem --validate both ends, and its corruption twin
nk_validate() {
	F0=$(rxfrags)
	as_ctr pair netkit-devmem-rx 5601 "-l -f nk1 -s $NKA -t $NKQ -q 1 -n --buf-size 8M --validate -J" \
		"-s $NKA --validate --bytes 8M"
	F1=$(($(rxfrags) - F0))
	[ $F1 -gt 0 ] || SRC=9	# nothing landed in net_iovs
	ok_pair netkit-devmem-rx 8388608 "; net_iov frags $F1"
	as_ctr pair netkit-devmem-rx-corrupt 5602 "-l -f nk1 -s $NKA -t $NKQ -q 1 -n --buf-size 8M --validate" \
		"-s $NKA --validate --bytes 8M --corrupt-at $BAD"
	bad_pair netkit-devmem-rx-corrupt $BAD
}

# a queue of nk1 that is not leased: the kernel refuses, ncdevmem says why
nk_unleased() {
	in_ctr timeout 30 ncdevmem -l -f nk1 -s $NKA -p 5603 -t 0 -q 1 -n \
		>$L/nk-unleased.out 2>$L/nk-unleased.err
	RC=$?
	if [ $RC -ne 0 ] && [ $RC -ne 124 ] && grep -q "support DMA.*leased from one" $L/nk-unleased.err; then
		pass netkit-unleased-refused
		grep -m1 "support DMA" $L/nk-unleased.err | cut -c1-220 | sed 's/^/    | /'
	else
		fail netkit-unleased-refused "rc=$RC (want the kernel's refusal and the lease hint)"
		dump $L/nk-unleased.err 4
	fi
}

# the selftest's tx lines, netkit flavour (-t 0 -q 1 -n, as devmem_lib.py):
# bind-tx on nk1 (netkit proxies netmem TX to the NIC: NETMEM_TX_NO_DMA);
# the dma-buf frags leave through eth0 (netdevsim's netmem_tx_frags)
nk_selftest_tx() {	# NAME PORT "extra args"
	in_cli timeout 40 socat -U - TCP-LISTEN:$2 >$L/$1.got 2>$L/$1.cli.err &
	LP=$!
	wait_cli_listen $2
	T0=$(txfrags)
	# shellcheck disable=SC2086
	echo -e "hello\nworld" | in_ctr timeout 30 ncdevmem -f nk1 -s 192.0.2.2 -p $2 -t 0 -q 1 -n $3 \
		>$L/$1.srv.out 2>$L/$1.srv.err
	SRC=$?
	wait $LP
	CRC=$?
	T1=$(($(txfrags) - T0))
	if [ $SRC -eq 0 ] && [ $CRC -eq 0 ] && [ $T1 -gt 0 ] &&
	   [ "$(printf 'hello\nworld\n' | od -c)" = "$(od -c <$L/$1.got)" ]; then
		pass "$1"; echo "    | peer got 'hello\\nworld' from nk1, net_iov TX frags on eth0 $T1"
	else
		fail "$1" "ncdevmem rc=$SRC socat rc=$CRC, TX frags $T1, peer got: $(od -c <$L/$1.got | head -2 | tr '\n' ' ')"
		dump $L/$1.srv.err 6
	fi
}

# the selftest's rx_hds line, netkit flavour: one write of SIZE bytes
# (socat -b SIZE, nodelay) per run, devmem_lib.py's sizes; -L fails on any
# linear payload
nk_selftest_hds() {
	HDS_BAD=""; HDS_N=0; F0=$(rxfrags); port=5610
	for size in 1 8 16 32 64 128 256 512 1024 2048 4096 8192; do
		as_ctr st_rx nk-hds-$size $port "-l -f nk1 -s $NKA -p $port -t $NKQ -q 1 -n -L" \
			"dd if=/dev/zero bs=$size count=1 2>/dev/null | socat -b $size -u - TCP4:$NKA:\$PORT,bind=192.0.2.2:\$PORT,nodelay"
		got=$(wc -c <$L/nk-hds-$size.srv.out)
		if [ $SRC -ne 0 ] || [ $CRC -ne 0 ] || [ "$got" -ne $size ]; then
			HDS_BAD="$HDS_BAD $size(rc=$SRC/$CRC,got=$got)"; dump $L/nk-hds-$size.srv.err 4
		fi
		HDS_N=$((HDS_N + 1)); port=$((port + 1))
	done
	F1=$(($(rxfrags) - F0))
	[ $F1 -gt 0 ] || HDS_BAD="$HDS_BAD (no net_iov frags)"
	if [ -z "$HDS_BAD" ]; then
		pass selftest-nk-rx-hds
		echo "    | $HDS_N sizes 1, 8..8192 through nk1's leased queue, each received whole, no linear payload; net_iov frags $F1"
	else
		fail selftest-nk-rx-hds "sizes failed:$HDS_BAD"
	fi
}

# free 2 MiB hugepages (free less reserved)
hp_free() { awk '/^HugePages_Free/ {f = $2} /^HugePages_Rsvd/ {r = $2} END {print f - r}' /proc/meminfo; }

# the selftest's rx_large_niov line, netkit flavour: -b 16384 (rx-page-size
# on the bind-rx of nk1's queue, applied to the leased eth0 queue), payloads
# 1K..64K straddling the 16K niov.  Each run's 64 MiB udmabuf (32 of the
# guest's 40 hugepages) is freed only when the last skb holding its net_iovs
# is; a CPU other than the one that allocated the skb defers that free
# until the allocating CPU's next net RX, which on this idle guest may not
# come: skb_defer_max 0 frees at once
nk_selftest_large_niov() {
	LN_BAD=""; LN_WAIT=0; F0=$(rxfrags); port=5630
	DEFER=$(cat /proc/sys/net/core/skb_defer_max)
	echo 0 >/proc/sys/net/core/skb_defer_max
	for size in 1024 4096 8192 16384 32768 65536; do
		n=0
		while [ $n -lt 100 ] && [ "$(hp_free)" -lt 32 ]; do sleep 0.1; n=$((n + 1)); done
		LN_WAIT=$((LN_WAIT + n))
		FEEDLN='yes "$(printf "\001\002\003\004\005\006")" | head -c '$size' | socat -u - TCP4:'$NKA':$PORT,bind=192.0.2.2:$PORT'
		as_ctr st_rx nk-ln-$size $port "-l -f nk1 -s $NKA -p $port -v 7 -t $NKQ -q 1 -n -b 16384" "$FEEDLN"
		if [ $SRC -ne 0 ] || [ $CRC -ne 0 ]; then
			LN_BAD="$LN_BAD $size(rc=$SRC/$CRC, $(hp_free) hugepages free)"; dump $L/nk-ln-$size.srv.err 4
		fi
		port=$((port + 1))
	done
	echo "$DEFER" >/proc/sys/net/core/skb_defer_max
	F1=$(($(rxfrags) - F0))
	[ $F1 -gt 0 ] || LN_BAD="$LN_BAD (no net_iov frags)"
	# 4K niovs need at least 1+1+2+4+8+16 frags for these payloads
	[ $F1 -lt 32 ] || LN_BAD="$LN_BAD ($F1 net_iov frags: rx-page-size not applied)"
	if [ -z "$LN_BAD" ]; then
		pass selftest-nk-rx-large-niov
		echo "    | payloads 1K..64K with rx-page-size 16384 through nk1's leased queue; net_iov frags $F1 (fewer than 4K niovs would need); waited $LN_WAIT x 0.1 s for hugepages"
	else
		fail selftest-nk-rx-large-niov "payloads failed:$LN_BAD"
	fi
}

# --check inside the container: the lease is not visible there
nk_check() {
	in_ctr timeout 30 ncdevmem --check -f nk1 -t $NKQ -q 1 -n >$L/nk-check.out 2>&1
	if grep -q "^\[warn\] device nk1: virtual; devmem only through an RX queue leased" $L/nk-check.out; then
		pass check-netkit-container
		grep -m1 "device nk1" $L/nk-check.out | cut -c1-200 | sed 's/^/    | /'
	else
		fail check-netkit-container "no warn line for nk1 in the container"
		dump $L/nk-check.out 8
	fi
}

# nk_teardown [NAME]: routes, forwarding, the pair and the container go;
# check NAME (netkit-gone) says the lease ended with them
nk_teardown() {
	c=${1:-netkit-gone}
	in_cli ip route del $NKA/32 via 192.0.2.1
	in_host sh -c 'echo 0 > /proc/sys/net/ipv4/ip_forward'
	in_host vm_testbed dellink nk0 >$L/$c.del 2>&1
	kill $CTR 2>/dev/null
	if in_host vm_testbed queues eth0 | grep -q lease; then
		fail $c "eth0 still leased after deleting nk0: $(cat $L/$c.del)"
	else
		pass $c
	fi
}

echo "VM-TIME $(cut -d' ' -f1 /proc/uptime) s: netkit"
if nk_setup; then
	nk_selftest_rx
	nk_validate
	nk_unleased
	nk_check
	nk_selftest_tx selftest-nk-tx 5604 ""
	nk_selftest_tx selftest-nk-tx-chunks 5605 "-z 3"
	echo "VM-TIME $(cut -d' ' -f1 /proc/uptime) s: netkit rx_hds"
	nk_selftest_hds
	echo "VM-TIME $(cut -d' ' -f1 /proc/uptime) s: netkit rx_large_niov"
	nk_selftest_large_niov
	nk_teardown
else
	for c in selftest-nk-rx netkit-devmem-rx netkit-devmem-rx-corrupt \
		 netkit-unleased-refused check-netkit-container selftest-nk-tx selftest-nk-tx-chunks \
		 selftest-nk-rx-hds selftest-nk-rx-large-niov netkit-gone; do
		fail $c "no netkit set-up"
	done
fi
