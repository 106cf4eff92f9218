# VM-tier check of devmem fan-in (issue 15 point 3), sourced by the 7.3
# guest's init (tests/vm/guest/init73): it uses init's helpers (pass, fail,
# dump, $L, $P) and its own namespaces.
#
#   sender 1 (10.9.1.2) --veth--+
#   sender 2 (10.9.2.2) --veth--+-- router --netdevsim== netdevsim (4 queues)
#   sender 3 (10.9.3.2) --veth--+   10.9.0.254            receiver 10.9.0.1
#
# An ncdevmem devmem server with the three senders' addresses (-c x3, no -n)
# binds queues 1..3 and adds one ntuple rule per sender; rx_queue=-2 makes
# netdevsim steer by RSS (queue 0 only, as ncdevmem sets it) and those rules,
# so each flow reaches its bound queue only through its own rule.  The
# queue each flow arrived on is the server's (SO_INCOMING_NAPI_ID, per-host
# "rx_queues" in its JSON).

fanin_ns() {	# a netns (with a mount ns and sysfs when $1 is a netdevsim id)
	if [ -n "${1:-}" ]; then
		unshare -n -m sh -c "mount -t sysfs sys /sys; echo '$1 1 4' > /sys/bus/netdevsim/new_device; exec sleep 100000" >/dev/null 2>&1 &
	else
		unshare -n sh -c "exec sleep 100000" >/dev/null 2>&1 &
	fi
	echo $!
}
# until process $1 is in a network namespace of its own (unshare runs in
# the background: entering it earlier would enter init's)
fanin_wait_ns() {
	n=0
	while [ $n -lt 100 ]; do
		[ "$(readlink /proc/$1/ns/net)" != "$(readlink /proc/self/ns/net)" ] && return 0
		sleep 0.1; n=$((n + 1))
	done
	return 1
}
in_rcv() { nsenter -t $F_RCV -n -m -- "$@"; }
in_rtr() { nsenter -t $F_RTR -n -m -- "$@"; }
in_snd() { k=$1; shift; eval "nsenter -t \$F_S$k -n -- \"\$@\""; }

# the topology; 0 or a failure already reported as fanin-net
fanin_net() {
	F_RCV=$(fanin_ns 11)
	F_RTR=$(fanin_ns 12)
	fanin_wait_ns $F_RCV && fanin_wait_ns $F_RTR ||
		{ fail fanin-net "no namespaces for the receiver and the router"; return 1; }
	i=0
	while [ $i -lt 100 ]; do
		in_rcv test -e /sys/class/net/eth0 && in_rtr test -e /sys/class/net/eth0 && break
		sleep 0.1; i=$((i + 1))
	done
	RIF=$(in_rcv cat /sys/class/net/eth0/ifindex 2>/dev/null)
	TIF=$(in_rtr cat /sys/class/net/eth0/ifindex 2>/dev/null)
	exec 7</proc/$F_RCV/ns/net 8</proc/$F_RTR/ns/net
	echo "7:$RIF 8:$TIF" > /sys/bus/netdevsim/link_device 2>$L/fanin-link
	# shellcheck disable=SC2320  # the write to link_device is the check
	LRC=$?
	exec 7<&- 8<&-
	[ -n "$RIF" ] && [ -n "$TIF" ] && [ $LRC -eq 0 ] ||
		{ fail fanin-net "netdevsim pair: rcv=$RIF rtr=$TIF link rc=$LRC $(cat $L/fanin-link)"; return 1; }
	in_rcv ip link set lo up; in_rtr ip link set lo up
	in_rcv ip addr add 10.9.0.1/24 dev eth0; in_rcv ip link set eth0 up
	in_rtr ip addr add 10.9.0.254/24 dev eth0; in_rtr ip link set eth0 up
	in_rcv ip route add 10.9.0.0/16 via 10.9.0.254
	in_rtr sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
	for k in 1 2 3; do
		eval "F_S$k=\$(fanin_ns)"
		eval "fanin_wait_ns \$F_S$k" || { fail fanin-net "sender $k: no namespace"; return 1; }
		# each veth made in its sender (the peer is veth0 there), the
		# peer moved to the router and named r$k before the next one
		in_snd $k ip link add s$k type veth &&
		in_snd $k ip link set veth0 netns $F_RTR &&
		in_rtr ip link set veth0 name r$k &&
		in_rtr ip addr add 10.9.$k.254/24 dev r$k && in_rtr ip link set r$k up &&
		in_snd $k ip link set lo up && in_snd $k ip addr add 10.9.$k.2/24 dev s$k &&
		in_snd $k ip link set s$k up && in_snd $k ip route add default via 10.9.$k.254 ||
			{ fail fanin-net "veth for sender $k"; return 1; }
	done
	for k in 1 2 3; do
		in_snd $k ping -c 1 -W 5 10.9.0.1 >$L/fanin-ping$k 2>&1 ||
			{ fail fanin-net "sender $k cannot reach the receiver through the router"; dump $L/fanin-ping$k 4; return 1; }
	done
	pass fanin-net
	echo "    | 3 senders -> router (veth, ip_forward) -> netdevsim pair -> receiver with 4 RX queues"
}

fanin_wait_listen() {	# PORT PID
	hex=$(printf '%04X' "$1"); n=0
	while [ $n -lt 300 ]; do
		in_rcv cat /proc/net/tcp6 /proc/net/tcp 2>/dev/null |
			grep -qE ":$hex [0-9A-F]+:0000 0A " && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1; n=$((n + 1))
	done
	return 1
}
fanin_state() {
	echo "$(in_rcv vm_testbed queues eth0 | awk '{printf "rxq%s=%s ", $2, $4}')| $(in_rcv ip -o link show eth0 | sed 's/.*<\([^>]*\)>.*mtu \([0-9]*\).*/<\1> mtu \2/')"
}
# one line per host of the server's JSON "hosts" array
fanin_hosts() {
	sed -n 's/.*"hosts":\[//p' "$1" | sed 's/\],"cpu_seconds".*//' |
		awk '{ gsub(/\},\{"host"/, "}\n{\"host\""); print }'
}

# fanin_run NAME PORT [args of sender 2]: server and three senders, 2M each;
# FSRC/FCRC set, logs $L/NAME.*
fanin_run() {
	name=$1 port=$2
	shift 2
	in_rcv timeout 120 ncdevmem -l -f eth0 -s 10.9.0.1 -c 10.9.1.2 -c 10.9.2.2 -c 10.9.3.2 \
		-P 3 -p $port --mem udmabuf --buf-size 8M --validate -J >$L/$name.srv.out 2>$L/$name.srv.err &
	sp=$!
	if ! fanin_wait_listen $port $sp; then
		kill $sp 2>/dev/null; wait $sp; FSRC=$?; FCRC=x; return
	fi
	FBOUND=$(in_rcv vm_testbed queues eth0 | awk '{printf "rxq%s=%s ", $2, $4}')
	cps=""
	for k in 1 2 3; do
		extra=""; [ $k = 2 ] && extra="$*"
		# shellcheck disable=SC2086
		in_snd $k timeout 100 ncdevmem -s 10.9.0.1 -c 10.9.$k.2 -p $port --validate \
			--bytes 2M $extra >$L/$name.c$k.out 2>$L/$name.c$k.err &
		cps="$cps $!"
	done
	FCRC=0
	for p in $cps; do wait $p || FCRC=$?; done
	wait $sp; FSRC=$?
}

fanin_vm_check() {
	insmod /lib/veth.ko 2>$L/fanin-veth || { fail fanin-net "insmod veth: $(cat $L/fanin-veth)"; return; }
	fanin_net || return
	old_rxq=$(cat $P/rx_queue)
	in_rcv vm_testbed hds eth0 on >$L/fanin-hds 2>&1 ||
		{ fail devmem-fanin "header split on: $(cat $L/fanin-hds)"; return; }
	echo -2 > $P/rx_queue
	export NCDEVMEM_STATE_DIR=/run/ncdevmem
	before=$(fanin_state)
	f0=$(cat $P/devmem_rx_frags)

	fanin_run devmem-fanin 5400
	f1=$(cat $P/devmem_rx_frags)
	after=$(fanin_state)
	fanin_hosts $L/devmem-fanin.srv.out >$L/fanin.hosts
	bad=""
	for k in 1 2 3; do
		grep -q "^{\"host\":\"10.9.$k.2\",\"queue\":$k,\"rx_queues\":\[$k\],\"flows\":1,.*\"bytes\":2097152,.*\"bad_bytes\":0" $L/fanin.hosts ||
			bad="$bad host$k"
	done
	frags=$(grep -oE '"frags":[0-9]+' $L/devmem-fanin.srv.out | awk -F: '{ s += $2 } END { print s + 0 }')
	if [ $FSRC -eq 0 ] && [ "$FCRC" = 0 ] && [ -z "$bad" ] &&
	   grep -q '"sum":{[^}]*"bytes":6291456' $L/devmem-fanin.srv.out &&
	   [ "$frags" -gt 0 ] && [ $((f1 - f0)) -ge "$frags" ] &&
	   echo "$FBOUND" | grep -qE "rxq0=0 rxq1=[1-9][0-9]* rxq2=[1-9][0-9]* rxq3=[1-9][0-9]*"; then
		pass devmem-fanin
		echo "    | bound while running: $FBOUND; netdevsim devmem frags +$((f1 - f0)), the flows' $frags"
		sed 's/,"seconds".*"validation":{/ ... /; s/}}$//' $L/fanin.hosts | cut -c1-150 | sed 's/^/    | /'
	else
		fail devmem-fanin "server rc=$FSRC senders rc=$FCRC, hosts wrong:$bad, bound '$FBOUND', frags $frags (nsim +$((f1 - f0)))"
		dump $L/fanin.hosts 3; dump $L/devmem-fanin.srv.err 8
		for k in 1 2 3; do dump $L/devmem-fanin.c$k.err 3; done
	fi
	if [ "$before" = "$after" ] && ! ls $NCDEVMEM_STATE_DIR/eth0*.journal >/dev/null 2>&1 &&
	   in_rcv vm_testbed queues eth0 | awk '$4 != 0 { exit 1 }'; then
		pass devmem-fanin-restored
		echo "    | $after"
	else
		fail devmem-fanin-restored "before '$before' after '$after'"
	fi

	# the corruption twin: sender 2 flips one byte
	BADF=1234567
	fanin_run devmem-fanin-corrupt 5401 --corrupt-at $BADF
	fanin_hosts $L/devmem-fanin-corrupt.srv.out >$L/fanin-c.hosts
	if [ $FSRC -eq 1 ] &&
	   grep -q "^{\"host\":\"10.9.2.2\",\"queue\":2,.*\"bad_bytes\":1,\"first_bad_offset\":$BADF," $L/fanin-c.hosts &&
	   [ "$(grep -c '"bad_bytes":0' $L/fanin-c.hosts)" = 2 ] &&
	   ! grep -q "^{\"host\":\"10.9.2.2\".*\"bad_bytes\":0" $L/fanin-c.hosts; then
		pass devmem-fanin-corrupt
		grep "10.9.2.2" $L/fanin-c.hosts | sed 's/,"seconds".*"validation":{/ ... /' | cut -c1-160 | sed 's/^/    | /'
	else
		fail devmem-fanin-corrupt "server rc=$FSRC (want 1, host 10.9.2.2 at offset $BADF, the others clean)"
		dump $L/fanin-c.hosts 3; dump $L/devmem-fanin-corrupt.srv.err 6
	fi
	echo "$old_rxq" > $P/rx_queue
	kill $F_RCV $F_RTR $F_S1 $F_S2 $F_S3 2>/dev/null
}
fanin_vm_check
